"""Every patient text reaches the engine or a person: opt-out in the patient's own words, crisis
wording from anyone, texts that are not answers, all through the real signed webhook."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from engage.checkins.models import CheckIn, Outcome
from engage.enums import CheckInStatus
from engage.flags.models import Flag
from engage.outbox.models import Message
from engage.patients.models import ConsentEvent, Patient
from tests.factories import rows
from tests.phone import CLINIC_NUMBER as CLINIC, Phone
from tests.test_appointments import START, book


@pytest.fixture
def on_call(factory):
    return factory.staff("care_manager", phone="+13125550199", on_call=True, name="On Call")


def sms_consent(runtime, patient) -> bool:
    with runtime.sessions() as session:
        return session.get(Patient, patient.id).sms_consent


def sms_ledger(runtime, patient) -> list[ConsentEvent]:
    return rows(runtime, ConsentEvent, ConsentEvent.patient_id == patient.id, ConsentEvent.channel == "sms")


OPT_OUTS = [
    ("en", "quit texting me"), ("en", "Stop texting me"), ("en", "take me off your list"),
    ("en", "I don't want these messages"), ("en", "i dont want any more texts"), ("en", "stop please"),
    ("en", "Please STOP!!"), ("en", "unsubscribe me"), ("en", "no more texts"), ("en", "stop sending me messages"),
    ("en", "remove me from your list"), ("en", "do not text me"), ("en", "STOP"), ("en", "end"), ("en", "quit"),
    ("en", "cancel"), ("en", "unsubscribe"), ("en", "stopall"), ("en", "revoke"), ("en", "optout"),
    ("es", "DETENER"), ("es", "pare"), ("es", "Basta"), ("es", "basta ya"), ("es", "alto"), ("es", "parar"),
    ("es", "baja"), ("es", "cancelar"), ("es", "ya no quiero mensajes"), ("es", "sáquenme de la lista"),
    ("es", "no más mensajes"), ("es", "dejen de mandarme mensajes"), ("es", "no me manden más mensajes"),
    ("es", "quiero darme de baja"),
]


@pytest.mark.parametrize("language, words", OPT_OUTS)
def test_opt_out_in_the_patients_own_words_stops_texts_with_one_confirmation(client, factory, twilio, runtime,
                                                                              language, words):
    patient = factory.patient(language=language)
    phone = Phone(client, twilio, runtime, patient.phone)
    confirmation, = phone.text(words)
    assert "START" in confirmation
    assert sms_consent(runtime, patient) is False
    event = sms_ledger(runtime, patient)[-1]
    assert (event.action, event.channel, event.detail) == ("revoked", "sms", words)
    phone.text(words)
    assert len(sms_ledger(runtime, patient)) == 2  # granted at intake, then revoked once


LOOK_ALIKES = [
    ("en", "I need to stop by the pharmacy"), ("en", "I stopped my medication"), ("en", "my headaches won't stop"),
    ("en", "I can't stop crying"), ("en", "please call me, I want to stop taking my pills"),
    ("es", "no para de llover"), ("es", "dejé de tomar la medicina"), ("es", "no puedo parar de llorar"),
    ("en", "help please"), ("es", "ayuda por favor"),
]


@pytest.mark.parametrize("language, words", LOOK_ALIKES)
def test_look_alikes_do_not_opt_out_and_reach_a_person(client, factory, twilio, runtime, language, words):
    patient = factory.patient(language=language)
    Phone(client, twilio, runtime, patient.phone).text(words)
    assert sms_consent(runtime, patient) is True
    flag, = rows(runtime, Flag)
    assert flag.patient_id == patient.id and flag.status == "open"


@pytest.mark.parametrize("words", ["START", "unstop", "COMENZAR", "empezar", "Reanudar", "yes", "sí"])
def test_only_the_patients_own_opt_in_word_gives_consent_back(client, factory, twilio, runtime, words):
    patient = factory.patient(language="es")
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.text("STOP")
    welcome, = phone.text(words)
    assert "STOP" in welcome
    assert sms_consent(runtime, patient) is True
    assert sms_ledger(runtime, patient)[-1].detail == words


@pytest.mark.parametrize("words", ["yes", "si"])
def test_yes_from_a_patient_who_never_opted_out_is_not_a_keyword(client, factory, twilio, runtime, words):
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text(words)
    assert len(sms_ledger(runtime, patient)) == 1


@pytest.mark.parametrize("words", ["HELP", "info", "AYUDA"])
def test_help_names_988_and_the_clinic(client, factory, twilio, runtime, words):
    patient = factory.patient()
    reply, = Phone(client, twilio, runtime, patient.phone).text(words)
    assert "988" in reply and "(312) 555-0100" in reply
    assert sms_consent(runtime, patient) is True
    assert rows(runtime, Flag) == []


@pytest.mark.parametrize("words, language", [("CANCEL", "en"), ("cancelar", "es")])
def test_cancel_after_a_visit_reminder_opts_out_and_tells_the_front_desk(client, auth, factory, twilio, runtime,
                                                                          words, language):
    patient = factory.patient(language=language)
    book(client, auth, patient)
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries(START - timedelta(hours=24))
    confirmation, = phone.text(words)
    assert "START" in confirmation
    assert sms_consent(runtime, patient) is False
    flag, = rows(runtime, Flag)
    assert flag.kind == "reschedule_request" and flag.appointment_id is not None
    assert "CANCEL" in flag.reason


def test_cancel_with_no_visit_reminder_only_opts_out(client, factory, twilio, runtime):
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text("cancel")
    assert sms_consent(runtime, patient) is False
    assert rows(runtime, Flag) == []


def open_checkin(client, auth, factory, twilio, runtime, **patient_fields):
    patient = factory.patient(**patient_fields)
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    assert response.status_code == 201
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries()
    return patient, phone


def test_stop_inside_a_checkin_closes_it_as_stopped_keeping_the_answers(client, auth, factory, twilio, runtime):
    patient, phone = open_checkin(client, auth, factory, twilio, runtime)
    phone.text("2")
    phone.text("1")
    phone.text("quit texting me")
    checkin, = rows(runtime, CheckIn)
    assert checkin.status == CheckInStatus.STOPPED
    assert [a.value for a in checkin.answers] == [2, 1]
    outcome, = rows(runtime, Outcome)
    assert outcome.answers[:3] == [2, 1, None] and outcome.total is None
    assert phone.deliveries(START) == []


@pytest.mark.parametrize("words", ["can someone please call me? I'm not doing well", "who is this",
                                   "what does this mean?", "i don't know"])
def test_a_text_that_is_not_an_answer_gets_the_question_again_and_reaches_a_person(
        client, auth, factory, twilio, runtime, words):
    patient, phone = open_checkin(client, auth, factory, twilio, runtime)
    reprompt, question = phone.text(words)
    assert "Sorry" in reprompt and question.startswith("Q1/9:")
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id, flag.status) == ("patient_message", "normal", patient.id,
                                                                        "open")


@pytest.mark.parametrize("slip", ["x", "7", "55", "?!", "👍"])
def test_a_stray_character_or_number_is_only_reprompted(client, auth, factory, twilio, runtime, slip):
    _, phone = open_checkin(client, auth, factory, twilio, runtime)
    reprompt, _question = phone.text(slip)
    assert "Sorry" in reprompt
    assert rows(runtime, Flag) == []


def test_further_texts_join_the_open_note_until_someone_resolves_it(client, auth, factory, twilio, runtime):
    patient, phone = open_checkin(client, auth, factory, twilio, runtime)
    phone.text("is this my doctor?")
    phone.text("hello??")
    phone.text("1")
    phone.text("please answer me")
    flag, = rows(runtime, Flag)
    assert [e.action for e in flag.events] == ["raised", "message", "message"]
    resolved = client.post(f"/api/v1/flags/{flag.id}/resolve", json={"note": "called back"}, headers=auth())
    assert resolved.status_code == 200, resolved.json
    phone.text("thanks for calling")
    assert [f.status for f in rows(runtime, Flag)] == ["resolved", "open"]


def test_crisis_wording_from_an_unknown_number_gets_988_and_an_urgent_flag(client, twilio, runtime, on_call):
    stranger = Phone(client, twilio, runtime, "+13125550888")
    reply, = stranger.text("i want to kill myself")
    assert "988" in reply and "911" in reply and "2" in reply
    assert "Riverside" not in reply and "555-0100" not in reply
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id) == ("crisis_language", "urgent", None)
    assert "kill myself" in flag.reason
    stranger.deliveries()
    assert len(twilio.sms_to(on_call.phone)) == 1


def test_an_urgent_flag_from_an_unknown_number_is_first_in_the_queue(client, auth, factory, twilio, runtime):
    Phone(client, twilio, runtime, factory.patient().phone).text("can I get a refill?")
    Phone(client, twilio, runtime, "+13125550888").text("I want to end my life")
    queue = client.get("/api/v1/flags", headers=auth()).json
    flags = queue["data"]
    assert [(f["priority"], f["patient_id"]) for f in flags][0] == ("urgent", None)


def test_an_ordinary_text_from_an_unknown_number_raises_nothing(client, twilio, runtime):
    reply, = Phone(client, twilio, runtime, "+13125550888").text("running late, sorry")
    assert "911" in reply
    assert rows(runtime, Flag) == []


def test_urgent_crisis_wording_keeps_the_words_that_matched(client, factory, twilio, runtime, on_call):
    patient = factory.patient()
    reply, = Phone(client, twilio, runtime, patient.phone).text("honestly I want to kill myself tonight")
    assert "988" in reply
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority) == ("crisis_language", "urgent")
    assert "kill myself" in flag.reason


def test_negated_crisis_wording_gets_a_review_flag_and_no_crisis_text(client, factory, twilio, runtime, on_call):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    reply, = phone.text("I would never kill myself, just tired")
    assert "988" in reply  # the ordinary "we got your message" text names 988; it is not the crisis text
    assert "thinking about hurting yourself" not in reply
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority) == ("crisis_language", "high")
    assert "kill myself" in flag.reason
    phone.deliveries()
    assert twilio.sms_to(on_call.phone) == []


def test_crisis_wording_with_a_stop_gets_resources_and_is_opted_out(client, factory, twilio, runtime, on_call):
    patient = factory.patient()
    resources, confirmation = Phone(client, twilio, runtime, patient.phone).text(
        "stop texting me, I want to kill myself")
    assert "988" in resources and "START" in confirmation
    assert sms_consent(runtime, patient) is False
    assert [f.priority for f in rows(runtime, Flag)] == ["urgent"]


def test_a_nul_character_is_removed_before_storing_and_kept_escaped(client, factory, twilio, runtime):
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text("see you\x00 friday")
    stored, = rows(runtime, Message, Message.direction == "inbound")
    assert stored.body == "see you friday"
    assert stored.raw_body == "see you\\x00 friday"
    assert stored.interpreted_at is not None


@pytest.mark.parametrize("answered_one_by_one, rest, safety", [
    ([], "0 0 0 0 0 0 0 0 2", True),
    ([], "0 0 0 0 0 0 0 2 0", False),
    (["1", "2", "0"], "0 1 0 0 0 1", True),
    (["1", "2", "0"], "3 0 0 0 0 0", False),
    (["0"] * 8, "3", True),
])
def test_item9_positive_in_any_reply_sends_resources_and_raises_the_flag(
        client, auth, factory, twilio, runtime, on_call, answered_one_by_one, rest, safety):
    patient, phone = open_checkin(client, auth, factory, twilio, runtime)
    for answer in answered_one_by_one:
        phone.text(answer)
    replies = phone.text(rest)
    flags = [(f.kind, f.priority) for f in rows(runtime, Flag)]
    if safety:
        resources, thanks = replies
        assert "988" in resources and "911" in resources and "Thank you" in thanks
        assert flags == [("suicide_risk", "urgent")]
        phone.deliveries()
        assert len(twilio.sms_to(on_call.phone)) == 1
    else:
        thanks, = replies
        assert "Thank you" in thanks and flags == []
    outcome, = rows(runtime, Outcome)
    assert outcome.answers[8] == int(rest.split()[-1]) and outcome.total is not None


def test_crisis_resources_reach_an_opted_out_patient_at_night_at_once(client, factory, twilio, runtime, on_call):
    from zoneinfo import ZoneInfo

    from engage.db import utcnow
    from engage.sms.inbound import InboundText, _keep_for_replay
    from engage.scheduling.tick import tick
    from tests.phone import new_message_sid

    local_hour = utcnow().astimezone(ZoneInfo("America/Chicago")).hour
    quiet_now = {"start": time((local_hour + 23) % 24), "end": time((local_hour + 2) % 24)}
    patient = factory.patient(language="es", consent={"sms": False}, quiet_hours=quiet_now)
    # The path a text takes when interpreting it failed: resources go out through the outbox.
    _keep_for_replay(runtime, InboundText(new_message_sid(), patient.phone, CLINIC, "quiero morirme"))
    tick(runtime, utcnow())
    resources, = twilio.sms_to(patient.phone)
    assert "988" in resources.body
    assert len(twilio.sms_to(on_call.phone)) == 1
