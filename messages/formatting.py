"""Dates, times and phone numbers as a patient reads or hears them, in the patient's locale."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_time, match_skeleton, tokenize_pattern, untokenize_pattern

from messages.catalog import resolve_language

DEFAULT_REGION = "US"


def patient_locale(language: str | None, region: str = DEFAULT_REGION) -> Locale:
    """The CLDR locale for a patient: their language as spoken in the clinic's region (es -> es_US)."""
    resolved = resolve_language(language)
    try:
        return Locale.parse(f"{resolved}_{region}")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(resolved)


def _spelled_out(token: tuple[str, object]) -> tuple[str, object]:
    # Babel matches a skeleton to the locale's nearest pattern but, unlike ICU, keeps that pattern's
    # widths ("Tue, Nov 24"); widen weekday and month names back to their full form.
    kind, value = token
    if kind == "field":
        field, width = value  # type: ignore[misc]
        if field in "Ec" or (field in "ML" and width >= 3):
            return kind, (field, 4)
    return token


def _weekday_month_day(locale: Locale) -> str:
    """The locale's own "Tuesday, November 24" pattern."""
    skeleton = match_skeleton("MMMMEEEEd", locale.datetime_skeletons)
    if skeleton is None:
        return str(locale.date_formats["full"])
    tokens = tokenize_pattern(str(locale.datetime_skeletons[skeleton]))
    return untokenize_pattern([_spelled_out(token) for token in tokens])


def format_datetime_for_patient(
    dt_utc: datetime, language: str | None, timezone: str, region: str = DEFAULT_REGION
) -> str:
    """'Tuesday, November 24, 9:30 AM' / 'martes, 24 de noviembre, 9:30 a.m.' in the patient's time zone."""
    if dt_utc.tzinfo is None:
        raise ValueError("times are stored in UTC and must carry their time zone")
    locale = patient_locale(language, region)
    zone = ZoneInfo(timezone)
    day = format_datetime(dt_utc, _weekday_month_day(locale), tzinfo=zone, locale=locale)
    clock = format_time(dt_utc, "short", tzinfo=zone, locale=locale)
    joined = str(locale.datetime_formats["medium"]).replace("'", "").replace("{1}", day).replace("{0}", clock)
    # CLDR puts narrow no-break spaces in times; they are not GSM-7 and would double an SMS's cost.
    return " ".join(joined.split())


def format_phone_for_patient(e164: str, region: str = DEFAULT_REGION) -> str:
    """A clinic number as people write it: national format at home, international otherwise."""
    number = phonenumbers.parse(e164, region)
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def speakable_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """A number read digit by digit in groups ("3 1 2, 5 5 5, 0 1 0 0"), never as "three hundred twelve"."""
    written = format_phone_for_patient(e164, region)
    groups = ["".join(ch for ch in part if ch.isdigit()) for part in written.replace("-", " ").split()]
    return ", ".join(" ".join(group) for group in groups if group)
