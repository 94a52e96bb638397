"""Status reports on an audio-only visit's calls. They are placed without a row in the calls table
(engage.visits.calls keeps their ids on the visit's dispatch), so a report is matched there.

The patient's call ending unanswered is kept on the appointment, and the care team is told: the
clinician is on the line waiting for someone who will not join."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import CallStatus, FlagKind
from engage.outbox.models import Dispatch
from engage.outreach.models import Appointment
from engage.outreach.replies import flag_once
from engage.outreach.visits import SIDES, VISIT_CALLS

NOT_REACHED = frozenset({CallStatus.NO_ANSWER, CallStatus.BUSY, CallStatus.FAILED})


def record_visit_call_status(session: Session, settings: Settings, *, sid: str, status: str) -> bool:
    """False when the call is not one of a visit's. Only a call that never reached its side changes anything."""
    new = CallStatus.known(status)
    if new not in NOT_REACHED:
        return False
    found = _visit_call(session, sid)
    if found is None:
        return False
    appointment, side = found
    if side == "patient" and appointment.patient_joined_at is None:
        appointment.patient_call_status = new.value
    who = "the patient" if side == "patient" else "the clinician"
    flag_once(session, settings, FlagKind.DELIVERY_FAILURE, appointment,
              f"the audio-only visit's call to {who} was not answered ({new.value})")
    return True


def _visit_call(session: Session, sid: str) -> tuple[Appointment, str] | None:
    for side in SIDES:
        appointment_id = session.scalar(select(Dispatch.appointment_id).where(
            Dispatch.kind == VISIT_CALLS, Dispatch.payload["calls"][side].as_string() == sid).limit(1))
        if appointment_id is not None:
            return session.get(Appointment, appointment_id, with_for_update=True), side
    return None
