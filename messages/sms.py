"""SMS texts and the outgoing item message.

Placeholders: {clinic} clinic name, {clinic_phone} as messages.format_phone_for_patient writes it,
{when} from messages.format_datetime_for_patient, {link} a visit link. No text names an instrument,
a score or a diagnosis, and English texts stay within GSM-7 (no curly quotes or long dashes).
"""
from __future__ import annotations

from functools import lru_cache

from engage.instruments.model import Instrument
from engage.instruments.segments import sms_segments
from messages.catalog import N_, resolve_language, translate

# Carriers deliver a long SMS in parts; past three parts, phones show them out of order or late.
MAX_ITEM_SEGMENTS = 3

SMS_CHECKIN_INTRO = N_(
    "{clinic}: Your check-in has {count} short questions. {stem} Reply with a number from 0 to 3 for each, "
    "one at a time or all at once with spaces between. Reply STOP to opt out."
)
# Translators: opens each question, "Q" for question: "Q3/9:".
SMS_QUESTION_NUMBER = N_("Q{number}/{count}:")
# Translators: {choices} is the list of answers, "0=Not at all, 1=Several days, ...".
SMS_ANSWER_KEY = N_("Reply {choices}")
SMS_ANSWER_KEY_SHORT = N_("Reply 0 ({lowest}) to {top} ({highest})")
SMS_ANSWER_KEY_DIGITS = N_("Reply 0 to {top}.")
SMS_NOT_UNDERSTOOD = N_(
    "Sorry, we did not understand that answer. Please reply with one number from 0 to 3, "
    "or with one number for each question left."
)
SMS_NOT_UNDERSTOOD_AGAIN = N_(
    "We still could not read that answer. Reply with a single number from 0 to 3. "
    "For help, call us at {clinic_phone}."
)
SMS_CHECKIN_THANKS = N_("Thank you for answering. Your care team at {clinic} will review your answers.")
# 988 is the US Suicide & Crisis Lifeline (call or text); 911 for immediate danger.
SMS_CRISIS_RESOURCES = N_(
    "If you are thinking about hurting yourself, help is available now: call or text 988 "
    "(Suicide & Crisis Lifeline), any time. If you are in danger, call 911. "
    "You can also call {clinic} at {clinic_phone}."
)
SMS_CHECKIN_REMINDER = N_(
    "{clinic}: Your check-in is still open. Reply to the last question to continue. Reply STOP to opt out."
)
SMS_CHECKIN_EXPIRED = N_(
    "{clinic}: This check-in has closed, so we could not save your answer. We will send the next one "
    "when it is due. To reach your care team, call {clinic_phone}. If this is an emergency, call 911 or 988."
)
# Sent to numbers that match no patient: it must reveal nothing, not even the clinic's name.
SMS_UNKNOWN_NUMBER = N_(
    "Sorry, we could not match this number. Please call your clinic directly. If this is an emergency, call 911."
)
# CTIA: opt-out confirmation names the program, promises silence and tells how to come back.
SMS_OPT_OUT_CONFIRMATION = N_(
    "You are unsubscribed from {clinic} messages. No more messages will be sent. Reply START to resubscribe."
)
# CTIA: opt-in confirmation names the program, frequency, rates, HELP and STOP.
SMS_OPT_IN_CONFIRMATION = N_(
    "You are subscribed to {clinic} messages again. Message frequency varies. Msg & data rates may apply. "
    "Reply HELP for help, STOP to opt out."
)
SMS_HELP = N_(
    "{clinic}: For help, call {clinic_phone}. Msg & data rates may apply. Reply STOP to opt out. "
    "In an emergency, call 911."
)
SMS_MESSAGE_RECEIVED = N_(
    "{clinic}: We received your message and your care team will see it. This number is not watched "
    "all the time. If this is an emergency, call 911, or call or text 988."
)
# Appointment texts name the clinic and the time only.
SMS_APPOINTMENT_REMINDER = N_(
    "{clinic}: Reminder of your appointment on {when}. Reply C to confirm or R to reschedule."
)
SMS_APPOINTMENT_REMINDER_VIDEO = N_(
    "{clinic}: Reminder of your video visit on {when}. Join here: {link} "
    "Reply C to confirm, R to reschedule, or CALL for a phone call instead."
)
SMS_APPOINTMENT_CONFIRMED = N_("Thank you. Your appointment on {when} is confirmed. {clinic}")
SMS_RESCHEDULE_REQUESTED = N_(
    "Thank you. {clinic} will contact you to find a new time. You can also call us at {clinic_phone}."
)
SMS_NO_SHOW = N_("{clinic}: We missed you at your recent appointment. Reply R to reschedule or call {clinic_phone}.")
SMS_CALL_REQUESTED = N_("{clinic}: We will call you at this number for your visit.")


def sms_checkin_intro(instrument: Instrument, language: str, clinic: str) -> str:
    """The first text of a check-in: who asks, the published instructions, how to answer, how to stop."""
    stem = translate(instrument.stem, language)
    return translate(SMS_CHECKIN_INTRO, language, clinic=clinic, count=len(instrument.items), stem=stem)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


@lru_cache(maxsize=1024)
def sms_item(instrument: Instrument, index: int, language: str) -> str:
    """The text asking question `index` (the scored items, then the closing item) with its answer key.

    The fullest form that fits in MAX_ITEM_SEGMENTS is sent: with the published instructions when
    they fit (the intro always carries them), and the key shortened only where an item is very long.
    """
    lang = resolve_language(language)
    question = instrument.questions[index]
    scored = index < len(instrument.items)
    number = translate(SMS_QUESTION_NUMBER, lang, number=index + 1, count=len(instrument.items)) if scored else ""
    stem = translate(instrument.stem, lang) if scored else ""
    item = _sentence(translate(question.text, lang))
    labels = [translate(choice.label, lang) for choice in question.choices]
    top = len(labels) - 1
    full_key = translate(SMS_ANSWER_KEY, lang, choices=", ".join(f"{i}={label}" for i, label in enumerate(labels)))
    short_key = translate(SMS_ANSWER_KEY_SHORT, lang, lowest=labels[0], top=top, highest=labels[-1])
    digits_key = translate(SMS_ANSWER_KEY_DIGITS, lang, top=top)
    layouts = [
        (number, stem, item, full_key),
        (number, item, full_key),
        (number, item, short_key),
        (number, item, digits_key),
    ]
    for parts in layouts:
        text = " ".join(part for part in parts if part)
        if sms_segments(text).segments <= MAX_ITEM_SEGMENTS:
            return text
    return text  # the shortest form; tests hold every shipped item and language to the limit


# TCPA/CTIA: the one text staff may have sent after an opt-out, when the patient asks in person to be
# texted again; only their START brings consent back.
# Translators: keep START in English: it is the keyword.
SMS_OPT_IN_INVITATION = N_(
    "{clinic}: You asked to get our texts again. Reply START to say yes. Until you do, we will not text you."
)
