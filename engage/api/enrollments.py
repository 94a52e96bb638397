"""/api/v1/patients/<id>/enrollments."""
from __future__ import annotations

from flask import Blueprint

from engage.api.edge import Audit, endpoint
from engage.api.schemas.checkins import EnrollmentSchema
from engage.auth.permissions import Permission
from engage.checkins import enrollments
from engage.checkins.models import Enrollment
from engage.db import utcnow
from engage.patients.service import get_patient
from engage.web import db

bp = Blueprint("enrollments", __name__)
_enrollment = EnrollmentSchema()


@bp.post("/patients/<int:patient_id>/enrollments")
@endpoint(Permission.START_CHECKINS, body=_enrollment, answer=_enrollment, status=201,
          audit=Audit("create", "enrollment"))
def enroll(patient_id: int, body: dict) -> Enrollment:
    """Schedule an instrument every N days on a channel; the first check-in is due at start_at (or now).
    ---
    post:
      tags: [enrollments]
      requestBody: {content: {application/json: {schema: EnrollmentSchema}}}
      responses:
        201: {content: {application/json: {schema: EnrollmentSchema}}}
        409: {description: The patient already has an enrollment for this instrument that has not ended}
        422: {description: Invalid fields, named in "fields"}
    """
    return enrollments.enroll(db(), get_patient(db(), patient_id), now=utcnow(), **body)


@bp.get("/patients/<int:patient_id>/enrollments")
@endpoint(Permission.READ_PATIENTS, answer=_enrollment, audit=Audit("list", "enrollment"))
def list_enrollments(patient_id: int) -> list[Enrollment]:
    """A patient's enrollments, newest first, with status (and why one is paused) and when the next is due.
    ---
    get:
      tags: [enrollments]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: EnrollmentSchema}}}}}}
    """
    return enrollments.list_enrollments(db(), get_patient(db(), patient_id).id)


@bp.post("/patients/<int:patient_id>/enrollments/<int:enrollment_id>/end")
@endpoint(Permission.START_CHECKINS, answer=_enrollment, audit=Audit("end", "enrollment"))
def end_enrollment(patient_id: int, enrollment_id: int) -> Enrollment:
    """End an enrollment: nothing more is planned and a check-in not yet sent is cancelled.
    ---
    post:
      tags: [enrollments]
      responses:
        200: {content: {application/json: {schema: EnrollmentSchema}}}
        404: {description: No such enrollment for this patient}
        409: {description: The enrollment has already ended}
    """
    patient = get_patient(db(), patient_id)
    return enrollments.end_enrollment(db(), enrollments.get_enrollment(db(), patient.id, enrollment_id), utcnow())
