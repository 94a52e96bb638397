"""The caseload and the program measures on a clinic of 10,000 patients in treatment, 20 scores each.

    .venv/bin/python -m bench.caseload [--backend sqlite|postgresql|both] [--patients 10000] [--samples 40]

Each request goes through the whole API in process (token check, parsing, the queries, the access
log, JSON): a caseload page of 50 (sorted by status, at offsets across the whole list, a third of
them filtered by care manager) and the measures over a quarter (half of them per care manager).
The figures are p50 and p99 per request and the SQL statements each one ran. Targets: p99 under
200 ms for a caseload page, under 1 s for the measures.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from sqlalchemy import event, insert, text

from bench.common import fresh_database
from engage import create_app
from engage.auth.models import StaffUser
from engage.auth.tokens import issue_token
from engage.checkins.models import CheckIn, Outcome
from engage.config import load_settings
from engage.db import session_scope, utcnow
from engage.enums import (
    Channel, CheckInStatus, ConsentAction, Direction, FlagKind, FlagPriority, FlagStatus, MessageStatus, Role,
)
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Message
from engage.outreach.models import Campaign, CampaignRun
from engage.patients.models import ConsentEvent, Patient
from engage.registry.models import Episode
from engage.runtime import build_runtime

CHUNK = 2_000
MANAGERS = 10
SCORES = 20
PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def seed(runtime, patients: int, now) -> None:
    """Bulk rows through Core: each patient in an open PHQ-9 episode with a weekly score (and the
    check-in and text behind it), some urgent flags, opt-outs, failed texts and no-show outreach."""
    with runtime.engine.begin() as conn:
        conn.execute(insert(StaffUser), [{"id": m + 1, "email": f"cm{m}@bench.test", "name": f"CM {m}",
                                          "role": Role.CARE_MANAGER} for m in range(MANAGERS)])
        conn.execute(insert(Campaign), [{"id": 1, "name": "no-show", "trigger": "no_show"}])
        for first in range(0, patients, CHUNK):
            numbers = range(first, min(first + CHUNK, patients))
            for model, rows in _rows(numbers, now):
                conn.execute(insert(model), rows)
        conn.execute(text("ANALYZE"))


def _rows(numbers: range, now):
    opened = {n: now - timedelta(weeks=SCORES + 1 + n % 20, hours=n % 24) for n in numbers}
    yield Patient, [{"id": n + 1, "first_name": "Bench", "last_name": str(n), "phone": f"+1312{2000000 + n:07d}",
                     "language": "es" if n % 3 == 0 else "en", "timezone": "America/Chicago",
                     "channel": Channel.SMS, "sms_consent": n % 50 != 0, "care_manager_id": n % MANAGERS + 1}
                    for n in numbers]
    scores = [(n, k, opened[n] + timedelta(days=1 + 7 * k + (n + k) % 3)) for n in numbers for k in range(SCORES)]
    yield Episode, [{"id": n + 1, "patient_id": n + 1, "instrument": "phq9", "care_manager_id": n % MANAGERS + 1,
                     "opened_at": opened[n], **_first_and_latest(n, opened[n])} for n in numbers]
    yield CheckIn, [{"id": n * SCORES + k + 1, "patient_id": n + 1, "instrument": "phq9", "channel": Channel.SMS,
                     "status": CheckInStatus.EXPIRED if (n + k) % 7 == 0 else CheckInStatus.COMPLETED,
                     "source": "enrollment", "scheduled_for": at, "started_at": at,
                     "completed_at": None if (n + k) % 7 == 0 else at} for n, k, at in scores]
    yield Outcome, [{"patient_id": n + 1, "checkin_id": n * SCORES + k + 1, "instrument": "phq9", "answers": PHQ9,
                     "total": _total(n, k), "source": "sms", "completed_at": at, "recorded_at": at,
                     "positive_screen": _total(n, k) >= 10, "safety_event": False}
                    for n, k, at in scores if (n + k) % 7]
    yield Message, [{"patient_id": n + 1, "checkin_id": n * SCORES + k + 1, "direction": Direction.OUTBOUND,
                     "channel": Channel.SMS, "kind": "checkin", "from_number": "+13125550100",
                     "to_number": f"+1312{2000000 + n:07d}", "body": "",
                     "status": MessageStatus.FAILED if (n * k) % 31 == 1 else MessageStatus.DELIVERED,
                     "created_at": at, "sent_at": at} for n, k, at in scores]
    flagged = [n for n in numbers if n % 20 == 0]
    yield Flag, [{"id": n + 1, "patient_id": n + 1, "kind": FlagKind.SUICIDE_RISK, "priority": FlagPriority.URGENT,
                  "status": FlagStatus.ACKNOWLEDGED, "reason": "bench", "created_at": now - timedelta(days=n % 80),
                  "acknowledged_at": now - timedelta(days=n % 80) + timedelta(minutes=3 + n % 40)} for n in flagged]
    yield FlagEvent, [{"flag_id": n + 1, "action": "acknowledged", "actor_id": n % MANAGERS + 1,
                       "occurred_at": now - timedelta(days=n % 80) + timedelta(minutes=3 + n % 40)} for n in flagged]
    yield ConsentEvent, [{"patient_id": n + 1, "phone": f"+1312{2000000 + n:07d}", "channel": Channel.SMS,
                          "action": ConsentAction.REVOKED, "source": "sms", "occurred_at": now - timedelta(days=n % 90)}
                         for n in numbers if n % 50 == 0]
    yield CampaignRun, [{"campaign_id": 1, "patient_id": n + 1, "started_at": now - timedelta(days=n % 90),
                         "reached_at": now if n % 3 else None, "replied_at": now if n % 5 == 0 else None,
                         "rescheduled_at": now if n % 10 == 0 else None} for n in numbers if n % 10 == 0]


def _first_and_latest(n: int, opened) -> dict:
    """What recording the scores keeps on the episode (engage.registry.episodes.note_score)."""
    scored = [k for k in range(SCORES) if (n + k) % 7]
    first, last = scored[0], scored[-1]
    return {"baseline": _total(n, first), "baseline_at": opened + timedelta(days=1 + 7 * first + (n + first) % 3),
            "latest": _total(n, last), "latest_at": opened + timedelta(days=1 + 7 * last + (n + last) % 3)}


def _total(n: int, k: int) -> int:
    """Starts between 10 and 24 and falls by a rate of the patient's own; some never improve."""
    start = 10 + n % 15
    return max(0, start - (k * (n % 4)) // 3)


def _timed(client, headers, statements: list, requests: list[tuple[str, dict]]) -> dict:
    times, counts = [], []
    for path, query in requests:
        statements.clear()
        started = time.perf_counter()
        response = client.get(path, headers=headers, query_string=query)
        times.append((time.perf_counter() - started) * 1000)
        counts.append(len(statements))
        if response.status_code != 200:
            raise SystemExit(f"{path} {query}: {response.status_code} {response.data[:200]!r}")
    times.sort()
    return {"p50_ms": statistics.median(times), "p99_ms": times[min(len(times) - 1, round(0.99 * len(times)))],
            "statements": max(counts)}


def run(backend: str, patients: int, samples: int) -> dict:
    with fresh_database(backend) as url:
        runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
        now = utcnow()
        started = time.perf_counter()
        seed(runtime, patients, now)
        seeded = time.perf_counter() - started
        with session_scope(runtime.sessions) as session:
            token = issue_token(session, session.get(StaffUser, 1))
        app = create_app(runtime=runtime)
        client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
        statements: list[str] = []
        event.listen(runtime.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        pages = [("/api/v1/caseload", {"limit": 50, "offset": (i * 997) % patients,
                                       **({"care_manager_id": i % MANAGERS + 1} if i % 3 == 0 else {})})
                 for i in range(samples)]
        first, last = (now - timedelta(days=90)).date(), now.date()
        quarters = [("/api/v1/metrics", {"from": first.isoformat(), "to": last.isoformat(),
                                         **({"by": "care_manager"} if i % 2 else {})})
                    for i in range(max(4, samples // 4))]
        _timed(client, headers, statements, pages[:3] + quarters[:2])  # warm the pools and caches
        caseload = _timed(client, headers, statements, pages)
        metrics = _timed(client, headers, statements, quarters)
        runtime.engine.dispose()
    return {"backend": backend, "patients": patients, "seed_s": seeded, "caseload": caseload, "metrics": metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{'backend':<11}{'patients':>9}{'seed s':>8}  {'request':<16}{'p50 ms':>9}{'p99 ms':>9}{'SQL':>5}")
    for backend in backends:
        r = run(backend, args.patients, args.samples)
        for name, label in (("caseload", "caseload page"), ("metrics", "metrics quarter")):
            f = r[name]
            print(f"{backend:<11}{r['patients']:>9}{r['seed_s']:>8.1f}  {label:<16}{f['p50_ms']:>9.1f}"
                  f"{f['p99_ms']:>9.1f}{f['statements']:>5}")


if __name__ == "__main__":
    main()
