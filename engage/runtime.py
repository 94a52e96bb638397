"""The long-lived parts of a running engage: settings, database, gateway.

Built once per process by the app factory, the CLI or a worker, and passed down;
nothing below reads the environment or holds globals of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

import engage.models  # noqa: F401  (every mapper configured before the first session)
from engage.config import Settings
from engage.db import make_engine, make_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    services: dict[str, object] = field(default_factory=dict)

    @property
    def gateway(self):
        """Built on first use and kept, so its HTTP connections are reused."""
        if "gateway" not in self.services:
            from engage.gateways import build_gateway

            self.services["gateway"] = build_gateway(self.settings)
        return self.services["gateway"]

    def close(self) -> None:
        for engine in {self.engine, self.services.get("delivery_engine", self.engine)}:
            engine.dispose()

    @property
    def delivery_engine(self) -> Engine:
        """Where send bookkeeping is written: one statement per message, autocommitted and, on
        PostgreSQL, without waiting for the disk flush. A commit lost to a database crash can only
        leave a message "in doubt" (never resent), so the wait buys nothing here."""
        if "delivery_engine" not in self.services:
            engine = self.engine
            if engine.dialect.name == "postgresql":
                engine = create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=2, hide_parameters=True,
                                       connect_args={"options": "-c synchronous_commit=off"})
            self.services["delivery_engine"] = engine
        return self.services["delivery_engine"]

    def send_limiter(self, channel: str):
        """The shared per-sender limit for this channel (sms or voice)."""
        key = f"limiter:{channel}"
        if key not in self.services:
            from engage.scheduling.rate_limit import SendRateLimiter

            rate = self.settings.sms_per_second if channel == "sms" else self.settings.calls_per_second
            self.services[key] = SendRateLimiter(self.engine, f"{channel}:{self.settings.sender}", rate)
        return self.services[key]


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))
