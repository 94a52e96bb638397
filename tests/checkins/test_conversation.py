"""The check-in conversation as the engine decides it, without a database: what each reply records,
whether it is a safety event, and which texts go back, in which order and of which kind (delivery
exempts some kinds from STOP and quiet hours, so a kind is part of the contract)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from engage.checkins.conversation import (
    Ask, Closing, Intro, MovingOn, Progress, Reminder, Reprompt, Resume, opening, reminder, resume, take_reply,
    take_up,
)
from engage.clinic import Clinic
from engage.instruments import get_instrument
from engage.sms.render import OutText, crisis_resources, render

PHQ9, GAD7 = get_instrument("phq9"), get_instrument("gad7")
CLINIC = Clinic("Riverside Family Medicine", "(312) 555-0100")


@dataclass(frozen=True)
class Reply:
    """The engine's turn, with its steps as the SMS channel words them."""

    new_answers: tuple[int, ...]
    texts: list[OutText]
    failed_replies: int
    finished: bool
    safety_event: bool


def reply(text: str, answered: int = 0, failed: int = 0, language: str = "en", instrument=PHQ9) -> Reply:
    turn = take_reply(Progress(instrument, language, answered, failed), text)
    return Reply(turn.new_answers, render(turn.steps, language, CLINIC), turn.failed_replies, turn.finished,
                 turn.safety_event)


def kinds(turn) -> list[str]:
    return [text.kind for text in turn.texts]


def test_one_answer_is_recorded_and_the_next_question_follows():
    turn = reply("2", answered=4, failed=1)
    assert turn.new_answers == (2,)
    assert kinds(turn) == ["checkin_item"] and turn.texts[0].body.startswith("Q6/9:")
    assert (turn.finished, turn.safety_event, turn.failed_replies) == (False, False, 0)


def test_the_first_answer_asks_the_second_question():
    turn = reply("0")
    assert turn.new_answers == (0,) and turn.texts[0].body.startswith("Q2/9:")


@pytest.mark.parametrize("item9, safety", [("1", True), ("2", True), ("3", True), ("0", False)])
def test_the_last_answer_thanks_the_patient_after_resources_when_item9_is_positive(item9, safety):
    turn = reply(item9, answered=8)
    assert turn.new_answers == (int(item9),) and turn.finished
    assert turn.safety_event is safety
    assert kinds(turn) == (["crisis_resources", "checkin_thanks"] if safety else ["checkin_thanks"])
    assert "Riverside Family Medicine" in turn.texts[-1].body


@pytest.mark.parametrize("text, safety", [
    ("0 0 0 0 0 0 0 0 2", True), ("3,3,3,3,3,3,3,3,1", True), ("000000003", True),
    ("0 0 0 0 0 0 0 2 0", False), ("3 0 0 0 0 0 0 0 0", False), ("3 3 3 3 3 3 3 3 0", False),
])
def test_item9_positive_inside_an_all_at_once_reply_sends_resources_first(text, safety):
    turn = reply(text)
    assert len(turn.new_answers) == 9 and turn.finished
    assert turn.safety_event is safety
    assert kinds(turn) == (["crisis_resources", "checkin_thanks"] if safety else ["checkin_thanks"])


@pytest.mark.parametrize("answered, text, safety", [
    (3, "0 1 0 0 0 1", True), (3, "0 0 0 0 1 0", False), (3, "1 0 0 0 0 0", False),
    (7, "0 2", True), (7, "2 0", False), (1, "0 0 0 0 0 0 0 3", True),
])
def test_answering_every_remaining_item_after_some_progress_finishes_and_checks_item9(answered, text, safety):
    turn = reply(text, answered=answered)
    assert list(turn.new_answers) == [int(value) for value in text.split()]
    assert turn.finished and turn.safety_event is safety
    assert kinds(turn) == (["crisis_resources", "checkin_thanks"] if safety else ["checkin_thanks"])


@pytest.mark.parametrize("answered, text", [(3, "0 0 0 0 0 0 0 0 1"), (3, "0 0 0 0 1"), (7, "0 0 1")])
def test_after_some_progress_a_reply_for_the_wrong_number_of_items_is_not_understood(answered, text):
    turn = reply(text, answered=answered)
    assert turn.new_answers == () and not turn.safety_event and not turn.finished


def test_several_answers_short_of_the_end_are_not_understood():
    # Only one answer or all the remaining ones: anything in between could be misread.
    turn = reply("1 1", answered=0)
    assert turn.new_answers == () and kinds(turn)[0] == "reprompt"


@pytest.mark.parametrize("answered", [0, 4, 8])
@pytest.mark.parametrize("text", ["maybe", "9", "I want to die", "1 2", ""])
def test_an_unreadable_reply_records_nothing_and_is_never_a_safety_event(answered, text):
    # Crisis wording in free text is the inbound path's to judge, by its own rules; the check-in
    # engine only reads answers, so a reply it cannot read never raises a safety event.
    turn = reply(text, answered=answered)
    assert turn.new_answers == () and not turn.finished
    assert turn.safety_event is False
    assert kinds(turn)[0] == "reprompt" and "crisis_resources" not in kinds(turn)
    assert turn.texts[1].body.startswith(f"Q{answered + 1}/9:")


def test_the_first_unreadable_reply_asks_again_and_later_ones_give_the_clinic_phone():
    first = reply("banana", failed=0)
    assert first.failed_replies == 1
    assert first.texts[0].body.startswith("Sorry") and "(312) 555-0100" not in first.texts[0].body
    for failed in (1, 2, 5):
        again = reply("banana", failed=failed)
        assert again.failed_replies == failed + 1
        assert "(312) 555-0100" in again.texts[0].body


def test_a_readable_reply_starts_the_count_of_unreadable_ones_again():
    assert reply("1", failed=3).failed_replies == 0


def test_gad7_has_no_safety_item():
    turn = reply("3 3 3 3 3 3 3", instrument=GAD7)
    assert turn.finished and not turn.safety_event and kinds(turn) == ["checkin_thanks"]


def test_crisis_resources_are_their_own_kind_and_give_988_911_and_the_clinic():
    # delivery.EMERGENCY_KINDS exempts exactly this kind from STOP and quiet hours.
    text = crisis_resources("en", CLINIC)
    assert text.kind == "crisis_resources"
    assert "988" in text.body and "911" in text.body and "(312) 555-0100" in text.body


def test_crisis_resources_in_spanish():
    text = reply("2", answered=8, language="es").texts[0]
    assert text.kind == "crisis_resources" and "988" in text.body and "Riverside Family Medicine" in text.body
    assert text.body != crisis_resources("en", CLINIC).body


def test_the_opening_is_the_intro_then_the_question_the_patient_is_at():
    intro, first = render(opening(PHQ9), "en", CLINIC)
    assert (intro.kind, first.kind) == ("checkin_intro", "checkin_item")
    assert intro.body.startswith("Riverside Family Medicine:") and "9 short questions" in intro.body
    assert first.body.startswith("Q1/9:")
    assert render(opening(PHQ9, answered=3), "en", CLINIC)[1].body.startswith("Q4/9:")


@pytest.mark.parametrize("answered, text", [(0, "2"), (8, "3"), (0, "0 0 0 0 0 0 0 0 1"), (4, "maybe"), (8, "0")])
def test_a_turn_is_a_value_the_same_state_and_reply_decide_the_same(answered, text):
    progress = Progress(PHQ9, "en", answered, 1)
    turn = take_reply(progress, text)
    assert turn == take_reply(Progress(PHQ9, "en", answered, 1), text)
    assert hash(turn) == hash(take_reply(progress, text)) and hash(progress) == hash(Progress(PHQ9, "en", answered, 1))
    assert opening(PHQ9) == opening(PHQ9) and hash(opening(PHQ9, 3)) == hash(opening(PHQ9, 3))


def test_the_reminder_asks_the_first_item_again():
    assert reminder(PHQ9) == (Reminder(), Ask(PHQ9, 0))
    assert hash(reminder(PHQ9)) == hash((Reminder(), Ask(PHQ9, 0)))


def test_a_check_in_taken_up_again_goes_on_at_the_item_it_stopped_at():
    assert resume(PHQ9, 3) == (Resume(), Ask(PHQ9, 3))
    assert hash(resume(PHQ9, 3)) == hash((Resume(), Ask(PHQ9, 3)))


def test_a_readable_reply_moves_on_by_the_answers_it_gives_and_skips_nothing():
    one, every = take_reply(Progress(PHQ9, "en", 2, 0), "1"), take_reply(Progress(PHQ9, "en", 0, 0), "0 " * 9)
    assert (one.skipped, one.advanced) == (False, 1) and (every.skipped, every.advanced) == (False, 9)


@pytest.mark.parametrize("failed, help_line", [(0, False), (1, True)])
def test_a_call_asks_an_item_again_while_repeats_are_left(failed, help_line):
    turn = take_reply(Progress(PHQ9, "en", 4, failed), "banana", repeats=2)
    assert turn.steps == (Reprompt(help_line), Ask(PHQ9, 4))
    assert (turn.failed_replies, turn.skipped, turn.advanced, turn.finished) == (failed + 1, False, 0, False)


def test_once_the_repeats_are_used_up_the_item_is_left_unanswered_and_the_next_one_asked():
    turn = take_reply(Progress(PHQ9, "en", 4, 2), "banana", repeats=2)
    assert turn.steps == (MovingOn(), Ask(PHQ9, 5))
    assert hash(turn) == hash(take_reply(Progress(PHQ9, "en", 4, 2), "banana", repeats=2))
    assert (turn.new_answers, turn.failed_replies, turn.skipped, turn.advanced) == ((), 0, True, 1)
    assert (turn.finished, turn.safety_event) == (False, False)


def test_with_no_repeats_an_unreadable_reply_moves_on_at_once():
    assert take_reply(Progress(PHQ9, "en", 0, 0), "banana", repeats=0).steps == (MovingOn(), Ask(PHQ9, 1))


def test_leaving_the_last_item_unanswered_closes_the_check_in_without_a_safety_event():
    # Item 9 left unanswered is no answer at all: nothing to judge, so no crisis resources.
    turn = take_reply(Progress(PHQ9, "en", 8, 1), "banana", repeats=1)
    assert turn.steps == (MovingOn(), Closing())
    assert (turn.finished, turn.safety_event, turn.skipped, turn.advanced) == (True, False, True, 1)


@pytest.mark.parametrize("answered", [0, 1, 5])
def test_a_check_in_taken_up_again_starts_from_the_top_only_when_nothing_was_answered(answered):
    # Someone who never picked up never heard how to answer; someone who stopped part-way did.
    expected = (Intro(PHQ9), Ask(PHQ9, 0)) if answered == 0 else (Resume(), Ask(PHQ9, answered))
    assert take_up(PHQ9, answered) == expected

