"""Inbound SMS webhook throughput and latency under gunicorn (2 workers), beside a bare Flask
endpoint served the same way in the same run.

    .venv/bin/python -m bench.webhook [--backend sqlite|postgresql|both] [--seconds 10]

It needs wrk (apt-get install wrk).

Each request is a patient answering the next item of an open PHQ-9, signed like Twilio signs it:
signature check, store, interpret, score on the last item, TwiML reply.
"""
from __future__ import annotations

import argparse
import itertools
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.common import fresh_database, gunicorn, require_wrk, seed_open_checkins, wrk

AUTH_TOKEN = "bench-auth-token"
PUBLIC_URL = "https://engage.bench"
PATH = "/webhooks/twilio/sms"
ITEMS = 9


def seed(url: str, patients: int) -> list[str]:
    phones = [f"+1312{2000000 + n:07d}" for n in range(patients)]
    seed_open_checkins(url, phones)
    return phones


def signed_requests(phones: list[str]) -> list[tuple[str, dict, str]]:
    """Every patient answers item 1, then every patient item 2, and so on: 9 rounds."""
    validator, sids = RequestValidator(AUTH_TOKEN), itertools.count()
    requests = []
    for item in range(ITEMS):
        for n, phone in enumerate(phones):
            value = (n % 10 == 0) if item == ITEMS - 1 else (n + item) % 4
            params = {"MessageSid": f"SM{next(sids):032x}", "AccountSid": "AC" + "0" * 32, "From": phone,
                      "To": "+13125550100", "Body": str(int(value)), "NumMedia": "0"}
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": validator.compute_signature(PUBLIC_URL + PATH, params)}
            requests.append((PATH, headers, urlencode(params)))
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
    return {"backend": backend, "bare": bare, "webhook": full, "ratio": full["rps"] / bare["rps"]}


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
        for name in ("bare", "webhook"):
            f = result[name]
            print(f"{backend:<11}{name:<10}{f['rps']:>9.0f}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['non_2xx']:>9}")
        print(f"{backend:<11}webhook/bare throughput: {result['ratio']:.1%}")


if __name__ == "__main__":
    main()
