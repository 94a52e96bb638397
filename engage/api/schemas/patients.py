"""The patient resource at the API boundary."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engage.bounds import Id, Name, Phone, Text, TimeZone
from engage.enums import Channel, ConsentAction
from messages import supported_languages


_CLOCK_TIME = {"pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "21:00"}


class QuietHoursSchema(Schema):
    start = fields.Time(required=True, format="%H:%M", metadata=_CLOCK_TIME)
    end = fields.Time(required=True, format="%H:%M", metadata=_CLOCK_TIME)


class ConsentSchema(Schema):
    sms = fields.Boolean()
    voice = fields.Boolean()


class SwitchSchema(Schema):
    at = fields.DateTime()
    reason = fields.String()


class PatientSchema(Schema):
    id = fields.Integer(dump_only=True)
    external_id = Text(64, min_length=1, allow_none=True, metadata={"description": "The EHR's id (MRN); unique."})
    first_name = Name(100, required=True)
    last_name = Name(100, required=True)
    phone = Phone(required=True)
    language = fields.String(validate=validate.OneOf(sorted(supported_languages())),
                             metadata={"description": "A shipped locale."})
    timezone = TimeZone(metadata={"description": "IANA zone; clinic's by default."})
    channel = fields.Enum(Channel, by_value=True)
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    no_video = fields.Boolean()
    care_manager_id = Id(allow_none=True, metadata={"description": "A staff user with the care_manager role."})
    consent = fields.Nested(ConsentSchema, metadata={"description": "Consent to SMS and to calls."})
    switched_to_calls = fields.Nested(SwitchSchema, dump_only=True, allow_none=True, metadata={
        "description": "Set when texts could not be delivered and check-ins moved to calls (the patient "
                       "agreed to calls): when, and the provider error"})
    sms_reachable = fields.Boolean(dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class PatientChangesSchema(PatientSchema):
    """Any of a patient's fields: those left out keep their value."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class ConsentEventSchema(Schema):
    """An entry of the consent ledger: a decision (granted, revoked) or a request, with its source."""

    id = fields.Integer()
    patient_id = fields.Integer()
    channel = fields.Enum(Channel, by_value=True)
    action = fields.Enum(ConsentAction, by_value=True)
    source = fields.String(metadata={"description": "sms (the patient's own text), api, staff_in_person, ..."})
    recorded_by_id = fields.Integer(allow_none=True, metadata={"description": "The staff user who recorded it"})
    detail = fields.String(allow_none=True, metadata={
        "description": "The patient's own words, or why check-ins switched to calls (switched_to_calls)"})
    occurred_at = fields.DateTime()


class PatientListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = Text(64, load_default=None, metadata={"description": "next_cursor of the previous page"})
    phone = Phone(load_default=None)
    external_id = Text(64, load_default=None)


class PatientPageSchema(Schema):
    data = fields.List(fields.Nested(PatientSchema))
    next_cursor = fields.String(allow_none=True)
