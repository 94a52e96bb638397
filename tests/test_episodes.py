"""Episodes of care: change is measured from the episode's own baseline, and discharge ends the care."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engage.checkins.models import CheckIn, Enrollment
from engage.enums import EnrollmentStatus
from tests.factories import rows
from tests.phone import Phone
from tests.test_caseload import in_treatment, scored

NOW = datetime.now(timezone.utc)


def outcomes(client, headers, patient) -> list[tuple]:
    data = client.get(f"/api/v1/patients/{patient.id}/outcomes", headers=headers).json["data"]
    return [(o["total"], o["change_from_baseline"], o["change_from_baseline_percent"]) for o in data]


def episodes(client, headers, patient) -> list[dict]:
    return client.get(f"/api/v1/patients/{patient.id}/episodes", headers=headers).json["data"]


def discharge(client, headers, patient, episode_id, reason="remission_held"):
    return client.post(f"/api/v1/patients/{patient.id}/episodes/{episode_id}/discharge", headers=headers,
                       json={"reason": reason})


def test_change_is_measured_from_the_episodes_baseline_not_an_older_score(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    opened_at = in_treatment(client, headers, runtime, patient, 6)
    scored(client, headers, patient, 4, opened_at - timedelta(days=30))  # a screen long before treatment
    scored(client, headers, patient, 20, opened_at + timedelta(days=1))
    scored(client, headers, patient, 10, opened_at + timedelta(days=29))
    assert outcomes(client, headers, patient) == [(4, None, None), (20, 0, 0.0), (10, -10, -50.0)]
    data = client.get(f"/api/v1/patients/{patient.id}/outcomes", headers=headers).json["data"]
    assert [o["episode_id"] for o in data] == [None, episodes(client, headers, patient)[0]["id"],
                                               episodes(client, headers, patient)[0]["id"]]


def test_a_new_episode_starts_from_a_new_baseline(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    opened_at = in_treatment(client, headers, runtime, patient, 30)
    scored(client, headers, patient, 18, opened_at + timedelta(days=1))
    scored(client, headers, patient, 3, opened_at + timedelta(weeks=12))
    first, = episodes(client, headers, patient)
    assert discharge(client, headers, patient, first["id"]).status_code == 200
    enrolled = client.post(f"/api/v1/patients/{patient.id}/enrollments", headers=headers,
                           json={"instrument": "phq9", "interval_days": 14})
    assert enrolled.status_code == 201
    scored(client, headers, patient, 12, datetime.now(timezone.utc))
    second = episodes(client, headers, patient)[0]
    assert second["id"] != first["id"] and second["closed_at"] is None
    assert outcomes(client, headers, patient) == [(18, 0, 0.0), (3, -15, -83.3), (12, 0, 0.0)]


def test_discharge_ends_every_enrollment_and_nothing_more_is_sent(client, auth, factory, twilio, runtime):
    patient, headers = factory.patient(), auth()
    phone = Phone(client, twilio, runtime, patient.phone)
    due = NOW + timedelta(days=1)
    for instrument in ("phq9", "gad7"):
        assert client.post(f"/api/v1/patients/{patient.id}/enrollments", headers=headers, json={
            "instrument": instrument, "interval_days": 14, "start_at": due.isoformat()}).status_code == 201
    episode, = episodes(client, headers, patient)
    closed = discharge(client, headers, patient, episode["id"], "lost_to_follow_up")
    assert (closed.status_code, closed.json["close_reason"]) == (200, "lost_to_follow_up")
    assert closed.json["closed_at"] is not None
    assert [e.status for e in rows(runtime, Enrollment)] == [EnrollmentStatus.ENDED, EnrollmentStatus.ENDED]
    listed = client.get(f"/api/v1/patients/{patient.id}/enrollments", headers=headers).json["data"]
    assert {(e["status"], e["next_due_at"]) for e in listed} == {("ended", None)}
    assert phone.deliveries(due + timedelta(hours=1)) == []
    assert phone.deliveries(due + timedelta(days=60)) == []
    assert rows(runtime, CheckIn) == []


def test_discharge_of_another_patients_episode_is_not_found(client, auth, factory, runtime):
    patient, other, headers = factory.patient(), factory.patient(), auth()
    in_treatment(client, headers, runtime, patient, 1)
    episode, = episodes(client, headers, patient)
    assert discharge(client, headers, other, episode["id"]).status_code == 404
    assert rows(runtime, Enrollment)[0].status == EnrollmentStatus.ACTIVE


def test_following_depression_too_moves_the_episode_to_phq9_with_its_scores(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    opened_at = in_treatment(client, headers, runtime, patient, 4, instrument="gad7")
    scored(client, headers, patient, 15, opened_at + timedelta(days=1), instrument="gad7")
    scored(client, headers, patient, 20, opened_at + timedelta(days=2))
    scored(client, headers, patient, 16, opened_at + timedelta(days=20))
    row, = client.get("/api/v1/caseload", headers=headers).json["data"]
    assert (row["instrument"], row["baseline"], row["latest"]) == ("gad7", 15, 15)
    assert client.post(f"/api/v1/patients/{patient.id}/enrollments", headers=headers,
                       json={"instrument": "phq9", "interval_days": 14}).status_code == 201
    row, = client.get("/api/v1/caseload", headers=headers).json["data"]
    assert (row["instrument"], row["baseline"], row["latest"], row["change_percent"]) == ("phq9", 20, 16, -20.0)
