"""Voice webhook steps per second and latency under gunicorn (2 workers), beside a bare Flask endpoint
served the same way in the same run.

    .venv/bin/python -m bench.voice [--backend sqlite|postgresql|both] [--seconds 10]

It needs wrk (apt-get install wrk).

Each request is a caller's keypress for the next item of a PHQ-9 on a call, signed like Twilio signs
it: signature check, the call's row locked, the step stored, the answer recorded (scored on the last
item), the next item's TwiML stored and returned.
"""
from __future__ import annotations

import argparse
from urllib.parse import urlencode

from sqlalchemy import create_engine, insert, select, update
from twilio.request_validator import RequestValidator

from bench.common import fresh_database, gunicorn, require_wrk, seed_open_checkins, wrk

AUTH_TOKEN = "bench-auth-token"
PUBLIC_URL = "https://engage.bench"
ITEMS = 9


def seed(url: str, patients: int) -> list[str]:
    """Patients in an open PHQ-9 by call, each on a call past the identity check; returns the CallSids."""
    from engage.checkins.models import CheckIn
    from engage.db import utcnow
    from engage.enums import CallPurpose, CallStatus, Channel, Direction
    from engage.outbox.models import Call
    from engage.patients.models import Patient

    phones = [f"+1312{2000000 + n:07d}" for n in range(patients)]
    seed_open_checkins(url, phones)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(CheckIn).values(channel=Channel.VOICE))
        rows = conn.execute(select(CheckIn.id, CheckIn.patient_id, Patient.phone)
                            .join(Patient, Patient.id == CheckIn.patient_id).order_by(CheckIn.id)).all()
        sids = [f"CA{n:032x}" for n in range(len(rows))]
        conn.execute(insert(Call), [
            {"purpose": CallPurpose.CHECKIN, "direction": Direction.OUTBOUND, "patient_id": patient_id,
             "checkin_id": checkin_id, "to_number": phone, "from_number": "+13125550100", "call_sid": sid,
             "status": CallStatus.IN_PROGRESS, "attempt": 1, "stage": "items", "turn": 1, "repeats": 0,
             "created_at": utcnow(), "answered_at": utcnow()}
            for (checkin_id, patient_id, phone), sid in zip(rows, sids)])
    engine.dispose()
    return sids


def signed_requests(sids: list[str]) -> list[tuple[str, dict, str]]:
    """Every caller answers item 1, then every caller item 2, and so on: 9 rounds."""
    validator, requests = RequestValidator(AUTH_TOKEN), []
    for item in range(ITEMS):
        for n, sid in enumerate(sids):
            path = f"/webhooks/twilio/voice/items-{item + 1}"
            value = int(n % 10 == 0) if item == ITEMS - 1 else (n + item) % 4
            params = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": "+13125550100", "To": "+13122000000",
                      "CallStatus": "in-progress", "Direction": "outbound-api", "Digits": str(value)}
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": validator.compute_signature(PUBLIC_URL + path, params)}
            requests.append((path, headers, urlencode(params)))
    return requests


def run(backend: str, seconds: int, connections: int, patients: int) -> dict:
    with fresh_database(backend) as url:
        requests = signed_requests(seed(url, patients))
        env = {"ENGAGE_DATABASE_URL": url, "ENGAGE_PUBLIC_URL": PUBLIC_URL, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        with gunicorn("bench.apps:bare_app()", env) as base:
            bare = wrk(base, requests, seconds, connections)
        with gunicorn("bench.apps:engage_app()", env) as base:
            full = wrk(base, requests, seconds, connections)
    if full["requests"] > len(requests):
        raise SystemExit("the run outlasted its distinct requests: raise --patients")
    return {"backend": backend, "bare": bare, "voice": full, "ratio": full["rps"] / bare["rps"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--patients", type=int, default=3000)
    args = parser.parse_args()
    require_wrk()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{'backend':<11}{'endpoint':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for backend in backends:
        result = run(backend, args.seconds, args.connections, args.patients)
        for name in ("bare", "voice"):
            f = result[name]
            print(f"{backend:<11}{name:<10}{f['rps']:>9.0f}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['non_2xx']:>9}")
        print(f"{backend:<11}voice/bare throughput: {result['ratio']:.1%}")


if __name__ == "__main__":
    main()
