"""One planning pass over 100,000 enrolled patients with 1,000 check-ins due, on a fresh database.

    .venv/bin/python -m bench.planner [--backend sqlite|postgresql|both] [--patients 100000] [--due 1000]

The pass reads the due enrollments, pauses none (everyone has consented) and schedules a
check-in and its start for each; the idle pass that follows finds nothing due.
"""
from __future__ import annotations

import argparse
import time
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from bench.common import fresh_database
from engage.checkins.models import CheckIn, Enrollment
from engage.config import load_settings
from engage.db import utcnow
from engage.enums import Channel, EnrollmentStatus
from engage.patients.models import Patient
from engage.runtime import build_runtime
from engage.scheduling.planner import plan_due_enrollments

CHUNK = 10_000


def seed(runtime, patients: int, due: int, now) -> None:
    """Bulk rows through Core: every patient consented and enrolled; every n-th of them due now."""
    stride = patients // due
    with runtime.engine.begin() as conn:
        for first in range(0, patients, CHUNK):
            numbers = range(first, min(first + CHUNK, patients))
            conn.execute(insert(Patient), [
                {"id": n + 1, "first_name": "Bench", "last_name": str(n), "phone": f"+1312{2000000 + n:07d}",
                 "language": "en", "timezone": "America/Chicago", "channel": Channel.SMS, "sms_consent": True}
                for n in numbers])
            conn.execute(insert(Enrollment), [
                {"patient_id": n + 1, "instrument": "phq9", "interval_days": 14, "channel": Channel.SMS,
                 "status": EnrollmentStatus.ACTIVE, "started_at": now - timedelta(days=30),
                 "next_due_at": _next_due(n, stride, due, now)}
                for n in numbers])
        conn.execute(text("ANALYZE"))  # as a running database would have: the planner's query uses the index


def _next_due(n: int, stride: int, due: int, now):
    """The due ones spread over the last hour, the rest over the next two weeks."""
    if n % stride == 0 and n // stride < due:
        return now - timedelta(seconds=n % 3600)
    return now + timedelta(minutes=1 + n % (14 * 24 * 60))


def run(backend: str, patients: int, due: int) -> dict:
    with fresh_database(backend) as url:
        runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
        now = utcnow()
        seed(runtime, patients, due, now)
        started = time.perf_counter()
        planned = plan_due_enrollments(runtime, now)
        busy = time.perf_counter() - started
        started = time.perf_counter()
        idle_planned = plan_due_enrollments(runtime, now)
        idle = time.perf_counter() - started
        with runtime.sessions() as session:
            checkins = session.scalar(select(func.count()).select_from(CheckIn))
        runtime.engine.dispose()
    if (planned, checkins, idle_planned) != (due, due, 0):
        raise SystemExit(f"{backend}: planned {planned}, {checkins} check-ins, idle pass planned {idle_planned}")
    return {"backend": backend, "patients": patients, "due": due, "pass_s": busy, "idle_ms": idle * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{'backend':<11}{'enrolled':>10}{'due':>7}{'pass s':>9}{'idle ms':>9}")
    for backend in backends:
        r = run(backend, args.patients, args.due)
        print(f"{backend:<11}{r['patients']:>10}{r['due']:>7}{r['pass_s']:>9.3f}{r['idle_ms']:>9.2f}")


if __name__ == "__main__":
    main()
