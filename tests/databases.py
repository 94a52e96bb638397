"""Fresh databases for a test run: a temporary SQLite file, or a new PostgreSQL database.

ENGAGE_TEST_DATABASE_URL chooses the run's backend (SQLite by default). Tests that need PostgreSQL
whatever the backend use that server when it is PostgreSQL; on a SQLite run they are skipped, unless
ENGAGE_REQUIRE_POSTGRES is set (as in CI): then they use the default server and fail if it is missing.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run_database_url() -> str:
    return os.environ.get("ENGAGE_TEST_DATABASE_URL", "sqlite://")


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def fresh_database(base_url: str, tmp_path_factory) -> tuple[str, callable]:
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


def postgres_server_url() -> str | None:
    """Where tests that need PostgreSQL run (see the module's docstring); None: they are skipped."""
    url = run_database_url()
    if is_postgres(url):
        return url
    return DEFAULT_POSTGRES_URL if os.environ.get("ENGAGE_REQUIRE_POSTGRES") else None


def postgres_or_skip() -> str:
    url = postgres_server_url()
    if url is None:
        pytest.skip("needs PostgreSQL: run with ENGAGE_TEST_DATABASE_URL=postgresql+psycopg://... "
                    "(or ENGAGE_REQUIRE_POSTGRES=1 for the default server)")
    engine = create_engine(url)
    try:
        with engine.connect():
            return url
    except OperationalError as exc:
        if os.environ.get("ENGAGE_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here and not reachable: {exc}")
        pytest.skip("PostgreSQL is not reachable (set ENGAGE_REQUIRE_POSTGRES=1 to make this a failure)")
    finally:
        engine.dispose()
