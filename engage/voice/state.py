"""A call's row as its steps read and write it, with who is on the line and the check-in it carries.

Every keypress of a check-in by phone runs these, so they are plain statements compiled once
(engage.db.Prepared), as an inbound text's are: loading the rows as objects cost more than the rest
of the step."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from engage.checkins.models import CheckIn
from engage.db import Prepared, UTCDateTime, utcnow
from engage.enums import CallPurpose, CallStatus, CheckInStatus, Direction
from engage.outbox.models import Call
from engage.patients.models import Patient
from engage.voice.models import VoiceStep

_CALLS, _PATIENTS, _CHECKINS, _STEPS = (Call.__table__, Patient.__table__, CheckIn.__table__,
                                        VoiceStep.__table__)


@dataclass
class CallState:
    """The call's row, read under its lock; the steps change it and `save` writes it back."""

    id: int
    purpose: CallPurpose
    patient_id: int | None
    checkin_id: int | None
    flag_id: int | None
    staff_id: int | None
    status: CallStatus
    answered_by: str | None
    stage: str
    turn: int
    repeats: int
    answered_at: datetime | None = None  # set once, when the call is answered
    earlier: str | None = None  # the answer already given to this step, when Twilio posts it again


@dataclass(frozen=True)
class OnTheLine:
    """Who the call is for, as the call speaks to them."""

    first_name: str
    language: str


@dataclass(frozen=True)
class CheckInState:
    id: int
    status: CheckInStatus
    instrument: str
    current_item: int
    failed_replies: int


def _earlier_twiml(sid):
    return (select(_STEPS.c.twiml).where(_STEPS.c.call_sid == sid, _STEPS.c.step == bindparam("step"))
            .scalar_subquery().label("earlier"))


_CALL_COLUMNS = (_CALLS.c.id, _CALLS.c.purpose, _CALLS.c.patient_id, _CALLS.c.checkin_id, _CALLS.c.flag_id,
                 _CALLS.c.staff_id, _CALLS.c.status, _CALLS.c.answered_by, _CALLS.c.stage, _CALLS.c.turn,
                 _CALLS.c.repeats)
# Locked so one call's steps are taken one at a time, on whichever worker they arrive.
_BY_SID = Prepared(select(*_CALL_COLUMNS, _earlier_twiml(_CALLS.c.call_sid))
                   .where(_CALLS.c.call_sid == bindparam("sid")).with_for_update(of=_CALLS))
_BY_ID = Prepared(select(*_CALL_COLUMNS, _earlier_twiml(bindparam("sid")))
                  .where(_CALLS.c.id == bindparam("call")).with_for_update(of=_CALLS))
_EARLIER = Prepared(select(_earlier_twiml(bindparam("sid"))))
_SAVE = Prepared(update(_CALLS).where(_CALLS.c.id == bindparam("call")).values(
    call_sid=func.coalesce(_CALLS.c.call_sid, bindparam("sid")), checkin_id=bindparam("checkin"),
    status=bindparam("new_status"), answered_by=bindparam("by"),
    answered_at=func.coalesce(bindparam("answered", type_=UTCDateTime()), _CALLS.c.answered_at),
    stage=bindparam("new_stage"), turn=bindparam("new_turn"), repeats=bindparam("new_repeats")))
_NEW_INBOUND = Prepared(insert(_CALLS).returning(_CALLS.c.id))
_CHECKIN_COLUMNS = (_CHECKINS.c.id, _CHECKINS.c.status, _CHECKINS.c.instrument, _CHECKINS.c.current_item,
                    _CHECKINS.c.failed_replies)
# Read after the call's lock is held: on PostgreSQL a row joined into the locking statement would come
# from the snapshot taken before waiting for it.
_ON_THE_LINE = Prepared(select(_PATIENTS.c.first_name, _PATIENTS.c.language, *_CHECKIN_COLUMNS)
                        .select_from(_PATIENTS.outerjoin(_CHECKINS, _CHECKINS.c.id == bindparam("checkin")))
                        .where(_PATIENTS.c.id == bindparam("patient")))
_CHECKIN = Prepared(select(*_CHECKIN_COLUMNS).where(_CHECKINS.c.id == bindparam("checkin")))
_STORE_STEP = Prepared(insert(_STEPS))


def locked_call(session: Session, sid: str, call_id: int | None, step: str) -> CallState | None:
    """The call by our id (an answer URL carries it: it may arrive before the CallSid is stored), else by
    its CallSid."""
    connection, row = session.connection(), None
    if call_id is not None:
        row = _BY_ID.first(connection, {"call": call_id, "sid": sid, "step": step})
    if row is None:
        row = _BY_SID.first(connection, {"sid": sid, "step": step})
    if row is None:
        return None
    return CallState(row.id, CallPurpose(row.purpose), row.patient_id, row.checkin_id, row.flag_id, row.staff_id,
                     CallStatus(row.status), row.answered_by, row.stage, row.turn, row.repeats, earlier=row.earlier)


def earlier_answer(session: Session, sid: str, step: str) -> str | None:
    return _EARLIER.first(session.connection(), {"sid": sid, "step": step}).earlier


def new_inbound_call(session: Session, sid: str, from_number: str, to_number: str,
                     patient_id: int | None) -> CallState:
    call_id = _NEW_INBOUND.execute(session.connection(), {
        "purpose": CallPurpose.INBOUND, "direction": Direction.INBOUND, "patient_id": patient_id,
        "to_number": to_number, "from_number": from_number, "call_sid": sid, "status": CallStatus.IN_PROGRESS,
        "attempt": 1, "stage": "answer", "turn": 0, "repeats": 0, "created_at": utcnow(),
    }).fetchone()[0]
    return CallState(call_id, CallPurpose.INBOUND, patient_id, None, None, None, CallStatus.IN_PROGRESS, None,
                     "answer", 0, 0)


def save(session: Session, call: CallState, sid: str) -> None:
    _SAVE.execute(session.connection(), {
        "call": call.id, "sid": sid, "checkin": call.checkin_id, "new_status": call.status,
        "by": call.answered_by, "answered": call.answered_at, "new_stage": call.stage, "new_turn": call.turn,
        "new_repeats": call.repeats})


def on_the_line(session: Session, call: CallState) -> tuple[OnTheLine | None, CheckInState | None]:
    """Whom the call is for and the check-in it carries, in one read."""
    if call.patient_id is None:
        return None, checkin_state(session, call.checkin_id)
    row = _ON_THE_LINE.first(session.connection(), {"patient": call.patient_id, "checkin": call.checkin_id})
    if row is None:
        return None, None
    return OnTheLine(row.first_name, row.language), _checkin(row)


def checkin_state(session: Session, checkin_id: int | None) -> CheckInState | None:
    if checkin_id is None:
        return None
    return _checkin(_CHECKIN.first(session.connection(), {"checkin": checkin_id}))


def _checkin(row) -> CheckInState | None:
    if row is None or row.id is None:
        return None
    return CheckInState(row.id, CheckInStatus(row.status), row.instrument, row.current_item, row.failed_replies)


def store_step(session: Session, call_id: int | None, sid: str, step: str, digits: str, speech: str,
               twiml: str | None) -> None:
    _STORE_STEP.execute(session.connection(), {
        "call_id": call_id, "call_sid": sid, "step": step, "digits": digits[:32] or None, "speech": speech or None,
        "twiml": twiml, "received_at": utcnow()})
