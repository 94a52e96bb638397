"""/api/v1/caseload and /api/v1/patients/<id>/episodes: treatment episodes and their treat-to-target status."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from engage.api.edge import Audit, endpoint
from engage.auth.permissions import Permission
from engage.bounds import Id
from engage.db import utcnow
from engage.enums import CaseloadStatus, DischargeReason
from engage.patients.service import get_patient
from engage.checkins import enrollments
from engage.checkins.caseload import SORTS, caseload
from engage.registry import episodes
from engage.web import db, runtime

bp = Blueprint("registry", __name__)


class CaseloadQuery(Schema):
    status = fields.Enum(CaseloadStatus, by_value=True, load_default=None)
    care_manager_id = Id(load_default=None)
    sort = fields.String(load_default="status", validate=validate.OneOf([*SORTS, *(f"-{s}" for s in SORTS)]),
                         metadata={"description": "A column, descending with a leading '-'; status sorts "
                                                  "not_improving and no_recent_score first"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**6))


class CaseloadRowSchema(Schema):
    episode_id = fields.Integer()
    patient_id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    instrument = fields.String(metadata={"description": "phq9, or gad7 for anxiety-only care"})
    care_manager_id = fields.Integer(allow_none=True)
    opened_at = fields.DateTime()
    weeks_in_treatment = fields.Integer()
    baseline = fields.Integer(allow_none=True, metadata={"description": "The first score in the episode"})
    baseline_at = fields.DateTime(allow_none=True)
    latest = fields.Integer(allow_none=True)
    latest_at = fields.DateTime(allow_none=True)
    change_percent = fields.Float(allow_none=True, metadata={"description": "From baseline; negative is better"})
    last_contact = fields.DateTime(allow_none=True, metadata={"description": "The latest score or text from them"})
    open_flags = fields.Integer()
    status = fields.Enum(CaseloadStatus, by_value=True)


class CaseloadPageSchema(Schema):
    data = fields.List(fields.Nested(CaseloadRowSchema))
    next_offset = fields.Integer(allow_none=True)


class EpisodeSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    instrument = fields.String()
    care_manager_id = fields.Integer(allow_none=True)
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    close_reason = fields.Enum(DischargeReason, by_value=True, allow_none=True)


class DischargeSchema(Schema):
    reason = fields.Enum(DischargeReason, by_value=True, required=True)


_episode = EpisodeSchema()


@bp.get("/caseload")
@endpoint(Permission.READ_PATIENTS, query=CaseloadQuery(), answer=CaseloadPageSchema(),
          audit=Audit("list", "caseload", patients=lambda page: [row.patient_id for row in page["data"]]))
def read_caseload(query: dict) -> dict:
    """One row per patient in an open episode, with the treat-to-target status, a page at a time.
    ---
    get:
      tags: [registry]
      parameters: [{in: query, schema: CaseloadQuery}]
      responses:
        200: {content: {application/json: {schema: CaseloadPageSchema}}}
    """
    rows, next_offset = caseload(db(), runtime().settings, utcnow(), **query)
    return {"data": rows, "next_offset": next_offset}


@bp.get("/patients/<int:patient_id>/episodes")
@endpoint(Permission.READ_PATIENTS, answer=_episode, audit=Audit("list", "episode"))
def list_episodes(patient_id: int):
    """The patient's episodes of care, newest first.
    ---
    get:
      tags: [registry]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: EpisodeSchema}}}}}}
    """
    return episodes.list_episodes(db(), get_patient(db(), patient_id).id)


@bp.post("/patients/<int:patient_id>/episodes/<int:episode_id>/discharge")
@endpoint(Permission.WRITE_PATIENTS, body=DischargeSchema(), answer=_episode, audit=Audit("discharge", "episode"))
def discharge(patient_id: int, episode_id: int, body: dict):
    """Close an episode: remission held, moved on, or lost to follow-up. Every enrollment of the
    patient's ends with it: no further check-in is scheduled.
    ---
    post:
      tags: [registry]
      requestBody: {content: {application/json: {schema: DischargeSchema}}}
      responses:
        200: {content: {application/json: {schema: EpisodeSchema}}}
        409: {description: The episode is already closed}
    """
    return enrollments.discharge(db(), get_patient(db(), patient_id).id, episode_id, body["reason"], utcnow())
