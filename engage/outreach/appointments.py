"""Appointments: booking, moving, closing, marking no-shows, and the reminders planned before each."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import AppointmentModality, AppointmentStatus, DispatchStatus
from engage.errors import Conflict, Invalid, NotFound
from engage.outbox import quiet_hours
from engage.outbox.jobs import Job, JobKinds
from engage.outbox.models import Dispatch
from engage.outreach import campaigns, visits
from engage.outreach.models import UPCOMING, Appointment, CampaignRun
from engage.outreach.texts import cancel_pending, may_text, patient_text, queue_text, record_outcome, when
from engage.outreach.visit_links import visit_link
from engage.patients.models import Patient
from engage.phones import InvalidPhone, to_e164
from messages import sms

REMINDER = "appointment_reminder"
REMINDED = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)
_EDITABLE = ("duration_minutes", "video_url", "clinician_name", "clinician_phone")


def get_appointment(session: Session, appointment_id: int) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"no appointment {appointment_id}")
    return appointment


def list_appointments(session: Session, *, patient_id: int | None = None, external_id: str | None = None,
                      status: AppointmentStatus | None = None, limit: int = 100) -> list[Appointment]:
    query = select(Appointment).order_by(Appointment.starts_at, Appointment.id).limit(limit)
    for column, value in ((Appointment.patient_id, patient_id), (Appointment.external_id, external_id),
                          (Appointment.status, status)):
        if value is not None:
            query = query.where(column == value)
    return list(session.scalars(query))


def _clinician_phone(data: dict[str, Any], settings: Settings) -> dict[str, Any]:
    if not data.get("clinician_phone"):
        return data
    try:
        return {**data, "clinician_phone": to_e164(data["clinician_phone"], settings.default_region)}
    except InvalidPhone as exc:
        raise Invalid("invalid clinician phone", {"clinician_phone": [str(exc)]}) from None


def _ensure_unique(session: Session, external_id: str | None) -> None:
    if external_id and session.scalar(select(Appointment.id).where(Appointment.external_id == external_id)):
        raise Conflict("external_id in use", {"external_id": ["Another appointment has this external id."]})


def create_appointment(session: Session, settings: Settings, data: dict[str, Any], now: datetime) -> Appointment:
    patient = session.get(Patient, data["patient_id"])
    if patient is None:
        raise Invalid("unknown patient", {"patient_id": ["No patient with this id."]})
    _ensure_unique(session, data.get("external_id"))
    appointment = Appointment(**_clinician_phone(data, settings))
    session.add(appointment)
    session.flush()
    plan_reminders(session, settings, appointment, now)
    visits.plan_for_preference(session, settings, appointment, now)
    if appointment.starts_at > now:
        # A new visit ahead is what no-show outreach is for (a past one is only the EHR catching up).
        campaigns.note_rescheduled(session, patient.id, now)
    return appointment


def update_appointment(session: Session, settings: Settings, appointment: Appointment, data: dict[str, Any],
                       now: datetime) -> Appointment:
    if appointment.status not in UPCOMING and ({"starts_at", "status"} & data.keys()):
        raise Conflict(f"the appointment is already {appointment.status.value}")
    if appointment.modality is AppointmentModality.VIDEO and not data.get("video_url", appointment.video_url):
        raise Invalid("video visits need a link", {"video_url": ["Required for video appointments."]})
    data = _clinician_phone(data, settings)
    for name in _EDITABLE:
        if name in data:
            setattr(appointment, name, data[name])
    if "starts_at" in data and data["starts_at"] != appointment.starts_at:
        _move(session, settings, appointment, data["starts_at"], now)
    if "status" in data:
        _set_status(session, appointment, data["status"])
    session.flush()
    return appointment


def _move(session: Session, settings: Settings, appointment: Appointment, starts_at: datetime,
          now: datetime) -> None:
    appointment.starts_at = starts_at
    # A confirmation or a request to reschedule was about the old time.
    appointment.status, appointment.reminded_at = AppointmentStatus.SCHEDULED, None
    cancel_pending(session, Dispatch.appointment_id == appointment.id)
    plan_reminders(session, settings, appointment, now)
    visits.plan_for_preference(session, settings, appointment, now)


def _set_status(session: Session, appointment: Appointment, status: AppointmentStatus) -> None:
    appointment.status = status
    if status not in UPCOMING:
        cancel_pending(session, Dispatch.appointment_id == appointment.id)


def mark_no_show(session: Session, appointment: Appointment, now: datetime) -> CampaignRun | None:
    """Records the no-show and starts outreach; None when no no-show campaign is active."""
    if appointment.status not in UPCOMING:
        raise Conflict(f"the appointment is already {appointment.status.value}")
    if appointment.starts_at > now:
        raise Conflict("the appointment has not started yet")
    appointment.status = AppointmentStatus.NO_SHOW
    cancel_pending(session, Dispatch.appointment_id == appointment.id)
    return campaigns.start_no_show_outreach(session, appointment, now)


def plan_reminders(session: Session, settings: Settings, appointment: Appointment, now: datetime) -> None:
    """One reminder per configured offset that is still ahead; each remembers the time it announces.

    Each goes out at the first moment outside the patient's quiet hours; one that could only go out
    once the visit has begun (a 2-hour reminder for a 7 a.m. visit) is not planned at all. A video
    visit booked after all its offsets have passed gets one reminder at once: without it the patient
    would have no link to join by."""
    quiet = quiet_hours.for_patient(session.get(Patient, appointment.patient_id), settings)
    planned = [_plan_reminder(session, appointment, hours, quiet.next_allowed_time(appointment.starts_at - timedelta(
        hours=hours)), now) for hours in sorted(set(settings.reminder_offsets_hours), reverse=True)]
    if appointment.modality is AppointmentModality.VIDEO and not any(planned):
        _plan_reminder(session, appointment, 0, quiet.next_allowed_time(now), now)


def _plan_reminder(session: Session, appointment: Appointment, hours: float, due: datetime, now: datetime) -> bool:
    if not now <= due < appointment.starts_at:
        return False
    session.add(Dispatch(
        kind=REMINDER, due_at=due, patient_id=appointment.patient_id, appointment_id=appointment.id,
        payload={"offset_hours": hours, "starts_at": appointment.starts_at.isoformat()},
    ))
    return True


def _superseded(session: Session, dispatch: Dispatch, now: datetime) -> bool:
    """A later reminder is due too (the workers were down): one text, not a pile of them."""
    return session.scalar(select(Dispatch.id).where(
        Dispatch.kind == REMINDER, Dispatch.appointment_id == dispatch.appointment_id,
        Dispatch.due_at > dispatch.due_at, Dispatch.due_at <= now,
        Dispatch.status.in_((DispatchStatus.PENDING, DispatchStatus.CLAIMED))).limit(1)) is not None


def _why_not_remind(session: Session, dispatch: Dispatch, appointment: Appointment, patient: Patient,
                    now: datetime) -> str | None:
    if appointment.status not in REMINDED:
        return f"appointment is {appointment.status.value}"
    if appointment.starts_at != datetime.fromisoformat(dispatch.payload["starts_at"]):
        return "appointment was moved"
    if appointment.starts_at <= now:
        return "appointment has started"
    if _superseded(session, dispatch, now):
        return "a later reminder is due"
    return may_text(patient)


def reminder_texts(settings: Settings, patient: Patient, appointment: Appointment) -> tuple[str, ...]:
    # Names the clinic and the time only: no clinician, no reason for the visit.
    moment = when(settings, patient, appointment)
    if appointment.modality is AppointmentModality.VIDEO and appointment.fallback_reason is None:
        return (patient_text(settings, patient, sms.SMS_APPOINTMENT_REMINDER_VIDEO, when=moment),
                patient_text(settings, patient, sms.SMS_VIDEO_VISIT_LINK, link=visit_link(settings, appointment)))
    return (patient_text(settings, patient, sms.SMS_APPOINTMENT_REMINDER, when=moment),)


def send_reminder(session: Session, settings: Settings, dispatch: Dispatch, now: datetime) -> None:
    """Due: remind the patient, unless the appointment changed since this reminder was planned."""
    appointment = session.get(Appointment, dispatch.appointment_id)
    patient = session.get(Patient, appointment.patient_id)
    reason = _why_not_remind(session, dispatch, appointment, patient, now)
    if reason is not None:
        record_outcome(dispatch, "skipped", reason)
        return
    queue_text(session, settings, patient, REMINDER, reminder_texts(settings, patient, appointment), now,
               appointment_id=appointment.id)
    appointment.reminded_at = now
    record_outcome(dispatch, "sent")


def _send_reminder(job: Job) -> None:
    send_reminder(job.session, job.runtime.settings, job.dispatch, job.now)


JOBS = JobKinds(decide={REMINDER: _send_reminder})
