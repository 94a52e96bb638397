"""Scoring: totals, severity bands, the item 9 safety rule and screen step-up. Pure functions."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engage.instruments.model import Instrument, Item


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int | None  # None unless every scored item is answered
    severity: str | None
    complete: bool
    answered: int  # scored items answered
    safety_event: bool  # item 9 above 0, even in a partial administration
    positive_screen: bool
    step_up: str | None  # the instrument a positive screen calls for


def _check_value(item: Item, value: object) -> int:
    # bool is an int in Python; True is not an answer.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{item.code}: answer must be a whole number, got {value!r}")
    if value not in {choice.value for choice in item.choices}:
        raise ValueError(f"{item.code}: answer must be 0-{len(item.choices) - 1}, got {value}")
    return value


def _checked_answers(instrument: Instrument, answers: Sequence[int | None]) -> list[int | None]:
    questions = instrument.questions
    if len(answers) not in {len(instrument.items), len(questions)}:
        raise ValueError(
            f"{instrument.code}: expected {len(instrument.items)} answers"
            + (f" (or {len(questions)} with the closing item)" if instrument.closing_item else "")
            + f", got {len(answers)}"
        )
    return [None if value is None else _check_value(item, value) for item, value in zip(questions, answers)]


def severity_for(instrument: Instrument, total: int) -> str:
    """The severity band a total falls in, by the instrument's published table."""
    for band in instrument.severity_bands:
        if band.low <= total <= band.high:
            return band.name
    raise ValueError(f"{instrument.code}: total must be 0-{instrument.max_total}, got {total}")


def is_safety_answer(instrument: Instrument, item_index: int, value: int) -> bool:
    """True for PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above 0."""
    _check_value(instrument.questions[item_index], value)
    return item_index == instrument.safety_item_index and value > 0


def asks_closing_item(instrument: Instrument, answers: Sequence[int | None]) -> bool:
    """The PHQ-9 difficulty question follows only when a problem was reported ("If you checked off any problems")."""
    scored = _checked_answers(instrument, answers)[: len(instrument.items)]
    return instrument.closing_item is not None and any(value for value in scored)


def score(instrument: Instrument, answers: Sequence[int | None]) -> Score:
    """Score an administration, partial or complete; None marks an unanswered item.

    A partial administration keeps its answers but gets no total, severity or screen result;
    a safety answer counts the moment it is given. The closing item is accepted and never scored.
    """
    scored = _checked_answers(instrument, answers)[: len(instrument.items)]
    given = [value for value in scored if value is not None]
    complete = len(given) == len(scored)
    total = sum(given) if complete else None
    threshold = instrument.positive_screen_threshold
    positive = total is not None and threshold is not None and total >= threshold
    return Score(
        instrument=instrument.code,
        total=total,
        severity=severity_for(instrument, total) if total is not None else None,
        complete=complete,
        answered=len(given),
        safety_event=any(
            value is not None and is_safety_answer(instrument, index, value) for index, value in enumerate(scored)
        ),
        positive_screen=positive,
        step_up=instrument.steps_up_to if positive else None,
    )
