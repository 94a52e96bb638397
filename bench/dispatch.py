"""Dispatch throughput to a Twilio-compatible server on loopback, beside bare twilio-client
creates against the same server in the same run; and the shared rate limiter's accuracy.

    .venv/bin/python -m bench.dispatch [--messages 3000] [--workers 2]

Dispatch runs with claims, status updates and the limiter off, on PostgreSQL and on SQLite.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import fresh_database
from engage.config import load_settings
from engage.enums import Channel, Direction, DispatchStatus, MessageStatus
from engage.outbox.models import Dispatch, Message
from engage.outbox.queue import SEND_MESSAGES
from engage.outbox.rate_limit import SendRateLimiter
from engage.runtime import build_runtime
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN, running_twilio

NOON = datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)
WORKER = """
import sys, time
from datetime import datetime
from pathlib import Path
from engage.config import load_settings
from engage.gateways import gateway_for
from engage.runtime import build_runtime
from engage.scheduling.tick import tick
runtime = build_runtime(load_settings())
gateway_for(runtime)  # connect before the race starts
while not Path(sys.argv[1]).exists():
    time.sleep(0.005)
print(tick(runtime, datetime.fromisoformat(sys.argv[2]), worker=sys.argv[3]))
"""


def raw_creates(base_url: str, seconds: float, processes: int) -> float:
    """Bare client.messages.create calls per second, from `processes` processes at once."""
    script = f"""
import time
from twilio.rest import Client
from engage.config import load_settings
from engage.gateways.twilio import TwilioGateway
gateway = TwilioGateway(load_settings({{"ENGAGE_GATEWAY": "twilio", "TWILIO_ACCOUNT_SID": "{ACCOUNT_SID}",
    "TWILIO_AUTH_TOKEN": "{AUTH_TOKEN}", "ENGAGE_TWILIO_FROM": "+13125550100",
    "ENGAGE_TWILIO_API_URL": "{base_url}", "ENGAGE_DATABASE_URL": "sqlite://"}}))
client, done, end = gateway.client, 0, time.monotonic() + {seconds}
while time.monotonic() < end:
    client.messages.create(to="+13125550142", from_="+13125550100", body="Q1/9: raw create")
    done += 1
print(done)
"""
    runs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
            for _ in range(processes)]
    return sum(int(run.communicate()[0]) for run in runs) / seconds


def seed_outbox(url: str, messages: int) -> None:
    runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
    with runtime.engine.begin() as conn:
        rows = [{"direction": Direction.OUTBOUND, "channel": Channel.SMS, "kind": "checkin_item",
                 "to_number": f"+1312{3000000 + n:07d}", "from_number": "+13125550100",
                 "body": "Q1/9: Little interest or pleasure in doing things?", "status": MessageStatus.QUEUED,
                 "created_at": NOON} for n in range(messages)]
        ids = conn.execute(insert(Message.__table__).returning(Message.__table__.c.id,
                                                                sort_by_parameter_order=True), rows).scalars().all()
        conn.execute(insert(Dispatch.__table__), [
            {"kind": SEND_MESSAGES, "due_at": NOON, "status": DispatchStatus.PENDING, "payload": {"message_ids": [i]},
             "attempts": 0, "created_at": NOON} for i in ids])
    runtime.engine.dispose()


def dispatch_rate(url: str, base_url: str, messages: int, workers: int) -> tuple[float, int]:
    seed_outbox(url, messages)
    env = {**os.environ, "ENGAGE_DATABASE_URL": url, "ENGAGE_GATEWAY": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "ENGAGE_TWILIO_FROM": "+13125550100", "ENGAGE_TWILIO_API_URL": base_url,
           "ENGAGE_PUBLIC_URL": "https://engage.bench", "ENGAGE_SMS_PER_SECOND": "0"}
    with tempfile.TemporaryDirectory() as folder:
        go = Path(folder) / "go"
        runs = [subprocess.Popen([sys.executable, "-c", WORKER, str(go), NOON.isoformat(), f"w{n}"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(workers)]
        time.sleep(3)
        started = time.monotonic()
        go.touch()
        handled = sum(_handled(run) for run in runs)
        elapsed = time.monotonic() - started
    runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
    with runtime.sessions() as session:
        sent = len(session.scalars(select(Message.id).where(Message.provider_sid.is_not(None))).all())
    runtime.engine.dispose()
    return sent / elapsed, handled


def _handled(run: subprocess.Popen) -> int:
    out, err = run.communicate()
    if run.returncode:
        raise SystemExit(f"a dispatch worker failed:\n{err}")
    return int(out)


def limiter_accuracy(url: str, rate: float, sends: int, threads: int = 4) -> float:
    """Achieved sends per second with `threads` workers sharing one limiter row."""
    runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
    limiters = [SendRateLimiter(runtime.engine, f"sms:accuracy-{rate}", rate) for _ in range(threads)]
    first = limiters[0].wait_for_slot()
    with ThreadPoolExecutor(threads) as pool:
        slots = list(pool.map(lambda n: limiters[n % threads].wait_for_slot(), range(sends - 1)))
    done = time.time()
    runtime.engine.dispose()
    return (sends - 1) / (max(done, max(slots)) - first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    with running_twilio() as twilio:
        raw1 = raw_creates(twilio.base_url, args.seconds, 1)
        raw = raw_creates(twilio.base_url, args.seconds, args.workers)
        print(f"bare twilio-client creates: {raw1:.0f}/s from 1 process, {raw:.0f}/s from {args.workers}")
        for backend in ("postgresql", "sqlite"):
            with fresh_database(backend) as url:
                rate, handled = dispatch_rate(url, twilio.base_url, args.messages, args.workers)
                print(f"{backend:<11} dispatch, {args.workers} workers: {rate:.0f} messages/s "
                      f"({handled} dispatches) = {rate / raw:.0%} of bare creates from {args.workers} processes")
            twilio.clear()
    with fresh_database("postgresql") as url:
        for rate, sends in ((10, 50), (100, 500)):
            achieved = limiter_accuracy(url, rate, sends)
            print(f"limiter at {rate}/s, 4 threads sharing it: {achieved:.2f}/s ({achieved / rate - 1:+.1%})")


if __name__ == "__main__":
    main()
