"""/api/v1/patients: thin views over the patients service."""
from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from engage.api.edge import current_user, parse, parse_query, requires
from engage.audit.service import record_access
from engage.auth.permissions import Permission
from engage.db import utcnow
from engage.patients import consent, service
from engage.api.schemas.patients import (
    ConsentEventSchema, PatientChangesSchema, PatientListQuery, PatientPageSchema, PatientSchema,
)
from engage.web import db, runtime

bp = Blueprint("patients", __name__)
_patient = PatientSchema()


@bp.post("/patients")
@requires(Permission.WRITE_PATIENTS)
def create_patient():
    """Create a patient.
    ---
    post:
      tags: [patients]
      requestBody:
        content:
          application/json:
            schema: PatientSchema
      responses:
        201:
          content:
            application/json:
              schema: PatientSchema
        409: {description: The phone or external id belongs to another patient}
    """
    data = parse(_patient)
    patient = service.create_patient(db(), data, runtime().settings, recorded_by_id=current_user().id)
    record_access(db(), current_user(), "create", "patient", [patient.id], patient.id)
    response = jsonify(_patient.dump(patient))
    response.status_code = 201
    response.headers["Location"] = url_for(".read_patient", patient_id=patient.id)
    return response


@bp.get("/patients/<int:patient_id>")
@requires(Permission.READ_PATIENTS)
def read_patient(patient_id: int):
    """Read a patient.
    ---
    get:
      tags: [patients]
      responses:
        200:
          content:
            application/json:
              schema: PatientSchema
        404: {description: No such patient}
    """
    patient = service.get_patient(db(), patient_id)
    record_access(db(), current_user(), "read", "patient", [patient.id], patient.id)
    return jsonify(_patient.dump(patient))


@bp.patch("/patients/<int:patient_id>")
@requires(Permission.WRITE_PATIENTS)
def update_patient(patient_id: int):
    """Update some of a patient's fields.
    ---
    patch:
      tags: [patients]
      requestBody:
        content:
          application/json:
            schema: PatientChangesSchema
      responses:
        200:
          content:
            application/json:
              schema: PatientSchema
        409: {description: "The phone or external id belongs to another patient, or the change would give SMS
          consent back after the patient opted out: only the patient can, by texting START"}
    """
    data = parse(PatientChangesSchema())
    patient = service.update_patient(db(), service.get_patient(db(), patient_id), data, runtime().settings,
                                     recorded_by_id=current_user().id)
    record_access(db(), current_user(), "update", "patient", [patient.id], patient.id, {"fields": sorted(data)})
    return jsonify(_patient.dump(patient))


@bp.get("/patients")
@requires(Permission.READ_PATIENTS)
def list_patients():
    """List patients, oldest first, a page at a time.
    ---
    get:
      tags: [patients]
      parameters: [{in: query, schema: PatientListQuery}]
      responses:
        200:
          content:
            application/json:
              schema: PatientPageSchema
    """
    query = parse_query(PatientListQuery())
    patients, next_cursor = service.list_patients(db(), settings=runtime().settings, **query)
    record_access(db(), current_user(), "list", "patient", [p.id for p in patients])
    return jsonify(PatientPageSchema().dump({"data": patients, "next_cursor": next_cursor}))


@bp.post("/patients/<int:patient_id>/consent/sms/requests")
@requires(Permission.RELAY_OPT_IN_REQUESTS)
def request_sms_opt_in(patient_id: int):
    """Record that a patient who opted out asked in person to get texts again. They are sent one text
    asking them to reply START; their consent changes only when they do, and nothing else is sent before.
    ---
    post:
      tags: [patients]
      responses:
        201:
          description: The request, as recorded in the consent history (source staff_in_person)
          content:
            application/json:
              schema: ConsentEventSchema
        409: {description: "The patient is inactive, already agreed to texts, has not opted out, cannot be
          texted at this number, or was asked less than 24 hours ago"}
    """
    patient = service.get_patient(db(), patient_id)
    event = consent.request_sms_opt_in(db(), runtime().settings, patient, current_user(), utcnow())
    record_access(db(), current_user(), "request_opt_in", "consent", [patient.id], event.id)
    return jsonify(ConsentEventSchema().dump(event)), 201
