"""/api/v1/patients/<id>/checkins and /outcomes."""
from __future__ import annotations

from flask import Blueprint

from engage.api.edge import Audit, Repeat, endpoint
from engage.api.schemas.checkins import CheckInSchema, OutcomeSchema, RecordOutcomeSchema
from engage.auth.permissions import Permission
from engage.checkins import outcomes, service
from engage.checkins.models import CheckIn, Outcome
from engage.db import utcnow
from engage.patients.service import get_patient
from engage.web import db, runtime

bp = Blueprint("checkins", __name__)
_checkin, _outcome = CheckInSchema(), OutcomeSchema()


@bp.post("/patients/<int:patient_id>/checkins")
@endpoint(Permission.START_CHECKINS, body=_checkin, answer=_checkin, status=201, audit=Audit("create", "checkin"))
def start_checkin(patient_id: int, body: dict) -> CheckIn:
    """Start a check-in now, or schedule it for a time.
    ---
    post:
      tags: [checkins]
      requestBody: {content: {application/json: {schema: CheckInSchema}}}
      responses:
        201: {content: {application/json: {schema: CheckInSchema}}}
        422: {description: Invalid fields, named in "fields"}
    """
    patient = get_patient(db(), patient_id)
    return service.schedule_checkin(db(), patient, body["instrument"], at=body["at"], channel=body["channel"])


@bp.get("/patients/<int:patient_id>/checkins")
@endpoint(Permission.READ_PATIENTS, answer=_checkin, audit=Audit("list", "checkin"))
def list_checkins(patient_id: int) -> list[CheckIn]:
    """A patient's check-ins, newest first, with their answers so far.
    ---
    get:
      tags: [checkins]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: CheckInSchema}}}}}}
    """
    return service.list_checkins(db(), get_patient(db(), patient_id).id)


@bp.get("/patients/<int:patient_id>/outcomes")
@endpoint(Permission.READ_PATIENTS, answer=_outcome, audit=Audit("list", "outcome"))
def list_outcomes(patient_id: int) -> list[outcomes.OutcomeView]:
    """Scored results over time, oldest first, each with its episode of care and its change from the
    episode's baseline (the first score on that instrument in the episode; none outside an episode).
    ---
    get:
      tags: [outcomes]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: OutcomeSchema}}}}}}
    """
    return outcomes.outcomes_over_time(db(), get_patient(db(), patient_id).id)


@bp.post("/patients/<int:patient_id>/outcomes")
@endpoint(Permission.RECORD_OUTCOMES, body=RecordOutcomeSchema(), answer=_outcome, status=201,
          audit=Audit("create", "outcome"))
def record_outcome(patient_id: int, body: dict) -> Outcome | Repeat:
    """Record an instrument completed elsewhere (clinic, EHR); scored and flagged like any other, and a
    positive PHQ-2 or GAD-2 from the last two weeks is followed by the full PHQ-9 or GAD-7 by text.
    ---
    post:
      tags: [outcomes]
      requestBody: {content: {application/json: {schema: RecordOutcomeSchema}}}
      responses:
        201: {content: {application/json: {schema: OutcomeSchema}}}
        200:
          description: This external id was recorded before with the same result; nothing new is recorded
          content: {application/json: {schema: OutcomeSchema}}
        409: {description: This external id names a different result}
        422: {description: 'Invalid fields, named in "fields" (a completed_at in the future among them)'}
    """
    patient = get_patient(db(), patient_id)
    outcome, new = outcomes.record_external(db(), runtime().settings, patient, now=utcnow(), **body)
    return outcome if new else Repeat(outcome)
