"""Input fields bounded as the database stores them, so nothing a client sends can fail there.

Every API schema builds its inputs from these: an id fits the 32-bit integer columns, a time is an
instant between 1900 and 2200, a text fits its column, a time zone is one the server knows.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import available_timezones

from marshmallow import ValidationError, fields, validate

# Primary and foreign keys are INTEGER columns: 32 bits on PostgreSQL.
MAX_ID = 2**31 - 1
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2201, 1, 1, tzinfo=timezone.utc)
# A phone number as people write it, extension included.
PHONE_INPUT = 40
# The longest IANA name is about 32 characters; the column holds 64.
TIMEZONE_LENGTH = 64


class Whole(fields.Integer):
    """An integer as JSON or a query string writes it: 2.0 is 2, but 2.9 is refused rather than cut
    down to 2, which would record an answer, or name a row, that the client never sent."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def Id(**kwargs) -> fields.Integer:
    return Whole(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Text(max_length: int, min_length: int = 0, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


# Tabs, line breaks and other control characters: no name has them, and a spreadsheet or a screen
# reading a name with one in it may be told to do something else.
CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _check_no_control_characters(value: str) -> None:
    if any(unicodedata.category(ch) in CONTROL_CATEGORIES for ch in value):
        raise ValidationError("Must not contain tabs, line breaks or other control characters.")


def Name(max_length: int, **kwargs) -> fields.String:
    """A person's name: one line of text that fits its column."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), _check_no_control_characters], **kwargs)


class Moment(fields.AwareDateTime):
    """An instant with a UTC offset, given back in UTC; years outside 1900-2200 are refused."""

    default_error_messages = {"range": "Must be between 1900 and 2200 (in UTC)."}

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(timezone.utc)
        except OverflowError:  # 9999-12-31T23:59-14:00 has no UTC year to be in
            raise self.make_error("range") from None
        if not EARLIEST <= moment < LATEST:
            raise self.make_error("range")
        return moment


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_timezone(value: str) -> None:
    if value not in _known_zones():
        raise ValidationError("Unknown time zone; use an IANA name such as America/Chicago.")


def TimeZone(**kwargs) -> fields.String:
    metadata = {"format": "iana-time-zone", **kwargs.pop("metadata", {})}
    return fields.String(validate=[validate.Length(min=1, max=TIMEZONE_LENGTH), _check_timezone], metadata=metadata,
                         **kwargs)


def Phone(**kwargs) -> fields.String:
    """A phone number as people write it ("(312) 555-0142", "+52 55 1234 5678"); stored as E.164."""
    metadata = {"format": "phone", "description": "Any common format; stored as E.164.", **kwargs.pop("metadata", {})}
    return fields.String(validate=validate.Length(max=PHONE_INPUT), metadata=metadata, **kwargs)


NUL_REFUSED = "Must not contain NUL characters."


def nul_errors(data: object) -> dict | list | None:
    """Where parsed JSON or query values hold a NUL character, named as marshmallow names fields.
    PostgreSQL cannot store NUL in text, and no clinic's text needs one."""
    if isinstance(data, str):
        return [NUL_REFUSED] if "\x00" in data else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    found = {}
    for key, value in items:
        error = [NUL_REFUSED] if isinstance(key, str) and "\x00" in key else nul_errors(value)
        if error:
            found[key] = error
    return found or None
