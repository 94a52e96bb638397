"""/api/v1/flags: the review queue."""
from __future__ import annotations

from flask import Blueprint, jsonify

from engage.api.edge import current_user, json_body, parse, parse_query, requires
from engage.audit.service import record_access
from engage.auth.permissions import Permission
from engage.flags import service
from engage.api.schemas.flags import AssignSchema, FlagQuery, FlagSchema, NoteSchema, ResolveSchema
from engage.web import db

bp = Blueprint("flags", __name__)
_flag = FlagSchema()


@bp.get("/flags")
@requires(Permission.READ_PATIENTS)
def review_queue():
    """The review queue: urgent first, then oldest. Unresolved flags unless `status` says otherwise.
    ---
    get:
      tags: [flags]
      parameters: [{in: query, schema: FlagQuery}]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: FlagSchema}}}}}}
    """
    flags = service.review_queue(db(), **parse_query(FlagQuery()))
    record_access(db(), current_user(), "list", "flag", {f.patient_id for f in flags if f.patient_id})
    return jsonify(data=_flag.dump(flags, many=True))


def _work(flag_id: int, action: str, apply):
    flag = service.get_flag(db(), flag_id)
    apply(flag)
    record_access(db(), current_user(), action, "flag", [flag.patient_id], flag.id)
    return jsonify(_flag.dump(flag))


@bp.post("/flags/<int:flag_id>/acknowledge")
@requires(Permission.WORK_FLAGS)
def acknowledge(flag_id: int):
    """Acknowledge a flag (stops its escalation).
    ---
    post:
      tags: [flags]
      requestBody: {required: false, content: {application/json: {schema: NoteSchema}}}
      responses: {200: {content: {application/json: {schema: FlagSchema}}}, 409: {description: Already resolved}}
    """
    data = parse(NoteSchema(), _optional_body())
    return _work(flag_id, "acknowledge", lambda f: service.acknowledge(db(), f, current_user(), data["note"]))


@bp.post("/flags/<int:flag_id>/assign")
@requires(Permission.WORK_FLAGS)
def assign(flag_id: int):
    """Assign a flag to a staff member.
    ---
    post:
      tags: [flags]
      requestBody: {content: {application/json: {schema: AssignSchema}}}
      responses:
        200: {content: {application/json: {schema: FlagSchema}}}
        422: {description: No active staff user with this id}
    """
    data = parse(AssignSchema())
    return _work(flag_id, "assign", lambda f: service.assign(db(), f, current_user(), data["staff_id"]))


@bp.post("/flags/<int:flag_id>/resolve")
@requires(Permission.WORK_FLAGS)
def resolve(flag_id: int):
    """Resolve a flag with a note saying what was done.
    ---
    post:
      tags: [flags]
      requestBody: {content: {application/json: {schema: ResolveSchema}}}
      responses:
        200: {content: {application/json: {schema: FlagSchema}}}
        409: {description: Already resolved}
        422: {description: The note is missing}
    """
    data = parse(ResolveSchema())
    return _work(flag_id, "resolve", lambda f: service.resolve(db(), f, current_user(), data["note"]))


def _optional_body() -> dict:
    body = json_body()
    return body if isinstance(body, dict) else {}
