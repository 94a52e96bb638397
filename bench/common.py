"""Shared by the benchmarks: fresh databases, seeded patients, gunicorn, wrk."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("ENGAGE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """A migrated, empty database of the given backend, dropped afterwards."""
    from engage import migrate
    from engage.config import load_settings

    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            migrate.upgrade(load_settings({"ENGAGE_DATABASE_URL": url}))
            yield url
        return
    name = f"engage_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(load_settings({"ENGAGE_DATABASE_URL": url}))
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed_open_checkins(url: str, phones: list[str], answered: int = 0, staff: dict | None = None) -> None:
    """Patients, a third of them Spanish-speaking, each in an open SMS PHQ-9 with `answered` items
    answered; and, if given, one staff user (an on-call care manager, say)."""
    from engage.auth.service import create_staff_user
    from engage.checkins.models import Answer, CheckIn
    from engage.config import load_settings
    from engage.db import session_scope, utcnow
    from engage.enums import Channel, CheckInStatus
    from engage.patients.service import create_patient
    from engage.runtime import build_runtime

    runtime = build_runtime(load_settings({"ENGAGE_DATABASE_URL": url}))
    now = utcnow()
    with session_scope(runtime.sessions) as session:
        if staff:
            create_staff_user(session, **staff)
        for n, phone in enumerate(phones):
            patient = create_patient(session, {"first_name": "Bench", "last_name": str(n), "phone": phone,
                                               "language": "es" if n % 3 == 0 else "en",
                                               "consent": {"sms": True}}, runtime.settings)
            session.add(CheckIn(
                patient_id=patient.id, instrument="phq9", channel=Channel.SMS, current_item=answered,
                status=CheckInStatus.IN_PROGRESS, scheduled_for=now, started_at=now,
                expires_at=now + timedelta(hours=24),
                answers=[Answer(item_index=i, item_code=f"phq9_{i + 1}", value=1, answered_at=now)
                         for i in range(answered)]))
    runtime.engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serves `module:factory()` under gunicorn with `workers` sync workers; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/healthz")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def require_wrk() -> None:
    """wrk is not a Python package and a fresh machine lacks it: say so before any set-up."""
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs the wrk load generator: apt-get install wrk")


def _lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def wrk(base_url: str, requests: list[tuple[str, dict[str, str], str]], seconds: int, connections: int) -> dict:
    """Replays pre-built POST requests (path, headers, body) in order, round robin; returns figures."""
    entries = ",\n".join(
        "wrk.format('POST', {}, {{{}}}, {})".format(
            _lua_string(path),
            ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()),
            _lua_string(body),
        )
        for path, headers, body in requests
    )
    script = f"""
local requests = nil
local index = 0
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
function init(args)
  requests = {{ {entries} }}
  index = offset
end
function request()
  index = index + {connections}
  return requests[(index % #requests) + 1]
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        result = subprocess.run(
            ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s",
             handle.name, base_url],
            capture_output=True, text=True, check=True,
        )
    finally:
        os.unlink(handle.name)
    return parse_wrk(result.stdout)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        figures[key] = _ms(re.search(rf"^\s+{re.escape(label)}\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    return figures


AUTH_TOKEN = "bench-auth-token"
PUBLIC_URL = "https://engage.bench"
Requests = list[tuple[str, dict[str, str], str]]


def webhook_against_bare(name: str, doc: str, seed: Callable[[str, int], object],
                         signed_requests: Callable[[object], Requests]) -> None:
    """The command line of a webhook benchmark: `name`'s signed requests served by engage and by a bare
    Flask endpoint, one after the other on the same seeded database, and the ratio of their throughput."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--patients", type=int, default=3000)
    args = parser.parse_args()
    require_wrk()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{'backend':<11}{'endpoint':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for backend in backends:
        bare, full = _serve_both(backend, args, seed, signed_requests)
        for label, f in (("bare", bare), (name, full)):
            print(f"{backend:<11}{label:<10}{f['rps']:>9.0f}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['non_2xx']:>9}")
        print(f"{backend:<11}{name}/bare throughput: {full['rps'] / bare['rps']:.1%}")


def _serve_both(backend: str, args, seed, signed_requests) -> tuple[dict, dict]:
    with fresh_database(backend) as url:
        requests = signed_requests(seed(url, args.patients))
        env = {"ENGAGE_DATABASE_URL": url, "ENGAGE_PUBLIC_URL": PUBLIC_URL, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        with gunicorn("bench.apps:bare_app()", env) as base:
            bare = wrk(base, requests, args.seconds, args.connections)
        with gunicorn("bench.apps:engage_app()", env) as base:
            full = wrk(base, requests, args.seconds, args.connections)
    if full["requests"] > len(requests):
        raise SystemExit("the run outlasted its distinct requests: raise --patients")
    return bare, full
