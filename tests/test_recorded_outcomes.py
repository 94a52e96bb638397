"""Results recorded from another system: never from the future, and the same result sent twice kept once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engage.flags.models import Flag
from tests.factories import rows

ITEM9_POSITIVE = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def _record(client, headers, patient_id, *, answers=ITEM9_POSITIVE, completed_at=None, **extra):
    completed_at = completed_at or datetime.now(timezone.utc) - timedelta(hours=1)
    return client.post(f"/api/v1/patients/{patient_id}/outcomes", headers=headers, json={
        "instrument": "phq9", "answers": answers, "completed_at": completed_at.isoformat(), "source": "ehr",
        **extra})


def _outcomes(client, headers, patient_id) -> list[dict]:
    return client.get(f"/api/v1/patients/{patient_id}/outcomes", headers=headers).json["data"]


def test_a_result_completed_two_days_ahead_is_refused_naming_the_field(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    response = _record(client, headers, patient.id, completed_at=datetime.now(timezone.utc) + timedelta(days=2))
    assert (response.status_code, response.json["fields"]) == (422, {"completed_at": ["Must not be in the future."]})
    assert _outcomes(client, headers, patient.id) == []
    assert rows(runtime, Flag) == []  # its positive self-harm answer raised nothing either


def test_a_few_minutes_of_clock_difference_is_allowed(client, auth, factory):
    patient, headers = factory.patient(), auth()
    ahead = datetime.now(timezone.utc) + timedelta(minutes=3)
    assert _record(client, headers, patient.id, answers=[0] * 9, completed_at=ahead).status_code == 201


def test_the_same_external_id_twice_records_and_flags_once(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    completed_at = datetime.now(timezone.utc) - timedelta(hours=1)
    first = _record(client, headers, patient.id, completed_at=completed_at, external_id="EHR-77")
    again = _record(client, headers, patient.id, completed_at=completed_at, external_id="EHR-77")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json and first.json["external_id"] == "EHR-77"
    assert [o["id"] for o in _outcomes(client, headers, patient.id)] == [first.json["id"]]
    assert len(rows(runtime, Flag, Flag.patient_id == patient.id)) == 1


def test_an_external_id_naming_a_different_result_is_a_conflict(client, auth, factory):
    patient, headers = factory.patient(), auth()
    assert _record(client, headers, patient.id, external_id="EHR-78").status_code == 201
    response = _record(client, headers, patient.id, answers=[0] * 9, external_id="EHR-78")
    assert response.status_code == 409
    assert response.json["fields"] == {"external_id": ["Already names a different result."]}
    assert len(_outcomes(client, headers, patient.id)) == 1


def test_results_without_an_external_id_are_each_recorded(client, auth, factory):
    patient, headers = factory.patient(), auth()
    completed_at = datetime.now(timezone.utc) - timedelta(days=1)
    for _ in range(2):
        assert _record(client, headers, patient.id, answers=[0] * 9, completed_at=completed_at).status_code == 201
    assert len(_outcomes(client, headers, patient.id)) == 2


@pytest.mark.parametrize("answers", [[2.9] * 9, [0] * 8 + [0.5], [1] * 8 + [float("1e300")]])
def test_an_answer_with_a_fraction_is_refused_not_cut_down(client, auth, factory, runtime, answers):
    patient, headers = factory.patient(), auth()
    response = _record(client, headers, patient.id, answers=answers)
    assert response.status_code == 422 and "answers" in response.json["fields"]
    assert _outcomes(client, headers, patient.id) == []


def test_a_whole_number_written_with_a_point_is_that_number(client, auth, factory):
    patient, headers = factory.patient(), auth()
    response = _record(client, headers, patient.id, answers=[1.0] * 9)
    assert (response.status_code, response.json["total"]) == (201, 9)


def test_an_id_with_a_fraction_names_no_patient(client, auth, factory):
    patient, headers = factory.patient(), auth()
    response = client.post("/api/v1/appointments", headers=headers, json={
        "patient_id": patient.id + 0.5, "starts_at": datetime.now(timezone.utc).isoformat(), "modality": "phone"})
    assert response.status_code == 422 and "patient_id" in response.json["fields"]
