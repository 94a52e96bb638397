"""Inbound SMS webhook throughput and latency under gunicorn (2 workers), beside a bare Flask
endpoint served the same way in the same run.

    .venv/bin/python -m bench.webhook [--backend sqlite|postgresql|both] [--seconds 10]

It needs wrk (apt-get install wrk).

Each request is a patient answering the next item of an open PHQ-9, signed like Twilio signs it:
signature check, store, interpret, score on the last item, TwiML reply.
"""
from __future__ import annotations

import itertools
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.common import AUTH_TOKEN, PUBLIC_URL, seed_open_checkins, webhook_against_bare

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


def main() -> None:
    webhook_against_bare("webhook", __doc__, seed, signed_requests)


if __name__ == "__main__":
    main()
