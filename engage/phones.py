"""Phone numbers: E.164 everywhere inside engage, redacted in every log line."""
from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def to_e164(raw: str, default_region: str) -> str:
    """"(312) 555-0142" with region US, or "+52 55 1234 5678", becomes "+13125550142"."""
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("Not a phone number.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("Not a valid phone number.")
    if parsed.extension:
        # A text cannot dial an extension: storing the number without it would reach someone else.
        raise InvalidPhone("A number with an extension cannot be texted or dialled; give a direct number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def redact(number: str | None) -> str:
    """Enough to tell two numbers apart in a log, not enough to call anyone."""
    if not number:
        return "-"
    return f"***{number[-2:]}" if len(number) > 4 else "***"
