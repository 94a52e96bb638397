"""FHIR searches on outcomes: the parameters as FHIR writes them, and one page of matches with its total.

Supported: `patient` (an id or Patient/<id>, required), `code` (a token, `[system|][code]`), `date`
(repeatable, with the prefixes eq, ge, gt, le, lt; a day or an instant with its offset), `_count`
(page size, 1-100) and `_offset` (where the page starts, as the paging links give it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.bounds import EARLIEST, LATEST, MAX_ID
from engage.checkins.models import Outcome
from engage.errors import DomainError, NotFound
from engage.fhir.resources import LOINC
from engage.instruments import INSTRUMENTS

DEFAULT_COUNT, MAX_COUNT = 20, 100
MAX_OFFSET = 10**6
_DATE = re.compile(r"^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}(?:T.+)?)$")


class BadSearch(DomainError):
    """A search parameter FHIR clients can correct: answered 400 with an OperationOutcome."""

    status = 400
    code = "invalid"


@dataclass(frozen=True)
class Search:
    patient_id: int
    instruments: frozenset[str] | None = None  # None: any instrument
    after: list[datetime] = field(default_factory=list)  # completed at or after each
    before: list[datetime] = field(default_factory=list)  # completed before each
    count: int = DEFAULT_COUNT
    offset: int = 0


def parse_search(params: Iterable[tuple[str, str]], code_of) -> Search:
    """`code_of(instrument)` is the LOINC code a `code` token is matched against for this resource."""
    found: dict = {"after": [], "before": []}
    for name, value in params:
        if name == "patient":
            found["patient_id"] = _patient(value)
        elif name == "code":
            found["instruments"] = _instruments(value, code_of)
        elif name == "date":
            for bound, moment in _date(value):
                found[bound].append(moment)
        elif name in ("_count", "_offset"):
            found[name.lstrip("_")] = _whole(name, value, 1 if name == "_count" else 0,
                                             MAX_COUNT if name == "_count" else MAX_OFFSET)
        else:
            raise BadSearch(f"unsupported search parameter {name!r}")
    if "patient_id" not in found:
        raise BadSearch("the patient parameter is required")
    return Search(**found)


def _patient(value: str) -> int:
    number = value.removeprefix("Patient/")
    if not number.isascii() or not number.isdigit() or not 1 <= int(number) <= MAX_ID:
        raise BadSearch(f"patient must be a patient id, got {value!r}")
    return int(number)


def _instruments(value: str, code_of) -> frozenset[str]:
    """A token as FHIR writes it: `code` in any system, `system|code`, `system|` for any code in the
    system, and `|code` for a code without a system, which none of ours is."""
    system, bar, code = value.rpartition("|")
    coded = {name: code_of(name) for name in INSTRUMENTS if code_of(name)}
    if bar and system != LOINC:
        return frozenset()
    if bar and not code:
        return frozenset(coded)
    return frozenset(name for name, loinc in coded.items() if loinc == code)


def _date(value: str) -> list[tuple[str, datetime]]:
    """The bounds a date parameter sets: eq (the default) is within the day or at the instant."""
    match = _DATE.match(value)
    if match is None:
        raise BadSearch(f"date must be [eq|ge|gt|le|lt]YYYY-MM-DD or an instant with its offset, got {value!r}")
    prefix, (start, end) = match.group(1) or "eq", _span(match.group(2))
    return {"eq": [("after", start), ("before", end)], "ge": [("after", start)], "gt": [("after", end)],
            "le": [("before", end)], "lt": [("before", start)]}[prefix]


def _span(moment: str) -> tuple[datetime, datetime]:
    """The instants a date covers (a whole UTC day) or an instant itself, as [start, end)."""
    try:
        if "T" not in moment:
            day = date.fromisoformat(moment)
            start = datetime.combine(day, time(0), timezone.utc)
            end = start + timedelta(days=1)
        else:
            start = datetime.fromisoformat(moment)
            if start.tzinfo is None:
                raise ValueError("no offset")
            start = start.astimezone(timezone.utc)
            end = start + timedelta(microseconds=1)
    except (ValueError, OverflowError):
        raise BadSearch(f"date {moment!r} is not a date or an instant with its offset") from None
    if not EARLIEST <= start < LATEST:
        raise BadSearch("date must be between 1900 and 2200")
    return start, end


def _whole(name: str, value: str, low: int, high: int) -> int:
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise BadSearch(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def find_outcomes(session: Session, search: Search, scored_only: bool) -> tuple[list[Outcome], int]:
    """One page of the patient's outcomes, oldest first, and how many match in all."""
    conditions = [Outcome.patient_id == search.patient_id]
    if scored_only:
        conditions.append(Outcome.total.is_not(None))
    if search.instruments is not None:
        conditions.append(Outcome.instrument.in_(sorted(search.instruments)))
    conditions += [Outcome.completed_at >= moment for moment in search.after]
    conditions += [Outcome.completed_at < moment for moment in search.before]
    total = session.scalar(select(func.count()).select_from(Outcome).where(*conditions))
    page = session.scalars(select(Outcome).where(*conditions).order_by(Outcome.completed_at, Outcome.id)
                           .limit(search.count).offset(search.offset)).all()
    return list(page), total


def find_outcome(session: Session, outcome_id: int, scored_only: bool) -> Outcome:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None or (scored_only and outcome.total is None):
        raise NotFound(f"no {'Observation' if scored_only else 'QuestionnaireResponse'} {outcome_id}")
    return outcome
