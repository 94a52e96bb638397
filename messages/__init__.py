"""Every patient-facing text, in the source language (English), marked for Babel.

The texts live in messages.sms, messages.voice and messages.instruments; this package
renders them in the patient's language and formats what patients read (dates, numbers).
"""
from __future__ import annotations

from messages.catalog import (
    DOMAIN,
    LOCALES_DIR,
    SOURCE_LANGUAGE,
    N_,
    resolve_language,
    supported_languages,
    translate,
)
from messages.formatting import (
    format_datetime_for_patient,
    format_phone_for_patient,
    patient_locale,
    speakable_phone,
)

__all__ = [
    "DOMAIN",
    "LOCALES_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "format_datetime_for_patient",
    "format_phone_for_patient",
    "patient_locale",
    "resolve_language",
    "speakable_phone",
    "supported_languages",
    "translate",
]
