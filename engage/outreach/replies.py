"""A patient's answer to a reminder or to no-show outreach: confirm or reschedule.

The inbound path calls these after STOP/HELP keywords and the crisis check, and before a check-in
takes the reply; anything not recognised here is left to it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import AppointmentStatus, FlagKind, FlagStatus
from engage.flags.models import Flag
from engage.flags.service import raise_flag
from engage.instruments.parsing import normalise
from engage.outreach import campaigns
from engage.outreach.models import UPCOMING, Appointment, CampaignRun
from engage.outreach.texts import patient_text, when
from engage.patients.models import Patient
from messages import sms

# The first reminder goes out 72 h ahead; a bare "C" days after the last one is about something else.
REPLY_WINDOW = timedelta(days=4)
CONFIRM, RESCHEDULE = "confirm", "reschedule"
_WORDS = {
    CONFIRM: {"c", "confirm", "1", "confirmar", "si", "yes"},
    RESCHEDULE: {"r", "reschedule", "reprogramar"},
}
_INTENT = {word: intent for intent, words in _WORDS.items() for word in words}


def handle_appointment_reply(session: Session, settings: Settings, patient: Patient, body: str,
                             now: datetime) -> list[str] | None:
    """The texts to answer with, or None when the reply is not about an appointment.

    The inbound path gives a digit sent during an open check-in to the check-in, never here."""
    intent = _INTENT.get(normalise(body))
    if intent is None:
        return None
    appointment = _reminded_appointment(session, patient.id, now)
    if appointment is not None:
        return _HANDLERS[intent](session, settings, patient, appointment)
    missed = _missed_appointment(session, patient.id, now)
    if missed is not None and intent == RESCHEDULE:
        return _request_reschedule(session, settings, patient, missed)
    return None


def stop_campaigns_for_reply(session: Session, patient_id: int, now: datetime) -> None:
    """Any text from the patient ends their no-show outreach: a person takes it from here."""
    campaigns.note_reply(session, patient_id, now)


def stop_campaigns_for_opt_out(session: Session, patient_id: int, now: datetime) -> None:
    campaigns.note_opt_out(session, patient_id, now)


def note_cancel_reply(session: Session, settings: Settings, patient: Patient, now: datetime) -> None:
    """CANCEL opts out, as carriers treat it; after a visit reminder the patient may have meant the
    visit, so the front desk hears of it."""
    appointment = _reminded_appointment(session, patient.id, now)
    if appointment is not None:
        flag_once(session, settings, FlagKind.RESCHEDULE_REQUEST, appointment,
                   "replied CANCEL to a visit reminder: opted out of texts, may have meant the visit")


def _reminded_appointment(session: Session, patient_id: int, now: datetime) -> Appointment | None:
    candidates = session.scalars(select(Appointment).where(
        Appointment.patient_id == patient_id, Appointment.status.in_(UPCOMING),
        Appointment.reminded_at >= now - REPLY_WINDOW, Appointment.starts_at >= now - timedelta(days=1),
    ).order_by(Appointment.starts_at))
    # A visit under way still counts: "R" as it starts still asks for a new time.
    return next((a for a in candidates if a.starts_at + timedelta(minutes=a.duration_minutes) > now), None)


def _missed_appointment(session: Session, patient_id: int, now: datetime) -> Appointment | None:
    return session.scalar(select(Appointment).join(CampaignRun, CampaignRun.appointment_id == Appointment.id).where(
        Appointment.patient_id == patient_id, Appointment.status == AppointmentStatus.NO_SHOW,
        CampaignRun.started_at >= now - REPLY_WINDOW, CampaignRun.stop_reason.is_distinct_from("opted_out"),
    ).order_by(CampaignRun.started_at.desc()).limit(1))


def _confirm(session: Session, settings: Settings, patient: Patient, appointment: Appointment) -> list[str]:
    appointment.status = AppointmentStatus.CONFIRMED
    return [patient_text(settings, patient, sms.SMS_APPOINTMENT_CONFIRMED, when=when(settings, patient, appointment))]


def _request_reschedule(session: Session, settings: Settings, patient: Patient,
                        appointment: Appointment) -> list[str]:
    if appointment.status in UPCOMING:
        appointment.status = AppointmentStatus.RESCHEDULE_REQUESTED
    flag_once(session, settings, FlagKind.RESCHEDULE_REQUEST, appointment,
               "asked to reschedule an appointment")
    return [patient_text(settings, patient, sms.SMS_RESCHEDULE_REQUESTED)]


def flag_once(session: Session, settings: Settings, kind: FlagKind, appointment: Appointment, reason: str) -> None:
    """The front desk needs one item per request, however often the patient repeats it."""
    open_already = session.scalar(select(Flag.id).where(
        Flag.appointment_id == appointment.id, Flag.kind == kind, Flag.status != FlagStatus.RESOLVED).limit(1))
    if open_already is None:
        raise_flag(session, settings, kind=kind, patient_id=appointment.patient_id, appointment_id=appointment.id,
                   reason=reason)


_HANDLERS = {CONFIRM: _confirm, RESCHEDULE: _request_reschedule}
