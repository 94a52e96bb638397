"""Provider speed limits (messages or calls per second per sender), shared by all workers.

Each send reserves the next free slot with one atomic UPDATE on a shared row, then waits for
it, so any number of workers on any number of machines together stay under the limit.
"""
from __future__ import annotations

import time
from typing import Callable

from sqlalchemy import case, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from engage.outbox.models import SendRate
from engage.runtime import Runtime

_RATES = SendRate.__table__


class SendRateLimiter:
    def __init__(self, engine: Engine, key: str, per_second: float,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep):
        self.engine, self.key, self.per_second = engine, key, per_second
        self.clock, self.sleep = clock, sleep

    def wait_for_slot(self) -> float:
        """Blocks until this caller may send; returns the slot's time. A rate of 0 means no limit."""
        if self.per_second <= 0:
            return self.clock()
        slot = self._reserve(self.clock())
        delay = slot - self.clock()
        if delay > 0:
            self.sleep(delay)
        return slot

    def _reserve(self, now: float) -> float:
        interval = 1.0 / self.per_second
        reserve = (
            update(_RATES).where(_RATES.c.key == self.key)
            .values(next_slot=case((_RATES.c.next_slot > now, _RATES.c.next_slot), else_=now) + interval)
            .returning(_RATES.c.next_slot)
        )
        with self.engine.begin() as conn:
            taken = conn.execute(reserve).scalar()
            if taken is not None:
                return taken - interval
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_RATES).values(key=self.key, next_slot=now + interval))
            return now
        except IntegrityError:
            return self._reserve(now)  # another worker created the row first


def send_limiter(runtime: Runtime, channel: str) -> SendRateLimiter:
    """The shared per-sender limit for this channel (sms or voice)."""
    settings = runtime.settings
    rate = settings.sms_per_second if channel == "sms" else settings.calls_per_second
    return runtime.service(f"limiter:{channel}",
                           lambda: SendRateLimiter(runtime.engine, f"{channel}:{settings.sender}", rate))
