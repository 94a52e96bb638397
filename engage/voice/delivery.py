"""Placing queued calls: at the calls-per-second limit shared by every worker, each call at most once.

A call is marked as being placed in its own short transaction just before the provider is asked, so a
worker that dies leaves at most that call in doubt, and a call in doubt is never placed again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from engage.auth.models import StaffUser
from engage.checkins.models import CheckIn
from engage.checkins.service import may_reach
from engage.db import session_scope
from engage.enums import CallPurpose, CallStatus, Channel, CheckInStatus, DispatchStatus, FlagKind, FlagStatus
from engage.flags.models import Flag
from engage.flags.service import raise_flag
from engage.gateways import PermanentSendError, TransientSendError, gateway_for
from engage.outbox import quiet_hours
from engage.outbox.jobs import JobKinds
from engage.outbox.models import Call, Dispatch
from engage.outbox.queue import PLACE_CALL
from engage.outbox.rate_limit import send_limiter
from engage.patients.models import Patient
from engage.phones import redact
from engage.runtime import Runtime
from engage.voice.calls import VOICE_PATH

log = logging.getLogger(__name__)
# Where `make run` serves; production always sets ENGAGE_PUBLIC_URL (config refuses to start without it).
LOCAL_URL = "http://127.0.0.1:5000"
_CALLS = Call.__table__


@dataclass(frozen=True)
class Placing:
    call_id: int
    to: str


def answer_url(base_url: str, call_id: int) -> str:
    return f"{base_url}{VOICE_PATH}?c={call_id}"


def place_calls(runtime: Runtime, dispatch_ids: list[int], worker: str, now: datetime) -> dict[int, str | None]:
    """Places a claimed batch of calls; returns each dispatch's transient error (None: done)."""
    plan = _prepare(runtime, dispatch_ids, worker, now)
    limiter, gateway, results = send_limiter(runtime, "voice"), gateway_for(runtime), {}
    base_url = runtime.settings.public_url or LOCAL_URL
    for dispatch_id, call in plan.items():
        limiter.wait_for_slot()
        if not _mark_placing(runtime, call.call_id):
            results[dispatch_id] = None
            continue
        try:
            placed = gateway.place_call(call.to, answer_url(base_url, call.call_id), reference=call.call_id)
        except PermanentSendError as exc:
            _refused(runtime, call, exc.code)
            results[dispatch_id] = None
            continue
        except TransientSendError as exc:
            if not exc.may_have_arrived:
                _set(runtime, call.call_id, status=CallStatus.QUEUED)
            results[dispatch_id] = f"transient: {exc.code or ''} {exc}"
            continue
        _placed(runtime, call.call_id, placed.provider_sid)
        results[dispatch_id] = None
    return results


def _prepare(runtime: Runtime, dispatch_ids: list[int], worker: str, now: datetime) -> dict[int, Placing]:
    """Settles the calls that must not be placed (no longer wanted, in doubt, quiet hours) in one
    transaction; returns the rest per dispatch."""
    with session_scope(runtime.sessions) as session:
        dispatches = session.scalars(select(Dispatch).where(
            Dispatch.id.in_(dispatch_ids), Dispatch.claimed_by == worker,
            Dispatch.status == DispatchStatus.CLAIMED)).all()
        plan = {}
        for dispatch in dispatches:
            call = session.get(Call, dispatch.payload.get("call_id"))
            if call is None or not _still_to_place(session, call):
                continue
            patient = session.get(Patient, call.patient_id) if call.patient_id else None
            hours = quiet_hours.for_patient(patient, runtime.settings) if patient else None
            if hours is not None and hours.is_quiet(now):
                # Quiet hours: re-planned for the morning, never dropped.
                dispatch.status, dispatch.due_at = DispatchStatus.PENDING, hours.next_allowed_time(now)
                dispatch.claimed_by = dispatch.lease_until = None
                continue
            plan[dispatch.id] = Placing(call.id, call.to_number)
        return plan


def _still_to_place(session, call: Call) -> bool:
    if call.status is CallStatus.PLACING and call.call_sid is None:
        # Interrupted mid-placing by a dead worker: the provider may be ringing, so never again.
        call.status = CallStatus.FAILED
        return False
    if call.status is not CallStatus.QUEUED:
        return False
    if not _wanted(session, call):
        call.status = CallStatus.CANCELED
        return False
    return True


def _wanted(session, call: Call) -> bool:
    """Still worth calling: the flag not yet acknowledged and the staff user still on staff, the check-in
    still open, consent to calls."""
    if call.purpose is CallPurpose.STAFF_NOTICE:
        staff = session.get(StaffUser, call.staff_id)
        return session.get(Flag, call.flag_id).status is FlagStatus.OPEN and staff is not None and staff.active
    patient = session.get(Patient, call.patient_id)
    if call.checkin_id is not None:
        checkin = session.get(CheckIn, call.checkin_id)
        if checkin.status is not CheckInStatus.IN_PROGRESS or checkin.channel is not Channel.VOICE:
            return False
    return may_reach(patient, Channel.VOICE)


def _mark_placing(runtime: Runtime, call_id: int) -> bool:
    with runtime.engine.begin() as conn:
        return conn.execute(update(_CALLS).where(_CALLS.c.id == call_id, _CALLS.c.status == CallStatus.QUEUED.value)
                            .values(status=CallStatus.PLACING.value)).rowcount == 1


def _set(runtime: Runtime, call_id: int, **values) -> None:
    with runtime.engine.begin() as conn:
        conn.execute(update(_CALLS).where(_CALLS.c.id == call_id).values(**values))


def _placed(runtime: Runtime, call_id: int, sid: str) -> None:
    """The CallSid recorded; the status only if no answer or report has moved it on already."""
    with runtime.engine.begin() as conn:
        conn.execute(update(_CALLS).where(_CALLS.c.id == call_id, _CALLS.c.call_sid.is_(None)).values(call_sid=sid))
        conn.execute(update(_CALLS).where(_CALLS.c.id == call_id, _CALLS.c.status == CallStatus.PLACING.value)
                     .values(status=CallStatus.PLACED.value))


def _refused(runtime: Runtime, call: Placing, code: int | None) -> None:
    log.warning("call %s to %s refused: %s", call.call_id, redact(call.to), code)
    with session_scope(runtime.sessions) as session:
        row = session.get(Call, call.call_id)
        row.status, row.error_code = CallStatus.FAILED, code
        if row.patient_id is not None:
            raise_flag(session, runtime.settings, kind=FlagKind.DELIVERY_FAILURE, patient_id=row.patient_id,
                       checkin_id=row.checkin_id, reason=f"a call could not be placed (provider error {code})")


JOBS = JobKinds(deliver={PLACE_CALL: place_calls})
