"""Scoring against the published score tables, by property and by hand-checked example."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.instruments import INSTRUMENTS, asks_closing_item, get_instrument, is_safety_answer, score, severity_for

# The SPEC's severity tables, written out independently of the definitions.
SPEC_SEVERITY = {
    "phq9": [
        (0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately_severe"), (20, 27, "severe"),
    ],
    "gad7": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")],
    "phq2": [(0, 2, "negative"), (3, 6, "positive")],
    "gad2": [(0, 2, "negative"), (3, 6, "positive")],
}
PHQ9 = get_instrument("phq9")
answer = st.integers(min_value=0, max_value=3)


def spec_severity(code, total):
    return next(name for low, high, name in SPEC_SEVERITY[code] if low <= total <= high)


def complete_answers(instrument):
    return st.lists(answer, min_size=len(instrument.items), max_size=len(instrument.items))


def partial_answers(instrument):
    size = len(instrument.items)
    return st.lists(st.one_of(st.none(), answer), min_size=size, max_size=size).filter(lambda a: None in a)


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
@given(data=st.data())
def test_every_total_is_the_sum_of_the_answers_and_its_band(code, data):
    instrument = INSTRUMENTS[code]
    answers = data.draw(complete_answers(instrument))
    result = score(instrument, answers)
    assert result.complete and result.answered == len(answers)
    assert result.total == sum(answers)
    assert result.severity == spec_severity(code, sum(answers))


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
@given(data=st.data())
def test_a_partial_administration_keeps_no_total(code, data):
    instrument = INSTRUMENTS[code]
    answers = data.draw(partial_answers(instrument))
    result = score(instrument, answers)
    assert (result.total, result.severity, result.complete) == (None, None, False)
    assert result.answered == sum(value is not None for value in answers)
    assert not result.positive_screen and result.step_up is None


@given(answers=st.lists(st.one_of(st.none(), answer), min_size=8, max_size=8), item9=st.integers(1, 3))
def test_item9_above_zero_is_always_a_safety_event(answers, item9):
    assert score(PHQ9, [*answers, item9]).safety_event


@given(answers=st.lists(st.one_of(st.none(), answer), min_size=8, max_size=8), item9=st.sampled_from([0, None]))
def test_no_safety_event_without_a_positive_item9(answers, item9):
    assert not score(PHQ9, [*answers, item9]).safety_event


@pytest.mark.parametrize("code", ["gad7", "phq2", "gad2"])
@given(data=st.data())
def test_only_phq9_has_a_safety_item(code, data):
    instrument = INSTRUMENTS[code]
    assert not score(instrument, data.draw(complete_answers(instrument))).safety_event


@pytest.mark.parametrize("code, full", [("phq2", "phq9"), ("gad2", "gad7")])
@given(first=answer, second=answer)
def test_two_item_screens_step_up_at_three(code, full, first, second):
    result = score(get_instrument(code), [first, second])
    positive = first + second >= 3
    assert result.positive_screen is positive
    assert result.step_up == (full if positive else None)
    assert result.severity == ("positive" if positive else "negative")


@given(value=st.one_of(st.integers(max_value=-1), st.integers(min_value=4)), position=st.integers(0, 8))
def test_values_outside_zero_to_three_are_rejected(value, position):
    answers = [0] * 9
    answers[position] = value
    with pytest.raises(ValueError):
        score(PHQ9, answers)


@pytest.mark.parametrize("bad", [True, 1.0, "1"])
def test_non_integer_answers_are_rejected(bad):
    with pytest.raises(ValueError):
        score(PHQ9, [bad] + [0] * 8)


@pytest.mark.parametrize("count", [0, 8, 11])
def test_wrong_number_of_answers_is_rejected(count):
    with pytest.raises(ValueError):
        score(PHQ9, [0] * count)


def test_the_difficulty_question_is_accepted_and_never_scored():
    with_difficulty = score(PHQ9, [1, 1, 1, 1, 1, 0, 0, 0, 0, 3])
    assert with_difficulty == score(PHQ9, [1, 1, 1, 1, 1, 0, 0, 0, 0])
    assert with_difficulty.total == 5


def test_the_difficulty_question_follows_only_a_reported_problem():
    assert asks_closing_item(PHQ9, [0, 0, 1, 0, 0, 0, 0, 0, 0])
    assert not asks_closing_item(PHQ9, [0] * 9)
    assert not asks_closing_item(get_instrument("gad7"), [3] * 7)


# Hand-checked against the PHQ-9 and GAD-7 scoring tables (Kroenke 2001; Spitzer 2006).
@pytest.mark.parametrize(
    "code, answers, total, severity",
    [
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ("phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ("phq9", [2, 2, 2, 2, 1, 0, 0, 0, 0], 9, "mild"),
        ("phq9", [2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ("phq9", [1, 2, 0, 3, 1, 2, 1, 0, 2], 12, "moderate"),
        ("phq9", [2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ("phq9", [3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately_severe"),
        ("phq9", [3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "moderately_severe"),
        ("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe"),
        ("gad7", [1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
        ("gad7", [1, 1, 1, 1, 1, 0, 0], 5, "mild"),
        ("gad7", [2, 2, 2, 2, 1, 0, 0], 9, "mild"),
        ("gad7", [2, 2, 2, 2, 1, 1, 0], 10, "moderate"),
        ("gad7", [2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
        ("gad7", [3, 3, 3, 3, 3, 0, 0], 15, "severe"),
        ("gad7", [3, 3, 3, 3, 3, 3, 3], 21, "severe"),
        ("phq2", [1, 1], 2, "negative"),
        ("phq2", [1, 2], 3, "positive"),
        ("gad2", [0, 2], 2, "negative"),
        ("gad2", [3, 3], 6, "positive"),
    ],
)
def test_published_score_table_examples(code, answers, total, severity):
    result = score(get_instrument(code), answers)
    assert (result.total, result.severity) == (total, severity)


def test_worked_example_with_item9_positive_is_scored_and_flagged():
    result = score(PHQ9, [1, 2, 0, 3, 1, 2, 1, 0, 2])
    assert (result.total, result.severity, result.safety_event, result.complete) == (12, "moderate", True, True)
    assert result.positive_screen and result.step_up is None


def test_partial_with_item9_positive_still_raises_the_safety_event():
    result = score(PHQ9, [0, 1, None, None, None, None, None, None, 1])
    assert result.safety_event and result.total is None and result.answered == 3


def test_severity_for_rejects_impossible_totals():
    assert severity_for(PHQ9, 27) == "severe"
    for total in (-1, 28):
        with pytest.raises(ValueError):
            severity_for(PHQ9, total)


@pytest.mark.parametrize("value, expected", [(0, False), (1, True), (2, True), (3, True)])
def test_item9_safety_answer(value, expected):
    assert is_safety_answer(PHQ9, 8, value) is expected
    assert not is_safety_answer(PHQ9, 7, value)
    assert not is_safety_answer(get_instrument("gad7"), 6, value)


def test_safety_answer_outside_the_scale_is_rejected():
    with pytest.raises(ValueError):
        is_safety_answer(PHQ9, 8, 4)


# Definitions and callers are code: a rejection must say which item and what was allowed, so the
# mistake can be found from the log line alone.
@pytest.mark.parametrize("call, message", [
    (lambda: score(PHQ9, [4] + [0] * 8), "phq9_1: answer must be 0-3, got 4"),
    (lambda: score(PHQ9, [0] * 8 + [True]), "phq9_9: answer must be a whole number, got True"),
    (lambda: score(PHQ9, [0] * 8), "phq9: expected 9 answers (or 10 with the closing item), got 8"),
    (lambda: score(get_instrument("gad7"), [0] * 6), "gad7: expected 7 answers, got 6"),
    (lambda: severity_for(PHQ9, 28), "phq9: total must be 0-27, got 28"),
])
def test_a_rejection_names_the_item_and_what_was_allowed(call, message):
    with pytest.raises(ValueError) as rejected:
        call()
    assert str(rejected.value) == message
