"""A patient whose texts cannot be delivered, and who agreed to calls, gets check-ins by call."""
from __future__ import annotations

from datetime import timedelta

from engage.checkins.models import CheckIn
from engage.flags.models import Flag
from engage.outbox.models import Message
from engage.patients.models import ConsentEvent
from tests.caller import Caller
from tests.factories import rows
from tests.phone import Phone
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url


def _undeliverable(client, twilio, runtime, message: Message, code: int) -> None:
    url, params = twilio.status_callback(message.provider_sid, "undelivered", error_code=code)
    assert post_signed_url(client, AUTH_TOKEN, url, params).status_code == 204


def _enroll(client, auth, patient) -> None:
    response = client.post(f"/api/v1/patients/{patient.id}/enrollments",
                           json={"instrument": "phq2", "interval_days": 7}, headers=auth())
    assert response.status_code == 201, response.json


def test_a_landline_switches_check_ins_to_calls_and_the_patient_api_shows_it(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    _enroll(client, auth, patient)
    texts = Phone(client, twilio, runtime, patient.phone)
    texts.deliveries()
    first = rows(runtime, Message, Message.to_number == patient.phone)[0]
    _undeliverable(client, twilio, runtime, first, 30006)
    shown = client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json
    assert shown["channel"] == "voice" and shown["sms_reachable"] is False
    assert shown["switched_to_calls"]["reason"] == "texts cannot be delivered (provider error 30006)"
    # The text check-in runs out; the next one is a call.
    [checkin] = rows(runtime, CheckIn)
    later = checkin.started_at + timedelta(days=8)
    calls = Caller(client, twilio, runtime, patient.phone)
    calls.ring(later)
    placed = calls.ring(later + timedelta(minutes=16))
    assert len(placed) == 1
    assert [c.channel for c in rows(runtime, CheckIn)][-1] == "voice"


def test_without_consent_to_calls_nothing_switches(client, auth, factory, twilio, runtime):
    patient = factory.patient(consent={"sms": True, "voice": False})
    _enroll(client, auth, patient)
    Phone(client, twilio, runtime, patient.phone).deliveries()
    first = rows(runtime, Message, Message.to_number == patient.phone)[0]
    _undeliverable(client, twilio, runtime, first, 30006)
    shown = client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json
    assert shown["channel"] == "sms" and shown["switched_to_calls"] is None


def test_a_carrier_opt_out_is_the_patients_opt_out_and_never_turns_texts_into_calls(client, auth, factory, twilio,
                                                                                   runtime):
    patient = factory.patient(consent={"sms": True, "voice": True})
    _enroll(client, auth, patient)
    texted = len(Phone(client, twilio, runtime, patient.phone).deliveries())
    first = rows(runtime, Message, Message.to_number == patient.phone)[0]
    _undeliverable(client, twilio, runtime, first, 21610)
    shown = client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json
    assert shown["channel"] == "sms" and shown["switched_to_calls"] is None
    assert shown["consent"] == {"sms": False, "voice": True}
    revoked = rows(runtime, ConsentEvent, ConsentEvent.patient_id == patient.id)[-1]
    assert (revoked.channel, revoked.action, revoked.source) == ("sms", "revoked", "carrier")
    assert revoked.detail == "the carrier reported that the patient unsubscribed (provider error 21610)"
    # The open check-in ends as after STOP, and nothing reaches the patient afterwards by text or by call.
    assert [c.status for c in rows(runtime, CheckIn)] == ["stopped"]
    later = rows(runtime, CheckIn)[0].started_at + timedelta(days=8)
    Caller(client, twilio, runtime, patient.phone).ring(later)
    assert twilio.calls_to(patient.phone) == [] and len(twilio.sms_to(patient.phone)) == texted


def test_a_number_the_carrier_unsubscribed_refused_at_send_is_an_opt_out_not_a_problem_for_the_team(
        client, auth, factory, twilio, runtime):
    patient = factory.patient(consent={"sms": True, "voice": True})
    twilio.refuse_number(patient.phone, 21610)
    _enroll(client, auth, patient)
    Phone(client, twilio, runtime, patient.phone).deliveries()
    shown = client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json
    assert shown["consent"] == {"sms": False, "voice": True}
    assert shown["channel"] == "sms" and shown["sms_reachable"] is True and shown["switched_to_calls"] is None
    assert rows(runtime, Flag) == []
