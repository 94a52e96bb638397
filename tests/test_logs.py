"""No phone number or message body reaches a log line, even when something fails."""
from __future__ import annotations

import logging

from sqlalchemy import select

from engage.checkins.models import CheckIn
from tests.phone import Phone


def test_a_failure_on_a_patients_text_logs_neither_number_nor_words(client, auth, factory, twilio, runtime, caplog):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries()
    with runtime.sessions.begin() as session:
        session.scalar(select(CheckIn)).instrument = "retired"  # interpreting will fail
    twilio.refuse_number(patient.phone, 21408)
    with caplog.at_level(logging.DEBUG):
        phone.text("my private words 2")
        phone.deliveries()
    logged = "\n".join(record.getMessage() + str(record.exc_info) for record in caplog.records)
    assert "could not be interpreted" in logged  # the failure was logged, without the words
    assert patient.phone not in logged and patient.phone[2:] not in logged
    assert "my private words" not in logged


def test_a_database_error_is_logged_without_the_row_values_it_quotes(factory, runtime, caplog):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from engage.db import log_failure, session_scope
    from engage.patients.models import Patient

    patient = factory.patient(external_id="MRN-55821")
    log = logging.getLogger("engage.test")
    with caplog.at_level(logging.DEBUG):
        try:
            with session_scope(runtime.sessions) as session:
                session.execute(insert(Patient).values(first_name="A", last_name="B", phone=patient.phone,
                                                       external_id="MRN-55821", timezone="UTC"))
        except IntegrityError:
            log_failure(log, "storing a patient failed")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "storing a patient failed: database error" in logged
    assert patient.phone not in logged and patient.phone[2:] not in logged and "55821" not in logged
