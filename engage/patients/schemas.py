"""The patient resource at the API boundary."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate

from engage.enums import Channel
from messages import supported_languages


def _check_language(value: str) -> None:
    if value not in supported_languages():
        raise ValidationError(f"Unsupported language; one of: {', '.join(sorted(supported_languages()))}.")


def _check_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Unknown time zone; use an IANA name such as America/Chicago.") from None


class QuietHoursSchema(Schema):
    start = fields.Time(required=True, format="%H:%M")
    end = fields.Time(required=True, format="%H:%M")


class ConsentSchema(Schema):
    sms = fields.Boolean()
    voice = fields.Boolean()


class PatientSchema(Schema):
    id = fields.Integer(dump_only=True)
    external_id = fields.String(allow_none=True, validate=validate.Length(max=64))
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(required=True, metadata={"description": "Any common format; stored as E.164."})
    language = fields.String(validate=_check_language, metadata={"description": "A shipped locale, e.g. en, es."})
    timezone = fields.String(validate=_check_timezone, metadata={"description": "IANA zone; clinic's by default."})
    channel = fields.Enum(Channel, by_value=True)
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    no_video = fields.Boolean()
    care_manager_id = fields.Integer(allow_none=True)
    consent = fields.Nested(ConsentSchema, metadata={"description": "Consent to SMS and to calls."})
    sms_reachable = fields.Boolean(dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class PatientListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None)
    phone = fields.String(load_default=None)
    external_id = fields.String(load_default=None)


class PatientPageSchema(Schema):
    data = fields.List(fields.Nested(PatientSchema))
    next_cursor = fields.String(allow_none=True)
