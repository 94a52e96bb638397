"""The planner: turns due enrollments into check-ins, at the start of every tick.

Its cost follows what is due, not how many patients are enrolled: one query on the
(status, next_due_at) index, a batch at a time, and nothing read for enrollments not yet due.
An enrollment leaves the due set once planned (next_due_at None until its check-in ends) or
paused (next_due_at moved to its next look), so every batch makes progress. Several workers
may plan at once: on PostgreSQL each takes a different batch (SKIP LOCKED); SQLite serialises them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.checkins import enrollments
from engage.checkins.models import CheckIn, Enrollment
from engage.checkins.service import OPEN, schedule_checkin
from engage.db import session_scope
from engage.enums import EnrollmentStatus
from engage.patients.models import Patient
from engage.runtime import Runtime

BATCH = 500
SOURCE = "schedule"


def plan_due_enrollments(runtime: Runtime, now: datetime) -> int:
    """Plans every enrollment due at `now`; returns how many it looked at."""
    planned = 0
    while True:
        with session_scope(runtime.sessions) as session:
            due = _claim_due(session, now)
            patients = {p.id: p for p in session.scalars(
                select(Patient).where(Patient.id.in_({e.patient_id for e in due})))}
            busy = set(session.scalars(select(CheckIn.enrollment_id).where(
                CheckIn.enrollment_id.in_([e.id for e in due]), CheckIn.status.in_(OPEN))))
            for enrollment in due:
                _plan(session, enrollment, patients[enrollment.patient_id], enrollment.id in busy, now)
        planned += len(due)
        if len(due) < BATCH:
            return planned


def _claim_due(session: Session, now: datetime) -> list[Enrollment]:
    return list(session.scalars(
        select(Enrollment)
        .where(Enrollment.status.in_((EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)),
               Enrollment.next_due_at <= now)
        .order_by(Enrollment.next_due_at, Enrollment.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ))


def _plan(session: Session, enrollment: Enrollment, patient: Patient, busy: bool, now: datetime) -> None:
    """Due now: pause it while the patient cannot be reached, else start a check-in (quiet hours
    are applied when the check-in starts)."""
    reason = enrollments.pause_reason(patient, enrollment.channel)
    if reason is not None:
        enrollments.pause(enrollment, reason, now)
        return
    enrollments.resume(enrollment)
    if not busy:
        schedule_checkin(session, patient, enrollment.instrument, at=now, channel=enrollment.channel,
                         source=SOURCE, enrollment_id=enrollment.id)
    # Planned: the check-in's end (completed, expired, cancelled) says when the next one is due.
    enrollment.next_due_at = None
