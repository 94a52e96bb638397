"""What no client can do to the registry: a value out of range, too long or with NUL characters, a
path or method that does not exist. Each is answered in the API's error shape, never with a 5xx."""
from __future__ import annotations

import base64

import pytest

from engage.db import session_scope
from engage.enums import FlagKind
from engage.flags.service import raise_flag

TOO_BIG = 2**64  # past the 32-bit id columns, and past what SQLite stores
EXTREME_TIMES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1899-12-31T23:59:59Z",
                 "2201-01-01T00:00:00Z"]


def _patient_body(**fields) -> dict:
    return {"first_name": "Lucía", "last_name": "Hernández", "phone": "(312) 555-0142", **fields}


def _is_error(response, status: int, code: str) -> bool:
    return response.status_code == status and response.is_json and response.json["error"] == code


@pytest.mark.parametrize("path", [f"/api/v1/patients/{TOO_BIG}", f"/api/v1/patients/{TOO_BIG}/checkins",
                                  f"/api/v1/appointments/{TOO_BIG}", f"/api/v1/campaigns/{TOO_BIG}/runs",
                                  "/api/v1/patients/0", f"/api/v1/patients/{2**31}/outcomes"])
def test_an_id_in_the_path_that_no_row_can_have_is_404(client, auth, path):
    assert _is_error(client.get(path, headers=auth()), 404, "not_found")


def test_a_flag_id_out_of_range_is_404_for_each_way_of_working_a_flag(client, auth):
    for action in ("acknowledge", "assign", "resolve"):
        response = client.post(f"/api/v1/flags/{TOO_BIG}/{action}", json={"note": "x", "staff_id": 1},
                               headers=auth())
        assert _is_error(response, 404, "not_found"), action


def test_ids_out_of_range_in_a_body_or_query_are_422_naming_the_field(client, auth, factory):
    patient = factory.patient()
    response = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": TOO_BIG, "starts_at": "2037-11-24T21:30:00Z", "modality": "phone"})
    assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"patient_id"}
    response = client.patch(f"/api/v1/patients/{patient.id}", json={"care_manager_id": TOO_BIG}, headers=auth())
    assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"care_manager_id"}
    response = client.get("/api/v1/appointments", query_string={"patient_id": TOO_BIG}, headers=auth())
    assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"patient_id"}


def test_a_cursor_holding_an_id_out_of_range_is_422(client, auth):
    for last_id in (TOO_BIG, -1):
        cursor = base64.urlsafe_b64encode(f"p:{last_id}".encode()).decode().rstrip("=")
        response = client.get("/api/v1/patients", query_string={"cursor": cursor}, headers=auth())
        assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"cursor"}


@pytest.mark.parametrize("moment", EXTREME_TIMES)
def test_times_outside_1900_to_2200_are_422_wherever_a_time_is_taken(client, auth, factory, moment):
    patient = factory.patient()
    requests = [
        (f"/api/v1/patients/{patient.id}/checkins", {"instrument": "phq9", "at": moment}, "at"),
        (f"/api/v1/patients/{patient.id}/enrollments", {"instrument": "phq9", "interval_days": 7,
                                                        "start_at": moment}, "start_at"),
        (f"/api/v1/patients/{patient.id}/outcomes", {"instrument": "phq2", "answers": [0, 0],
                                                     "source": "clinic", "completed_at": moment}, "completed_at"),
        ("/api/v1/appointments", {"patient_id": patient.id, "starts_at": moment, "modality": "phone"}, "starts_at"),
    ]
    for url, body, field in requests:
        response = client.post(url, json=body, headers=auth())
        assert _is_error(response, 422, "validation_failed"), (url, response.status_code)
        assert set(response.json["fields"]) == {field}


def test_texts_longer_than_their_columns_are_422_naming_each_field(client, auth, factory):
    response = client.post("/api/v1/patients", headers=auth(), json=_patient_body(
        timezone="America/" + "x" * 300, external_id="M" * 65, phone="3" * 41))
    assert _is_error(response, 422, "validation_failed")
    assert set(response.json["fields"]) == {"timezone", "external_id", "phone"}
    response = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": factory.patient().id, "starts_at": "2037-11-24T21:30:00Z", "modality": "phone",
        "clinician_name": "A" * 201, "clinician_phone": "3" * 41})
    assert _is_error(response, 422, "validation_failed")
    assert set(response.json["fields"]) == {"clinician_name", "clinician_phone"}


def test_a_time_zone_the_server_does_not_know_is_422(client, auth):
    for zone in ("Mars/Olympus_Mons", "../../etc/passwd", "America/Chicago/", ""):
        response = client.post("/api/v1/patients", json=_patient_body(timezone=zone), headers=auth())
        assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"timezone"}, zone


def test_nul_characters_are_422_in_a_body_a_nested_field_or_a_query(client, auth, factory):
    response = client.post("/api/v1/patients", json=_patient_body(first_name="Lu\x00cía"), headers=auth())
    assert _is_error(response, 422, "validation_failed")
    assert response.json["fields"] == {"first_name": ["Must not contain NUL characters."]}
    patient = factory.patient()
    response = client.patch(f"/api/v1/patients/{patient.id}", headers=auth(),
                            json={"quiet_hours": {"start": "21:00\x00", "end": "08:00"}})
    assert response.json["fields"] == {"quiet_hours": {"start": ["Must not contain NUL characters."]}}
    response = client.get("/api/v1/patients", query_string={"external_id": "M\x00"}, headers=auth())
    assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"external_id"}


@pytest.fixture
def flag_id(factory, runtime) -> int:
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        flag = raise_flag(session, runtime.settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=patient.id,
                          reason="asked for a call")
        session.flush()
        return flag.id


def test_a_note_with_a_nul_character_is_422_when_resolving_a_flag(client, auth, flag_id):
    response = client.post(f"/api/v1/flags/{flag_id}/resolve", json={"note": "called\x00back"}, headers=auth())
    assert _is_error(response, 422, "validation_failed") and set(response.json["fields"]) == {"note"}


def test_an_unknown_path_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert _is_error(response, 404, "not_found")
    assert response.json["message"]


def test_a_method_a_resource_does_not_have_is_a_json_405_with_allow(client, auth):
    response = client.delete("/api/v1/patients", headers=auth())
    assert _is_error(response, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_a_failure_under_the_api_is_a_json_500(app, client, auth):
    @app.get("/api/v1/test-failure")
    def failing():
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/test-failure")
    assert _is_error(response, 500, "internal_error")
    assert "a bug" not in response.get_data(as_text=True)


def test_pages_outside_the_api_keep_their_own_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and not response.is_json


def test_json_nested_past_any_request_of_ours_is_a_400_or_no_body(client, auth, flag_id):
    deep = "[" * 60_000  # past any recursion limit, within the body limit
    response = client.post("/api/v1/patients", data=deep, content_type="application/json", headers=auth())
    assert _is_error(response, 400, "bad_request")
    response = client.post(f"/api/v1/flags/{flag_id}/acknowledge", data=deep, content_type="application/json",
                           headers=auth())
    assert response.status_code == 200 and response.json["status"] == "acknowledged"


def test_a_body_larger_than_any_request_needs_is_refused_before_it_is_read(client, auth, factory):
    """Two million answers would hold a worker for seconds while each is checked; the limit answers at once."""
    patient = factory.patient()
    body = {"instrument": "phq9", "answers": [0] * 2_000_000, "completed_at": "2026-03-02T10:00:00Z",
            "source": "ehr"}
    response = client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=auth(), json=body)
    assert _is_error(response, 413, "request_entity_too_large")
    assert client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=auth(),
                       json={**body, "answers": [0] * 9}).status_code == 201
