"""The dispatcher: claims due rows from the outbox with a lease and carries them out.

Any number of dispatchers may run at once. A claim is a short transaction (SKIP LOCKED
on PostgreSQL; SQLite serialises writers), so two workers never hold the same row, and a
row whose worker died is taken over once its lease has run out.
"""
from __future__ import annotations

import logging
import os
import random
import socket
import time
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engage.db import log_failure, session_scope
from engage.enums import DispatchStatus, FlagKind
from engage.flags.service import raise_flag
from engage.outbox.jobs import Decide, Deliver, Job, JobKinds
from engage.outbox.models import Dispatch
from engage.runtime import Runtime

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
MAX_BATCH = 100
MAX_ATTEMPTS = 8


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_due(runtime: Runtime, now: datetime, worker: str, batch: int = MAX_BATCH,
              pass_age: timedelta = timedelta(0), urgent_only: bool = False) -> list[tuple[int, str]]:
    with session_scope(runtime.sessions) as session:
        query = (
            select(Dispatch)
            .where(or_(
                and_(Dispatch.status == DispatchStatus.PENDING, Dispatch.due_at <= now),
                and_(Dispatch.status == DispatchStatus.CLAIMED, Dispatch.lease_until < now),
            ))
            .order_by(Dispatch.urgent.desc(), Dispatch.due_at, Dispatch.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        if urgent_only:
            query = query.where(Dispatch.urgent)
        rows = session.scalars(query).all()
        for row in rows:
            row.status, row.claimed_by, row.lease_until = DispatchStatus.CLAIMED, worker, now + pass_age + LEASE
            row.attempts += 1
        return [(row.id, row.kind) for row in rows]


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter, so retrying workers don't stampede the provider together."""
    return timedelta(seconds=random.uniform(0, min(3600, 15 * 2 ** attempts)))


def _owned(session: Session, dispatch_id: int, worker: str) -> Dispatch | None:
    dispatch = session.get(Dispatch, dispatch_id, with_for_update=True)
    if dispatch is None or dispatch.status is not DispatchStatus.CLAIMED or dispatch.claimed_by != worker:
        return None  # another worker took it over after our lease ran out
    return dispatch


def _finish(dispatch: Dispatch, now: datetime) -> None:
    if dispatch.status is DispatchStatus.CLAIMED:
        dispatch.status, dispatch.completed_at, dispatch.lease_until = DispatchStatus.DONE, now, None


def decide(runtime: Runtime, dispatch_id: int, worker: str, now: datetime, handler: Decide) -> None:
    """The state change and the row's completion commit together, so a decision is made once."""
    with session_scope(runtime.sessions) as session:
        dispatch = _owned(session, dispatch_id, worker)
        if dispatch is not None:
            handler(Job(session, runtime, dispatch, now))
            _finish(dispatch, now)


def deliver(runtime: Runtime, dispatch_ids: list[int], worker: str, now: datetime, handler: Deliver) -> None:
    """Talks to the provider outside any transaction, then settles the whole batch at once."""
    results = handler(runtime, dispatch_ids, worker, now)
    with session_scope(runtime.sessions) as session:
        for dispatch in session.scalars(select(Dispatch).where(
                Dispatch.id.in_(results), Dispatch.claimed_by == worker, Dispatch.status == DispatchStatus.CLAIMED)):
            error = results[dispatch.id]
            _retry_later(session, runtime, dispatch, now, error) if error else _finish(dispatch, now)


def _retry_later(session: Session, runtime: Runtime, dispatch: Dispatch, now: datetime, error: str) -> None:
    dispatch.last_error = error
    if dispatch.attempts < MAX_ATTEMPTS:
        dispatch.status, dispatch.claimed_by, dispatch.lease_until = DispatchStatus.PENDING, None, None
        dispatch.due_at = now + backoff(dispatch.attempts)
        return
    dispatch.status = DispatchStatus.FAILED
    if dispatch.patient_id is not None:
        # Given up after hours of retries: a person must know this patient was not reached.
        raise_flag(session, runtime.settings, kind=FlagKind.DELIVERY_FAILURE, patient_id=dispatch.patient_id,
                   reason=f"sending failed after {dispatch.attempts} attempts: {error}")


def batch_size(per_second: float) -> int:
    """As many rows as go out well inside one lease at the provider's speed (about two texts each)."""
    if per_second <= 0:
        return MAX_BATCH
    return max(1, min(MAX_BATCH, int(per_second * LEASE.total_seconds() / 4)))


def run_pass(runtime: Runtime, now: datetime, jobs: JobKinds, worker: str | None = None,
             urgent_only: bool = False) -> int:
    """Everything due at `now`, including what the pass itself makes due; returns how many ran.

    Leases of later batches in a long pass run from when they were actually claimed, so other
    workers do not take over rows this pass has only just picked up."""
    worker, started, done = worker or worker_name(), time.monotonic(), 0
    batch = batch_size(runtime.settings.sms_per_second)
    while claimed := claim_due(runtime, now, worker, batch, timedelta(seconds=time.monotonic() - started),
                               urgent_only):
        deliveries: dict[str, list[int]] = {}
        for dispatch_id, kind in claimed:
            if kind in jobs.deliver:
                deliveries.setdefault(kind, []).append(dispatch_id)
                continue
            _safely(decide, runtime, dispatch_id, worker, now, jobs.decide[kind])
        for kind, ids in deliveries.items():
            _safely(deliver, runtime, ids, worker, now, jobs.deliver[kind])
        done += len(claimed)
    return done


def _safely(step: Callable, runtime: Runtime, work, worker: str, now: datetime, handler) -> None:
    try:
        step(runtime, work, worker, now, handler)
    except Exception:
        # One bad row must not stop the others; its lease runs out and it is retried.
        log_failure(log, "dispatch %s failed", work)
