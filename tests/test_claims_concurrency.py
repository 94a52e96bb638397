"""Workers on PostgreSQL never wait for rows another worker holds, and never take them (SKIP LOCKED).

Each test makes the overlap happen instead of hoping for it: rows are held by an open transaction,
or one worker is stopped while it holds what it claimed, and the other worker must answer at once
with the rest. A worker that waits for the held rows (a plain FOR UPDATE) fails the test after
DEADLINE rather than hanging it; one that takes them (no lock at all) fails it too.
"""
from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select

from engage.checkins.enrollments import enroll
from engage.checkins.models import CheckIn, Enrollment
from engage.checkins.service import START, schedule_checkin
from engage.db import session_scope
from engage.enums import DispatchStatus, EnrollmentStatus
from engage.outbox.models import Dispatch
from engage.patients.models import Patient
from engage.runtime import build_runtime
from engage.scheduling import planner
from engage.scheduling.dispatcher import claim_due
from engage.scheduling.planner import plan_due_enrollments
from tests.factories import Factory, rows

NOW = datetime(2037, 12, 1, 16, 0, tzinfo=timezone.utc)
# Skipping held rows takes milliseconds; only a worker waiting for them gets anywhere near this.
DEADLINE = 5.0


class InThread:
    """Work running in a thread of its own, so that the test can stop waiting for it."""

    def __init__(self, work):
        self.result, self.error = None, None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work) -> None:
        try:
            self.result = work()
        except BaseException as exc:  # re-raised in the test by outcome()
            self.error = exc

    def finished_within(self, seconds: float) -> bool:
        self._thread.join(seconds)
        return not self._thread.is_alive()

    def outcome(self):
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.result


class StoppedBeforeWriting:
    """Stops a worker just before its first UPDATE of `table`: it has read and locked its rows, and
    holds them until released."""

    def __init__(self, engine, table: str):
        self.statement = f"UPDATE {table} "
        self.reached, self._released = threading.Event(), threading.Event()
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith(self.statement) and not self.reached.is_set():
            self.reached.set()
            self._released.wait(4 * DEADLINE)

    def release(self) -> None:
        self._released.set()


@contextmanager
def held(runtime, model, ids: list[int]):
    """Another transaction holds these rows (SELECT ... FOR UPDATE) until the block ends."""
    with runtime.engine.connect() as holder:
        assert sorted(holder.scalars(select(model.id).where(model.id.in_(ids)).with_for_update())) == ids
        yield
        holder.rollback()


@pytest.fixture
def workers(postgres_runtime):
    """Runtimes of separate worker processes: engines and connections of their own."""
    built = []

    def worker():
        built.append(build_runtime(postgres_runtime.settings))
        return built[-1]

    yield worker
    for runtime in built:
        runtime.close()


def due_checkin_starts(runtime, count: int) -> list[int]:
    """The starts of `count` check-ins due at NOW, in the order workers claim them."""
    factory = Factory(runtime)
    patients = [factory.patient() for _ in range(count)]
    with session_scope(runtime.sessions) as session:
        for patient in patients:
            schedule_checkin(session, session.get(Patient, patient.id), "phq2", at=NOW)
    return [dispatch.id for dispatch in rows(runtime, Dispatch)]


def due_enrollments(runtime, count: int) -> list[int]:
    """`count` enrollments due at NOW, in the order planners claim them."""
    factory = Factory(runtime)
    patients = [factory.patient() for _ in range(count)]
    with session_scope(runtime.sessions) as session:
        for patient in patients:
            enroll(session, session.get(Patient, patient.id), instrument="phq9", interval_days=14,
                   now=NOW - timedelta(days=1), start_at=NOW)
    return [enrollment.id for enrollment in rows(runtime, Enrollment)]


def claimed_ids(claimed: list[tuple[int, str]]) -> list[int]:
    return [dispatch_id for dispatch_id, _ in claimed]


def checkins_per_enrollment(runtime) -> Counter:
    return Counter(checkin.enrollment_id for checkin in rows(runtime, CheckIn))


def test_a_worker_claims_the_due_rows_nobody_holds_at_once_and_never_a_held_one(postgres_runtime, workers):
    due = due_checkin_starts(postgres_runtime, 6)
    taken, free = due[0::2], due[1::2]
    worker = workers()
    with held(postgres_runtime, Dispatch, taken):
        claim = InThread(lambda: claim_due(worker, NOW, "worker-b"))
        answered = claim.finished_within(DEADLINE)
    claimed = claimed_ids(claim.outcome())
    assert answered, "the worker waited for rows another transaction held"
    assert claimed == free
    assert [(d.id, d.status, d.claimed_by) for d in rows(postgres_runtime, Dispatch)] == [
        (n, DispatchStatus.CLAIMED, "worker-b") if n in free else (n, DispatchStatus.PENDING, None) for n in due]


def test_two_workers_claiming_at_the_same_moment_take_different_rows(postgres_runtime, workers):
    due = due_checkin_starts(postgres_runtime, 6)
    first, second = workers(), workers()
    stopped = StoppedBeforeWriting(first.engine, "dispatches")
    try:
        claim_a = InThread(lambda: claim_due(first, NOW, "worker-a", batch=3))
        assert stopped.reached.wait(DEADLINE), "worker-a never claimed"
        claim_b = InThread(lambda: claim_due(second, NOW, "worker-b", batch=3))
        answered = claim_b.finished_within(DEADLINE)
    finally:
        stopped.release()
    claimed = claimed_ids(claim_a.outcome()), claimed_ids(claim_b.outcome())
    assert answered, "worker-b waited for the rows worker-a held"
    assert claimed == (due[:3], due[3:])
    assert [d.claimed_by for d in rows(postgres_runtime, Dispatch)] == ["worker-a"] * 3 + ["worker-b"] * 3


def test_the_planner_plans_the_enrollments_nobody_holds_at_once_and_the_held_ones_later(postgres_runtime,
                                                                                       workers):
    due = due_enrollments(postgres_runtime, 6)
    taken, free = due[0::2], due[1::2]
    worker = workers()
    with held(postgres_runtime, Enrollment, taken):
        planning = InThread(lambda: plan_due_enrollments(worker, NOW))
        answered = planning.finished_within(DEADLINE)
    assert (answered, planning.outcome()) == (True, 3), "the planner waited for enrollments another transaction held"
    assert checkins_per_enrollment(postgres_runtime) == Counter(free)
    assert [(e.id, e.status, e.next_due_at) for e in rows(postgres_runtime, Enrollment, Enrollment.id.in_(taken))] == [
        (n, EnrollmentStatus.ACTIVE, NOW) for n in taken]  # untouched: still due
    assert plan_due_enrollments(worker, NOW) == 3
    assert checkins_per_enrollment(postgres_runtime) == Counter(due)


def test_two_planners_at_the_same_moment_plan_each_enrollment_exactly_once(postgres_runtime, workers, monkeypatch):
    monkeypatch.setattr(planner, "BATCH", 3)
    due = due_enrollments(postgres_runtime, 6)
    first, second = workers(), workers()
    stopped = StoppedBeforeWriting(first.engine, "enrollments")
    try:
        planning_a = InThread(lambda: plan_due_enrollments(first, NOW))
        assert stopped.reached.wait(DEADLINE), "planner a never claimed"
        planning_b = InThread(lambda: plan_due_enrollments(second, NOW))
        answered = planning_b.finished_within(DEADLINE)
        planned_by_b = checkins_per_enrollment(postgres_runtime)
    finally:
        stopped.release()
    looked_at = planning_a.outcome(), planning_b.outcome()
    assert answered, "planner b waited for the enrollments planner a held"
    assert planned_by_b == Counter(due[3:])
    assert looked_at == (3, 3)
    assert checkins_per_enrollment(postgres_runtime) == Counter(due)
    assert len(rows(postgres_runtime, Dispatch, Dispatch.kind == START)) == 6
