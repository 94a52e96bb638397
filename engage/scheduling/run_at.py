"""When `engage tick --at` runs its pass: an ISO-8601 instant, or a time relative to now.

Pure: the caller passes the current instant and the clinic's zone. "+2h" and "+30m" are elapsed
time; "+1d", "today 15:00" and "tomorrow 10:00" are read on the clinic's wall clock, so they
keep their hour across a daylight-saving change. A wall time the clocks skip is read as the same
distance past the change (02:30 on a spring-forward night is 03:30) and one they repeat as its
first occurrence, as PEP 495 reads a zoned time with fold=0.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

FORMS = "ISO-8601 (UTC without an offset), +2h, +30m, +1d, 'today 15:00' or 'tomorrow 10:00'"
_AHEAD = re.compile(r"\+\s*(\d+)\s*([mhd])")
_DAY_AND_CLOCK = re.compile(r"(today|tomorrow)\s+(\d{1,2}):(\d{2})")


def parse_run_at(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The instant (UTC) that `text` names, seen from `now`; ValueError naming the accepted forms."""
    words = " ".join(text.lower().split())
    if ahead := _AHEAD.fullmatch(words):
        return _ahead(int(ahead[1]), ahead[2], now, zone)
    if day_and_clock := _DAY_AND_CLOCK.fullmatch(words):
        days = 1 if day_and_clock[1] == "tomorrow" else 0
        return _on_wall_clock(now.astimezone(zone).date() + timedelta(days=days),
                              _clock(int(day_and_clock[2]), int(day_and_clock[3]), text), zone)
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a time: {text!r}; use {FORMS}") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(timezone.utc)


def _ahead(amount: int, unit: str, now: datetime, zone: ZoneInfo) -> datetime:
    if unit == "d":
        local = now.astimezone(zone)
        return _on_wall_clock(local.date() + timedelta(days=amount), local.time(), zone)
    step = timedelta(hours=amount) if unit == "h" else timedelta(minutes=amount)
    return now.astimezone(timezone.utc) + step


def _clock(hour: int, minute: int, text: str) -> time:
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day: {text!r}; use {FORMS}")
    return time(hour, minute)


def _on_wall_clock(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, zone).astimezone(timezone.utc)
