"""Status reports on an audio-only visit's calls, which the calls table does not hold, through the signed
status webhook."""
from __future__ import annotations

import pytest

from engage.db import utcnow
from engage.flags.models import Flag
from engage.scheduling.tick import tick
from tests.factories import rows
from tests.test_tele_visits import _visit_under_way, read
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url

STATUS_URL = "https://engage.test/webhooks/twilio/status"


def placed_visit_calls(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    response = client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth(),
                           json={"reason": "video_failed"})
    assert response.status_code == 200, response.json
    tick(runtime, utcnow())
    clinician, patient_call = [r for r in twilio.received if r.kind == "call"]
    return appointment, clinician, patient_call


def report(client, twilio, call, status: str):
    _url, params = twilio.status_callback(call.sid, status)
    return post_signed_url(client, AUTH_TOKEN, STATUS_URL, params)


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_the_patients_visit_call_not_answered_is_kept_on_the_appointment_and_flagged(client, auth, factory, twilio,
                                                                                      runtime, status):
    appointment, _clinician, patient_call = placed_visit_calls(client, auth, factory, twilio, runtime)
    assert report(client, twilio, patient_call, status).status_code == 204
    assert read(client, auth, appointment["id"])["patient_call_status"] == status
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.appointment_id) == ("delivery_failure", appointment["id"])
    assert "call to the patient was not answered" in flag.reason


def test_a_report_delivered_twice_raises_one_flag(client, auth, factory, twilio, runtime):
    _appointment, _clinician, patient_call = placed_visit_calls(client, auth, factory, twilio, runtime)
    assert report(client, twilio, patient_call, "no-answer").status_code == 204
    assert report(client, twilio, patient_call, "no-answer").status_code == 204
    assert len(rows(runtime, Flag)) == 1


def test_the_clinicians_call_not_answered_is_flagged_and_the_patient_side_left_alone(client, auth, factory, twilio,
                                                                                      runtime):
    appointment, clinician, _patient_call = placed_visit_calls(client, auth, factory, twilio, runtime)
    assert report(client, twilio, clinician, "busy").status_code == 204
    assert read(client, auth, appointment["id"])["patient_call_status"] is None
    flag, = rows(runtime, Flag)
    assert "call to the clinician was not answered" in flag.reason


@pytest.mark.parametrize("status", ["initiated", "ringing", "in-progress", "completed"])
def test_other_reports_on_a_visit_call_change_nothing(client, auth, factory, twilio, runtime, status):
    appointment, _clinician, patient_call = placed_visit_calls(client, auth, factory, twilio, runtime)
    assert report(client, twilio, patient_call, status).status_code == 204
    assert read(client, auth, appointment["id"])["patient_call_status"] is None
    assert rows(runtime, Flag) == []


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "completed", "a-new-state"])
def test_a_report_on_a_call_nobody_placed_is_accepted_and_changes_nothing(client, twilio, runtime, status):
    params = {"AccountSid": twilio.account_sid, "CallSid": "CA" + "9" * 32, "CallStatus": status,
              "From": "+13125550100", "To": "+13125550123", "Direction": "outbound-api"}
    assert post_signed_url(client, AUTH_TOKEN, STATUS_URL, params).status_code == 204
    assert rows(runtime, Flag) == []
