"""A PHQ-9 by call, end to end, as Twilio and the patient would see it."""
from __future__ import annotations

import pytest

from engage.checkins.models import CheckIn, Outcome
from engage.enums import CheckInStatus
from engage.flags.models import Flag
from engage.outbox.models import Call
from engage.voice.models import VoiceStep
from tests.caller import Caller, Heard
from tests.factories import rows
from tests.phone import Phone
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url


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


def confirmed_on_a_call(client, auth, twilio, runtime, patient, instrument="phq9") -> Caller:
    """A check-in by call placed, answered, and the patient has pressed 1 to say it is them."""
    start_call(client, auth, patient, instrument)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    phone.press("1")
    return phone


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
    assert hello.gather.get("input") == "dtmf speech"
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


def test_whole_phq9_by_speech_in_spanish(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Lucía", language="es")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    hello = phone.answer()
    assert "Lucía" in hello.text and "Riverside Family Medicine" in hello.text
    first = phone.press("1")
    assert first.root.find("Say").get("language") == "es-US"
    assert first.gather.get("language") == "es-US" and "Varios días" in first.gather.get("hints")
    spoken = ["varios días", "dos", "más de la mitad de los días", "casi todos los días", "ningún día", "uno",
              "cero", "tres", "ningún día"]
    for words in spoken:
        heard = phone.say(words)
    assert "Gracias" in heard.text and heard.hangs_up
    for each in phone.heard:
        assert "Thank you" not in each.text and "Question" not in each.text
    outcome, = rows(runtime, Outcome)
    assert outcome.answers == [1, 2, 2, 3, 0, 1, 0, 3, 0]
    assert outcome.total == 12
    assert [s.speech for s in rows(runtime, VoiceStep)][2:] == spoken  # every answer kept as said


def test_item9_positive_hears_crisis_resources_and_is_offered_the_on_call(client, auth, factory, twilio, runtime,
                                                                          on_call):
    patient = factory.patient(first_name="Dana")
    phone = confirmed_on_a_call(client, auth, twilio, runtime, patient)
    for value in "00000000":
        phone.press(value)
    crisis = phone.press("2")
    assert "9 8 8" in crisis.text and "3 1 2, 5 5 5, 0 1 0 0" in crisis.text
    assert crisis.gather is not None and "yes" in crisis.gather.get("hints")
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority) == ("suicide_risk", "urgent")
    outcome, = rows(runtime, Outcome)
    assert (outcome.total, outcome.safety_event) == (2, True)  # the check-in goes on and is scored
    connecting = phone.say("yes")
    assert connecting.dialled == [on_call.phone]
    assert connecting.dial.get("timeout") == "20" and connecting.dial.get("action")
    lifeline = phone.dial_ended("no-answer")
    assert lifeline.dialled == ["988"] and "9 8 8" in lifeline.text
    # The on-call care manager is told at once, by text and by call, naming no patient.
    tick_calls = Caller(client, twilio, runtime, on_call.phone).ring()
    assert len(tick_calls) == 1
    [notice] = twilio.sms_to(on_call.phone)
    assert "Urgent item in the engage queue" in notice.body and "Dana" not in notice.body


def test_crisis_words_spoken_at_any_question_bring_resources_then_the_same_question(client, auth, factory, twilio,
                                                                                    runtime, on_call):
    patient = factory.patient()
    phone = confirmed_on_a_call(client, auth, twilio, runtime, patient)
    phone.press("2")
    crisis = phone.say("honestly I want to kill myself")
    assert "9 8 8" in crisis.text and crisis.gather is not None
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority) == ("crisis_language", "urgent")
    again = phone.press("2")
    assert "Question 2 of 9." in again.text
    checkin, = rows(runtime, CheckIn)
    assert checkin.current_item == 1


def at_the_crisis_offer(client, auth, factory, twilio, runtime, language="en") -> Caller:
    """A PHQ-9 by call answered 0 to items 1-8 and 1 to item 9: the caller hears the crisis offer."""
    patient = factory.patient(first_name="Dana", language=language)
    phone = confirmed_on_a_call(client, auth, twilio, runtime, patient)
    for value in "00000000":
        phone.press(value)
    offer = phone.press("1")
    assert "9 8 8" in offer.text and offer.gather is not None
    return phone


@pytest.mark.parametrize("language, words", [
    ("en", "yes I need help"), ("en", "help"), ("en", "I want to die"), ("en", "um I don't know"),
    ("es", "sí, quiero ayuda"), ("es", "ayúdeme por favor"),
])
def test_anything_but_a_clear_no_at_the_crisis_offer_connects_to_the_on_call(client, auth, factory, twilio, runtime,
                                                                            on_call, language, words):
    phone = at_the_crisis_offer(client, auth, factory, twilio, runtime, language)
    connecting = phone.say(words)
    assert connecting.dialled == [on_call.phone]


def test_crisis_wording_at_the_crisis_offer_is_flagged_as_well_as_connected(client, auth, factory, twilio, runtime,
                                                                            on_call):
    phone = at_the_crisis_offer(client, auth, factory, twilio, runtime)
    assert phone.say("I want to die").dialled == [on_call.phone]
    assert sorted((f.kind, f.priority) for f in rows(runtime, Flag)) == [
        ("crisis_language", "urgent"), ("suicide_risk", "urgent")]


@pytest.mark.parametrize("language, answer", [("en", "no thanks"), ("es", "no gracias"), ("en", "2")])
def test_a_clear_no_at_the_crisis_offer_goes_on_with_the_check_in(client, auth, factory, twilio, runtime, on_call,
                                                                  language, answer):
    phone = at_the_crisis_offer(client, auth, factory, twilio, runtime, language)
    going_on = phone.press(answer) if answer.isdigit() else phone.say(answer)
    assert going_on.dialled == [] and going_on.hangs_up  # item 9 was the last: the closing
    outcome, = rows(runtime, Outcome)
    assert outcome.total == 1


def test_a_no_with_negated_crisis_wording_goes_on_and_is_flagged_for_review(client, auth, factory, twilio, runtime,
                                                                             on_call):
    phone = at_the_crisis_offer(client, auth, factory, twilio, runtime)
    going_on = phone.say("no, I don't want to die")
    assert going_on.dialled == [] and going_on.hangs_up
    assert sorted((f.kind, f.priority) for f in rows(runtime, Flag)) == [
        ("crisis_language", "high"), ("suicide_risk", "urgent")]


def test_silence_at_the_crisis_offer_asks_again_then_connects_and_the_check_in_is_kept(client, auth, factory,
                                                                                        twilio, runtime, on_call):
    phone = at_the_crisis_offer(client, auth, factory, twilio, runtime)
    again = phone.silence()
    assert not again.hangs_up and again.dial is None and "press 1 or say yes" in again.text
    connecting = phone.silence()
    assert connecting.dialled == [on_call.phone] and connecting.dial.get("action")
    after = phone.dial_ended("completed")
    assert "Thank you for your answers" in after.text and after.hangs_up
    outcome, = rows(runtime, Outcome)
    assert (outcome.total, outcome.safety_event) == (1, True)


def test_silence_at_the_crisis_offer_with_nobody_on_call_connects_to_988(client, auth, factory, twilio, runtime):
    phone = at_the_crisis_offer(client, auth, factory, twilio, runtime)
    phone.silence()
    assert phone.silence().dialled == ["988"]


def test_crisis_words_at_the_identity_prompt_get_crisis_resources_naming_nobody(client, auth, factory, twilio,
                                                                                runtime, on_call):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    hello = phone.answer()
    assert hello.gather.get("input") == "dtmf speech"
    heard = phone.say("I want to kill myself")
    assert "9 8 8" in heard.text and "3 1 2, 5 5 5, 0 1 0 0" in heard.text and "Dana" not in heard.text
    assert "press 1 or say yes" in heard.text and heard.gather is not None
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id) == ("crisis_language", "urgent", patient.id)
    connecting = phone.say("yes")
    assert connecting.dialled == [on_call.phone]
    back = phone.dial_ended("completed")
    assert "If you are Dana, please press 1." in back.text and "Question" not in back.text


def test_uncertain_crisis_words_at_the_identity_prompt_are_flagged_for_review(client, auth, factory, twilio,
                                                                              runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    goodbye = phone.say("I'm not suicidal")
    assert "Our number is 3 1 2, 5 5 5, 0 1 0 0." in goodbye.text and "Dana" not in goodbye.text
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id) == ("crisis_language", "high", patient.id)
    assert "before the caller said who they are" in flag.reason


def test_going_on_after_crisis_words_at_the_identity_prompt_asks_who_is_calling_first(client, auth, factory, twilio,
                                                                                      runtime, on_call):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    phone.say("I want to kill myself")
    who = phone.press("2")
    assert "If you are Dana, please press 1." in who.text and who.dial is None


def test_a_hang_up_at_the_crisis_offer_before_anyone_said_who_they_are_sends_no_questions(client, auth, factory,
                                                                                          twilio, runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    phone.say("I want to kill myself")
    phone.hang_up("completed")
    assert Phone(client, twilio, runtime, patient.phone).deliveries() == []


def test_the_same_gather_result_twice_changes_nothing_and_gets_the_same_answer(client, auth, factory, twilio,
                                                                               runtime):
    patient = factory.patient()
    phone = confirmed_on_a_call(client, auth, twilio, runtime, patient)
    first = phone.press("3")
    again = phone.repeat_last_post()
    assert again.xml == first.xml
    checkin, = rows(runtime, CheckIn)
    assert checkin.current_item == 1
    assert [a.value for a in checkin.answers] == [3]


def test_silence_repeats_the_question_once_then_moves_on_leaving_it_unanswered(client, auth, factory, twilio,
                                                                               runtime):
    patient = factory.patient()
    phone = confirmed_on_a_call(client, auth, twilio, runtime, patient, instrument="phq2")
    repeat = phone.silence()
    assert "didn't catch that" in repeat.text and "Question 1 of 2." in repeat.text
    moved = phone.say("purple")
    assert "We will go on." in moved.text and "Question 2 of 2." in moved.text
    closing = phone.press("1")
    assert closing.hangs_up
    outcome, = rows(runtime, Outcome)
    assert (outcome.answers, outcome.total) == ([None, 1], None)


def test_someone_else_hears_only_the_clinic_name_and_number(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    phone.answer()
    again = phone.silence()
    assert "If you are Dana" in again.text
    goodbye = phone.press("2")
    assert goodbye.said == ["Thank you. This call was from Riverside Family Medicine. "
                            "Our number is 3 1 2, 5 5 5, 0 1 0 0. Goodbye."]
    assert goodbye.hangs_up and rows(runtime, Outcome) == []


def test_an_answering_machine_gets_the_clinic_name_and_number_only(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    message = phone.answer(answered_by="machine_end_beep")
    assert message.said == ["Hello, this is Riverside Family Medicine. Please call us back at "
                            "3 1 2, 5 5 5, 0 1 0 0. Thank you. Goodbye."]
    assert message.gather is None and message.hangs_up
    phone.hang_up("completed")
    assert phone.ring() == []  # a voicemail is not a missed call
    call, = rows(runtime, Call)
    assert call.status == "machine"


def test_a_hang_up_part_way_goes_on_by_text_from_the_question_it_stopped_at(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    phone = confirmed_on_a_call(client, auth, twilio, runtime, patient)
    for value in "1230":
        phone.press(value)
    phone.hang_up("completed")
    texts = Phone(client, twilio, runtime, patient.phone)
    resume, question = texts.deliveries()
    assert "answer the rest by text" in resume and question.startswith("Q5/9:")
    for value in "10300":
        texts.text(value)
    outcome, = rows(runtime, Outcome)
    assert outcome.answers == [1, 2, 3, 0, 1, 0, 3, 0, 0]
    assert outcome.total == 10


def test_no_answer_and_busy_are_called_again_later_outside_quiet_hours_up_to_the_limit(client, auth, factory,
                                                                                       twilio, runtime):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from engage.db import utcnow

    now = utcnow()
    local = now.astimezone(ZoneInfo("America/Chicago"))
    quiet_from, quiet_to = local + timedelta(minutes=10), local + timedelta(hours=3)
    patient = factory.patient(quiet_hours={"start": quiet_from.time().replace(second=0, microsecond=0),
                                           "end": quiet_to.time().replace(second=0, microsecond=0)})
    start_call(client, auth, patient)
    now = utcnow()
    phone = caller_for(client, twilio, runtime, patient)
    assert len(phone.ring(now)) == 1
    phone.hang_up("no-answer")
    # Thirty minutes on would be in the patient's quiet hours: the second call waits for the morning.
    assert phone.ring(now + timedelta(minutes=31)) == []
    morning = quiet_to.replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert len(phone.ring(morning)) == 1
    phone.hang_up("busy")
    # An hour on (the wait doubles) is still quiet for the patient: the morning again.
    assert phone.ring(quiet_to - timedelta(minutes=5)) == []
    assert len(phone.ring(morning)) == 1
    phone.hang_up("no-answer")
    assert phone.ring(morning + timedelta(days=1)) == []  # ENGAGE_CALL_ATTEMPTS (3) calls in all
    assert [c.attempt for c in rows(runtime, Call)] == [1, 2, 3]
    assert {c.status for c in rows(runtime, Call)} == {"no-answer", "busy"}


def unanswered_to_the_last_try(phone: Caller, texts: Phone, now) -> None:
    """ENGAGE_CALL_ATTEMPTS (3) calls, each unanswered, each placed when its retry is due; no text while
    another call is to come."""
    from datetime import timedelta

    tries = ((0, "no-answer"), (31, "busy"), (92, "no-answer"))
    for minutes, status in tries:
        assert len(phone.ring(now + timedelta(minutes=minutes))) == 1
        phone.hang_up(status)
        if (minutes, status) != tries[-1]:
            assert texts.deliveries(now + timedelta(minutes=minutes + 1)) == []


def test_after_the_last_unanswered_call_the_check_in_goes_on_by_text_from_the_top(client, auth, factory, twilio,
                                                                                   runtime):
    from datetime import timedelta

    from engage.db import utcnow

    patient = factory.patient()
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = caller_for(client, twilio, runtime, patient), Phone(client, twilio, runtime, patient.phone)
    unanswered_to_the_last_try(phone, texts, now)
    intro, question = texts.deliveries(now + timedelta(minutes=93))
    assert "We have 9 short questions" in intro and question.startswith("Q1/9:")
    assert phone.ring(now + timedelta(hours=4)) == []
    texts.text("1 2 3 0 1 0 3 0 0")
    outcome, = rows(runtime, Outcome)
    assert (outcome.answers, outcome.total) == ([1, 2, 3, 0, 1, 0, 3, 0, 0], 10)


def test_after_a_voicemail_the_check_in_goes_on_by_text_outside_quiet_hours(client, auth, factory, twilio, runtime):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from engage.db import utcnow

    now = utcnow()
    local = now.astimezone(ZoneInfo("America/Chicago"))
    quiet_from, quiet_to = local + timedelta(minutes=10), local + timedelta(hours=3)
    patient = factory.patient(quiet_hours={"start": quiet_from.time().replace(second=0, microsecond=0),
                                           "end": quiet_to.time().replace(second=0, microsecond=0)})
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = caller_for(client, twilio, runtime, patient), Phone(client, twilio, runtime, patient.phone)
    phone.ring(now)
    phone.answer(answered_by="machine_end_beep")
    phone.hang_up("completed")
    assert texts.deliveries(now + timedelta(minutes=30)) == []  # the patient's quiet hours
    intro, question = texts.deliveries(quiet_to.replace(second=0, microsecond=0) + timedelta(minutes=1))
    assert "We have 9 short questions" in intro and question.startswith("Q1/9:")
    assert phone.ring(now + timedelta(days=1)) == []


@pytest.mark.parametrize("ending", ["unanswered", "voicemail"])
def test_a_patient_without_sms_consent_gets_no_text_when_the_calls_end(client, auth, factory, twilio, runtime,
                                                                       ending):
    from datetime import timedelta

    from engage.db import utcnow

    patient = factory.patient(consent={"sms": False, "voice": True})
    start_call(client, auth, patient)
    now = utcnow()
    phone, texts = caller_for(client, twilio, runtime, patient), Phone(client, twilio, runtime, patient.phone)
    if ending == "unanswered":
        unanswered_to_the_last_try(phone, texts, now)
    else:
        phone.ring(now)
        phone.answer(answered_by="machine_end_beep")
        phone.hang_up("completed")
    assert texts.deliveries(now + timedelta(hours=2)) == [] and twilio.sms_to(patient.phone) == []
    checkin, = rows(runtime, CheckIn)
    assert (checkin.status, checkin.channel) == ("in_progress", "voice")


def test_an_unsigned_voice_webhook_is_refused_and_stores_nothing(client, runtime):
    response = client.post("/webhooks/twilio/voice", data={"CallSid": "CA" + "1" * 32, "From": "+13125550177"})
    assert response.status_code == 403
    step = client.post("/webhooks/twilio/voice/items-1", data={"CallSid": "CA" + "1" * 32, "Digits": "1"})
    assert step.status_code == 403
    assert rows(runtime, VoiceStep) == [] and rows(runtime, Call) == []


def test_our_call_posted_with_another_calls_sid_hears_goodbye_and_changes_nothing(client, auth, factory, twilio,
                                                                                  runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient)
    phone = caller_for(client, twilio, runtime, patient)
    phone.ring()
    url, params = twilio.answer_call(phone.sid)
    foreign = post_signed_url(client, AUTH_TOKEN, url, {**params, "CallSid": "CA" + "9" * 32})
    assert foreign.status_code == 200 and foreign.mimetype == "application/xml"
    heard = Heard(foreign.data)
    assert heard.hangs_up and heard.gather is None and "Dana" not in heard.text
    call, = rows(runtime, Call)
    assert (call.call_sid, call.stage, call.answered_at) == (phone.sid, "answer", None)
    assert rows(runtime, VoiceStep) == []
    report = twilio.status_callback(phone.sid, "completed")[1]
    status_url = twilio.find(phone.sid).status_callback
    assert post_signed_url(client, AUTH_TOKEN, status_url, {**report, "CallSid": "CA" + "9" * 32}).status_code == 204
    assert rows(runtime, Call)[0].status != "completed"
    # The call itself is answered as ever.
    assert "If you are Dana, please press 1." in phone.answer().text


def test_each_retry_waits_twice_as_long_as_the_one_before(factory, runtime, session):
    from datetime import datetime, timedelta, timezone

    from engage.patients.models import Patient
    from engage.voice.status import retry_at

    patient = session.get(Patient, factory.patient().id)
    noon = datetime(2030, 1, 15, 18, 0, tzinfo=timezone.utc)  # noon in Chicago
    waits = [retry_at(runtime.settings, patient, attempt, noon) - noon for attempt in (1, 2, 3)]
    assert waits == [timedelta(minutes=30), timedelta(minutes=60), timedelta(minutes=120)]
