"""Texts found in review that reached neither a person nor the engine as they should, each through the real
signed webhook."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engage.db import utcnow
from engage.flags.models import Flag
from engage.outbox.models import Message
from tests.factories import rows
from tests.phone import Phone
from tests.test_safety_inbound import open_checkin, sms_consent


@pytest.fixture
def on_call(factory):
    return factory.staff("care_manager", phone="+13125550199", on_call=True, name="On Call")


def crisis_texts(runtime, patient) -> list[Message]:
    return rows(runtime, Message, Message.patient_id == patient.id, Message.kind == "crisis_resources")


def expired_checkin(client, auth, factory, twilio, runtime, answers):
    patient, phone = open_checkin(client, auth, factory, twilio, runtime)
    for answer in answers:
        phone.text(answer)
    phone.deliveries(utcnow() + timedelta(hours=25))  # the check-in expires unfinished
    return patient, phone


@pytest.mark.parametrize("answered, late", [(["2"], "1"), ([], "1 1 1 1 1 1 1 1 0")])
def test_an_answer_after_the_checkin_closed_reaches_a_person(client, auth, factory, twilio, runtime, answered, late):
    patient, phone = expired_checkin(client, auth, factory, twilio, runtime, answered)
    closed, = phone.text(late)
    assert "closed" in closed
    late_text, = rows(runtime, Message, Message.direction == "inbound", Message.body == late)
    flag, = rows(runtime, Flag)
    assert (flag.patient_id, flag.message_id, flag.status) == (patient.id, late_text.id, "open")


@pytest.mark.parametrize("answered, late", [(["0"] * 8, "3"), ([], "0 0 0 0 0 0 0 0 3"),
                                            (["0"] * 8, "2 - more than half the days")])
def test_a_positive_item9_answer_after_the_checkin_closed_is_urgent(client, auth, factory, twilio, runtime, on_call,
                                                                    answered, late):
    patient, phone = expired_checkin(client, auth, factory, twilio, runtime, answered)
    phone.text(late)
    assert len(crisis_texts(runtime, patient)) == 1
    assert [(f.priority, f.patient_id) for f in rows(runtime, Flag)] == [("urgent", patient.id)]
    phone.deliveries()
    assert len(twilio.sms_to(on_call.phone)) == 1


@pytest.mark.parametrize("words", ["stop texting me, i cant do this anymore",
                                   "quit texting me, my son says he wants to kill himself",
                                   "unsubscribe, I'm not going to kill myself but I can't take it anymore"])
def test_review_crisis_wording_beside_an_opt_out_still_raises_a_flag(client, factory, twilio, runtime, words):
    patient = factory.patient()
    confirmation, = Phone(client, twilio, runtime, patient.phone).text(words)
    assert "START" in confirmation and sms_consent(runtime, patient) is False
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id) == ("crisis_language", "high", patient.id)


@pytest.mark.parametrize("words", ["Stop texting me and have my doctor call me about my meds please",
                                   "I don't want these messages. I need to talk to someone, I'm scared",
                                   "unsubscribe. also my chest hurts really bad"])
def test_an_opt_out_that_says_more_still_reaches_a_person(client, factory, twilio, runtime, words):
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text(words)
    assert sms_consent(runtime, patient) is False
    flag, = rows(runtime, Flag)
    assert (flag.patient_id, flag.status) == (patient.id, "open")


@pytest.mark.parametrize("language, words", [
    ("en", "dont send me the bill, my insurance covers it"), ("en", "you never text me back"),
    ("en", "don't send me to voicemail again"), ("en", "stop contacting my daughter"),
    ("en", "I never text much"), ("es", "no quiero mensajes de voz, solo textos"),
])
def test_sentences_that_ask_for_something_else_do_not_opt_out(client, factory, twilio, runtime, language, words):
    patient = factory.patient(language=language)
    Phone(client, twilio, runtime, patient.phone).text(words)
    assert sms_consent(runtime, patient) is True
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.patient_id) == ("patient_message", patient.id)


def test_a_crisis_text_from_an_overlong_sender_is_stored_and_answered(client, twilio, runtime, on_call):
    # PostgreSQL refuses a From longer than messages.from_number holds: nothing is stored and Twilio gets a 500.
    stranger = Phone(client, twilio, runtime, "+1" + "3" * 40)
    stranger.text("i want to kill myself")
    assert {"inbound", "crisis_resources"} <= {m.kind for m in rows(runtime, Message)}
    flag, = rows(runtime, Flag)
    assert flag.priority == "urgent"


def test_a_status_callback_with_an_error_code_out_of_range_is_answered(client, factory, twilio, runtime):
    from tests.twilio_loopback import AUTH_TOKEN
    from tests.twilio_signing import post_signed

    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text("hello")
    reply_id = rows(runtime, Message, Message.direction == "outbound")[0].id
    params = {"MessageSid": "SM" + "c" * 32, "MessageStatus": "undelivered", "ErrorCode": "9" * 20}
    response = post_signed(client, AUTH_TOKEN, runtime.settings.public_url, f"/webhooks/twilio/status?m={reply_id}",
                           params)
    assert response.status_code == 204
