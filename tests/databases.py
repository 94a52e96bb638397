"""Fresh databases for a test run: a temporary SQLite file, or a new PostgreSQL database."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

POSTGRES_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


def postgres_or_skip() -> str:
    """The PostgreSQL server for tests that need one. In CI (ENGAGE_REQUIRE_POSTGRES=1) its absence fails."""
    try:
        with create_engine(POSTGRES_URL).connect():
            return POSTGRES_URL
    except OperationalError as exc:
        if os.environ.get("ENGAGE_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here and not reachable: {exc}")
        pytest.skip("PostgreSQL is not reachable (set ENGAGE_REQUIRE_POSTGRES=1 to make this a failure)")
