"""The caseload: who is in treatment, their baseline and latest score, and the treat-to-target status."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, insert, update

from engage.audit.models import AuditEvent
from engage.checkins.models import Outcome
from engage.db import session_scope
from engage.patients.models import Patient
from engage.registry.models import Episode
from tests.factories import rows

PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def phq9_totalling(total: int) -> list[int]:
    """Nine answers adding up to `total`, item 9 always 0."""
    answers = [0] * 9
    for item in range(8):
        answers[item] = min(3, total - sum(answers))
    assert sum(answers) == total
    return answers


def gad7_totalling(total: int) -> list[int]:
    answers = [0] * 7
    for item in range(7):
        answers[item] = min(3, total - sum(answers))
    return answers


def in_treatment(client, headers, runtime, patient, weeks_ago: float, instrument: str = "phq9") -> datetime:
    """Enrolled through the API, with the episode moved back as if enrolled `weeks_ago`; returns its opening."""
    response = client.post(f"/api/v1/patients/{patient.id}/enrollments", headers=headers,
                           json={"instrument": instrument, "interval_days": 14})
    assert response.status_code == 201
    opened_at = datetime.now(timezone.utc) - timedelta(weeks=weeks_ago)
    with session_scope(runtime.sessions) as session:
        session.execute(update(Episode).where(Episode.patient_id == patient.id).values(opened_at=opened_at))
    return opened_at


def scored(client, headers, patient, total: int, when: datetime, instrument: str = "phq9"):
    answers = phq9_totalling(total) if instrument == "phq9" else gad7_totalling(total)
    response = client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=headers, json={
        "instrument": instrument, "answers": answers, "completed_at": when.isoformat(), "source": "clinic"})
    assert response.status_code == 201, response.json


def caseload(client, headers, **query) -> list[dict]:
    response = client.get("/api/v1/caseload", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json["data"]


@pytest.mark.parametrize("baseline, latest, weeks, latest_days_ago, status", [
    (16, 4, 6, 1, "remission"),
    (20, 10, 3, 1, "response"),
    (20, 9, 12, 1, "response"),
    (20, 14, 10, 1, "not_improving"),
    (20, 14, 9, 1, "partial_response"),
    (12, 8, 12, 1, "partial_response"),  # past the target week, but no longer moderate
    (20, 18, 12, 1, "not_improving"),
    (20, 18, 8, 35, "no_recent_score"),
    (20, 18, 8, 1, "in_treatment"),
    (20, 16, 8, 1, "in_treatment"),  # a 20 % drop is short of a partial response
])
def test_status_follows_the_treat_to_target_rules(client, auth, factory, runtime, baseline, latest, weeks,
                                                  latest_days_ago, status):
    patient, headers = factory.patient(), auth()
    opened_at = in_treatment(client, headers, runtime, patient, weeks)
    scored(client, headers, patient, baseline, opened_at + timedelta(hours=1))
    scored(client, headers, patient, latest, datetime.now(timezone.utc) - timedelta(days=latest_days_ago))
    row, = caseload(client, headers)
    assert (row["baseline"], row["latest"], row["weeks_in_treatment"], row["status"]) == (
        baseline, latest, weeks, status)


def test_enrolled_without_a_score_yet_has_no_recent_score(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    in_treatment(client, headers, runtime, patient, 0)
    row, = caseload(client, headers)
    assert (row["baseline"], row["latest"], row["change_percent"], row["status"]) == (None, None, None,
                                                                                     "no_recent_score")


def test_anxiety_only_care_is_measured_on_gad7(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    opened_at = in_treatment(client, headers, runtime, patient, 4, instrument="gad7")
    scored(client, headers, patient, 15, opened_at + timedelta(hours=1), instrument="gad7")
    scored(client, headers, patient, 4, datetime.now(timezone.utc) - timedelta(days=2), instrument="gad7")
    row, = caseload(client, headers)
    assert (row["instrument"], row["baseline"], row["latest"], row["status"]) == ("gad7", 15, 4, "remission")


def test_a_row_shows_change_contact_flags_and_care_manager(client, auth, factory, runtime):
    manager = factory.staff("care_manager")
    patient, headers = factory.patient(care_manager_id=manager.id), auth()
    opened_at = in_treatment(client, headers, runtime, patient, 5)
    scored(client, headers, patient, 3, opened_at - timedelta(days=3))  # before the episode: not its baseline
    scored(client, headers, patient, 20, opened_at + timedelta(days=1))
    scored(client, headers, patient, 14, opened_at + timedelta(days=15))
    last = datetime.now(timezone.utc) - timedelta(days=6)
    scored(client, headers, patient, 15, last)
    scored(client, headers, patient, 0, last - timedelta(days=1))  # recorded late, completed earlier
    client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=headers, json={
        "instrument": "phq9", "answers": [0] * 8 + [1], "completed_at": (last - timedelta(days=2)).isoformat(),
        "source": "ehr"})  # a self-harm answer: an open urgent flag
    row, = caseload(client, headers)
    assert row["patient_id"] == patient.id and row["care_manager_id"] == manager.id
    assert (row["baseline"], row["latest"], row["change_percent"]) == (20, 15, -25.0)
    assert row["status"] == "partial_response"
    assert row["open_flags"] == 1 and row["weeks_in_treatment"] == 5
    assert datetime.fromisoformat(row["last_contact"]) == last


def test_filters_by_status_and_care_manager(client, auth, factory, runtime):
    mine, theirs = factory.staff("care_manager"), factory.staff("care_manager")
    headers = auth()
    for manager, total in ((mine, 4), (mine, 18), (theirs, 4)):
        patient = factory.patient(care_manager_id=manager.id)
        opened_at = in_treatment(client, headers, runtime, patient, 2)
        scored(client, headers, patient, total, opened_at + timedelta(days=1))
    assert len(caseload(client, headers, care_manager_id=mine.id)) == 2
    assert [r["latest"] for r in caseload(client, headers, care_manager_id=mine.id, status="remission")] == [4]
    assert len(caseload(client, headers, status="remission")) == 2
    assert caseload(client, headers, status="not_improving") == []


def test_sorted_and_paged(client, auth, factory, runtime):
    headers = auth()
    for weeks in (3, 12, 7):
        in_treatment(client, headers, runtime, factory.patient(), weeks)
    assert [r["weeks_in_treatment"] for r in caseload(client, headers, sort="-weeks")] == [12, 7, 3]
    first = client.get("/api/v1/caseload", headers=headers, query_string={"sort": "weeks", "limit": 2}).json
    assert [r["weeks_in_treatment"] for r in first["data"]] == [3, 7] and first["next_offset"] == 2
    rest = client.get("/api/v1/caseload", headers=headers,
                      query_string={"sort": "weeks", "limit": 2, "offset": 2}).json
    assert [r["weeks_in_treatment"] for r in rest["data"]] == [12] and rest["next_offset"] is None


def test_a_discharged_patient_leaves_the_caseload(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    in_treatment(client, headers, runtime, patient, 1)
    episode, = client.get(f"/api/v1/patients/{patient.id}/episodes", headers=headers).json["data"]
    closed = client.post(f"/api/v1/patients/{patient.id}/episodes/{episode['id']}/discharge", headers=headers,
                         json={"reason": "remission_held"})
    assert (closed.status_code, closed.json["close_reason"]) == (200, "remission_held")
    assert caseload(client, headers) == []
    again = client.post(f"/api/v1/patients/{patient.id}/episodes/{episode['id']}/discharge", headers=headers,
                        json={"reason": "moved_on"})
    assert again.status_code == 409


def test_the_target_week_is_configuration(client, auth, factory, runtime):
    runtime.settings = runtime.settings.with_overrides(target_week=6)
    patient, headers = factory.patient(), auth()
    opened_at = in_treatment(client, headers, runtime, patient, 7)
    scored(client, headers, patient, 20, opened_at + timedelta(hours=1))
    scored(client, headers, patient, 14, datetime.now(timezone.utc) - timedelta(days=1))
    assert caseload(client, headers)[0]["status"] == "not_improving"


def test_reading_the_caseload_is_audited(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    in_treatment(client, headers, runtime, patient, 1)
    caseload(client, headers)
    assert [(e.action, e.resource, e.patient_id) for e in rows(runtime, AuditEvent, AuditEvent.resource == "caseload")
            ] == [("list", "caseload", patient.id)]


def _seed(runtime, first: int, count: int, outcomes_each: int) -> None:
    """Patients in treatment, written in bulk: the query is under test here, not the API that writes them."""
    now = datetime.now(timezone.utc)
    with session_scope(runtime.sessions) as session:
        session.execute(insert(Patient), [
            {"id": n, "first_name": "Bulk", "last_name": str(n), "phone": f"+1312888{n:04d}",
             "timezone": "America/Chicago"} for n in range(first, first + count)])
        session.execute(insert(Episode), [
            {"patient_id": n, "instrument": "phq9", "opened_at": now - timedelta(weeks=20)}
            for n in range(first, first + count)])
        session.execute(insert(Outcome), [
            {"patient_id": n, "instrument": "phq9", "answers": PHQ9, "total": 8 + k % 10, "source": "clinic",
             "completed_at": now - timedelta(days=130 - k)}
            for n in range(first, first + count) for k in range(outcomes_each)])


def test_the_caseload_is_one_query_however_many_patients_and_scores(client, auth, runtime):
    headers = auth()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def statements_for_a_page() -> int:
        statements.clear()
        event.listen(runtime.engine, "before_cursor_execute", count)
        try:
            assert len(caseload(client, headers, limit=500)) == min(500, total)
        finally:
            event.remove(runtime.engine, "before_cursor_execute", count)
        return len(statements)

    _seed(runtime, 1, 2, outcomes_each=1)
    total = 2
    few = statements_for_a_page()
    _seed(runtime, 3, 998, outcomes_each=25)
    total = 1000
    assert statements_for_a_page() == few
    # Baseline and latest are kept on the episode: no patient's history is read for a page.
    assert sum("episodes" in statement for statement in statements) == 1
    assert not any("outcomes" in statement for statement in statements)
