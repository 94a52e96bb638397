"""Quiet hours: when a patient must not be texted or called, in the patient's own time zone.

Pure arithmetic over instants (aware datetimes) and wall-clock times; no database. The window
is [start, end) on the local clock and may cross midnight (20:00-08:00) or not (13:00-14:00);
start == end means no quiet hours. Daylight-saving changes are followed instant by instant, so
a wall time that is skipped or repeated on the day clocks change never has to be guessed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

from engage.config import Settings

DAY = timedelta(days=1)


def is_quiet(when: datetime, zone: ZoneInfo | str, start: time, end: time) -> bool:
    clock = when.astimezone(_zone(zone)).time()
    if start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def next_allowed_time(when: datetime, zone: ZoneInfo | str, start: time, end: time) -> datetime:
    """`when` itself if it is allowed, otherwise the first allowed instant after it (UTC)."""
    zone = _zone(zone)
    instant = when.astimezone(timezone.utc)  # arithmetic on a zoned datetime would be wall-clock arithmetic
    while is_quiet(instant, zone, start, end):
        instant = _next_change(instant, zone, end)
    return instant


def _next_change(instant: datetime, zone: ZoneInfo, end: time) -> datetime:
    """Where the local clock next reads `end`, or where it jumps (a DST change) if that comes first."""
    local = instant.astimezone(zone)
    wait = (datetime.combine(local.date(), end) - local.replace(tzinfo=None)) % DAY
    reached = instant + wait
    if reached.astimezone(zone).utcoffset() == local.utcoffset():
        return reached  # clocks change at most once in a day, so none changed in between
    return _offset_change(instant, reached, zone)


def _offset_change(after: datetime, before: datetime, zone: ZoneInfo) -> datetime:
    """The instant the UTC offset changes between the two; tzdata changes on whole seconds."""
    offset = after.astimezone(zone).utcoffset()
    low, high = math.floor(after.timestamp()), math.ceil(before.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, timezone.utc)


def _zone(zone: ZoneInfo | str) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


@dataclass(frozen=True)
class QuietHours:
    """One patient's quiet window, in their own zone."""

    zone: str
    start: time
    end: time

    def is_quiet(self, when: datetime) -> bool:
        return is_quiet(when, self.zone, self.start, self.end)

    def next_allowed_time(self, when: datetime) -> datetime:
        return next_allowed_time(when, self.zone, self.start, self.end)


class HasQuietHours(Protocol):
    """What a patient record says about its quiet hours (any of them may be unset)."""

    quiet_start: time | None
    quiet_end: time | None
    timezone: str | None


def for_patient(patient: HasQuietHours, settings: Settings) -> QuietHours:
    """The patient's own window when both ends are set, else the clinic's; always the patient's zone."""
    if patient.quiet_start is not None and patient.quiet_end is not None:
        start, end = patient.quiet_start, patient.quiet_end
    else:
        start, end = settings.quiet_start, settings.quiet_end
    return QuietHours(patient.timezone or settings.timezone, start, end)
