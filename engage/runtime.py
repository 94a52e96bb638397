"""The long-lived parts of a running engage: settings, the database, and a place for services.

Built once per process by the app factory, the CLI or a worker, and passed down;
nothing below reads the environment or holds globals of its own. The services that need more
than settings (the gateway, the send limiters) are built on first use by their own modules and
kept in `services`, so this module knows none of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engage.config import Settings
from engage.db import make_engine, make_session_factory

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    services: dict[str, object] = field(default_factory=dict)

    def service(self, key: str, build: Callable[[], T]) -> T:
        """The process's one `key` service, built on first use and kept (its connections are reused)."""
        if key not in self.services:
            self.services[key] = build()
        return self.services[key]

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


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))
