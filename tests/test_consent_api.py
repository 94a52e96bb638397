"""Consent to texts is the patient's (TCPA, CTIA): after STOP, staff and integrations cannot turn it back
on. A patient who asks in person gets one text asking them to reply START, and nothing else until then."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from engage.auth.models import StaffUser
from engage.db import session_scope, utcnow
from engage.enums import Channel, ConsentAction
from engage.patients.models import ConsentEvent
from messages.sms import SMS_OPT_IN_INVITATION
from tests.factories import rows
from tests.phone import Phone

INVITATION = ("Riverside Family Medicine: You asked to get our texts again. Reply START to say yes. "
              "Until you do, we will not text you.")


@pytest.fixture
def opted_out(client, factory, twilio, runtime):
    """A patient who texted STOP, and their phone."""
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.text("STOP")
    return patient, phone


def _ask_in_person(client, auth, patient, role="care_manager"):
    return client.post(f"/api/v1/patients/{patient.id}/consent/sms/requests", headers=auth(role))


def _ledger(runtime, patient):
    return [(e.action, e.source) for e in rows(runtime, ConsentEvent, ConsentEvent.patient_id == patient.id,
                                               ConsentEvent.channel == Channel.SMS)]


@pytest.mark.parametrize("role", ["care_manager", "integration", "admin"])
def test_no_token_gives_sms_consent_back_after_the_patient_opted_out(client, auth, runtime, opted_out, role):
    patient, _phone = opted_out
    response = client.patch(f"/api/v1/patients/{patient.id}", json={"consent": {"sms": True}}, headers=auth(role))
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert "only the patient can opt back in" in response.json["message"]
    assert "texting START" in response.json["fields"]["consent"]["sms"][0]
    assert client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]["sms"] is False
    assert _ledger(runtime, patient)[-1] == (ConsentAction.REVOKED, "keyword")


def test_a_patient_who_declined_texts_at_intake_cannot_be_opted_in_by_a_later_change(client, auth):
    created = client.post("/api/v1/patients", headers=auth("integration"), json={
        "first_name": "Ana", "last_name": "Ruiz", "phone": "(312) 555-0150", "consent": {"sms": False}}).json
    response = client.patch(f"/api/v1/patients/{created['id']}", json={"consent": {"sms": True}}, headers=auth())
    assert response.status_code == 409


def test_consent_given_at_intake_and_revoked_by_staff_is_recorded_with_who_recorded_it(client, factory, runtime):
    headers = {"Authorization": f"Bearer {factory.token('care_manager', email='intake@clinic.test')}"}
    created = client.post("/api/v1/patients", headers=headers, json={
        "first_name": "Ana", "last_name": "Ruiz", "phone": "(312) 555-0150", "consent": {"sms": True}}).json
    assert created["consent"]["sms"] is True
    revoked = client.patch(f"/api/v1/patients/{created['id']}", json={"consent": {"sms": False}}, headers=headers)
    assert revoked.status_code == 200 and revoked.json["consent"]["sms"] is False
    events = rows(runtime, ConsentEvent, ConsentEvent.patient_id == created["id"], ConsentEvent.channel == Channel.SMS)
    recorder, = rows(runtime, StaffUser, StaffUser.email == "intake@clinic.test")
    assert [(e.action, e.source, e.recorded_by_id) for e in events] == [
        (ConsentAction.GRANTED, "api", recorder.id), (ConsentAction.REVOKED, "api", recorder.id)]


def test_an_in_person_request_sends_one_text_asking_for_start_and_nothing_else(client, auth, opted_out):
    patient, phone = opted_out
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    response = _ask_in_person(client, auth, patient)
    assert response.status_code == 201, response.json
    assert (response.json["action"], response.json["source"], response.json["channel"]) == (
        "opt_in_requested", "staff_in_person", "sms")
    assert response.json["recorded_by_id"] is not None
    assert phone.deliveries() == [INVITATION]
    assert client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]["sms"] is False
    assert phone.deliveries(utcnow() + timedelta(hours=1)) == []


def test_a_second_request_within_a_day_is_409_and_sends_nothing(client, auth, runtime, opted_out):
    patient, phone = opted_out
    assert _ask_in_person(client, auth, patient).status_code == 201
    again = _ask_in_person(client, auth, patient)
    assert again.status_code == 409 and "24 hours" in again.json["message"]
    assert phone.deliveries() == [INVITATION]
    assert [a for a, _ in _ledger(runtime, patient)].count(ConsentAction.OPT_IN_REQUESTED) == 1


def test_the_request_is_answered_by_the_patients_start(client, auth, runtime, opted_out):
    patient, phone = opted_out
    _ask_in_person(client, auth, patient)
    phone.deliveries()
    confirmation, = phone.text("START")
    assert "You will get texts from us again" in confirmation
    assert _ledger(runtime, patient)[-2:] == [(ConsentAction.OPT_IN_REQUESTED, "staff_in_person"),
                                              (ConsentAction.GRANTED, "keyword")]
    assert client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]["sms"] is True


def test_a_stop_before_the_invitation_leaves_withdraws_it(client, auth, runtime, opted_out):
    patient, phone = opted_out
    _ask_in_person(client, auth, patient)
    phone.text("STOP")
    assert phone.deliveries() == []
    assert _ledger(runtime, patient)[-1] == (ConsentAction.REVOKED, "keyword")


def test_an_invitation_follows_the_patients_language(client, auth, factory, twilio, runtime):
    patient = factory.patient(language="es")
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.text("STOP")
    _ask_in_person(client, auth, patient)
    invitation, = phone.deliveries()
    assert invitation.startswith("Riverside Family Medicine: Usted pidió recibir nuestros mensajes otra vez.")


def test_only_a_patient_who_opted_out_can_be_asked(client, auth, factory):
    consenting = factory.patient()
    assert _ask_in_person(client, auth, consenting).status_code == 409
    undecided = factory.patient(consent={})
    assert _ask_in_person(client, auth, undecided).status_code == 409
    assert client.post("/api/v1/patients/424242/consent/sms/requests", headers=auth()).status_code == 404


def test_a_request_is_staff_work_not_an_integrations(client, auth, opted_out):
    patient, _phone = opted_out
    assert _ask_in_person(client, auth, patient, role="integration").status_code == 403
    assert _ask_in_person(client, auth, patient, role="clinician").status_code == 201


def test_another_request_may_follow_a_day_later(client, auth, runtime, opted_out):
    patient, phone = opted_out
    _ask_in_person(client, auth, patient)
    phone.deliveries()
    with session_scope(runtime.sessions) as session:
        request = session.query(ConsentEvent).filter_by(action=ConsentAction.OPT_IN_REQUESTED).one()
        request.occurred_at = utcnow() - timedelta(hours=25)
    assert _ask_in_person(client, auth, patient).status_code == 201
    assert phone.deliveries() == [INVITATION]


def test_the_invitation_reads_at_grade_six_or_below():
    words = re.findall(r"[A-Za-z]+", SMS_OPT_IN_INVITATION.replace("{clinic}", "Clinic"))
    sentences = len(re.findall(r"[.!?]", SMS_OPT_IN_INVITATION))
    syllables = sum(max(1, len(re.findall(r"[aeiouy]+", word.lower().removesuffix("e")))) for word in words)
    grade = 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
    assert grade <= 6, grade
