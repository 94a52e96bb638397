"""`engage tick --at`: the times an operator may write, read on the clinic's clock (Chicago here).

US clocks went forward on 2026-03-08 at 02:00 and back on 2026-11-01 at 02:00.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from engage.scheduling.run_at import parse_run_at

CLINIC = ZoneInfo("America/Chicago")


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, now, expected", [
    # Hours and minutes are elapsed time: two hours after 01:00 on the spring-forward night is 04:00.
    ("+2h", utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 9, 0)),
    ("+30m", utc(2026, 11, 30, 22, 10), utc(2026, 11, 30, 22, 40)),
    ("+ 90 m", utc(2026, 11, 30, 22, 10), utc(2026, 11, 30, 23, 40)),
    # A day keeps the wall-clock hour: 10:00 CST on the 7th, 10:00 CDT on the 8th, 23 hours apart.
    ("+1d", utc(2026, 3, 7, 16, 0), utc(2026, 3, 8, 15, 0)),
    ("+1d", utc(2026, 10, 31, 15, 0), utc(2026, 11, 1, 16, 0)),
    # 22:00 on the 7th in Chicago is already the 8th in UTC: tomorrow is the clinic's tomorrow.
    ("tomorrow 10:00", utc(2026, 3, 8, 4, 0), utc(2026, 3, 8, 15, 0)),
    ("today 15:00", utc(2026, 11, 30, 14, 0), utc(2026, 11, 30, 21, 0)),
    ("  Tomorrow   9:05 ", utc(2026, 11, 30, 14, 0), utc(2026, 12, 1, 15, 5)),
    # 02:30 never shows on the clock on the spring-forward night: read as 03:30 CDT.
    ("today 02:30", utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 8, 30)),
    # 01:30 shows twice on the fall-back night: the first, still daylight time.
    ("today 01:30", utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 6, 30)),
])
def test_relative_times_are_read_on_the_clinic_clock(text, now, expected):
    assert parse_run_at(text, now, CLINIC) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-11-24T15:00:00Z", utc(2026, 11, 24, 15, 0)),
    ("2026-11-24T09:00:00-06:00", utc(2026, 11, 24, 15, 0)),
    ("2026-11-24T15:00", utc(2026, 11, 24, 15, 0)),  # no offset: UTC, as documented
])
def test_iso_8601_instants_are_taken_as_written(text, expected):
    assert parse_run_at(text, utc(2026, 11, 30, 22, 0), CLINIC) == expected


@pytest.mark.parametrize("text", ["soon", "", "+2w", "+h", "tomorrow", "tomorrow 24:00", "today 9:60",
                                  "2026-13-01"])
def test_anything_else_is_refused_naming_the_forms_that_work(text):
    with pytest.raises(ValueError, match=r"\+2h, \+30m, \+1d, 'today 15:00' or 'tomorrow 10:00'"):
        parse_run_at(text, utc(2026, 11, 30, 22, 0), CLINIC)


def test_the_result_is_always_utc():
    assert parse_run_at("tomorrow 10:00", utc(2026, 11, 30, 22, 0), CLINIC).tzinfo is timezone.utc
