"""/api/v1/flags: the review queue."""
from __future__ import annotations

from flask import Blueprint

from engage.api.edge import Audit, current_user, endpoint
from engage.api.schemas.flags import AssignSchema, FlagQuery, FlagSchema, NoteSchema, ResolveSchema
from engage.auth.permissions import Permission
from engage.flags import service
from engage.flags.models import Flag
from engage.web import db

bp = Blueprint("flags", __name__)
_flag = FlagSchema()


@bp.get("/flags")
@endpoint(Permission.READ_PATIENTS, query=FlagQuery(), answer=_flag, audit=Audit("list", "flag"))
def review_queue(query: dict) -> list[Flag]:
    """The review queue: urgent first, then oldest. Unresolved flags unless `status` says otherwise.
    ---
    get:
      tags: [flags]
      parameters: [{in: query, schema: FlagQuery}]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: FlagSchema}}}}}}
    """
    return service.review_queue(db(), **query)


@bp.post("/flags/<int:flag_id>/acknowledge")
@endpoint(Permission.WORK_FLAGS, body=NoteSchema(), optional_body=True, answer=_flag,
          audit=Audit("acknowledge", "flag"))
def acknowledge(flag_id: int, body: dict) -> Flag:
    """Acknowledge a flag (stops its escalation).
    ---
    post:
      tags: [flags]
      requestBody: {required: false, content: {application/json: {schema: NoteSchema}}}
      responses: {200: {content: {application/json: {schema: FlagSchema}}}, 409: {description: Already resolved}}
    """
    return service.acknowledge(db(), service.get_flag(db(), flag_id), current_user(), body["note"])


@bp.post("/flags/<int:flag_id>/assign")
@endpoint(Permission.WORK_FLAGS, body=AssignSchema(), answer=_flag, audit=Audit("assign", "flag"))
def assign(flag_id: int, body: dict) -> Flag:
    """Assign a flag to a staff member.
    ---
    post:
      tags: [flags]
      requestBody: {content: {application/json: {schema: AssignSchema}}}
      responses:
        200: {content: {application/json: {schema: FlagSchema}}}
        422: {description: No active staff user with this id}
    """
    return service.assign(db(), service.get_flag(db(), flag_id), current_user(), body["staff_id"])


@bp.post("/flags/<int:flag_id>/resolve")
@endpoint(Permission.WORK_FLAGS, body=ResolveSchema(), answer=_flag, audit=Audit("resolve", "flag"))
def resolve(flag_id: int, body: dict) -> Flag:
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
    return service.resolve(db(), service.get_flag(db(), flag_id), current_user(), body["note"], body["outcome"])
