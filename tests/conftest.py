"""The world every test starts from: a migrated database, an app, staff with tokens.

ENGAGE_TEST_DATABASE_URL chooses the backend (SQLite in a temporary file by default).
For PostgreSQL each test run creates its own database and drops it at the end, so runs
never see each other's data. Tests that need PostgreSQL whatever the backend ask for
`postgres_runtime` (see tests/databases.py for when they run).
"""
from __future__ import annotations

import pytest
from sqlalchemy import text

from engage import create_app, migrate
from engage.audit import append_only
from engage.config import load_settings
from engage.db import Base, session_scope
from engage.runtime import build_runtime

from tests.databases import fresh_database, is_postgres, postgres_or_skip, run_database_url
from tests.factories import Factory
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN, running_twilio


def _migrated_database(base_url: str, tmp_path_factory):
    url, drop = fresh_database(base_url, tmp_path_factory)
    migrate.upgrade(load_settings({"ENGAGE_DATABASE_URL": url}))
    yield url
    drop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    yield from _migrated_database(run_database_url(), tmp_path_factory)


@pytest.fixture(scope="session")
def postgres_database_url(database_url, tmp_path_factory):
    """The run's database when it is PostgreSQL, else a migrated one of its own on the PostgreSQL server."""
    if is_postgres(database_url):
        yield database_url
    else:
        yield from _migrated_database(postgres_or_skip(), tmp_path_factory)


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
        # Tests send at loopback speed; the limiter has tests of its own.
        "ENGAGE_SMS_PER_SECOND": "0",
        "ENGAGE_CALLS_PER_SECOND": "0",
        "ENGAGE_CLINIC_NAME": "Riverside Family Medicine",
        "ENGAGE_CLINIC_PHONE": "+13125550100",
        "ENGAGE_TIMEZONE": "America/Chicago",
        # Other tests send whenever the wall clock says; quiet hours (start == end: none) have tests of their own.
        "ENGAGE_QUIET_START": "00:00",
        "ENGAGE_QUIET_END": "00:00",
    })


def _runtime_emptied_after(settings):
    runtime = build_runtime(settings)
    yield runtime
    _empty_every_table(runtime.engine)
    runtime.close()


@pytest.fixture
def runtime(settings):
    yield from _runtime_emptied_after(settings)


@pytest.fixture
def postgres_runtime(settings, postgres_database_url):
    """The test's runtime on PostgreSQL, whatever the run's backend."""
    yield from _runtime_emptied_after(settings.with_overrides(database_url=postgres_database_url))


def _empty_every_table(engine) -> None:
    """TRUNCATE passes PostgreSQL's row triggers; on SQLite the audit log's refusal to forget is lifted
    for the one transaction that empties it."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
            return
        for statement in append_only.drop_statements(engine.dialect.name):
            conn.execute(text(statement))
        for table in tables:
            conn.execute(table.delete())
        for statement in append_only.create_statements(engine.dialect.name):
            conn.execute(text(statement))


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
