"""/api/v1/patients: thin views over the patients service."""
from __future__ import annotations

from flask import Blueprint, url_for

from engage.api.edge import Audit, current_user, endpoint
from engage.api.schemas.patients import (
    ConsentEventSchema, PatientChangesSchema, PatientListQuery, PatientPageSchema, PatientSchema,
)
from engage.auth.permissions import Permission
from engage.db import utcnow
from engage.patients import consent, service
from engage.patients.models import ConsentEvent, Patient
from engage.web import db, runtime

bp = Blueprint("patients", __name__)
_patient = PatientSchema()


@bp.post("/patients")
@endpoint(Permission.WRITE_PATIENTS, body=_patient, answer=_patient, status=201,
          audit=Audit("create", "patient", patients=lambda patient: [patient.id]),
          location=lambda patient: url_for(".read_patient", patient_id=patient.id))
def create_patient(body: dict) -> Patient:
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
    return service.create_patient(db(), body, runtime().settings, recorded_by_id=current_user().id)


@bp.get("/patients/<int:patient_id>")
@endpoint(Permission.READ_PATIENTS, answer=_patient, audit=Audit("read", "patient"))
def read_patient(patient_id: int) -> Patient:
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
    return service.get_patient(db(), patient_id)


@bp.patch("/patients/<int:patient_id>")
@endpoint(Permission.WRITE_PATIENTS, body=PatientChangesSchema(), answer=_patient,
          audit=Audit("update", "patient", fields=True))
def update_patient(patient_id: int, body: dict) -> Patient:
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
    return service.update_patient(db(), service.get_patient(db(), patient_id), body, runtime().settings,
                                  recorded_by_id=current_user().id)


@bp.get("/patients")
@endpoint(Permission.READ_PATIENTS, query=PatientListQuery(), answer=PatientPageSchema(),
          audit=Audit("list", "patient", patients=lambda page: [patient.id for patient in page["data"]]))
def list_patients(query: dict) -> dict:
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
    patients, next_cursor = service.list_patients(db(), settings=runtime().settings, **query)
    return {"data": patients, "next_cursor": next_cursor}


@bp.post("/patients/<int:patient_id>/consent/sms/requests")
@endpoint(Permission.RELAY_OPT_IN_REQUESTS, answer=ConsentEventSchema(), status=201,
          audit=Audit("request_opt_in", "consent"))
def request_sms_opt_in(patient_id: int) -> ConsentEvent:
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
    return consent.request_sms_opt_in(db(), runtime().settings, patient, current_user(), utcnow())
