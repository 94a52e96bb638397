"""The SMS renderer: a check-in's steps, and the inbound path's answers, as texts in the patient's language.

The conversation engine says what to ask (engage.checkins.conversation); this words it for a phone's
screen: the item numbered, its answers in the same text or the next, each text within
messages.sms.MAX_SEGMENTS.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from engage.checkins.conversation import Ask, Closing, CrisisResources, Intro, Reminder, Reprompt, Resume, Step
from engage.clinic import Clinic
from engage.instruments import Instrument
from messages import resolve_language, sms, translate
from messages.segments import sms_segments


@dataclass(frozen=True)
class OutText:
    kind: str
    body: str


def say(kind: str, msgid: str, language: str, clinic: Clinic) -> OutText:
    """A text in the patient's language; every text may name the clinic and its phone."""
    return OutText(kind, translate(msgid, language, clinic=clinic.name, clinic_phone=clinic.phone))


def crisis_resources(language: str, clinic: Clinic) -> OutText:
    return say("crisis_resources", sms.SMS_CRISIS_RESOURCES, language, clinic)


def render(steps: tuple[Step, ...] | list[Step], language: str, clinic: Clinic) -> list[OutText]:
    """The texts that say `steps`, in order."""
    return [text for step in steps for text in _texts(step, language, clinic)]


def _texts(step: Step, language: str, clinic: Clinic) -> tuple[OutText, ...]:
    match step:
        case Ask(instrument, index):
            return item_texts(instrument, index, language)
        case Intro(instrument):
            return (OutText("checkin_intro", sms_checkin_intro(instrument, language, clinic.name)),)
        case Reprompt(help_line):
            prompt = sms.SMS_NOT_UNDERSTOOD_AGAIN if help_line else sms.SMS_NOT_UNDERSTOOD
            return (say("reprompt", prompt, language, clinic),)
        case CrisisResources():
            return (crisis_resources(language, clinic),)
        case Reminder():
            return (say("checkin_reminder", sms.SMS_CHECKIN_REMINDER, language, clinic),)
        case Resume():
            return (say("checkin_resume", sms.SMS_CHECKIN_CONTINUE, language, clinic),)
        case Closing():
            return (say("checkin_thanks", sms.SMS_CHECKIN_THANKS, language, clinic),)
    raise TypeError(f"no SMS rendering for {step!r}")


def item_texts(instrument: Instrument, index: int, language: str) -> tuple[OutText, ...]:
    """The question, with its answers in the same text or the next one."""
    return tuple(OutText("checkin_item", body) for body in sms_item_texts(instrument, index, language))


def sms_checkin_intro(instrument: Instrument, language: str, clinic: str) -> str:
    """The first text of a check-in: who asks, how many questions, how to answer, how to stop."""
    return translate(sms.SMS_CHECKIN_INTRO, language, clinic=clinic, count=len(instrument.items))


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _fits(texts: tuple[str, ...]) -> bool:
    return all(sms_segments(text).segments <= sms.MAX_SEGMENTS for text in texts)


@lru_cache(maxsize=1024)
def sms_item_texts(instrument: Instrument, index: int, language: str) -> tuple[str, ...]:
    """The texts asking question `index` (the scored items, then the closing item) with every answer label.

    One text when the question and its answers fit in MAX_SEGMENTS, else the question and then its
    answers. The first question always carries the published instructions; a later one only when they
    fit in one text with it and its answers.
    """
    lang = resolve_language(language)
    question = instrument.questions[index]
    scored = index < len(instrument.items)
    number = translate(sms.SMS_QUESTION_NUMBER, lang, number=index + 1, count=len(instrument.items)) if scored else ""
    stem = translate(instrument.stem, lang) if scored else ""
    item = _sentence(translate(question.text, lang))
    labels = [translate(choice.label, lang) for choice in question.choices]
    key = translate(sms.SMS_ANSWER_KEY, lang, choices=", ".join(f"{i}={label}" for i, label in enumerate(labels)))
    asked = [(number, stem, item)] if index == 0 else [(number, stem, item), (number, item)]
    layouts = [(_joined(*parts, key),) for parts in asked] + [(_joined(*asked[-1]), key)]
    for texts in layouts:
        if _fits(texts):
            return texts
    return texts  # the last form; tests hold every shipped item and language to the limit

