"""Appointments and campaigns at the API boundary."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engage.bounds import Id, Moment, Phone, Text, Whole
from engage.enums import AppointmentModality, AppointmentStatus, CampaignRunStatus, FallbackReason, FallbackSource

_CLOSING = [AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED, AppointmentStatus.CONFIRMED]


class AppointmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    patient_id = Id(required=True)
    external_id = Text(64, min_length=1, allow_none=True, metadata={"description": "The EHR's id; unique."})
    starts_at = Moment(required=True, metadata={"description": "ISO 8601 with a UTC offset."})
    duration_minutes = Whole(load_default=30, validate=validate.Range(min=5, max=480))
    modality = fields.Enum(AppointmentModality, by_value=True, required=True)
    video_url = fields.Url(allow_none=True, validate=validate.Length(max=500),
                           metadata={"description": "Required for video visits."})
    clinician_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    clinician_phone = Phone(allow_none=True)
    status = fields.Enum(AppointmentStatus, by_value=True, dump_only=True)
    reminded_at = fields.DateTime(dump_only=True, allow_none=True)
    modality_used = fields.Enum(AppointmentModality, by_value=True, dump_only=True, allow_none=True, metadata={
        "description": "How the visit actually happened, when it differs from the booking: phone for a video "
                       "visit that became an audio-only call."})
    fallback_reason = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Why a video visit became a call: " + ", ".join(FallbackReason) + "."})
    fallback_source = fields.Enum(FallbackSource, by_value=True, dump_only=True, allow_none=True, metadata={
        "description": "Who switched it: the patient's no-video preference, the visit page, a text, or the "
                       "clinician."})
    fallback_note = fields.String(dump_only=True, allow_none=True)
    fallback_at = fields.DateTime(dump_only=True, allow_none=True)
    patient_joined_at = fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When the patient first joined the audio-only call."})
    patient_left_at = fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When the patient last left the audio-only call."})
    clinician_joined_at = fields.DateTime(dump_only=True, allow_none=True)
    clinician_left_at = fields.DateTime(dump_only=True, allow_none=True)
    patient_call_status = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "how the patient's call of an audio-only visit ended when it did not reach them: "
                       "no-answer, busy or failed"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @validates_schema
    def _video_needs_a_link(self, data, **_kwargs):
        if data.get("modality") is AppointmentModality.VIDEO and not data.get("video_url"):
            raise ValidationError("Required for video appointments.", "video_url")


class AppointmentUpdateSchema(Schema):
    starts_at = Moment(metadata={"description": "Moving replans the reminders."})
    duration_minutes = Whole(validate=validate.Range(min=5, max=480))
    status = fields.Enum(AppointmentStatus, by_value=True,
                         validate=validate.OneOf(_CLOSING, error="Must be one of: cancelled, completed, confirmed."),
                         metadata={"description": "cancelled, completed or confirmed; no-shows have their own call."})
    video_url = fields.Url(allow_none=True, validate=validate.Length(max=500))
    clinician_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    clinician_phone = Phone(allow_none=True)


# A clinician says why the video did not work; "no video" is the patient's own standing preference.
_CLINICIAN_REASONS = [reason.value for reason in FallbackReason if reason is not FallbackReason.NO_VIDEO]


class AudioFallbackSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(_CLINICIAN_REASONS),
                           metadata={"description": "Why the visit continues by phone."})
    note = Text(500, allow_none=True, load_default=None, metadata={"description": "The clinician's words, kept "
                                                                                  "for the visit note."})


class AudioFallbackResultSchema(AppointmentSchema):
    calls_planned = fields.Boolean(dump_only=True, metadata={
        "description": "True when engage is calling the clinician and the patient. False when the patient has "
                       "not agreed to calls: no call is placed, modality_used stays null, and a call_request "
                       "flag asks the care team to reach the patient (a patient who asks for a call themselves, "
                       "on the visit page or by text, is called)."})


class AppointmentQuery(Schema):
    patient_id = Id(load_default=None)
    external_id = Text(64, load_default=None)
    status = fields.Enum(AppointmentStatus, by_value=True, load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class NoShowSchema(AppointmentSchema):
    campaign_run_id = fields.Integer(dump_only=True, allow_none=True)


class CampaignStepSchema(Schema):
    position = fields.Integer()
    offset_minutes = fields.Integer(metadata={"description": "After the no-show is recorded."})
    action = fields.String(metadata={"description": "sms, voice or flag"})
    message_key = fields.String(allow_none=True)


class CampaignCountsSchema(Schema):
    runs = fields.Integer()
    active = fields.Integer()
    completed = fields.Integer()
    stopped = fields.Integer()
    reached = fields.Integer(metadata={"description": "A text was delivered, or the patient replied."})
    replied = fields.Integer()
    rescheduled = fields.Integer()


class CampaignSchema(Schema):
    id = fields.Integer(attribute="campaign.id")
    name = fields.String(attribute="campaign.name")
    trigger = fields.String(attribute="campaign.trigger")
    active = fields.Boolean(attribute="campaign.active")
    steps = fields.List(fields.Nested(CampaignStepSchema), attribute="campaign.steps")
    counts = fields.Nested(CampaignCountsSchema)


class RunStepSchema(Schema):
    position = fields.Integer()
    action = fields.String(allow_none=True)
    due_at = fields.DateTime()
    status = fields.String(metadata={"description": "pending, done or cancelled"})
    outcome = fields.String(allow_none=True, metadata={"description": "sent, skipped or flag_raised"})
    note = fields.String(allow_none=True)
    flag_id = fields.Integer(allow_none=True)


class CampaignRunSchema(Schema):
    id = fields.Integer(attribute="run.id")
    patient_id = fields.Integer(attribute="run.patient_id")
    appointment_id = fields.Integer(attribute="run.appointment_id", allow_none=True)
    status = fields.Enum(CampaignRunStatus, by_value=True, attribute="run.status")
    stop_reason = fields.String(attribute="run.stop_reason", allow_none=True)
    steps_sent = fields.Integer(attribute="run.steps_sent")
    reached = fields.Function(lambda row: row["reached_at"] is not None)
    reached_at = fields.DateTime(allow_none=True)
    replied = fields.Function(lambda row: row["run"].replied_at is not None)
    replied_at = fields.DateTime(attribute="run.replied_at", allow_none=True)
    rescheduled = fields.Function(lambda row: row["run"].rescheduled_at is not None)
    rescheduled_at = fields.DateTime(attribute="run.rescheduled_at", allow_none=True)
    started_at = fields.DateTime(attribute="run.started_at")
    ended_at = fields.DateTime(attribute="run.ended_at", allow_none=True)
    steps = fields.List(fields.Nested(RunStepSchema))


class RunQuery(Schema):
    status = fields.Enum(CampaignRunStatus, by_value=True, load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
