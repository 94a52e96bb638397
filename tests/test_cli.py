"""The console script, run as an operator would run it."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select, text

from engage.auth.models import ApiToken, StaffUser
from engage.checkins.models import CheckIn
from engage.db import make_session_factory, utcnow
from engage.enums import CheckInStatus
from tests.console import assert_one_line_error, closed_port, engage
from tests.factories import rows

CLINIC = {"ENGAGE_TIMEZONE": "America/Chicago", "ENGAGE_QUIET_START": "00:00", "ENGAGE_QUIET_END": "00:00"}


def test_users_create_prints_a_working_token_as_its_last_line(database_url, client, runtime):
    result = engage(["users", "create", "--email", "Nurse@Clinic.test", "--role", "care_manager",
                     "--phone", "(312) 555-0199", "--password-stdin"], database_url, stdin="s3cret-pass-phrase\n")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert client.get("/api/v1/patients", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with make_session_factory(runtime.engine)() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored


@pytest.mark.parametrize("args, words", [
    (["tick", "--at", "soon"], ["--at", "+2h", "tomorrow 10:00"]),
    (["tick", "--at", "tomorrow 25:00"], ["--at"]),
    (["simulate", "--phone", "12"], ["phone", "Not a valid phone number"]),
    (["simulate", "--phone", "(312) 555-0143", "--start", "bdi"], ["--start", "phq9"]),
    (["users", "create", "--email", "x@clinic.test", "--role", "boss"], ["role", "care_manager"]),
    (["users", "create", "--email", "nurse-at-clinic", "--role", "care_manager"], ["email"]),
    (["users", "create", "--email", "x@clinic.test", "--role", "care_manager", "--phone", "(312) 555-0199 ext. 12"],
     ["phone", "extension"]),
    (["users", "create", "--role", "care_manager"], ["--email"]),
    (["users", "revoke-token", "not-a-token"], ["no such active token"]),
    (["serve", "--port", "70000"], ["--port"]),
    (["db", "upgrade", "--revision", "nope"], ["nope"]),
    (["replay", "inbound"], ["No such command"]),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(database_url, args, words):
    assert_one_line_error(engage(args, database_url), *words)


def test_an_email_already_in_use_is_refused_in_one_line(database_url, runtime):
    assert engage(["users", "create", "--email", "x@clinic.test", "--role", "admin"], database_url).returncode == 0
    again = engage(["users", "create", "--email", "X@clinic.test", "--role", "clinician"], database_url)
    assert_one_line_error(again, "email", "Already in use")


def test_simulate_says_when_the_service_is_not_running(database_url):
    result = engage(["simulate", "--phone", "(312) 555-0143", "--url", f"http://127.0.0.1:{closed_port()}"],
                    database_url)
    assert_one_line_error(result, "engage is not answering", "make run")


@pytest.mark.parametrize("args", [
    ["tick"], ["seed-demo"], ["users", "create", "--email", "x@clinic.test", "--role", "admin"],
    ["users", "revoke-token", "t"], ["replay-inbound"], ["simulate", "--phone", "(312) 555-0143"],
    ["serve", "--port", "5999"], ["worker"],
])
def test_a_missing_database_says_to_upgrade_and_is_not_created(tmp_path, args):
    absent = tmp_path / "absent.db"
    assert_one_line_error(engage(args, f"sqlite:///{absent}"), str(absent), "engage db upgrade")
    assert not absent.exists()


def test_a_database_without_the_schema_says_to_upgrade(tmp_path):
    empty = tmp_path / "empty.db"
    create_engine(f"sqlite:///{empty}").connect().close()
    assert_one_line_error(engage(["tick"], f"sqlite:///{empty}"), "no engage tables", "engage db upgrade")


@pytest.mark.parametrize("args", [["tick"], ["db", "upgrade"], ["db", "check"]])
def test_an_unreachable_database_server_is_one_line(args):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/engage"
    assert_one_line_error(engage(args, url), "cannot use the database", "refused")


@pytest.mark.parametrize("url", ["not a url", "mysql+nodriver://db/engage"])
def test_a_database_url_engage_cannot_use_is_one_line(url):
    assert_one_line_error(engage(["tick"], url), "ENGAGE_DATABASE_URL")


def test_tick_at_a_relative_time_runs_the_pass_then(client, auth, factory, database_url):
    patient = factory.patient()
    at = (utcnow() + timedelta(hours=20)).isoformat()
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9", "at": at},
                           headers=auth())
    assert response.status_code == 201, response.json
    soon = engage(["tick", "--at", "+2h"], database_url, extra_env=CLINIC)
    assert soon.returncode == 0, soon.stderr
    assert [c.status for c in rows(factory.runtime, CheckIn)] == [CheckInStatus.SCHEDULED]
    later = engage(["tick", "--at", "+1d"], database_url, extra_env=CLINIC)
    assert later.returncode == 0, later.stderr
    tomorrow = (utcnow() + timedelta(days=1)).astimezone(ZoneInfo("America/Chicago"))
    assert f"({tomorrow:%Y-%m-%d} " in later.stdout.splitlines()[-1]
    assert [c.status for c in rows(factory.runtime, CheckIn)] == [CheckInStatus.IN_PROGRESS]


@pytest.mark.parametrize("role, phone, problem", [
    ("consultant", "(312) 555-0199", "Only care managers and admins can be on call."),
    ("care_manager", None, "Someone on call needs a phone for urgent notices."),
])
def test_on_call_needs_a_care_manager_or_admin_with_a_phone(database_url, runtime, role, phone, problem):
    args = ["users", "create", "--email", "x@clinic.test", "--role", role, "--on-call"]
    assert_one_line_error(engage(args + (["--phone", phone] if phone else []), database_url), "on_call", problem)
    assert rows(runtime, StaffUser) == []


def test_seed_demo_is_idempotent(database_url, runtime):
    first = engage(["seed-demo"], database_url)
    second = engage(["seed-demo"], database_url)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 9
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


def test_users_set_password_lets_the_user_sign_in_with_the_new_one(database_url, client, runtime):
    from tests.workspace_support import sign_in

    engage(["users", "create", "--email", "nurse@clinic.test", "--role", "care_manager"], database_url)
    result = engage(["users", "set-password", "Nurse@Clinic.test", "--password-stdin"], database_url,
                    stdin="a long enough password\n")
    assert result.returncode == 0, result.stderr
    assert sign_in(client, "nurse@clinic.test", "a long enough password").status_code == 303


def test_a_short_workspace_password_is_refused_in_one_line(database_url, runtime):
    engage(["users", "create", "--email", "nurse@clinic.test", "--role", "care_manager"], database_url)
    result = engage(["users", "set-password", "nurse@clinic.test", "--password-stdin"], database_url, stdin="short\n")
    assert_one_line_error(result, "password", "12 characters")
    assert rows(runtime, StaffUser)[0].password_hash is None
