"""A PHQ-9 by call, end to end, as Twilio and the patient would see it."""
from __future__ import annotations

import pytest

from engage.checkins.models import CheckIn, Outcome
from engage.enums import CheckInStatus
from engage.flags.models import Flag
from engage.outbox.models import Call
from engage.voice.models import VoiceStep
from tests.caller import Caller
from tests.factories import rows


@pytest.fixture
def on_call(factory):
    return factory.staff("care_manager", phone="+13125550199", on_call=True, name="On Call")


def start_call(client, auth, patient, instrument="phq9"):
    response = client.post(f"/api/v1/patients/{patient.id}/checkins",
                           json={"instrument": instrument, "channel": "voice"}, headers=auth())
    assert response.status_code == 201, response.json
    return response.json


def caller_for(client, twilio, runtime, patient) -> Caller:
    return Caller(client, twilio, runtime, patient.phone)


def test_a_voice_checkin_places_one_call_with_detection_and_callbacks(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    [call] = phone.ring()
    assert call.params["MachineDetection"] == "DetectMessageEnd"
    assert call.url.startswith("https://engage.test/webhooks/twilio/voice?c=")
    assert call.status_callback.startswith("https://engage.test/webhooks/twilio/status?c=")
    assert call.params["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert phone.ring() == []  # placed once


def test_whole_phq9_by_keypad(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    hello = phone.answer()
    assert hello.said == ["Hello. This is Riverside Family Medicine. We are calling for Dana. "
                          "If you are Dana, please press 1."]
    assert hello.gather.get("input") == "dtmf"
    first = phone.press("1")
    assert "I have 9 short questions" in first.text and "Question 1 of 9." in first.text
    gather = first.gather
    assert gather.get("input") == "dtmf speech" and gather.get("language") == "en-US"
    assert "Several days" in gather.get("hints")
    assert gather.get("action").startswith("https://engage.test/webhooks/twilio/voice/items-")
    answers = [1, 2, 2, 3, 0, 1, 0, 3, 0]
    for value in answers[:-1]:
        heard = phone.press(str(value))
        assert heard.gather is not None
    last = phone.press(str(answers[-1]))
    assert "Thank you for your answers" in last.text and last.hangs_up
    outcome, = rows(runtime, Outcome)
    assert outcome.answers == answers
    assert (outcome.total, outcome.severity, outcome.source) == (12, "moderate", "voice")
    assert rows(runtime, Flag) == []
    for heard in phone.heard:
        assert "PHQ" not in heard.text and "12" not in heard.text
