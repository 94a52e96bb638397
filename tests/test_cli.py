"""The console script, run as an operator would run it."""
from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, select, text

from engage.auth.models import ApiToken
from engage.db import make_session_factory


def engage(args: list[str], database_url: str, stdin: str = "", extra_env: dict | None = None):
    env = {**os.environ, "ENGAGE_DATABASE_URL": database_url, **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "engage", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def test_users_create_prints_a_working_token_as_its_last_line(database_url, client, runtime):
    result = engage(["users", "create", "--email", "Nurse@Clinic.test", "--role", "care_manager",
                     "--phone", "(312) 555-0199", "--password-stdin"], database_url, stdin="s3cret-pass\n")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert client.get("/api/v1/patients", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with make_session_factory(runtime.engine)() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored


def test_users_create_rejects_an_unknown_role_clearly(database_url):
    result = engage(["users", "create", "--email", "x@clinic.test", "--role", "boss"], database_url)
    assert result.returncode != 0
    assert "role" in result.stderr


def test_seed_demo_is_idempotent(database_url, runtime):
    first = engage(["seed-demo"], database_url)
    second = engage(["seed-demo"], database_url)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM staff_users")).scalar() == 3
    assert "patient" in first.stdout and "patient" not in second.stdout


def test_db_check_is_green_on_the_migrated_schema(database_url):
    result = engage(["db", "check"], database_url)
    assert result.returncode == 0, result.stderr
    assert "agree" in result.stdout


def test_db_check_fails_when_the_schema_and_models_disagree(tmp_path):
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    assert engage(["db", "upgrade"], url).returncode == 0
    with create_engine(url).begin() as conn:
        conn.execute(text("DROP INDEX ix_dispatches_status_due"))
    result = engage(["db", "check"], url)
    assert result.returncode != 0
    assert "disagree" in result.stderr


def test_production_refuses_to_start_with_the_default_secret(database_url):
    result = engage(["db", "check"], database_url, extra_env={"ENGAGE_ENV": "production"})
    assert result.returncode != 0
    assert "ENGAGE_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_revoked_token_is_refused_at_once(database_url, client, runtime):
    token = engage(["users", "create", "--email", "ehr@clinic.test", "--role", "integration"],
                   database_url).stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/patients", headers=headers).status_code == 200
    result = engage(["users", "revoke-token", token], database_url)
    assert result.returncode == 0, result.stderr
    assert client.get("/api/v1/patients", headers=headers).status_code == 401
    assert engage(["users", "revoke-token", token], database_url).returncode != 0
