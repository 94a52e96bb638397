"""A PHQ-9 by text, end to end, as Twilio and the patient would see it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.checkins.models import CheckIn, Outcome
from engage.db import utcnow
from engage.enums import CheckInStatus
from engage.flags.models import Flag
from engage.outbox.models import Message
from engage.sms.inbound import replay_uninterpreted
from tests.factories import rows
from tests.phone import Phone


@pytest.fixture
def on_call(factory):
    return factory.staff("care_manager", phone="+13125550199", on_call=True, name="On Call")


def start(client, auth, patient, instrument="phq9"):
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": instrument},
                           headers=auth())
    assert response.status_code == 201, response.json
    return response.json


def phone_for(client, twilio, runtime, patient) -> Phone:
    return Phone(client, twilio, runtime, patient.phone)


def test_a_started_checkin_goes_out_on_the_next_tick_through_twilio(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    intro, first = phone.deliveries()
    assert "Riverside Family Medicine" in intro and "STOP" in intro
    assert first.startswith("Q1/9:") and "0=Not at all" in first
    sent = twilio.sms_to(patient.phone)
    assert all(r.status_callback.startswith("https://engage.test/webhooks/twilio/status?m=") for r in sent)
    assert all(r.from_ == "+13125550100" for r in sent)
    assert phone.deliveries() == []  # nothing is sent twice


def test_whole_phq9_in_spanish_with_item9_positive(client, auth, factory, twilio, runtime, on_call):
    patient = factory.patient(language="es", first_name="Lucía")
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    intro, first, answer_key = phone.deliveries()
    assert "Responda" in intro and first.startswith("P1/9: Durante las últimas 2 semanas")
    assert answer_key.startswith("Responda 0=Ningún día, 1=Varios días")
    answers = ["varios días", "2", "Más de la mitad de los días", "casi todos los días", "0", "1", "ningún día",
               "3", "1"]
    replies = []
    for answer in answers:
        replies.append(phone.text(answer))
    crisis, thanks = replies[-1]
    assert "988" in crisis and "911" in crisis and "(312) 555-0100" in crisis
    assert "Gracias" in thanks
    for reply in [r for batch in replies for r in batch] + [intro, first, answer_key]:
        assert "Reply" not in reply and "Thank you" not in reply  # Spanish only
        assert "PHQ" not in reply and "depres" not in reply.lower()
    outcome, = rows(runtime, Outcome)
    assert outcome.answers == [1, 2, 2, 3, 0, 1, 0, 3, 1]
    assert (outcome.total, outcome.severity, outcome.safety_event) == (13, "moderate", True)
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.status) == ("suicide_risk", "urgent", "open")
    phone.deliveries()
    notice, = [r.body for r in twilio.sms_to(on_call.phone)]
    assert "Urgent item in the engage queue" in notice
    assert "Lucía" not in notice and patient.last_name not in notice and "13" not in notice


def test_all_at_once_reply_completes_and_scores(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    phone.deliveries()
    thanks, = phone.text("1 2 0 3 1 2 1 0 0")
    assert thanks.startswith("Thank you")
    outcome, = rows(runtime, Outcome)
    assert (outcome.total, outcome.severity, outcome.safety_event) == (10, "moderate", False)
    assert rows(runtime, Flag) == []


def test_garbage_gets_a_polite_reprompt_then_the_clinic_phone(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    phone.deliveries()
    sorry, again = phone.text("banana")
    assert sorry.startswith("Sorry") and again.startswith("Q1/9:")
    help_line, _ = phone.text("7")
    assert "(312) 555-0100" in help_line
    assert "Traceback" not in sorry + help_line
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == CheckInStatus.IN_PROGRESS and checkin.answers == []
    second, = phone.text("2")[-1:]
    assert second.startswith("Q2/9:")


def test_stop_in_the_middle_stops_everything_until_start(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    phone.deliveries()
    phone.text("1")
    confirmation, = phone.text("Stop!")
    assert "no more texts" in confirmation and "START" in confirmation
    assert phone.text("2") == []  # answers are not taken after STOP
    assert phone.deliveries(utcnow() + timedelta(hours=5)) == []  # no reminder
    consent = client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]
    assert consent["sms"] is False
    back, = phone.text("START")
    assert "texts from us again" in back
    assert client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]["sms"] is True


def test_spanish_keywords_answer_in_spanish(client, factory, twilio, runtime):
    patient = factory.patient(language="es")
    phone = phone_for(client, twilio, runtime, patient)
    help_text, = phone.text("ayuda")
    assert "Riverside Family Medicine" in help_text and "(312) 555-0100" in help_text
    bye, = phone.text("BAJA")
    assert bye.startswith("Riverside Family Medicine: ") and "responda START" in bye
    assert "unsubscribed" not in bye


def test_same_message_sid_twice_changes_nothing(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    phone.deliveries()
    next_question, *_ = phone.text("1", sid="SM" + "a" * 32)
    assert next_question.startswith("Q2/9:")
    assert phone.text("1", sid="SM" + "a" * 32) == []
    checkin, = rows(runtime, CheckIn)
    assert len(checkin.answers) == 1
    assert len(rows(runtime, Message, Message.provider_sid == "SM" + "a" * 32)) == 1


def test_unsigned_or_badly_signed_webhooks_are_403_and_store_nothing(client, factory, runtime):
    patient = factory.patient()
    params = {"MessageSid": "SM" + "b" * 32, "From": patient.phone, "To": "+13125550100", "Body": "1"}
    assert client.post("/webhooks/twilio/sms", data=params).status_code == 403
    forged = client.post("/webhooks/twilio/sms", data=params, headers={"X-Twilio-Signature": "bm90IGl0"})
    assert forged.status_code == 403
    assert client.post("/webhooks/twilio/status", data={"MessageSid": "x", "MessageStatus": "sent"}).status_code == 403
    assert rows(runtime, Message) == []


def test_unknown_number_gets_a_generic_reply_that_reveals_nothing(client, twilio, runtime):
    stranger = Phone(client, twilio, runtime, "+13125550888")
    reply, = stranger.text("hello, is this the clinic?")
    assert "Riverside" not in reply and "check-in" not in reply.lower()
    assert rows(runtime, Flag) == []
    stored, = rows(runtime, Message, Message.direction == "inbound")
    assert stored.body == "hello, is this the clinic?" and stored.patient_id is None


def test_message_outside_a_checkin_raises_a_flag_and_gets_an_auto_reply(client, factory, twilio, runtime):
    patient = factory.patient()
    reply, = phone_for(client, twilio, runtime, patient).text("Can I move my appointment to Friday?")
    assert "care team will see it" in reply
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority) == ("patient_message", "normal")


@pytest.mark.parametrize("text, language", [("I just want to end my life", "en"), ("ya no quiero vivir", "es"),
                                            ("Quiero morir.", "es"), ("thinking about SUICIDE", "en")])
def test_crisis_wording_raises_urgent_flag_and_sends_resources(client, factory, twilio, runtime, on_call, text,
                                                               language):
    patient = factory.patient(language=language)
    reply, = phone_for(client, twilio, runtime, patient).text(text)
    assert "988" in reply
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority) == ("crisis_language", "urgent")
    phone_for(client, twilio, runtime, patient).deliveries()
    assert len(twilio.sms_to(on_call.phone)) == 1


def test_reminder_after_four_hours_then_expiry_keeps_partial_answers(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    now = utcnow()
    phone.deliveries(now)
    assert phone.deliveries(now + timedelta(hours=3)) == []
    reminder, item = phone.deliveries(now + timedelta(hours=4, minutes=1))
    assert "still have questions" in reminder and item.startswith("Q1/9:")
    phone.text("2")
    assert phone.deliveries(now + timedelta(hours=25)) == []
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == CheckInStatus.EXPIRED
    outcome, = rows(runtime, Outcome)
    assert outcome.answers[0] == 2 and outcome.total is None and outcome.severity is None
    late, = phone.text("1")
    assert "closed" in late


def test_no_reminder_once_the_patient_has_replied(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    now = utcnow()
    phone.deliveries(now)
    phone.text("1")
    assert phone.deliveries(now + timedelta(hours=5)) == []


def test_a_failure_while_interpreting_loses_nothing_and_can_be_replayed(
        client, auth, factory, twilio, runtime):
    patient = factory.patient()
    start(client, auth, patient)
    phone = phone_for(client, twilio, runtime, patient)
    phone.deliveries()
    with runtime.sessions.begin() as session:
        session.scalar(select(CheckIn)).instrument = "retired"  # no such instrument: cannot be interpreted
    assert phone.text("2") == []
    inbound, = rows(runtime, Message, Message.direction == "inbound")
    assert inbound.body == "2" and inbound.interpreted_at is None
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.message_id) == ("patient_message", "high", inbound.id)
    with runtime.sessions.begin() as session:
        session.scalar(select(CheckIn)).instrument = "phq9"  # the fault is fixed
    assert replay_uninterpreted(runtime, utcnow()) == (1, 0)
    second, = phone.deliveries()
    assert second.startswith("Q2/9:")
    assert [a.value for a in rows(runtime, CheckIn)[0].answers] == [2]


def test_a_positive_brief_screen_by_text_steps_up_on_the_same_channel(client, auth, factory, twilio, runtime):
    patient = factory.patient(channel="voice")  # prefers calls, but this screen came by text
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2", "channel": "sms"},
                           headers=auth())
    assert response.status_code == 201, response.json
    phone = phone_for(client, twilio, runtime, patient)
    phone.deliveries()
    phone.text("3")
    assert phone.text("3")[0].startswith("Thank you")
    instruments = [(c.instrument, c.channel, c.source) for c in rows(runtime, CheckIn)]
    assert instruments == [("phq2", "sms", "api"), ("phq9", "sms", "step_up")]


def test_two_quick_answers_from_one_patient_are_both_kept_in_order(client, auth, factory, twilio, runtime):
    import threading

    from engage.sms.inbound import InboundText, receive_text
    from tests.phone import new_message_sid

    patient = factory.patient()
    start(client, auth, patient)
    phone_for(client, twilio, runtime, patient).deliveries()
    barrier = threading.Barrier(2)

    def text(body):
        barrier.wait()
        receive_text(runtime, InboundText(new_message_sid(), patient.phone, "+13125550100", body))

    threads = [threading.Thread(target=text, args=(body,)) for body in ("1", "2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checkin, = rows(runtime, CheckIn)
    assert sorted(a.value for a in checkin.answers) == [1, 2]
    assert [a.item_index for a in checkin.answers] == [0, 1]
    assert rows(runtime, Message, Message.direction == "inbound", Message.interpreted_at.is_(None)) == []


def test_crisis_words_in_a_text_kept_for_replay_still_get_resources(client, factory, twilio, runtime, on_call):
    from engage.sms.inbound import InboundText, _keep_for_replay
    from tests.phone import new_message_sid

    patient = factory.patient()
    # What the webhook does when interpreting a text failed: keep it, and still act on crisis words.
    _keep_for_replay(runtime, InboundText(new_message_sid(), patient.phone, "+13125550100", "I want to kill myself"))
    resources, = phone_for(client, twilio, runtime, patient).deliveries()
    assert "988" in resources
    assert [(f.kind, f.priority) for f in rows(runtime, Flag)] == [("crisis_language", "urgent")]
    assert len(twilio.sms_to(on_call.phone)) == 1
    inbound, = rows(runtime, Message, Message.direction == "inbound")
    assert inbound.interpreted_at is None
