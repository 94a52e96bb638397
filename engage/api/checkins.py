"""/api/v1/patients/<id>/checkins and /outcomes."""
from __future__ import annotations

from flask import Blueprint, jsonify

from engage.api.edge import current_user, parse, requires
from engage.audit.service import record_access
from engage.auth.permissions import Permission
from engage.checkins import outcomes, service
from engage.api.schemas.checkins import CheckInSchema, OutcomeSchema, RecordOutcomeSchema
from engage.db import utcnow
from engage.patients.service import get_patient
from engage.web import db, runtime

bp = Blueprint("checkins", __name__)
_checkin, _outcome = CheckInSchema(), OutcomeSchema()


@bp.post("/patients/<int:patient_id>/checkins")
@requires(Permission.START_CHECKINS)
def start_checkin(patient_id: int):
    """Start a check-in now, or schedule it for a time.
    ---
    post:
      tags: [checkins]
      requestBody: {content: {application/json: {schema: CheckInSchema}}}
      responses:
        201: {content: {application/json: {schema: CheckInSchema}}}
        422: {description: Invalid fields, named in "fields"}
    """
    data = parse(_checkin)
    patient = get_patient(db(), patient_id)
    checkin = service.schedule_checkin(db(), patient, data["instrument"], at=data["at"], channel=data["channel"])
    record_access(db(), current_user(), "create", "checkin", [patient.id], checkin.id)
    return jsonify(_checkin.dump(checkin)), 201


@bp.get("/patients/<int:patient_id>/checkins")
@requires(Permission.READ_PATIENTS)
def list_checkins(patient_id: int):
    """A patient's check-ins, newest first, with their answers so far.
    ---
    get:
      tags: [checkins]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: CheckInSchema}}}}}}
    """
    patient = get_patient(db(), patient_id)
    rows = service.list_checkins(db(), patient.id)
    record_access(db(), current_user(), "list", "checkin", [patient.id])
    return jsonify(data=_checkin.dump(rows, many=True))


@bp.get("/patients/<int:patient_id>/outcomes")
@requires(Permission.READ_PATIENTS)
def list_outcomes(patient_id: int):
    """Scored results over time, oldest first, with change from the first (baseline) result.
    ---
    get:
      tags: [outcomes]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: OutcomeSchema}}}}}}
    """
    patient = get_patient(db(), patient_id)
    rows = outcomes.with_change_from_baseline(outcomes.list_outcomes(db(), patient.id))
    record_access(db(), current_user(), "list", "outcome", [patient.id])
    return jsonify(data=_outcome.dump(rows, many=True))


@bp.post("/patients/<int:patient_id>/outcomes")
@requires(Permission.RECORD_OUTCOMES)
def record_outcome(patient_id: int):
    """Record an instrument completed elsewhere (clinic, EHR); scored and flagged like any other, and a
    positive PHQ-2 or GAD-2 from the last two weeks is followed by the full PHQ-9 or GAD-7 by text.
    ---
    post:
      tags: [outcomes]
      requestBody: {content: {application/json: {schema: RecordOutcomeSchema}}}
      responses:
        201: {content: {application/json: {schema: OutcomeSchema}}}
        422: {description: Invalid fields, named in "fields"}
    """
    data = parse(RecordOutcomeSchema())
    patient = get_patient(db(), patient_id)
    outcome = outcomes.record_external(db(), runtime().settings, patient, now=utcnow(), **data)
    record_access(db(), current_user(), "create", "outcome", [patient.id], outcome.id)
    return jsonify(_outcome.dump(outcome)), 201
