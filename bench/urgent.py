"""From a patient's item-9 answer to the on-call care manager's phone: how long the notice takes.

    .venv/bin/python -m bench.urgent [--backend sqlite|postgresql|both] [--samples 40]

`engage serve` (gunicorn, 2 workers) and `engage worker` run as in production, the gateway is the
real twilio client pointed at a Twilio-compatible server on loopback. Each sample is a signed
webhook answering PHQ-9 item 9 with "1"; the figure is the time from the webhook's answer to the
notice reaching the loopback server. The baseline, in the same run, is one bare twilio-client send
to the same server: the floor any notice has to pay.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bench.common import ROOT, fresh_database, gunicorn, seed_open_checkins
from engage.gateways.twilio import RedirectingHttpClient
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN, running_twilio

PUBLIC_URL = "https://engage.bench"
PATH = "/webhooks/twilio/sms"
CLINIC = "+13125550100"
ON_CALL = "+13125559901"
# The default sending rate is one text a second per sender: samples are spaced to stay under it.
SPACING_SECONDS = 1.1


def seed(url: str, samples: int) -> list[str]:
    """An on-call care manager, and patients each at the last item of an open PHQ-9."""
    phones = [f"+1312{3000000 + n:07d}" for n in range(samples)]
    seed_open_checkins(url, phones, answered=8, staff={"role": "care_manager", "email": "oncall@clinic.bench",
                                                       "phone": ON_CALL, "on_call": True})
    return phones


def item9_answer(base: str, phone: str, n: int) -> None:
    params = {"MessageSid": f"SM{n:032x}", "AccountSid": ACCOUNT_SID, "From": phone, "To": CLINIC, "Body": "1",
              "NumMedia": "0"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + PATH, params)
    request = urllib.request.Request(base + PATH, data=urlencode(params).encode(), method="POST",
                                     headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    if "988" not in body:
        raise SystemExit(f"the item-9 answer got no crisis resources: {body[:200]}")


def bare_sends(base_url: str, count: int) -> list[float]:
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=RedirectingHttpClient(base_url))
    timings = []
    for _ in range(count):
        started = time.monotonic()
        client.api.v2010.accounts(ACCOUNT_SID).messages.create(to=ON_CALL, from_=CLINIC, body="baseline")
        timings.append(time.monotonic() - started)
    return timings


def run(backend: str, samples: int) -> dict:
    with fresh_database(backend) as url, running_twilio() as twilio:
        phones = seed(url, samples)
        env = {"ENGAGE_DATABASE_URL": url, "ENGAGE_PUBLIC_URL": PUBLIC_URL, "ENGAGE_GATEWAY": "twilio",
               "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "ENGAGE_TWILIO_FROM": CLINIC,
               "ENGAGE_TWILIO_API_URL": twilio.base_url, "ENGAGE_QUIET_START": "00:00", "ENGAGE_QUIET_END": "00:00"}
        worker = subprocess.Popen([sys.executable, "-m", "engage", "worker"], cwd=ROOT, env={**os.environ, **env},
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with gunicorn("bench.apps:engage_app()", env) as base:
                time.sleep(3)  # the worker's first pass and its listener are up
                latencies = []
                for n, phone in enumerate(phones):
                    item9_answer(base, phone, n)
                    answered = time.monotonic()
                    twilio.wait_for(n + 1, timeout=30)
                    latencies.append(time.monotonic() - answered)
                    time.sleep(max(0.0, SPACING_SECONDS - (time.monotonic() - answered)))
                notices = [r for r in twilio.received if r.to == ON_CALL]
                if len(notices) != samples:
                    raise SystemExit(f"{len(notices)} notices for {samples} item-9 answers")
                twilio.clear()
                baseline = bare_sends(twilio.base_url, samples)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    return {"backend": backend, "notice": latencies, "baseline": baseline}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{'backend':<11}{'measure':<16}{'n':>4}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for backend in backends:
        result = run(backend, args.samples)
        for name in ("notice", "baseline"):
            values = [v * 1000 for v in result[name]]
            print(f"{backend:<11}{name:<16}{len(values):>4}{statistics.median(values):>9.1f}"
                  f"{percentile(values, 0.99):>9.1f}{max(values):>9.1f}")
        ratio = percentile(result["notice"], 0.99) / percentile(result["baseline"], 0.99)
        verdict = "meets" if percentile(result["notice"], 0.99) < 1.0 else "MISSES"
        print(f"{backend:<11}notice p99 is {ratio:.1f}x one bare send; {verdict} the 1 s target")


if __name__ == "__main__":
    main()
