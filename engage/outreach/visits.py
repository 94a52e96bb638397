"""Tele-visits that continue by phone: the switch from video to an audio-only call, and its record.

Whoever asks (the patient on the visit page or by text, the clinician through the API, or the
patient's standing preference), engage calls the clinician and then the patient and joins both in
one conference; the calls are placed by the voice side of the visit (engage.visits). What this
module keeps is what the visit note and billing need: the modality used, why, and who was on the
call when.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import AppointmentModality, DispatchStatus, FallbackReason, FallbackSource, FlagKind
from engage.errors import Conflict
from engage.outbox.models import Dispatch
from engage.outbox.wake import announce_urgent
from engage.outreach.models import UPCOMING, Appointment
from engage.outreach.replies import flag_once
from engage.outreach.texts import patient_text
from engage.patients.models import Patient
from messages import sms

VISIT_CALLS = "visit_calls"
SIDES = ("clinician", "patient")
_JOINED = {"clinician": "clinician_joined_at", "patient": "patient_joined_at"}
_LEFT = {"clinician": "clinician_left_at", "patient": "patient_left_at"}
# The patient's own request for a call is their consent to that call.
PATIENT_ASKED = frozenset({FallbackSource.PAGE, FallbackSource.TEXT})


def conference_name(appointment: Appointment) -> str:
    return f"visit-{appointment.id}"


def ensure_switchable(appointment: Appointment, now: datetime) -> None:
    if appointment.modality is not AppointmentModality.VIDEO:
        raise Conflict(f"the appointment is a {appointment.modality.value} visit, not a video visit")
    if appointment.status not in UPCOMING or appointment.ends_at <= now:
        raise Conflict("the visit is over")


def switch_to_audio(session: Session, settings: Settings, appointment: Appointment, reason: FallbackReason,
                    source: FallbackSource, now: datetime, note: str | None = None) -> Dispatch | None:
    """Records the switch and plans the two calls for the visit's time, or now once it has begun;
    None when no call is planned.

    A patient asking again changes nothing: the calls are planned or under way. A clinician's request
    calls at once (again, if the line dropped), and the clinician's account of why is the one kept.
    Without a clinician phone nobody can be called: the front desk gets the request instead. A patient
    who has not agreed to calls is called only on their own request (the page, or a text): otherwise
    the care team is asked to reach them."""
    ensure_switchable(appointment, now)
    clinician = source is FallbackSource.CLINICIAN
    if clinician and not appointment.clinician_phone:
        raise Conflict("the appointment has no clinician phone to call")
    switched = appointment.modality_used is AppointmentModality.PHONE
    if clinician or not switched:
        appointment.fallback_reason, appointment.fallback_source = reason.value, source
        appointment.fallback_at = now
    if note:
        appointment.fallback_note = note
    if switched and not clinician:
        return None
    if source not in PATIENT_ASKED and not session.get(Patient, appointment.patient_id).voice_consent:
        flag_once(session, settings, FlagKind.CALL_REQUEST, appointment,
                  "the video visit is to be a phone call, and the patient has not agreed to calls: "
                  "please reach them")
        return None
    appointment.modality_used = AppointmentModality.PHONE
    appointment.conference_name = conference_name(appointment)
    if not appointment.clinician_phone:
        flag_once(session, settings, FlagKind.CALL_REQUEST, appointment,
                  "the video visit is to be a phone call, and it has no clinician phone to call")
        return None
    return _plan_calls(session, appointment, now if clinician else max(now, appointment.starts_at))


def _plan_calls(session: Session, appointment: Appointment, due: datetime) -> Dispatch:
    planned = session.scalar(select(Dispatch).where(
        Dispatch.kind == VISIT_CALLS, Dispatch.appointment_id == appointment.id,
        Dispatch.status == DispatchStatus.PENDING).limit(1))
    if planned is None:
        # Urgent: a clinician waits on the line, so the calls leave within a second of being due.
        planned = Dispatch(kind=VISIT_CALLS, due_at=due, patient_id=appointment.patient_id,
                           appointment_id=appointment.id, payload={"calls": {}}, urgent=True)
        session.add(planned)
    planned.due_at = min(planned.due_at, due)
    announce_urgent(session)
    return planned


def request_call(session: Session, settings: Settings, appointment: Appointment, source: FallbackSource,
                 now: datetime) -> None:
    """The patient asks for a phone call instead of video (the visit page, or a text)."""
    switch_to_audio(session, settings, appointment, FallbackReason.PATIENT_REQUESTED_CALL, source, now)


def call_request_by_text(session: Session, settings: Settings, patient: Patient, now: datetime) -> list[str] | None:
    """CALL / LLAMAR: the texts to answer with, or None when the patient has no video visit today
    (the text is then read like any other)."""
    appointment = video_visit_today(session, patient, now)
    if appointment is None:
        return None
    request_call(session, settings, appointment, FallbackSource.TEXT, now)
    return [patient_text(settings, patient, sms.SMS_CALL_REQUESTED)]


def video_visit_today(session: Session, patient: Patient, now: datetime) -> Appointment | None:
    """The patient's next video visit still to be had on today's date in the patient's own zone."""
    zone = ZoneInfo(patient.timezone)
    today = now.astimezone(zone).date()
    candidates = session.scalars(select(Appointment).where(
        Appointment.patient_id == patient.id, Appointment.modality == AppointmentModality.VIDEO,
        Appointment.status.in_(UPCOMING)).order_by(Appointment.starts_at))
    return next((a for a in candidates if a.starts_at.astimezone(zone).date() == today and a.ends_at > now), None)


def plan_for_preference(session: Session, settings: Settings, appointment: Appointment, now: datetime) -> None:
    """A patient with no video has the visit by phone from the start; a visit already switched keeps
    its calls when it moves."""
    if appointment.modality is not AppointmentModality.VIDEO or appointment.ends_at <= now:
        return
    if appointment.fallback_at is not None:
        if appointment.modality_used is AppointmentModality.PHONE and appointment.clinician_phone:
            _plan_calls(session, appointment, max(now, appointment.starts_at))
        return
    if session.get(Patient, appointment.patient_id).no_video:
        switch_to_audio(session, settings, appointment, FallbackReason.NO_VIDEO, FallbackSource.PREFERENCE, now)


def record_conference_event(session: Session, appointment_id: int, side: str, joined: bool, at: datetime) -> None:
    """Twilio reports each side entering and leaving the conference: the first join and the last
    leave are what the note and the bill need (a report delivered twice changes nothing)."""
    appointment = session.get(Appointment, appointment_id, with_for_update=True)
    if appointment is None or side not in SIDES:
        return
    if joined:
        column = _JOINED[side]
        if getattr(appointment, column) is None or at < getattr(appointment, column):
            setattr(appointment, column, at)
    else:
        column = _LEFT[side]
        if getattr(appointment, column) is None or at > getattr(appointment, column):
            setattr(appointment, column, at)
