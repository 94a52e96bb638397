"""The voice channel's wording of a check-in: an instrument's items as they are heard.

What the TwiML renderer of the conversation's steps will say (engage.checkins.conversation), written
for the ear from the scripts in messages.voice.
"""
from __future__ import annotations

from engage.instruments import Instrument
from messages import resolve_language, translate, voice


def voice_checkin_start(instrument: Instrument, language: str) -> str:
    """What the patient hears once identity is confirmed, before the first question."""
    stem = translate(instrument.voice_stem, language)
    return translate(voice.VOICE_CHECKIN_START, language, count=len(instrument.items), stem=stem)


def voice_item(instrument: Instrument, index: int, language: str) -> str:
    """Question `index` (the scored items, then the closing item) and its spoken answer key."""
    lang = resolve_language(language)
    question = instrument.questions[index]
    parts = []
    if index < len(instrument.items):
        parts.append(translate(voice.VOICE_QUESTION_NUMBER, lang, number=index + 1, count=len(instrument.items)))
    parts.append(translate(question.voice_text, lang))
    parts.extend(
        translate(voice.VOICE_ANSWER_CHOICE, lang, value=choice.value, label=translate(choice.label, lang))
        for choice in question.choices
    )
    return " ".join(parts)
