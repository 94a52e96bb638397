"""An opt-out belongs to the number that texted STOP: no patient record, new or changed, brings texts
back to it."""
from __future__ import annotations

import pytest

from engage.flags.crisis import CrisisLevel, classify
from tests.phone import Phone


@pytest.fixture
def opted_out(client, factory, twilio, runtime):
    """A patient who asked in their own words to stop, and their phone."""
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.text("quit texting me")
    return patient, phone


def test_a_new_record_for_the_number_that_opted_out_does_not_text_it(client, auth, opted_out):
    patient, phone = opted_out
    assert client.patch(f"/api/v1/patients/{patient.id}", json={"phone": "(312) 555-0177"},
                        headers=auth()).status_code == 200
    created = client.post("/api/v1/patients", headers=auth("integration"), json={
        "first_name": "Alex", "last_name": "Rivera", "phone": patient.phone, "consent": {"sms": True}})
    assert created.status_code == 409 and "phone" in created.json["fields"]
    without_texts = client.post("/api/v1/patients", headers=auth("integration"), json={
        "first_name": "Alex", "last_name": "Rivera", "phone": patient.phone, "consent": {"sms": False}})
    assert without_texts.status_code == 201
    client.post(f"/api/v1/patients/{without_texts.json['id']}/checkins", json={"instrument": "phq9"},
                headers=auth())
    assert phone.deliveries() == []


def test_moving_the_opted_out_number_onto_a_consenting_patient_does_not_text_it(client, auth, factory, opted_out):
    patient, phone = opted_out
    consenting = factory.patient()
    client.patch(f"/api/v1/patients/{patient.id}", json={"phone": "(312) 555-0178"}, headers=auth())
    moved = client.patch(f"/api/v1/patients/{consenting.id}", json={"phone": patient.phone}, headers=auth())
    assert moved.status_code == 409 and "phone" in moved.json["fields"]
    client.post(f"/api/v1/patients/{consenting.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    assert phone.deliveries() == []


def test_a_start_from_the_number_lets_a_new_record_text_it_again(client, auth, opted_out):
    patient, phone = opted_out
    phone.text("START")
    client.patch(f"/api/v1/patients/{patient.id}", json={"phone": "(312) 555-0179"}, headers=auth())
    created = client.post("/api/v1/patients", headers=auth("integration"), json={
        "first_name": "Alex", "last_name": "Rivera", "phone": patient.phone, "consent": {"sms": True}})
    assert created.status_code == 201
