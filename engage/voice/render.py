"""The TwiML renderer: the conversation's steps (engage.checkins.conversation), and what only a call
says (who is calling, a voicemail, a live connection), as a caller hears them.

One engine, two renderers: the questions are the check-in's, worded here for the ear from the scripts
in messages.voice, as engage.sms.render words them for a screen.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from engage.checkins.conversation import (
    Ask, Closing, CrisisResources, Intro, MovingOn, Reminder, Reprompt, Resume, Step,
)
from engage.clinic import Clinic
from engage.instruments import Instrument, get_instrument
from messages import resolve_language, speakable_phone, translate
from messages import voice as messages_voice
from messages.instruments import NO_WORDS, YES_WORDS


def voice_checkin_start(instrument: Instrument, language: str) -> str:
    """What the patient hears once identity is confirmed, before the first question."""
    stem = translate(instrument.voice_stem, language)
    return translate(messages_voice.VOICE_CHECKIN_START, language, count=len(instrument.items), stem=stem)


def voice_item(instrument: Instrument, index: int, language: str) -> str:
    """Question `index` (the scored items, then the closing item) and its spoken answer key."""
    lang = resolve_language(language)
    question = instrument.questions[index]
    parts = []
    if index < len(instrument.items):
        parts.append(translate(messages_voice.VOICE_QUESTION_NUMBER, lang, number=index + 1, count=len(instrument.items)))
    parts.append(translate(question.voice_text, lang))
    parts.extend(
        translate(messages_voice.VOICE_ANSWER_CHOICE, lang, value=choice.value, label=translate(choice.label, lang))
        for choice in question.choices
    )
    return " ".join(parts)


# What a call says besides the check-in's own steps.
@dataclass(frozen=True)
class IdentityCheck:
    first_name: str


@dataclass(frozen=True)
class InboundIdentityCheck:
    """A call from a patient's number: who is calling is confirmed before anything is offered."""

    first_name: str


@dataclass(frozen=True)
class NotThePatient:
    """Whoever else answers hears only the clinic's name and number."""


@dataclass(frozen=True)
class Voicemail:
    """A machine answered: the clinic's name and number only, no name, no instrument, no score."""


@dataclass(frozen=True)
class CrisisOffer:
    """Press 1 or say yes to be connected to the care team now."""


@dataclass(frozen=True)
class Connect:
    """A live connection; on no answer, `action` hears how it went."""

    number: str
    say_first: bool = True


@dataclass(frozen=True)
class ConnectLifeline:
    """The care team could not be reached: 988."""


@dataclass(frozen=True)
class InboundGreeting:
    """A caller we do not know (or who asked for the clinic): put through to the clinic line."""

    clinic_line: str


@dataclass(frozen=True)
class InboundOffer:
    """A patient with questions waiting: 1 to answer them, 2 for the clinic."""


@dataclass(frozen=True)
class NoShowMessage:
    pass


@dataclass(frozen=True)
class StaffNotice:
    """Staff only: names no patient and no score."""


@dataclass(frozen=True)
class StaffAcknowledged:
    pass


@dataclass(frozen=True)
class Goodbye:
    pass


VoiceStep = (Step | IdentityCheck | InboundIdentityCheck | NotThePatient | Voicemail | CrisisOffer | Connect
             | ConnectLifeline | InboundGreeting | InboundOffer | NoShowMessage | StaffNotice | StaffAcknowledged
             | Goodbye)

# Staff notices are for the team, in English, and say no more than the text notice does.
STAFF_NOTICE = "This is engage. There is an urgent item in the engage queue. To say you have it, press 1."
STAFF_ACKNOWLEDGED = "Thank you. It is marked as yours. Goodbye."
LIFELINE = "988"
DIAL_TIMEOUT_SECONDS = 20
GATHER_TIMEOUT_SECONDS = 6
# Twilio's speech recognition and text-to-speech: the patient's language and a voice that speaks it.
_SPEECH = {"en": ("en-US", "Polly.Joanna"), "es": ("es-US", "Polly.Lupe"), "es-mx": ("es-MX", "Polly.Mia")}


def speech_language(language: str) -> tuple[str, str]:
    """(language code, voice) for <Say> and <Gather>: es-MX where the patient asked for it."""
    wanted = (language or "").replace("_", "-").lower()
    return _SPEECH.get(wanted) or _SPEECH.get(resolve_language(language).lower(), _SPEECH["en"])


@dataclass(frozen=True)
class Voice:
    """Who the call speaks to and how: the language, the clinic, and where the next answer goes."""

    language: str
    clinic: Clinic
    clinic_phone_e164: str
    region: str
    caller_id: str

    def text(self, msgid: str, **params: object) -> str:
        return translate(msgid, self.language, clinic=self.clinic.name,
                         clinic_phone=speakable_phone(self.clinic_phone_e164, self.region), **params)


def render(steps: Sequence[VoiceStep], voice: Voice, action: str | None = None) -> str:
    """TwiML that says `steps` in order. A step that waits for an answer gathers it for `action`;
    nothing follows it, because the answer (or silence) is posted there."""
    verbs: list[str] = []
    for step in steps:
        verbs.extend(_verbs(step, voice, action))
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{"".join(verbs)}</Response>'


def _say(text: str, voice: Voice) -> str:
    return _say_in(text, voice.language)


def _say_in(text: str, language: str) -> str:
    language, speaker = speech_language(language)
    return f"<Say language={quoteattr(language)} voice={quoteattr(speaker)}>{escape(text)}</Say>"


def _gather(inner: str, voice: Voice, action: str | None, speech_hints: Sequence[str] = (), digits: int = 1,
            speech: bool = False) -> str:
    language, _ = speech_language(voice.language)
    listens = speech or bool(speech_hints)
    attributes = {"input": "dtmf speech" if listens else "dtmf", "action": action or "", "method": "POST",
                  "numDigits": str(digits), "timeout": str(GATHER_TIMEOUT_SECONDS), "actionOnEmptyResult": "true"}
    if listens:
        attributes |= {"language": language, "speechTimeout": "auto"}
    if speech_hints:
        attributes["hints"] = ", ".join(speech_hints)
    rendered = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes.items())
    return f"<Gather {rendered}>{inner}</Gather>"


def _dial(number: str, voice: Voice, action: str | None) -> str:
    extra = f" action={quoteattr(action)} method=\"POST\"" if action else ""
    return (f"<Dial timeout=\"{DIAL_TIMEOUT_SECONDS}\" callerId={quoteattr(voice.caller_id)}{extra}>"
            f"<Number>{escape(number)}</Number></Dial>")


def answer_words(instrument: Instrument, index: int, language: str) -> tuple[str, ...]:
    """What a caller may say for question `index`: its answer labels, as speech recognition hints."""
    lang = resolve_language(language)
    return tuple(translate(choice.label, lang) for choice in instrument.questions[index].choices)


@lru_cache(maxsize=1024)
def _spoken_item(code: str, index: int, language: str) -> tuple[str, tuple[str, ...]]:
    """An item's <Say> and its speech hints: the same for every caller in a language, so worded once."""
    instrument = get_instrument(code)
    return (_say_in(voice_item(instrument, index, language), language),
            answer_words(instrument, index, language))


def _verbs(step: VoiceStep, voice: Voice, action: str | None) -> list[str]:
    match step:
        case Ask(instrument, index):
            spoken, hints = _spoken_item(instrument.code, index, voice.language)
            return [_gather(spoken, voice, action, hints)]
        case Intro(instrument):
            return [_say(voice_checkin_start(instrument, voice.language), voice)]
        case Reprompt() | Reminder():
            return [_say(voice.text(messages_voice.VOICE_DID_NOT_CATCH), voice)]
        case Resume():
            return [_say(voice.text(messages_voice.VOICE_CHECKIN_RESUME), voice)]
        case MovingOn():
            return [_say(voice.text(messages_voice.VOICE_MOVING_ON), voice)]
        case CrisisResources():
            return [_say(voice.text(messages_voice.VOICE_CRISIS_RESOURCES), voice),
                    _say(voice.text(messages_voice.VOICE_CRISIS_CLINIC), voice)]
        case Closing():
            return [_say(voice.text(messages_voice.VOICE_CHECKIN_THANKS), voice), "<Hangup/>"]
        case IdentityCheck(first_name):
            # Speech too: someone in crisis may say so before pressing anything.
            return [_gather(_say(voice.text(messages_voice.VOICE_IDENTITY_CHECK, first_name=first_name), voice),
                            voice, action, speech=True)]
        case InboundIdentityCheck(first_name):
            return [_gather(_say(voice.text(messages_voice.VOICE_INBOUND_IDENTITY_CHECK, first_name=first_name),
                                 voice), voice, action, speech=True)]
        case NotThePatient():
            return [_say(voice.text(messages_voice.VOICE_NOT_PATIENT), voice), "<Hangup/>"]
        case Voicemail():
            return [_say(voice.text(messages_voice.VOICE_VOICEMAIL), voice), "<Hangup/>"]
        case CrisisOffer():
            offer = _say(voice.text(messages_voice.VOICE_CRISIS_OFFER_CONNECT), voice)
            return [_gather(offer, voice, action, yes_words(voice.language))]
        case Connect(number, say_first):
            connecting = [_say(voice.text(messages_voice.VOICE_CONNECTING), voice)] if say_first else []
            return connecting + [_dial(number, voice, action)]
        case ConnectLifeline():
            return [_say(voice.text(messages_voice.VOICE_CONNECT_FAILED), voice), _dial(LIFELINE, voice, None)]
        case InboundGreeting(clinic_line):
            return [_say(voice.text(messages_voice.VOICE_INBOUND_GREETING), voice), _dial(clinic_line, voice, None)]
        case InboundOffer():
            return [_gather(_say(voice.text(messages_voice.VOICE_INBOUND_CHECKIN_OFFER), voice), voice, action)]
        case NoShowMessage():
            return [_say(voice.text(messages_voice.VOICE_NO_SHOW), voice), "<Hangup/>"]
        case StaffNotice():
            return [_gather(_say(STAFF_NOTICE, voice), voice, action)]
        case StaffAcknowledged():
            return [_say(STAFF_ACKNOWLEDGED, voice), "<Hangup/>"]
        case Goodbye():
            return [_say(voice.text(messages_voice.VOICE_GOODBYE), voice), "<Hangup/>"]
    raise TypeError(f"no voice rendering for {step!r}")


def yes_words(language: str) -> tuple[str, ...]:
    return _words(YES_WORDS, language)


def no_words(language: str) -> tuple[str, ...]:
    return _words(NO_WORDS, language)


def _words(msgid: str, language: str) -> tuple[str, ...]:
    """The patient's language and English: callers mix them."""
    lang = resolve_language(language)
    return tuple(dict.fromkeys(word for lang_ in (lang, "en") for word in translate(msgid, lang_).split("|")))
