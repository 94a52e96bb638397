from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engage.bounds import Moment, Text, Whole
from engage.enums import Channel, CheckInStatus, EnrollmentStatus
from engage.instruments import INSTRUMENTS, get_instrument

_INSTRUMENT = validate.OneOf(sorted(INSTRUMENTS))
# Where a result recorded through the API was taken; check-ins record their channel (sms, voice).
RECORDED_SOURCES = ["clinic", "ehr", "paper", "portal"]


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
    at = Moment(load_only=True, load_default=None, metadata={"description": "When to start (default: now)"})
    status = fields.Enum(CheckInStatus, by_value=True, dump_only=True)
    source = fields.String(dump_only=True)
    scheduled_for = fields.DateTime(dump_only=True)
    started_at = fields.DateTime(dump_only=True, allow_none=True)
    completed_at = fields.DateTime(dump_only=True, allow_none=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    answers = fields.List(fields.Nested(AnswerSchema), dump_only=True)


class EnrollmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    patient_id = fields.Integer(dump_only=True)
    instrument = fields.String(required=True, validate=_INSTRUMENT)
    interval_days = Whole(required=True, validate=validate.Range(1, 365),
                                   metadata={"description": "Days from one completed check-in to the next"})
    channel = fields.Enum(Channel, by_value=True, load_default=None,
                          metadata={"description": "Default: the patient's preferred channel"})
    start_at = Moment(load_only=True, load_default=None,
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
    id = fields.Integer()
    patient_id = fields.Integer()
    checkin_id = fields.Integer(allow_none=True)
    instrument = fields.String(validate=_INSTRUMENT)
    answers = fields.List(fields.Integer(allow_none=True))
    total = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    safety_event = fields.Boolean()
    positive_screen = fields.Boolean()
    completed_at = fields.DateTime()
    source = fields.String(validate=validate.OneOf([*RECORDED_SOURCES, *Channel]))
    external_id = fields.String(allow_none=True)
    episode_id = fields.Integer(allow_none=True, metadata={"description": "The episode of care it was taken in"})
    change_from_baseline = fields.Integer(allow_none=True, metadata={
        "description": "From the episode's first score on this instrument; null outside an episode"})
    change_from_baseline_percent = fields.Float(allow_none=True)


class RecordOutcomeSchema(Schema):
    """A result taken elsewhere (clinic, EHR, paper, portal), recorded to be scored and flagged."""

    instrument = fields.String(required=True, validate=_INSTRUMENT)
    answers = fields.List(Whole(allow_none=True, validate=validate.Range(0, 3)), required=True,
                          validate=validate.Length(max=max(len(i.questions) for i in INSTRUMENTS.values())),
                          metadata={"description": "One per item, in order; null for an item not answered."})
    completed_at = Moment(required=True, metadata={"description": "Not in the future (a few minutes' clock "
                                                               "difference is allowed)"})
    source = fields.String(required=True, validate=validate.OneOf(RECORDED_SOURCES))
    external_id = Text(64, min_length=1, load_default=None, metadata={
        "description": "The sending system's id for this result; sent again, the result is recorded once"})

    @validates_schema
    def _answers_fit_instrument(self, data, **_kwargs):
        if "instrument" not in data or "answers" not in data:
            return
        instrument = get_instrument(data["instrument"])
        allowed = {len(instrument.items)} | ({len(instrument.items) + 1} if instrument.closing_item else set())
        if len(data["answers"]) not in allowed:
            raise ValidationError(f"{instrument.code} has {len(instrument.items)} items.", "answers")
