"""What care managers and integrations read from the registry: check-ins, outcomes, the review queue."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.phone import Phone
from tests.test_caseload import in_treatment


def _outcome(client, headers, patient_id, answers, days_ago, instrument="phq9", source="clinic"):
    when = (datetime.now(timezone.utc) - timedelta(days=days_ago)).isoformat()
    return client.post(f"/api/v1/patients/{patient_id}/outcomes", headers=headers,
                       json={"instrument": instrument, "answers": answers, "completed_at": when, "source": source})


def test_outcomes_show_change_from_the_first_score_in_the_episode(client, auth, factory, runtime):
    patient, headers = factory.patient(), auth()
    in_treatment(client, headers, runtime, patient, weeks_ago=10)
    assert _outcome(client, headers, patient.id, [2, 2, 2, 2, 2, 2, 2, 2, 0], 60).status_code == 201
    assert _outcome(client, headers, patient.id, [1, 1, 1, 1, 1, 1, 1, 1, 0], 30).status_code == 201
    assert _outcome(client, headers, patient.id, [1, 1, 1, 0, 0, 0, 0, 0, 0, 1], 1).status_code == 201
    data = client.get(f"/api/v1/patients/{patient.id}/outcomes", headers=headers).json["data"]
    assert [(o["total"], o["severity"]) for o in data] == [(16, "moderately_severe"), (8, "mild"), (3, "minimal")]
    assert [o["change_from_baseline"] for o in data] == [0, -8, -13]
    assert data[1]["change_from_baseline_percent"] == -50.0
    assert data[0]["instrument"] == "phq9" and data[0]["source"] == "clinic"


def test_recorded_outcome_with_item9_positive_raises_the_same_flag(client, auth, factory):
    patient, headers = factory.patient(), auth()
    response = _outcome(client, headers, patient.id, [0, 0, 0, 0, 0, 0, 0, 0, 2], 0, source="ehr")
    assert response.json["safety_event"] is True
    flags = client.get("/api/v1/flags", headers=headers).json["data"]
    assert [(f["kind"], f["priority"], f["patient_id"]) for f in flags] == [("suicide_risk", "urgent", patient.id)]


def test_outcome_input_errors_name_the_fields(client, auth, factory):
    patient, headers = factory.patient(), auth()
    response = client.post(f"/api/v1/patients/{patient.id}/outcomes", headers=headers,
                           json={"instrument": "phq9", "answers": [1, 2, 4], "source": "fax"})
    assert response.status_code == 422
    assert {"answers", "completed_at", "source"} <= set(response.json["fields"])
    response = _outcome(client, headers, patient.id, [1, 2, 3], 0)
    assert response.status_code == 422 and "answers" in response.json["fields"]


def test_checkins_list_shows_status_and_answers_so_far(client, auth, factory, twilio, runtime):
    patient, headers = factory.patient(), auth()
    created = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "gad7"}, headers=headers)
    assert created.json["status"] == "scheduled"
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries()
    phone.text("several days")
    checkin, = client.get(f"/api/v1/patients/{patient.id}/checkins", headers=headers).json["data"]
    assert checkin["status"] == "in_progress" and checkin["channel"] == "sms"
    assert [(a["code"], a["value"]) for a in checkin["answers"]] == [("gad7_1", 1)]


def test_checkin_input_errors(client, auth, factory):
    patient = factory.patient()
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "bdi"}, headers=auth())
    assert response.status_code == 422 and "instrument" in response.json["fields"]
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9",
                           "at": "2026-12-01T09:00:00"}, headers=auth())
    assert response.status_code == 422 and "at" in response.json["fields"]
    assert client.post("/api/v1/patients/424242/checkins", json={"instrument": "phq9"},
                       headers=auth()).status_code == 404


def test_review_queue_is_urgent_first_then_oldest_and_keeps_history(client, auth, factory, twilio, runtime):
    first, second = factory.patient(), factory.patient()
    Phone(client, twilio, runtime, first.phone).text("please call me back")
    Phone(client, twilio, runtime, second.phone).text("I want to kill myself")
    headers = auth("care_manager")
    queue = client.get("/api/v1/flags", headers=headers).json["data"]
    assert [f["kind"] for f in queue] == ["crisis_language", "patient_message"]
    urgent = queue[0]["id"]
    assert client.get("/api/v1/flags", query_string={"priority": "urgent"},
                      headers=headers).json["data"][0]["id"] == urgent
    acked = client.post(f"/api/v1/flags/{urgent}/acknowledge", headers=headers).json
    assert acked["status"] == "acknowledged" and acked["acknowledged_at"]
    assert client.post(f"/api/v1/flags/{urgent}/resolve", json={}, headers=headers).status_code == 422
    resolved = client.post(f"/api/v1/flags/{urgent}/resolve", json={"note": "Called, safety plan made",
                                                                      "outcome": "safety_plan"}, headers=headers).json
    assert (resolved["status"], resolved["outcome"]) == ("resolved", "safety_plan")
    assert [e["action"] for e in resolved["events"]] == ["raised", "notified", "acknowledged", "resolved"]
    assert resolved["events"][-1]["note"] == "Called, safety plan made"
    assert client.post(f"/api/v1/flags/{urgent}/resolve", json={"note": "again"}, headers=headers).status_code == 409
    assert [f["kind"] for f in client.get("/api/v1/flags", headers=headers).json["data"]] == ["patient_message"]


def test_an_urgent_text_from_an_unknown_number_tops_the_queue_above_older_urgent_flags(client, auth, factory,
                                                                                       twilio, runtime):
    known = factory.patient()
    Phone(client, twilio, runtime, known.phone).text("I want to kill myself")
    Phone(client, twilio, runtime, "+13125550177").text("i want to end my life tonight")
    Phone(client, twilio, runtime, known.phone).text("please call me back")
    queue = client.get("/api/v1/flags", headers=auth("care_manager")).json["data"]
    assert [(f["patient_id"], f["priority"]) for f in queue] == [
        (None, "urgent"), (known.id, "urgent"), (known.id, "normal")]


def test_only_care_roles_work_flags(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    Phone(client, twilio, runtime, patient.phone).text("hello")
    flag_id = client.get("/api/v1/flags", headers=auth()).json["data"][0]["id"]
    assert client.post(f"/api/v1/flags/{flag_id}/acknowledge", headers=auth("consultant")).status_code == 403
    staff = factory.staff("care_manager")
    assigned = client.post(f"/api/v1/flags/{flag_id}/assign", json={"staff_id": staff.id}, headers=auth()).json
    assert assigned["assigned_to_id"] == staff.id


@pytest.mark.parametrize("screen, full, items", [("phq2", "phq9", 9), ("gad2", "gad7", 7)])
def test_a_positive_brief_screen_recorded_elsewhere_is_followed_by_the_full_instrument_by_text(
        client, auth, factory, twilio, runtime, screen, full, items):
    patient, headers = factory.patient(channel="voice"), auth()
    assert _outcome(client, headers, patient.id, [2, 1], 0, instrument=screen).json["positive_screen"] is True
    checkin, = client.get(f"/api/v1/patients/{patient.id}/checkins", headers=headers).json["data"]
    assert (checkin["instrument"], checkin["source"], checkin["channel"]) == (full, "step_up", "sms")
    intro, first = Phone(client, twilio, runtime, patient.phone).deliveries()
    assert f"We have {items} short questions" in intro and first.startswith(f"Q1/{items}:")


def test_a_negative_or_old_brief_screen_recorded_elsewhere_schedules_nothing(client, auth, factory):
    patient, headers = factory.patient(), auth()
    assert _outcome(client, headers, patient.id, [1, 1], 0, instrument="phq2").status_code == 201
    assert _outcome(client, headers, patient.id, [3, 3], 30, instrument="phq2").status_code == 201
    assert client.get(f"/api/v1/patients/{patient.id}/checkins", headers=headers).json["data"] == []
