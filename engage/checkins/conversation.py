"""The SMS check-in conversation: given where a check-in stands and what the patient wrote,
decide what to record and what to say next. Pure: no database, no Flask, no Twilio."""
from __future__ import annotations

from dataclasses import dataclass

from engage.instruments import Instrument
from engage.instruments.parsing import parse_reply
from engage.instruments.scoring import is_safety_answer
from messages import sms, translate

# After this many replies we could not read, the re-prompt adds the clinic's phone.
FAILURES_BEFORE_HELP_LINE = 2


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str


@dataclass(frozen=True)
class OutText:
    kind: str
    body: str


@dataclass(frozen=True)
class Progress:
    instrument: Instrument
    language: str
    answered: int
    failed_replies: int


@dataclass(frozen=True)
class Turn:
    new_answers: tuple[int, ...]
    texts: tuple[OutText, ...]
    failed_replies: int
    finished: bool
    safety_event: bool


def say(kind: str, msgid: str, language: str, clinic: Clinic) -> OutText:
    """A text in the patient's language; every text may name the clinic and its phone."""
    return OutText(kind, translate(msgid, language, clinic=clinic.name, clinic_phone=clinic.phone))


def crisis_resources(language: str, clinic: Clinic) -> OutText:
    return say("crisis_resources", sms.SMS_CRISIS_RESOURCES, language, clinic)


def item_texts(instrument: Instrument, index: int, language: str) -> tuple[OutText, ...]:
    """The question, with its answers in the same text or the next one."""
    return tuple(OutText("checkin_item", body) for body in sms.sms_item_texts(instrument, index, language))


def opening(instrument: Instrument, language: str, clinic: Clinic, answered: int = 0) -> tuple[OutText, ...]:
    intro = OutText("checkin_intro", sms.sms_checkin_intro(instrument, language, clinic.name))
    return intro, *item_texts(instrument, answered, language)


def take_reply(progress: Progress, text: str, clinic: Clinic) -> Turn:
    instrument, language = progress.instrument, progress.language
    remaining = len(instrument.items) - progress.answered
    values = parse_reply(text, language, remaining)
    if not values:
        failures = progress.failed_replies + 1
        prompt = sms.SMS_NOT_UNDERSTOOD_AGAIN if failures >= FAILURES_BEFORE_HELP_LINE else sms.SMS_NOT_UNDERSTOOD
        texts = (say("reprompt", prompt, language, clinic), *item_texts(instrument, progress.answered, language))
        return Turn((), texts, failures, finished=False, safety_event=False)
    first = progress.answered
    safety = any(is_safety_answer(instrument, first + offset, value) for offset, value in enumerate(values))
    finished = first + len(values) == len(instrument.items)
    texts: list[OutText] = []
    if safety:
        # Clinical rule: crisis resources at once, before anything else; the check-in goes on.
        texts.append(crisis_resources(language, clinic))
    if finished:
        texts.append(say("checkin_thanks", sms.SMS_CHECKIN_THANKS, language, clinic))
    else:
        texts.extend(item_texts(instrument, first + len(values), language))
    return Turn(tuple(values), tuple(texts), 0, finished, safety)
