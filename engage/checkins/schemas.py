from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engage.enums import Channel, CheckInStatus, EnrollmentStatus
from engage.instruments import INSTRUMENTS, get_instrument

_INSTRUMENT = validate.OneOf(sorted(INSTRUMENTS))


class AnswerSchema(Schema):
    item = fields.Integer(attribute="item_index", metadata={"description": "0-based item position"})
    code = fields.String(attribute="item_code")
    value = fields.Integer()
    answered_at = fields.DateTime()


class CheckInSchema(Schema):
    id = fields.Integer(dump_only=True)
    patient_id = fields.Integer(dump_only=True)
    instrument = fields.String(required=True, validate=_INSTRUMENT)
    channel = fields.Enum(Channel, by_value=True, load_default=None)
    at = fields.AwareDateTime(load_only=True, load_default=None,
                              metadata={"description": "When to start (default: now)"})
    status = fields.Enum(CheckInStatus, by_value=True, dump_only=True)
    source = fields.String(dump_only=True)
    scheduled_for = fields.DateTime(dump_only=True)
    started_at = fields.DateTime(dump_only=True)
    completed_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)
    answers = fields.List(fields.Nested(AnswerSchema), dump_only=True)


class EnrollmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    patient_id = fields.Integer(dump_only=True)
    instrument = fields.String(required=True, validate=_INSTRUMENT)
    interval_days = fields.Integer(required=True, validate=validate.Range(1, 365),
                                   metadata={"description": "Days from one completed check-in to the next"})
    channel = fields.Enum(Channel, by_value=True, load_default=None,
                          metadata={"description": "Default: the patient's preferred channel"})
    start_at = fields.AwareDateTime(load_only=True, load_default=None,
                                    metadata={"description": "When the first check-in is due (default: now)"})
    status = fields.Enum(EnrollmentStatus, by_value=True, dump_only=True)
    paused_reason = fields.String(dump_only=True, allow_none=True,
                                  metadata={"description": "opted_out, unreachable or patient_inactive"})
    paused_at = fields.DateTime(dump_only=True, allow_none=True)
    next_due_at = fields.DateTime(dump_only=True, allow_none=True,
                                  metadata={"description": "Empty while a check-in is under way"})
    last_completed_at = fields.DateTime(dump_only=True, allow_none=True)
    started_at = fields.DateTime(dump_only=True)
    ended_at = fields.DateTime(dump_only=True, allow_none=True)


class OutcomeSchema(Schema):
    id = fields.Integer(dump_only=True)
    patient_id = fields.Integer(dump_only=True)
    checkin_id = fields.Integer(dump_only=True, allow_none=True)
    instrument = fields.String(required=True, validate=_INSTRUMENT)
    answers = fields.List(fields.Integer(allow_none=True, validate=validate.Range(0, 3)), required=True)
    total = fields.Integer(dump_only=True, allow_none=True)
    severity = fields.String(dump_only=True, allow_none=True)
    safety_event = fields.Boolean(dump_only=True)
    positive_screen = fields.Boolean(dump_only=True)
    completed_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["clinic", "ehr", "paper", "portal"]))
    change_from_baseline = fields.Integer(dump_only=True, allow_none=True)
    change_from_baseline_percent = fields.Float(dump_only=True, allow_none=True)

    @validates_schema
    def _answers_fit_instrument(self, data, **_kwargs):
        if "instrument" not in data or "answers" not in data:
            return
        instrument = get_instrument(data["instrument"])
        allowed = {len(instrument.items)} | ({len(instrument.items) + 1} if instrument.closing_item else set())
        if len(data["answers"]) not in allowed:
            raise ValidationError(f"{instrument.code} has {len(instrument.items)} items.", "answers")
