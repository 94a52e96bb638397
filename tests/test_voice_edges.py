"""A call's edges: a step that cannot be acted on, the speech language chosen for a Spanish speaker,
and what a no-show call says."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from engage.checkins.models import CheckIn
from engage.db import session_scope
from engage.flags.models import Flag
from engage.voice.models import VoiceStep
from engage.voice.render import speech_language
from tests.caller import Caller
from tests.factories import rows
from tests.test_campaigns import book, missed
from tests.test_voice_checkins import start_call

GOODBYE = "Thank you. Goodbye."


@pytest.mark.parametrize(("language", "goodbye", "spoken_in"), [("en", GOODBYE, "en-US"),
                                                                ("es", "Gracias. Adiós.", "es-US")])
def test_a_step_that_cannot_be_acted_on_keeps_the_answer_flags_a_person_and_says_goodbye(client, auth, factory,
                                                                                        twilio, runtime, language,
                                                                                        goodbye, spoken_in):
    patient = factory.patient(first_name="Dana", language=language)
    start_call(client, auth, patient)
    phone = Caller(client, twilio, runtime, patient.phone)
    phone.ring()
    phone.answer()
    phone.press("1")
    # The check-in names an instrument this release no longer has: answering it cannot go on.
    with session_scope(runtime.sessions) as session:
        session.execute(update(CheckIn).values(instrument="retired"))
    heard = phone.press("2")
    assert heard.said == [goodbye] and heard.hangs_up
    assert heard.root.find("Say").get("language") == spoken_in
    assert b"Traceback" not in heard.xml and b"retired" not in heard.xml
    kept = rows(runtime, VoiceStep)[-1]
    assert (kept.digits, kept.twiml) == ("2", None)
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id) == ("patient_message", "high", patient.id)
    assert "what the caller said is kept" in flag.reason


def test_the_same_failing_step_delivered_again_keeps_one_copy_and_raises_one_flag(client, auth, factory, twilio,
                                                                                  runtime):
    patient = factory.patient()
    start_call(client, auth, patient)
    phone = Caller(client, twilio, runtime, patient.phone)
    phone.ring()
    phone.answer()
    phone.press("1")
    with session_scope(runtime.sessions) as session:
        session.execute(update(CheckIn).values(instrument="retired"))
    phone.press("2")
    again = phone.repeat_last_post()
    assert again.said == [GOODBYE]
    assert [step.digits for step in rows(runtime, VoiceStep)].count("2") == 1
    assert len(rows(runtime, Flag)) == 1


def test_speech_is_recognised_and_spoken_in_the_patients_variety_of_spanish():
    assert speech_language("es") == ("es-US", "Polly.Lupe")
    assert speech_language("es-MX") == speech_language("es_MX") == ("es-MX", "Polly.Mia")
    assert speech_language("es-US") == ("es-US", "Polly.Lupe")
    assert speech_language("en") == ("en-US", "Polly.Joanna")
    assert speech_language("fr") == ("en-US", "Polly.Joanna")  # no catalog: English, as the words are


def test_a_patient_who_asked_for_mexican_spanish_hears_and_is_heard_in_it(client, auth, factory, twilio, runtime):
    patient = factory.patient(first_name="Lucía", language="es-MX")
    start_call(client, auth, patient)
    phone = Caller(client, twilio, runtime, patient.phone)
    phone.ring()
    hello = phone.answer()
    assert "Si usted es Lucía" in hello.text
    first = phone.press("1")
    assert {say.get("language") for say in first.root.iter("Say")} == {"es-MX"}
    assert {say.get("voice") for say in first.root.iter("Say")} == {"Polly.Mia"}
    assert first.gather.get("language") == "es-MX" and "Varios días" in first.gather.get("hints")
    second = phone.say("varios días")
    assert "Pregunta 2 de 9." in second.text and second.gather.get("language") == "es-MX"


VISIT = datetime(2037, 11, 24, 15, 40, tzinfo=timezone.utc)


def no_show_call(client, auth, factory, twilio, runtime) -> Caller:
    patient = factory.patient(first_name="Dana")
    missed(runtime, book(client, auth, patient, starts_at=VISIT), at=VISIT + timedelta(minutes=20))
    phone = Caller(client, twilio, runtime, patient.phone)
    assert len(phone.ring(VISIT + timedelta(days=1, minutes=20))) == 1
    return phone


def test_a_no_show_call_says_why_only_once_the_patient_is_confirmed(client, auth, factory, twilio, runtime):
    phone = no_show_call(client, auth, factory, twilio, runtime)
    hello = phone.answer()
    assert hello.said == ["Hello. This is Riverside Family Medicine. We are calling for Dana. "
                          "If you are Dana, please press 1."]
    message = phone.press("1")
    assert message.said == ["We missed you at your visit. Please call us at 3 1 2, 5 5 5, 0 1 0 0 "
                            "to choose a new time. Goodbye."]
    assert message.hangs_up and message.gather is None


def test_someone_else_answering_a_no_show_call_hears_nothing_about_the_visit(client, auth, factory, twilio,
                                                                             runtime):
    phone = no_show_call(client, auth, factory, twilio, runtime)
    phone.answer()
    other = phone.press("2")
    assert other.said == ["Thank you. This call was from Riverside Family Medicine. "
                          "Our number is 3 1 2, 5 5 5, 0 1 0 0. Goodbye."]
    assert "visit" not in other.text
