"""What a due row of the outbox means: each module that plans a kind of row declares how it is carried
out, and the dispatcher looks the kind up here, so it knows none of them.

A module owning job kinds exposes `JOBS = JobKinds(...)`; the dispatch pass gathers them in one list
(engage.scheduling.tick), which is where a new owner is added.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from engage.outbox.models import Dispatch
from engage.runtime import Runtime


@dataclass
class Job:
    """What a deciding handler gets: one dispatch, its session, the pass's clock and the runtime."""

    session: Session
    runtime: Runtime
    dispatch: Dispatch
    now: datetime


Decide = Callable[[Job], None]
# Delivers a claimed batch; returns each dispatch's transient error (None: done). Dispatches it
# re-planned itself (e.g. for quiet hours) are left out.
Deliver = Callable[[Runtime, list[int], str, datetime], dict[int, str | None]]


@dataclass(frozen=True)
class JobKinds:
    """Deciding handlers change state in the dispatch's own transaction; delivering handlers
    talk to the provider and must not hold a transaction (SQLite would stall every writer)."""

    decide: dict[str, Decide] = field(default_factory=dict)
    deliver: dict[str, Deliver] = field(default_factory=dict)

    @classmethod
    def gather(cls, *owners: JobKinds) -> JobKinds:
        """Every owner's kinds in one table; a kind declared twice is a mistake found at import."""
        decide: dict[str, Decide] = {}
        deliver: dict[str, Deliver] = {}
        for owner in owners:
            for kind in (*owner.decide, *owner.deliver):
                if kind in decide or kind in deliver:
                    raise ValueError(f"job kind {kind!r} is declared twice")
            decide.update(owner.decide)
            deliver.update(owner.deliver)
        return cls(decide, deliver)
