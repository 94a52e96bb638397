"""The long-lived parts of a running engage: settings, database, gateway.

Built once per process by the app factory, the CLI or a worker, and passed down;
nothing below reads the environment or holds globals of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engage.config import Settings
from engage.db import make_engine, make_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    services: dict[str, object] = field(default_factory=dict)


def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))
