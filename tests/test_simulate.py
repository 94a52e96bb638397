"""`engage simulate --start`: a newcomer's first check-in, from a terminal, against a running service."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from engage.checkins.models import CheckIn, Outcome
from engage.db import utcnow
from engage.enums import CheckInStatus, FlagPriority
from engage.flags.models import Flag
from engage.outbox.models import Message
from engage.scheduling.tick import tick
from tests.console import assert_one_line_error, engage
from tests.factories import rows
from tests.phone import Phone

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def service(app):
    """The app served over HTTP on loopback, as `make run` serves it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def simulate(database_url: str, service: str, phone: str, instrument: str, env: dict | None = None):
    """Starts the simulator and hangs up at once (end of input)."""
    result = engage(["simulate", "--phone", phone, "--url", service, "--start", instrument], database_url,
                    extra_env={"ENGAGE_TIMEZONE": "America/Chicago", **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("instrument", ["phq9", "gad7"])
def test_start_carries_on_the_checkin_the_patient_is_in(client, auth, factory, twilio, runtime, database_url,
                                                        service, instrument):
    patient = factory.patient(first_name="Lucía", language="es")
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    assert response.status_code == 201, response.json
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries()
    phone.text("varios días")
    phone.text("2")
    shown = simulate(database_url, service, "(312) 555-" + patient.phone[-4:], instrument)
    assert "Lucía is in the middle of a phq9 check-in (question 3 of 9)" in shown
    assert "◀ P3/9:" in shown  # the third question again, in Spanish
    assert [(c.instrument, c.status, c.current_item) for c in rows(runtime, CheckIn)] == [
        ("phq9", CheckInStatus.IN_PROGRESS, 2)]


def test_start_in_quiet_hours_says_how_to_send_it_and_never_schedules_a_second(factory, runtime, database_url,
                                                                                 service):
    patient = factory.patient(first_name="Sam")
    local = utcnow().astimezone(CHICAGO)
    quiet = {"ENGAGE_QUIET_START": f"{local - timedelta(hours=1):%H:%M}",
             "ENGAGE_QUIET_END": f"{local + timedelta(hours=1):%H:%M}"}
    first = simulate(database_url, service, patient.phone, "phq9", quiet)
    assert "It is quiet hours for Sam" in first
    at = re.search(r"engage tick --at (\S+)", first)[1]
    assert utcnow() < datetime.fromisoformat(at) <= utcnow() + timedelta(hours=1)
    second = simulate(database_url, service, patient.phone, "phq9", quiet)
    assert "Sam already has a check-in due; that one goes out rather than a second." in second
    assert [c.status for c in rows(runtime, CheckIn)] == [CheckInStatus.SCHEDULED]

    sent = engage(["tick", "--at", at], database_url, extra_env=quiet)
    assert sent.returncode == 0, sent.stderr
    assert [c.status for c in rows(runtime, CheckIn)] == [CheckInStatus.IN_PROGRESS]
    assert [m.kind for m in rows(runtime, Message, Message.to_number == patient.phone)] == [
        "checkin_intro", "checkin_item"]


def test_voice_takes_a_phq9_by_keypad_and_by_words_through_the_signed_voice_webhook(factory, runtime, database_url,
                                                                                    service, twilio):
    patient = factory.patient(first_name="Sam")
    answers = "1\n1\nnearly every day\n0\n\n2\n0\n1\n0\n0\n0\n"
    env = {**os.environ, "ENGAGE_DATABASE_URL": database_url, "ENGAGE_TIMEZONE": "America/Chicago",
           "ENGAGE_QUIET_START": "00:00", "ENGAGE_QUIET_END": "00:00",
           "TWILIO_AUTH_TOKEN": runtime.settings.twilio_auth_token, "ENGAGE_PUBLIC_URL": runtime.settings.public_url}
    simulator = subprocess.Popen([sys.executable, "-m", "engage", "simulate", "--voice", "--phone", patient.phone,
                                  "--url", service, "--start", "phq9"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while not twilio.calls_to(patient.phone) and time.monotonic() < deadline:
        tick(runtime, utcnow())
        time.sleep(0.3)
    shown, errors = simulator.communicate(answers, timeout=60)
    assert simulator.returncode == 0, errors
    assert "If you are Sam, please press 1." in shown and "Question 9 of 9." in shown
    assert "I didn't catch that" in shown and "The call has ended." in shown
    outcome, = rows(runtime, Outcome)
    assert outcome.answers == [1, 3, 0, 2, 0, 1, 0, 0, 0]


def voice_env(runtime, database_url: str, quiet: dict) -> dict:
    return {**os.environ, "ENGAGE_DATABASE_URL": database_url, "ENGAGE_TIMEZONE": "America/Chicago", **quiet,
            "TWILIO_AUTH_TOKEN": runtime.settings.twilio_auth_token, "ENGAGE_PUBLIC_URL": runtime.settings.public_url}


def test_voice_start_in_quiet_hours_says_when_the_call_comes_and_the_call_takes_the_safety_path(
        factory, runtime, database_url, service, twilio):
    factory.staff("care_manager", phone="+13125550190", on_call=True)
    patient = factory.patient(first_name="Lucía", language="es")
    local = utcnow().astimezone(CHICAGO)
    quiet = {"ENGAGE_QUIET_START": f"{local - timedelta(hours=1):%H:%M}",
             "ENGAGE_QUIET_END": f"{local + timedelta(hours=1):%H:%M}"}
    simulator = subprocess.Popen([sys.executable, "-m", "engage", "simulate", "--voice", "--phone", patient.phone,
                                  "--url", service, "--start", "phq9"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=voice_env(runtime, database_url, quiet))
    told = simulator.stdout.readline()
    assert "It is quiet hours for Lucía" in told, told
    sent = engage(["tick", "--at", re.search(r"engage tick --at (\S+)", told)[1]], database_url,
                  extra_env={"ENGAGE_TIMEZONE": "America/Chicago", **quiet})
    assert sent.returncode == 0, sent.stderr
    # Identity, eight items, the self-harm item at 2, yes to the on-call care manager, who answers.
    shown, errors = simulator.communicate("1\n" + "1\n" * 8 + "2\n1\ny\n", timeout=60)
    assert simulator.returncode == 0, errors
    assert "Pregunta 9 de 9." in shown and "9 8 8" in shown
    assert "☎ connecting you to +13125550190" in shown and "The call has ended." in shown
    outcome, = rows(runtime, Outcome)
    assert (outcome.answers, outcome.total) == ([1] * 8 + [2], 10)
    assert [(f.kind, f.priority) for f in rows(runtime, Flag)] == [("suicide_risk", FlagPriority.URGENT)]


def test_voice_start_while_a_text_checkin_is_open_says_so_rather_than_waiting(client, auth, factory, database_url,
                                                                              service):
    patient = factory.patient(first_name="Lucía", language="es")
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    assert response.status_code == 201, response.json
    refused = engage(["simulate", "--voice", "--phone", patient.phone, "--url", service, "--start", "phq9"],
                     database_url)
    assert_one_line_error(refused, "Lucía already has a phq9 check-in by text", "engage simulate --phone")
