"""The check-in conversation: given where a check-in stands and what the patient answered, decide what
to record and what to say next. Pure: no database, no Flask, no Twilio.

What to say comes back as steps (ask this item, ask again, crisis resources, a closing), the same
whatever carries the check-in; a channel's renderer words them (engage.sms.render for texts).
"""
from __future__ import annotations

from dataclasses import dataclass

from engage.instruments import Instrument
from engage.instruments.parsing import parse_reply
from engage.instruments.scoring import is_safety_answer

# After this many replies we could not read, the re-prompt adds the clinic's phone.
FAILURES_BEFORE_HELP_LINE = 2


@dataclass(frozen=True)
class Intro:
    """Who asks, how many items, how to answer."""

    instrument: Instrument


@dataclass(frozen=True)
class Ask:
    """Item `index` of the instrument (its scored items, then its closing item) with its answer choices."""

    instrument: Instrument
    index: int


@dataclass(frozen=True)
class Reprompt:
    """A reply that could not be read; `help_line` once it has happened more than once."""

    help_line: bool


@dataclass(frozen=True)
class CrisisResources:
    """Where to get help now (988, 911, the clinic)."""


@dataclass(frozen=True)
class Reminder:
    """The items are still waiting for the patient."""


@dataclass(frozen=True)
class Resume:
    """The check-in goes on where it stopped, on another call or by text."""


@dataclass(frozen=True)
class MovingOn:
    """No answer could be read twice: the item is left unanswered and the next one asked."""


@dataclass(frozen=True)
class Closing:
    """Thanks: the last item is answered."""


Step = Intro | Ask | Reprompt | CrisisResources | Reminder | Resume | MovingOn | Closing


@dataclass(frozen=True)
class Progress:
    instrument: Instrument
    language: str
    answered: int
    failed_replies: int


@dataclass(frozen=True)
class Turn:
    new_answers: tuple[int, ...]
    steps: tuple[Step, ...]
    failed_replies: int
    finished: bool
    safety_event: bool
    # The item left unanswered: a call asks once more, then moves on rather than holding the line.
    skipped: bool = False

    @property
    def advanced(self) -> int:
        return len(self.new_answers) + self.skipped


def opening(instrument: Instrument, answered: int = 0) -> tuple[Step, ...]:
    return Intro(instrument), Ask(instrument, answered)


def reminder(instrument: Instrument) -> tuple[Step, ...]:
    """Once, with the first item again, to a patient who has not answered at all."""
    return Reminder(), Ask(instrument, 0)


def resume(instrument: Instrument, answered: int) -> tuple[Step, ...]:
    """A check-in taken up again where it stopped."""
    return Resume(), Ask(instrument, answered)


def take_up(instrument: Instrument, answered: int) -> tuple[Step, ...]:
    """A check-in on a new call or by text: from the top when nothing was answered yet, since the
    patient may never have heard how to answer; otherwise where it stopped."""
    return opening(instrument) if answered == 0 else resume(instrument, answered)


def take_reply(progress: Progress, text: str, repeats: int | None = None) -> Turn:
    """`repeats`: how often an item is asked again before it is left unanswered (None: until answered)."""
    instrument = progress.instrument
    remaining = len(instrument.items) - progress.answered
    values = parse_reply(text, progress.language, remaining)
    if not values:
        failures = progress.failed_replies + 1
        if repeats is not None and failures > repeats:
            return _move_on(progress)
        steps = (Reprompt(failures >= FAILURES_BEFORE_HELP_LINE), Ask(instrument, progress.answered))
        return Turn((), steps, failures, finished=False, safety_event=False)
    first = progress.answered
    safety = any(is_safety_answer(instrument, first + offset, value) for offset, value in enumerate(values))
    finished = first + len(values) == len(instrument.items)
    steps: list[Step] = []
    if safety:
        # Clinical rule: crisis resources at once, before anything else; the check-in goes on.
        steps.append(CrisisResources())
    steps.append(Closing() if finished else Ask(instrument, first + len(values)))
    return Turn(tuple(values), tuple(steps), 0, finished, safety)


def _move_on(progress: Progress) -> Turn:
    instrument, following = progress.instrument, progress.answered + 1
    finished = following == len(instrument.items)
    steps = (MovingOn(), Closing() if finished else Ask(instrument, following))
    return Turn((), steps, 0, finished, safety_event=False, skipped=True)
