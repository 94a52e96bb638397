"""Every text engage writes to patients, filled as the application fills it, for tests that read them all.

engage's own texts are the constants of messages.sms and messages.voice; messages.instruments holds the
published PHQ-9 and GAD-7 wording, which is validated and never rewritten.
"""
from __future__ import annotations

from datetime import datetime, timezone

import messages
from engage.instruments import INSTRUMENTS
from engage.instruments.definitions import FREQUENCY
from engage.sms.render import sms_checkin_intro
from messages import format_datetime_for_patient, sms, speakable_phone, translate, visit_page, voice

LANGUAGES = sorted(messages.supported_languages())
CLINIC = "Riverside Family Medicine"
CLINIC_PHONE = "(312) 555-0100"
APPOINTMENT = datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc)
# As long as a visit link gets: the signed token engage issues is about half this length.
VISIT_LINK = "https://engage.example.org/visit/" + ("MTIzNDU2.aw34QQ.1Otdi0YqUf3ZPQv14kPKsN02SGM_" * 3)[:100]
# Said before the first spoken question ("These questions are about the last two weeks.").
SPOKEN_STEM = INSTRUMENTS["phq9"].voice_stem


def _constants(module) -> dict[str, str]:
    return {name: value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}


SMS_TEXTS, VOICE_TEXTS, PAGE_TEXTS = _constants(sms), _constants(voice), _constants(visit_page)


def params(language: str, spoken: bool = False) -> dict[str, object]:
    """Placeholder values as the application fills them, in the patient's language."""
    labels = [translate(choice.label, language) for choice in FREQUENCY]
    return dict(
        clinic=CLINIC, clinic_phone=speakable_phone("+13125550100") if spoken else CLINIC_PHONE,
        first_name="Ana", link=VISIT_LINK, when=format_datetime_for_patient(APPOINTMENT, language, "America/Chicago"),
        count=9, number=3, top=3, stem=translate(SPOKEN_STEM, language),
        choices=", ".join(f"{value}={label}" for value, label in enumerate(labels)), value=1, label=labels[1],
    )


def sms_texts(language: str) -> dict[str, str]:
    """Every SMS engage writes (not the instrument wording), as the patient reads it."""
    out = {name: translate(msgid, language, **params(language)) for name, msgid in SMS_TEXTS.items()}
    out |= {f"{code} intro": sms_checkin_intro(instrument, language, CLINIC) for code, instrument in INSTRUMENTS.items()}
    return out


def voice_texts(language: str) -> dict[str, str]:
    """Every voice script engage writes, as the patient hears it."""
    return {name: translate(msgid, language, **params(language, spoken=True)) for name, msgid in VOICE_TEXTS.items()}


def page_texts(language: str) -> dict[str, str]:
    """Every line of the visit page a patient opens from a video visit reminder."""
    return {name: translate(msgid, language, **params(language)) for name, msgid in PAGE_TEXTS.items()}


def to_every_language(msgid: str) -> str:
    """A text for a number that matches no patient: every language in turn, as the inbound path sends it."""
    return " ".join(translate(msgid, language) for language in LANGUAGES)
