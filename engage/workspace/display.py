"""How times, ages and deadlines read on a care manager's screen. Pure functions over values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from engage.enums import FlagPriority, FlagStatus
from engage.flags.models import Flag


def duration(delta: timedelta) -> str:
    """A span as a person says it: 45 s, 12 min, 3 h 5 min, 2 d 4 h."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def local_time(when: datetime | None, zone: ZoneInfo) -> str:
    return "—" if when is None else when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Sla:
    text: str
    overdue: bool = False


def sla(flag: Flag, now: datetime) -> Sla:
    """Where an urgent flag stands against its escalation; others have no deadline."""
    if flag.status is FlagStatus.ACKNOWLEDGED:
        return Sla("Acknowledged")
    if flag.priority is not FlagPriority.URGENT or flag.next_escalation_at is None:
        return Sla("No deadline")
    left = flag.next_escalation_at - now
    escalated = f", escalated {flag.escalation_level}×" if flag.escalation_level else ""
    if left.total_seconds() > 0 and not flag.escalation_level:
        return Sla(f"Escalates in {duration(left)}")
    if left.total_seconds() > 0:
        return Sla(f"Overdue{escalated}; next notice in {duration(left)}", overdue=True)
    return Sla(f"Overdue by {duration(-left)}{escalated}", overdue=True)


def label(value: object) -> str:
    """An enumeration's value as words: not_improving → Not improving."""
    text = str(getattr(value, "value", value)).replace("_", " ")
    return text[:1].upper() + text[1:]


def share(value: float | None) -> str:
    """A rate from 0 to 1 as a percentage: 0.3333 → 33.3 %."""
    return "—" if value is None else f"{round(value * 100, 1):g} %"


def minutes(value: float | None) -> str:
    return "—" if value is None else duration(timedelta(minutes=value))


def language_name(code: str) -> str:
    """A patient's language tag in English words: es → Spanish, es-MX → Spanish (Mexico)."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en")
    except (UnknownLocaleError, ValueError):
        return code
