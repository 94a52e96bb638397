"""Voice webhook steps per second and latency under gunicorn (2 workers), beside a bare Flask endpoint
served the same way in the same run.

    .venv/bin/python -m bench.voice [--backend sqlite|postgresql|both] [--seconds 10]

It needs wrk (apt-get install wrk).

Each request is a caller's keypress for the next item of a PHQ-9 on a call, signed like Twilio signs
it: signature check, the call's row locked, the step stored, the answer recorded (scored on the last
item), the next item's TwiML stored and returned.
"""
from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import create_engine, insert, select, update
from twilio.request_validator import RequestValidator

from bench.common import AUTH_TOKEN, PUBLIC_URL, seed_open_checkins, webhook_against_bare

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


def main() -> None:
    webhook_against_bare("voice", __doc__, seed, signed_requests)


if __name__ == "__main__":
    main()
