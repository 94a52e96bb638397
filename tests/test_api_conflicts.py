"""Two requests racing for one unique value, and database failures: answered as conflicts or JSON 500s,
and logged without the values (a phone number, an MRN) that the database quotes in its errors."""
from __future__ import annotations

import logging
import threading
import time

import pytest
from sqlalchemy import insert, text

from engage.db import session_scope
from engage.patients.models import Patient
from engage.patients.service import create_patient
from engage.web import db
from tests.factories import rows

PHONE, MRN = "+13125550142", "MRN-20731"


def _logged(caplog) -> str:
    return "\n".join(record.getMessage() + str(record.exc_info or "") + str(record.exc_text or "")
                     for record in caplog.records)


def _wait_until_blocked(runtime) -> None:
    """Until the request waits on the row the test holds (PostgreSQL says so; SQLite queues writers
    before they read, so the request is only given time to start)."""
    if runtime.engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with runtime.engine.connect() as conn:  # a new transaction each time: the view is a snapshot
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND wait_event_type = 'Lock'")).scalar():
                return
        time.sleep(0.05)
    pytest.fail("the request never waited on the held row")


@pytest.mark.parametrize("field, first, second", [
    ("phone", {"phone": PHONE}, {"phone": "(312) 555-0142"}),
    ("external_id", {"phone": "+13125550143", "external_id": MRN}, {"phone": "+13125550144", "external_id": MRN}),
])
def test_two_patients_created_at_once_with_one_value_get_one_row_and_a_409(app, auth, runtime, caplog, field,
                                                                             first, second):
    headers, answers = auth("integration"), {}
    body = {"first_name": "Lucía", "last_name": "Hernández", **second}
    request = threading.Thread(target=lambda: answers.update(
        response=app.test_client().post("/api/v1/patients", json=body, headers=headers)))
    with caplog.at_level(logging.DEBUG), runtime.sessions() as session:
        create_patient(session, {"first_name": "Ana", "last_name": "Ruiz", **first}, runtime.settings)
        request.start()
        _wait_until_blocked(runtime)
        session.commit()
        request.join(timeout=30)
    response = answers["response"]
    assert response.status_code == 409, response.json
    assert response.json["error"] == "conflict" and set(response.json["fields"]) == {field}
    assert [p.first_name for p in rows(runtime, Patient)] == ["Ana"]
    logged = _logged(caplog)
    assert PHONE[2:] not in logged and MRN not in logged and "DETAIL" not in logged


def test_a_database_failure_is_a_json_500_logged_without_the_rows_values(app, client, auth, runtime, caplog):
    def store_a_patient_without_a_name():
        db().execute(insert(Patient).values(first_name=None, last_name="Ruiz", phone=PHONE, timezone="UTC",
                                            external_id=MRN))
        return {}

    app.add_url_rule("/api/v1/test-nameless-patient", "api.test_nameless_patient", store_a_patient_without_a_name,
                     methods=["POST"])
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/v1/test-nameless-patient", headers=auth())
    assert response.status_code == 500 and response.json["error"] == "internal_error"
    logged = _logged(caplog)
    assert "database error" in logged
    assert PHONE[2:] not in logged and MRN not in logged and "DETAIL" not in logged
    with session_scope(runtime.sessions) as session:
        assert session.query(Patient).count() == 0
