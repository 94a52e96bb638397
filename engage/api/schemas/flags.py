from __future__ import annotations

from marshmallow import Schema, fields, validate

from engage.bounds import Id
from engage.enums import FlagKind, FlagOutcome, FlagPriority, FlagStatus


class FlagEventSchema(Schema):
    action = fields.String()
    actor_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    occurred_at = fields.DateTime()


class FlagSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer(allow_none=True)
    kind = fields.Enum(FlagKind, by_value=True)
    priority = fields.Enum(FlagPriority, by_value=True)
    status = fields.Enum(FlagStatus, by_value=True)
    reason = fields.String()
    checkin_id = fields.Integer(allow_none=True)
    message_id = fields.Integer(allow_none=True)
    assigned_to_id = fields.Integer(allow_none=True)
    escalation_level = fields.Integer(metadata={"description": "How many times it has escalated unacknowledged"})
    next_escalation_at = fields.DateTime(allow_none=True, metadata={
        "description": "When it escalates next unless acknowledged; null once acknowledged"})
    created_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    outcome = fields.Enum(FlagOutcome, by_value=True, allow_none=True,
                          metadata={"description": "What resolving it came to, when the resolver said"})
    events = fields.List(fields.Nested(FlagEventSchema))


class FlagQuery(Schema):
    status = fields.Enum(FlagStatus, by_value=True, load_default=None)
    priority = fields.Enum(FlagPriority, by_value=True, load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class NoteSchema(Schema):
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class ResolveSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    outcome = fields.Enum(FlagOutcome, by_value=True, load_default=None)


class AssignSchema(Schema):
    staff_id = Id(required=True)
