"""`engage simulate --start`: a newcomer's first check-in, from a terminal, against a running service."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from engage.checkins.models import CheckIn
from engage.db import utcnow
from engage.enums import CheckInStatus
from engage.outbox.models import Message
from tests.console import engage
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
