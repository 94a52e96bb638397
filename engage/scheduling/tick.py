"""One scheduling and dispatch pass, as if the time were `now`."""
from __future__ import annotations

from datetime import datetime

from engage.runtime import Runtime
from engage.scheduling.dispatcher import run_pass
from engage.scheduling.handlers import HANDLERS


def tick(runtime: Runtime, now: datetime, worker: str | None = None) -> int:
    return run_pass(runtime, now, HANDLERS, worker)
