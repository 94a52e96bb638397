"""The review queue: raising flags, notifying the on-call care manager, working them."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.config import Settings
from engage.db import utcnow
from engage.enums import CallPurpose, Direction, FlagKind, FlagOutcome, FlagPriority, FlagStatus
from engage.errors import Conflict, Invalid, NotFound
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Call
from engage.outbox.queue import outbound, queue_call, queue_for_delivery

URGENT_KINDS = frozenset({FlagKind.SUICIDE_RISK, FlagKind.CRISIS_LANGUAGE})
# Staff notices name no patient and no score: a phone screen is not a private place.
URGENT_NOTICE = "engage: Urgent item in the engage queue. Please open the review queue now."


def raise_flag(
    session: Session, settings: Settings, *, kind: FlagKind, patient_id: int | None, reason: str,
    priority: FlagPriority | None = None, checkin_id: int | None = None, message_id: int | None = None,
    appointment_id: int | None = None,
) -> Flag:
    if priority is None:
        priority = FlagPriority.URGENT if kind in URGENT_KINDS else FlagPriority.NORMAL
    flag = Flag(
        kind=kind, priority=priority, patient_id=patient_id, reason=reason, checkin_id=checkin_id,
        message_id=message_id, appointment_id=appointment_id, events=[FlagEvent(action="raised", note=reason)],
    )
    session.add(flag)
    if priority is FlagPriority.URGENT:
        _notify_on_call(session, settings, flag)
    return flag


def note_patient_message(session: Session, settings: Settings, patient_id: int, message_id: int,
                         reason: str) -> Flag:
    """A patient's text for a person to read. Texts join the patient's open note until someone
    resolves it, so a talkative patient fills one row of the queue, not twenty."""
    flag = session.scalar(select(Flag).where(
        Flag.patient_id == patient_id, Flag.kind == FlagKind.PATIENT_MESSAGE, Flag.status != FlagStatus.RESOLVED,
    ).order_by(Flag.id).limit(1))
    if flag is None:
        return raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=patient_id,
                          message_id=message_id, reason=reason)
    flag.events.append(FlagEvent(action="message", note=f"{reason} (message {message_id})"))
    return flag


def _notify_on_call(session: Session, settings: Settings, flag: Flag) -> None:
    on_call = session.scalars(
        select(StaffUser).where(StaffUser.on_call, StaffUser.active, StaffUser.phone.is_not(None))
    ).all()
    notices = [
        outbound(to=user.phone, sender=settings.sender, body=URGENT_NOTICE,
                 kind="staff_notice")
        for user in on_call
    ]
    queue_for_delivery(session, notices, urgent=True)
    session.flush()
    for user in on_call:
        call_staff(session, settings, flag, user)
    note = (f"notified {len(notices)} on-call care manager(s) by text and call" if notices
            else "no on-call care manager with a phone")
    flag.events.append(FlagEvent(action="notified", note=note))
    # With nobody on call to tell, every care manager hears of it at the next pass, not after the wait.
    wait = timedelta(minutes=settings.urgent_ack_minutes) if notices else timedelta(0)
    flag.next_escalation_at = utcnow() + wait


def call_staff(session: Session, settings: Settings, flag: Flag, user: StaffUser,
               due_at: datetime | None = None) -> None:
    """The notice by call as well: a text can sit unread on a phone in a pocket. Pressing 1 acknowledges
    the flag as this staff user (engage.voice.calls)."""
    queue_call(session, Call(purpose=CallPurpose.STAFF_NOTICE, direction=Direction.OUTBOUND, flag_id=flag.id,
                             staff_id=user.id, to_number=user.phone, from_number=settings.sender),
               due_at, urgent=True)


def review_queue(session: Session, *, status: FlagStatus | None = None, priority: FlagPriority | None = None,
                 assigned_to_id: int | None = None, limit: int = 100) -> list[Flag]:
    """Urgent first, then oldest: the order a care manager should work them. An urgent text from a number
    that matches no patient goes above every other: nobody can look that person up in the chart."""
    rank = case((and_(Flag.priority == FlagPriority.URGENT, Flag.patient_id.is_(None)), 0),
                (Flag.priority == FlagPriority.URGENT, 1), (Flag.priority == FlagPriority.HIGH, 2), else_=3)
    query = select(Flag).order_by(rank, Flag.created_at, Flag.id).limit(limit)
    if status is not None:
        query = query.where(Flag.status == status)
    else:
        query = query.where(Flag.status != FlagStatus.RESOLVED)
    if priority is not None:
        query = query.where(Flag.priority == priority)
    if assigned_to_id is not None:
        query = query.where(Flag.assigned_to_id == assigned_to_id)
    return list(session.scalars(query))


def flags_for_patient(session: Session, patient_id: int) -> list[Flag]:
    """Every flag of the patient's, newest first, with its history."""
    return list(session.scalars(select(Flag).where(Flag.patient_id == patient_id)
                                .order_by(Flag.created_at.desc(), Flag.id.desc())))


def get_flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(f"no flag {flag_id}")
    return flag


def acknowledge(session: Session, flag: Flag, actor: StaffUser, note: str | None = None) -> Flag:
    if flag.status is FlagStatus.RESOLVED:
        raise Conflict("the flag is already resolved")
    if flag.status is FlagStatus.OPEN:
        flag.status = FlagStatus.ACKNOWLEDGED
        flag.acknowledged_at = utcnow()
        flag.next_escalation_at = None
    flag.events.append(FlagEvent(action="acknowledged", actor_id=actor.id, note=note))
    return flag


def assign(session: Session, flag: Flag, actor: StaffUser, assignee_id: int) -> Flag:
    assignee = session.get(StaffUser, assignee_id)
    if assignee is None or not assignee.active:
        raise Invalid("unknown staff user", {"staff_id": ["No active staff user with this id."]})
    flag.assigned_to_id = assignee.id
    flag.events.append(FlagEvent(action="assigned", actor_id=actor.id, note=f"assigned to {assignee.email}"))
    return flag


def resolve(session: Session, flag: Flag, actor: StaffUser, note: str, outcome: FlagOutcome | None = None) -> Flag:
    if flag.status is FlagStatus.RESOLVED:
        raise Conflict("the flag is already resolved")
    now = utcnow()
    if flag.acknowledged_at is None:
        flag.acknowledged_at = now
    flag.status, flag.resolved_at, flag.next_escalation_at, flag.outcome = FlagStatus.RESOLVED, now, None, outcome
    flag.events.append(FlagEvent(action="resolved", actor_id=actor.id, note=note))
    return flag
