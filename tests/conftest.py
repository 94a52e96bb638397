"""The world every test starts from: a migrated database, an app, staff with tokens.

ENGAGE_TEST_DATABASE_URL chooses the backend (SQLite in a temporary file by default).
For PostgreSQL each test run creates its own database and drops it at the end, so runs
never see each other's data.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engage import create_app, migrate
from engage.config import load_settings
from engage.db import Base, session_scope
from engage.runtime import build_runtime

from tests.factories import Factory
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN, running_twilio


def _fresh_database(base_url: str, tmp_path_factory) -> tuple[str, callable]:
    url = make_url(base_url)
    if url.get_backend_name() == "sqlite":
        path = tmp_path_factory.mktemp("db") / "engage.db"
        return f"sqlite:///{path}", lambda: None
    name = f"engage_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = _fresh_database(os.environ.get("ENGAGE_TEST_DATABASE_URL", "sqlite://"), tmp_path_factory)
    migrate.upgrade(load_settings({"ENGAGE_DATABASE_URL": url}))
    yield url
    drop()


@pytest.fixture(scope="session")
def _twilio_server():
    with running_twilio() as server:
        yield server


@pytest.fixture
def twilio(_twilio_server):
    """A Twilio-compatible REST server on loopback; the real twilio client talks to it."""
    _twilio_server.clear()
    yield _twilio_server
    _twilio_server.clear()


@pytest.fixture
def settings(database_url, twilio):
    return load_settings({
        "ENGAGE_DATABASE_URL": database_url,
        "ENGAGE_GATEWAY": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "ENGAGE_TWILIO_FROM": "+13125550100",
        "ENGAGE_TWILIO_API_URL": twilio.base_url,
        "ENGAGE_PUBLIC_URL": "https://engage.test",
        "ENGAGE_CLINIC_NAME": "Riverside Family Medicine",
        "ENGAGE_CLINIC_PHONE": "+13125550100",
        "ENGAGE_TIMEZONE": "America/Chicago",
        # Other tests send whenever the wall clock says; quiet hours (start == end: none) have tests of their own.
        "ENGAGE_QUIET_START": "00:00",
        "ENGAGE_QUIET_END": "00:00",
    })


@pytest.fixture
def runtime(settings):
    runtime = build_runtime(settings)
    yield runtime
    _empty_every_table(runtime.engine)
    runtime.engine.dispose()


def _empty_every_table(engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(runtime):
    app = create_app(runtime=runtime)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(runtime):
    with session_scope(runtime.sessions) as session:
        yield session


@pytest.fixture
def factory(runtime):
    return Factory(runtime)


@pytest.fixture
def auth(factory):
    """Authorization headers for a staff user of the given role."""

    def headers(role: str = "care_manager") -> dict[str, str]:
        return {"Authorization": f"Bearer {factory.token(role)}"}

    return headers
