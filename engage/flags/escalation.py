"""Urgent flags nobody acknowledges: every care manager with a phone hears of them by text and by call,
and the clinic line by text, again at each interval, until someone acknowledges.

Each pass claims the flags whose escalation is due and, in the same transaction, queues the notices
on the outbox and moves the next escalation on by the interval. A claim locks its rows (SKIP LOCKED
on PostgreSQL; SQLite serialises writers), and a flag leaves the due set in the transaction that
escalates it, so two workers never escalate the same step twice, and a restart loses nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from engage.auth.models import StaffUser
from engage.config import Settings
from engage.db import session_scope
from engage.enums import FlagStatus, Role
from engage.flags.models import Flag, FlagEvent
from engage.flags.service import URGENT_NOTICE, call_staff
from engage.outbox.queue import outbound, queue_for_delivery

BATCH = 100
NOTICE_KIND = "staff_notice"


def escalate_due_flags(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Escalates every flag due at `now`, a batch per transaction; returns how many."""
    escalated = 0
    while True:
        with session_scope(sessions) as session:
            due = _claim_due(session, now)
            if due:
                recipients = escalation_recipients(session, settings)
                for flag in due:
                    escalate(session, settings, flag, recipients, now)
        escalated += len(due)
        if len(due) < BATCH:
            return escalated


def _claim_due(session: Session, now: datetime) -> list[Flag]:
    return list(session.scalars(
        select(Flag)
        .where(Flag.status == FlagStatus.OPEN, Flag.next_escalation_at <= now)
        .order_by(Flag.next_escalation_at, Flag.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ))


@dataclass(frozen=True)
class Recipients:
    staff: list[StaffUser]
    clinic_line: str | None

    @property
    def numbers(self) -> list[str]:
        staff = [user.phone for user in self.staff]
        extra = [self.clinic_line] if self.clinic_line and self.clinic_line not in staff else []
        return staff + extra


def escalation_recipients(session: Session, settings: Settings) -> Recipients:
    """Every active care manager with a phone, whoever is on call, and the clinic line. The clinic line
    is left out when it is the number we send from: a text to itself goes nowhere. Two staff users
    sharing a phone get one text and one call."""
    staff = session.scalars(
        select(StaffUser)
        .where(StaffUser.active, StaffUser.phone.is_not(None),
               or_(StaffUser.role == Role.CARE_MANAGER, StaffUser.on_call))
        .order_by(StaffUser.id)
    ).all()
    clinic_line = settings.clinic_phone if settings.clinic_phone != settings.sender else None
    first_by_phone: dict[str, StaffUser] = {}
    for user in staff:
        first_by_phone.setdefault(user.phone, user)
    return Recipients(list(first_by_phone.values()), clinic_line)


def escalate(session: Session, settings: Settings, flag: Flag, recipients: Recipients, now: datetime) -> None:
    """One step: the notices queued, the flag's level and next escalation moved on, the step in its history."""
    notices = [outbound(to=number, sender=settings.sender, body=URGENT_NOTICE, kind=NOTICE_KIND)
               for number in recipients.numbers]
    dispatch = queue_for_delivery(session, notices, due_at=now, urgent=True)
    if dispatch is not None:
        dispatch.flag_id = flag.id
    # The clinic line is a desk, not a person who can press 1 for themselves: it only gets the text.
    for user in recipients.staff:
        call_staff(session, settings, flag, user, due_at=now)
    flag.escalation_level += 1
    flag.next_escalation_at = now + timedelta(minutes=settings.urgent_ack_minutes)
    flag.events.append(FlagEvent(action="escalated", occurred_at=now,
                                 note=f"level {flag.escalation_level}: {_who(recipients)}"))


def _who(recipients: Recipients) -> str:
    if not recipients.numbers:
        return "no care manager with a phone and no clinic line to notify"
    staff = f"notified {len(recipients.staff)} staff by text and call"
    return staff + (" and the clinic line by text" if recipients.clinic_line else "")
