"""Which PostgreSQL server the tests that need one use: one variable, ENGAGE_TEST_DATABASE_URL, decides."""
from __future__ import annotations

import pytest

from tests.databases import DEFAULT_POSTGRES_URL, postgres_server_url

ELSEWHERE = "postgresql+psycopg://engage@db.clinic.test:6543/ci"


@pytest.mark.parametrize("run_url, required, expected", [
    # A run on PostgreSQL: the same server, required or not.
    pytest.param(ELSEWHERE, None, ELSEWHERE, id="postgresql"),
    pytest.param(ELSEWHERE, "1", ELSEWHERE, id="postgresql-required"),
    # A run on SQLite in CI: the default server, which must be there.
    pytest.param(None, "1", DEFAULT_POSTGRES_URL, id="default-required"),
    pytest.param("sqlite://", "1", DEFAULT_POSTGRES_URL, id="sqlite-required"),
    # A run on SQLite elsewhere: skipped.
    pytest.param(None, None, None, id="default"),
    pytest.param("sqlite:///engage.db", None, None, id="sqlite"),
])
def test_tests_that_need_postgresql_follow_the_runs_database_url(monkeypatch, run_url, required, expected):
    for name, value in {"ENGAGE_TEST_DATABASE_URL": run_url, "ENGAGE_REQUIRE_POSTGRES": required}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("ENGAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:1/not-this-one")

    assert postgres_server_url() == expected
