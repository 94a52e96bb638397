"""Call status callbacks: how a call ended, and what that means for the check-in it carried.

No answer or busy: tried again later, outside quiet hours, up to ENGAGE_CALL_ATTEMPTS calls. After the
last try, after a voicemail, or after a hang-up part-way, the check-in goes on by text when the patient
can be texted, and otherwise stays open for a call from the patient until it expires.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.checkins import service as checkins
from engage.checkins.models import CheckIn
from engage.config import Settings
from engage.enums import CallPurpose, CallStatus, CheckInStatus
from engage.outbox import quiet_hours
from engage.outbox.models import Call
from engage.patients.models import Patient
from engage.voice.calls import UNCONFIRMED_STAGES
from engage.voice.checkins import call_for_checkin

FINAL = frozenset({CallStatus.COMPLETED, CallStatus.BUSY, CallStatus.NO_ANSWER, CallStatus.FAILED,
                   CallStatus.CANCELED})
NOT_REACHED = frozenset({CallStatus.BUSY, CallStatus.NO_ANSWER})


def record_call_status(session: Session, settings: Settings, *, sid: str, status: str, answered_by: str | None,
                       call_id: int | None, now: datetime) -> bool:
    """Returns False for a call we never placed. A report after the call ended changes nothing."""
    call = _find(session, sid, call_id)
    if call is None:
        return False
    new = CallStatus.known(status)
    if call.ended_at is not None or new is None:
        return True
    if answered_by and call.answered_by is None:
        call.answered_by = answered_by[:32]
    if new not in FINAL:
        if call.status is not CallStatus.MACHINE:
            call.status = new
        return True
    call.ended_at = now
    if call.status is not CallStatus.MACHINE:
        call.status = new
    if call.purpose is CallPurpose.CHECKIN and call.checkin_id is not None:
        _after_checkin_call(session, settings, call, now)
    return True


def _find(session: Session, sid: str, call_id: int | None) -> Call | None:
    call = session.scalar(select(Call).where(Call.call_sid == sid).with_for_update())
    if call is None and call_id is not None:
        call = session.get(Call, call_id, with_for_update=True)
        if call is not None and call.call_sid not in (None, sid):
            return None  # another call's report, addressed to this one: it says nothing about this call
        if call is not None and call.call_sid is None:
            call.call_sid = sid
    return call


def _after_checkin_call(session: Session, settings: Settings, call: Call, now: datetime) -> None:
    checkin = session.get(CheckIn, call.checkin_id)
    if checkin.status is not CheckInStatus.IN_PROGRESS:
        return
    if call.status in NOT_REACHED and call.attempt < settings.call_attempts:
        patient = session.get(Patient, call.patient_id)
        call_for_checkin(session, settings, checkin, retry_at(settings, patient, call.attempt, now),
                         attempt=call.attempt + 1)
    elif _calls_are_over(call):
        checkins.continue_by_text(session, settings, checkin, now)


def _calls_are_over(call: Call) -> bool:
    """No more calls for this check-in: the last try went unanswered, a voicemail was left, or the
    patient hung up after saying who they are."""
    if call.status in NOT_REACHED or call.status is CallStatus.MACHINE:
        return True
    return call.status is CallStatus.COMPLETED and call.answered_at is not None and call.stage not in UNCONFIRMED_STAGES


def retry_at(settings: Settings, patient: Patient, attempt: int, now: datetime) -> datetime:
    """Backoff that doubles with each try; a time in the patient's quiet hours moves to the morning."""
    due = now + timedelta(minutes=settings.call_retry_minutes * 2 ** (attempt - 1))
    hours = quiet_hours.for_patient(patient, settings)
    return hours.next_allowed_time(due) if hours.is_quiet(due) else due
