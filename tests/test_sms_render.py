"""The check-in engine says what to ask in steps any channel can carry; the SMS renderer words them as texts."""
from __future__ import annotations

from engage.checkins.conversation import (
    Ask, Closing, CrisisResources, Intro, Progress, Reminder, Reprompt, opening, reminder, take_reply,
)
from engage.clinic import Clinic
from engage.instruments import get_instrument
from engage.sms.render import render

PHQ9 = get_instrument("phq9")
CLINIC = Clinic("Riverside Family Medicine", "(312) 555-0100")


def test_an_unreadable_reply_is_asked_again_as_steps_without_any_wording():
    turn = take_reply(Progress(PHQ9, "en", answered=3, failed_replies=1), "banana")
    assert turn.steps == (Reprompt(help_line=True), Ask(PHQ9, 3))
    assert (turn.new_answers, turn.failed_replies, turn.finished) == ((), 2, False)


def test_a_self_harm_answer_puts_crisis_resources_before_the_closing():
    turn = take_reply(Progress(PHQ9, "en", answered=8, failed_replies=0), "2")
    assert turn.steps == (CrisisResources(), Closing())
    assert (turn.new_answers, turn.safety_event, turn.finished) == ((2,), True, True)


def test_the_opening_and_the_reminder_ask_the_first_unanswered_item():
    assert opening(PHQ9) == (Intro(PHQ9), Ask(PHQ9, 0))
    assert opening(PHQ9, answered=4) == (Intro(PHQ9), Ask(PHQ9, 4))
    assert reminder(PHQ9) == (Reminder(), Ask(PHQ9, 0))


def test_sms_renders_a_reprompt_with_the_clinic_phone_and_the_item_again():
    texts = render((Reprompt(help_line=True), Ask(PHQ9, 3)), "en", CLINIC)
    assert [text.kind for text in texts] == ["reprompt", "checkin_item"]
    assert texts[0].body == ("We still could not read that answer. Reply with one number from 0 to 3. "
                             "For help, call us at (312) 555-0100.")
    assert texts[1].body == ("Q4/9: Over the last 2 weeks, how often have you been bothered by any of the following "
                             "problems? Feeling tired or having little energy. Reply 0=Not at all, 1=Several days, "
                             "2=More than half the days, 3=Nearly every day")


def test_sms_renders_every_step_in_the_patients_language():
    texts = render((Intro(PHQ9), CrisisResources(), Reminder(), Closing()), "es", CLINIC)
    assert [text.kind for text in texts] == ["checkin_intro", "crisis_resources", "checkin_reminder",
                                             "checkin_thanks"]
    assert "988" in texts[1].body and "(312) 555-0100" in texts[1].body
    assert texts[3].body.startswith("Gracias")
