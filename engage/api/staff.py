"""/api/v1/staff: who works here, and who is on call for urgent flags (admins only)."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from engage.api.edge import Audit, endpoint
from engage.auth import service
from engage.auth.permissions import Permission
from engage.enums import Role
from engage.web import db

bp = Blueprint("staff", __name__)


class StaffSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.Enum(Role, by_value=True)
    phone = fields.String(allow_none=True)
    on_call = fields.Boolean(metadata={"description": "Hears of an urgent flag first, at once"})
    active = fields.Boolean()


class StaffListSchema(Schema):
    data = fields.List(fields.Nested(StaffSchema))


class OnCallSchema(Schema):
    on_call = fields.Boolean(required=True, metadata={
        "description": "Only active care managers and admins with a phone can be on call"})


_staff = StaffSchema()


@bp.get("/staff")
@endpoint(Permission.MANAGE_STAFF, answer=_staff)
def list_staff():
    """Every staff user, oldest first, with who is on call.
    ---
    get:
      tags: [staff]
      responses:
        200: {content: {application/json: {schema: StaffListSchema}}}
    """
    return service.list_staff(db())


@bp.patch("/staff/<int:staff_id>")
@endpoint(Permission.MANAGE_STAFF, body=OnCallSchema(), answer=_staff,
          audit=Audit("update", "staff", patients=lambda _user: [None], fields=True))
def update_staff(staff_id: int, body: dict):
    """Put a staff user on call, or take them off.
    ---
    patch:
      tags: [staff]
      requestBody: {content: {application/json: {schema: OnCallSchema}}}
      responses:
        200: {content: {application/json: {schema: StaffSchema}}}
        404: {description: No such staff user}
        422: {description: "Not a care manager or admin, no phone, or inactive"}
    """
    return service.set_on_call(service.get_staff_user(db(), staff_id), body["on_call"])
