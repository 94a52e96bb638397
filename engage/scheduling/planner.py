"""The planner: turns due enrollments into check-ins, at the start of every tick.

Its cost follows what is due, not how many patients are enrolled: one query on the
(status, next_due_at) index, a batch at a time, then lookups by key and set-wise statements for
that batch only. An enrollment leaves the due set once planned (next_due_at empty until its
check-in ends) or paused (next_due_at moved to its next look), so every batch makes progress.
Several workers may plan at once: on PostgreSQL each takes a different batch (SKIP LOCKED);
SQLite serialises them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, load_only

from engage.checkins import enrollments
from engage.checkins.models import CheckIn, Enrollment
from engage.checkins.service import OPEN, schedule_checkins
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
            if due:
                _plan(session, due, now)
        planned += len(due)
        if len(due) < BATCH:
            return planned


def _claim_due(session: Session, now: datetime) -> list[Row]:
    return session.execute(
        select(Enrollment.id, Enrollment.patient_id, Enrollment.instrument, Enrollment.channel)
        .where(Enrollment.status.in_((EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)),
               Enrollment.next_due_at <= now)
        .order_by(Enrollment.next_due_at, Enrollment.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()


def _plan(session: Session, due: list[Row], now: datetime) -> None:
    """Paused while the patient cannot be reached; otherwise a check-in starting now (quiet hours
    apply when it starts), unless one of the enrollment's own is still open."""
    patients = {patient.id: patient for patient in session.scalars(
        select(Patient).options(load_only(Patient.active, Patient.sms_consent, Patient.voice_consent,
                                          Patient.sms_unreachable_at))
        .where(Patient.id.in_({row.patient_id for row in due})))}
    busy = set(session.scalars(select(CheckIn.enrollment_id).where(
        CheckIn.enrollment_id.in_([row.id for row in due]), CheckIn.status.in_(OPEN))))
    paused: dict[str, list[int]] = {}
    ready = []
    for row in due:
        reason = enrollments.pause_reason(patients[row.patient_id], row.channel)
        if reason is None:
            ready.append(row)
        else:
            paused.setdefault(reason, []).append(row.id)
    for reason, ids in paused.items():
        enrollments.pause(session, ids, reason, now)
    if ready:
        enrollments.mark_planned(session, [row.id for row in ready])
    schedule_checkins(session, [
        {"patient_id": row.patient_id, "instrument": row.instrument, "channel": row.channel, "source": SOURCE,
         "scheduled_for": now, "enrollment_id": row.id}
        for row in ready if row.id not in busy])
