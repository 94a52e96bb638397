"""`engage worker` and `engage serve --with-scheduler` as production runs them: processes of their own
over the test database, sending through the real twilio client to the loopback server."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.console import closed_port
from tests.phone import Phone
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN


@pytest.fixture
def process_env(settings, twilio):
    return {**os.environ, "ENGAGE_DATABASE_URL": settings.database_url, "ENGAGE_GATEWAY": "twilio",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ENGAGE_TWILIO_FROM": "+13125550100", "ENGAGE_TWILIO_API_URL": twilio.base_url,
            "ENGAGE_PUBLIC_URL": "https://engage.test", "ENGAGE_SMS_PER_SECOND": "0",
            "ENGAGE_CLINIC_NAME": "Riverside Family Medicine", "ENGAGE_CLINIC_PHONE": "+13125550100",
            "ENGAGE_TIMEZONE": "America/Chicago", "ENGAGE_QUIET_START": "00:00", "ENGAGE_QUIET_END": "00:00"}


def start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "engage", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def stop(process: subprocess.Popen) -> int:
    os.killpg(process.pid, signal.SIGTERM)
    return process.wait(timeout=30)


def test_the_worker_sends_what_is_due_and_wakes_for_an_urgent_notice(client, auth, factory, twilio, runtime,
                                                                    process_env):
    on_call = factory.staff("care_manager", phone="+13125550199", on_call=True)
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    worker = start(["worker"], process_env)
    try:
        intro, first = twilio.wait_for(2, timeout=30)
        assert (intro.to, first.to) == (patient.phone, patient.phone) and first.body.startswith("Q1/9:")
        Phone(client, twilio, runtime, patient.phone).text("i want to end my life")
        *_, notice = twilio.wait_for(3, timeout=10)
        assert notice.to == on_call.phone and "Urgent item" in notice.body
    finally:
        assert stop(worker) == 0, worker.stderr.read()


def test_serve_with_the_scheduler_answers_and_sends(client, auth, factory, twilio, process_env):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    port = closed_port()
    server = start(["serve", "--port", str(port), "--workers", "1", "--with-scheduler"], process_env)
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/healthz")
        assert health == {"database": "ok", "status": "ok"}
        intro, first = twilio.wait_for(2, timeout=30)
        assert first.to == patient.phone and first.body.startswith("Q1/9:")
    finally:
        stop(server)


def _wait_for(url: str, timeout: float = 30) -> dict:
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")
