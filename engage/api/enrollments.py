"""/api/v1/patients/<id>/enrollments."""
from __future__ import annotations

from flask import Blueprint, jsonify

from engage.api.edge import current_user, parse, requires
from engage.audit.service import record_access
from engage.auth.permissions import Permission
from engage.checkins import enrollments
from engage.api.schemas.checkins import EnrollmentSchema
from engage.db import utcnow
from engage.patients.service import get_patient
from engage.web import db

bp = Blueprint("enrollments", __name__)
_enrollment = EnrollmentSchema()


@bp.post("/patients/<int:patient_id>/enrollments")
@requires(Permission.START_CHECKINS)
def enroll(patient_id: int):
    """Schedule an instrument every N days on a channel; the first check-in is due at start_at (or now).
    ---
    post:
      tags: [enrollments]
      requestBody: {content: {application/json: {schema: EnrollmentSchema}}}
      responses:
        201: {content: {application/json: {schema: EnrollmentSchema}}}
        409: {description: The patient already has an enrollment for this instrument that has not ended}
        422: {description: Invalid fields, named in "fields" (voice is not available yet)}
    """
    data = parse(_enrollment)
    patient = get_patient(db(), patient_id)
    enrollment = enrollments.enroll(db(), patient, now=utcnow(), **data)
    record_access(db(), current_user(), "create", "enrollment", [patient.id], enrollment.id)
    return jsonify(_enrollment.dump(enrollment)), 201


@bp.get("/patients/<int:patient_id>/enrollments")
@requires(Permission.READ_PATIENTS)
def list_enrollments(patient_id: int):
    """A patient's enrollments, newest first, with status (and why one is paused) and when the next is due.
    ---
    get:
      tags: [enrollments]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: EnrollmentSchema}}}}}}
    """
    patient = get_patient(db(), patient_id)
    rows = enrollments.list_enrollments(db(), patient.id)
    record_access(db(), current_user(), "list", "enrollment", [patient.id])
    return jsonify(data=_enrollment.dump(rows, many=True))


@bp.post("/patients/<int:patient_id>/enrollments/<int:enrollment_id>/end")
@requires(Permission.START_CHECKINS)
def end_enrollment(patient_id: int, enrollment_id: int):
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
    enrollment = enrollments.end_enrollment(db(), enrollments.get_enrollment(db(), patient.id, enrollment_id),
                                            utcnow())
    record_access(db(), current_user(), "end", "enrollment", [patient.id], enrollment.id)
    return jsonify(_enrollment.dump(enrollment))
