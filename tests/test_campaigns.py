"""No-show outreach over three days, as the patient's phone, the review queue and operations see it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.db import session_scope, utcnow
from engage.enums import CampaignRunStatus
from engage.flags.models import Flag
from engage.outbox.models import Dispatch
from engage.outreach.appointments import mark_no_show
from engage.outreach.campaigns import STEP, ensure_default_campaigns
from engage.outreach.models import Appointment, Campaign, CampaignRun
from engage.outreach.replies import handle_appointment_reply, stop_campaigns_for_opt_out, stop_campaigns_for_reply
from engage.patients.models import Patient
from tests.factories import rows
from tests.phone import Phone
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url

# Tuesday 24 November 2037: the visit was at 9:40 a.m. in Chicago, the no-show recorded at 10:00.
VISIT = datetime(2037, 11, 24, 15, 40, tzinfo=timezone.utc)
NOTED = VISIT + timedelta(minutes=20)
MISSED_YOU = ("Riverside Family Medicine: We missed you at your visit. Reply R for a new time, "
              "or call (312) 555-0100. Reply STOP to opt out.")


def book(client, auth, patient, starts_at=VISIT) -> dict:
    response = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": patient.id, "starts_at": starts_at.isoformat(), "modality": "in_person"})
    assert response.status_code == 201, response.json
    return response.json


def missed(runtime, appointment, at=NOTED) -> int:
    with session_scope(runtime.sessions) as session:
        return mark_no_show(session, session.get(Appointment, appointment["id"]), at).id


def run_of(runtime) -> CampaignRun:
    run, = rows(runtime, CampaignRun)
    return run


@pytest.fixture
def no_show(client, auth, factory, twilio, runtime):
    """A patient who missed a visit, with outreach started and the phone that receives it."""
    manager = factory.staff("care_manager", name="Maria Lopez")
    patient = factory.patient(care_manager_id=manager.id)
    appointment = book(client, auth, patient)
    missed(runtime, appointment)
    return patient, appointment, manager, Phone(client, twilio, runtime, patient.phone)


def runs(client, auth) -> list[dict]:
    campaign, = client.get("/api/v1/campaigns", headers=auth()).json["data"]
    return client.get(f"/api/v1/campaigns/{campaign['id']}/runs", headers=auth()).json["data"]


def test_three_days_of_outreach_text_then_a_call_then_a_task(client, auth, runtime, twilio, no_show):
    patient, appointment, manager, phone = no_show
    assert phone.deliveries(NOTED + timedelta(minutes=59)) == []
    assert phone.deliveries(NOTED + timedelta(minutes=60)) == [MISSED_YOU]
    assert phone.deliveries(NOTED + timedelta(days=1)) == []
    [call] = twilio.calls_to(patient.phone)  # what it says is heard in tests/test_voice_calls.py
    assert rows(runtime, Flag) == []
    assert phone.deliveries(NOTED + timedelta(days=3)) == []
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.patient_id) == ("no_show_followup", "normal", patient.id)
    assert (flag.appointment_id, flag.assigned_to_id) == (appointment["id"], manager.id)
    run, = runs(client, auth)
    assert (run["status"], run["steps_sent"], run["appointment_id"]) == ("completed", 3, appointment["id"])
    assert [(s["action"], s["outcome"]) for s in run["steps"]] == [
        ("sms", "sent"), ("voice", "called"), ("flag", "flag_raised")]
    assert run["steps"][2]["flag_id"] == flag.id
    assert phone.deliveries(NOTED + timedelta(days=10)) == []


def test_the_default_campaign_is_data_seeded_once(client, auth, runtime):
    with session_scope(runtime.sessions) as session:
        ensure_default_campaigns(session)
        ensure_default_campaigns(session)
    campaign, = client.get("/api/v1/campaigns", headers=auth()).json["data"]
    assert campaign["name"] == "no_show" and campaign["active"] is True
    assert [(s["offset_minutes"], s["action"]) for s in campaign["steps"]] == [
        (60, "sms"), (1440, "voice"), (4320, "flag")]
    assert campaign["counts"]["runs"] == 0
    assert len(rows(runtime, Campaign)) == 1


def test_a_reply_stops_the_outreach(client, auth, runtime, no_show):
    patient, _, _, phone = no_show
    phone.deliveries(NOTED + timedelta(hours=1))
    with session_scope(runtime.sessions) as session:
        stop_campaigns_for_reply(session, patient.id, NOTED + timedelta(hours=5))
    assert phone.deliveries(NOTED + timedelta(days=3)) == []
    assert rows(runtime, Flag) == []
    run, = runs(client, auth)
    assert (run["status"], run["replied"], run["reached"], run["steps_sent"]) == ("stopped", True, True, 1)
    assert [s["status"] for s in run["steps"]] == ["done", "cancelled", "cancelled"]


def test_a_new_booking_stops_the_outreach_and_counts_as_rescheduled(client, auth, factory, runtime, no_show):
    patient, _, _, phone = no_show
    book(client, auth, patient, starts_at=VISIT + timedelta(days=14))
    assert phone.deliveries(NOTED + timedelta(days=3)) == []
    run = run_of(runtime)
    assert (run.status, run.stop_reason) == (CampaignRunStatus.STOPPED, "rescheduled")
    assert run.rescheduled_at is not None and rows(runtime, Flag) == []


def test_an_opt_out_stops_the_outreach_before_the_first_text(client, auth, runtime, no_show):
    patient, _, _, phone = no_show
    with session_scope(runtime.sessions) as session:
        stop_campaigns_for_opt_out(session, patient.id, NOTED + timedelta(minutes=10))
    assert phone.deliveries(NOTED + timedelta(days=3)) == []
    run = run_of(runtime)
    assert (run.status, run.stop_reason, run.replied_at) == (CampaignRunStatus.STOPPED, "opted_out", None)


def test_a_stopped_run_does_nothing_even_with_a_step_already_planned(client, auth, runtime, no_show):
    _, _, _, phone = no_show
    with session_scope(runtime.sessions) as session:
        session.scalar(select(CampaignRun)).status = CampaignRunStatus.STOPPED
    assert phone.deliveries(NOTED + timedelta(days=3)) == []
    assert rows(runtime, Flag) == []
    assert {d.payload["outcome"] for d in rows(runtime, Dispatch, Dispatch.kind == STEP)} == {"skipped"}


def test_reply_then_booking_counts_as_replied_and_rescheduled(client, auth, runtime, no_show):
    patient, _, _, phone = no_show
    phone.deliveries(NOTED + timedelta(hours=1))
    with session_scope(runtime.sessions) as session:
        answer, = handle_appointment_reply(session, runtime.settings, session.get(Patient, patient.id), "R",
                                           NOTED + timedelta(hours=2))
        stop_campaigns_for_reply(session, patient.id, NOTED + timedelta(hours=2))
    assert "will contact you to find a new time" in answer
    flag, = rows(runtime, Flag)
    assert flag.kind == "reschedule_request"
    book(client, auth, patient, starts_at=VISIT + timedelta(days=14))
    campaign, = client.get("/api/v1/campaigns", headers=auth()).json["data"]
    assert campaign["counts"] == {"runs": 1, "active": 0, "completed": 0, "stopped": 1, "reached": 1,
                                  "replied": 1, "rescheduled": 1}


def test_a_delivery_report_marks_the_patient_reached(client, auth, twilio, runtime, no_show):
    _, _, _, phone = no_show
    phone.deliveries(NOTED + timedelta(hours=1))
    assert runs(client, auth)[0]["reached"] is False
    text, = twilio.sms_to(phone.number)
    url, params = twilio.status_callback(text.sid, "delivered")
    assert post_signed_url(client, AUTH_TOKEN, url, params).status_code == 204
    run, = runs(client, auth)
    assert run["reached"] is True and run["replied"] is False


def test_spanish_patients_get_the_outreach_in_spanish(client, auth, factory, twilio, runtime):
    patient = factory.patient(language="es")
    missed(runtime, book(client, auth, patient))
    text, = Phone(client, twilio, runtime, patient.phone).deliveries(NOTED + timedelta(hours=1))
    assert text == ("Riverside Family Medicine: No le vimos en su cita. Responda R para otra fecha, "
                    "o llame al (312) 555-0100. Responda STOP para no recibir más mensajes.")


def test_no_show_endpoint_starts_outreach_and_refuses_twice(client, auth, factory, runtime):
    patient = factory.patient()
    started = utcnow() - timedelta(minutes=30)
    appointment = book(client, auth, patient, starts_at=started)
    response = client.post(f"/api/v1/appointments/{appointment['id']}/no-show", headers=auth())
    assert response.status_code == 200, response.json
    assert response.json["status"] == "no_show" and response.json["campaign_run_id"] == run_of(runtime).id
    planned = rows(runtime, Dispatch, Dispatch.kind == STEP)
    offsets = [round((d.due_at - planned[0].due_at).total_seconds() / 60) for d in planned]
    assert offsets == [0, 23 * 60, 71 * 60]
    assert client.post(f"/api/v1/appointments/{appointment['id']}/no-show", headers=auth()).status_code == 409
    upcoming = book(client, auth, patient, starts_at=utcnow() + timedelta(days=2))
    assert client.post(f"/api/v1/appointments/{upcoming['id']}/no-show", headers=auth()).status_code == 409


def test_campaign_runs_are_in_the_access_log_and_need_a_token(client, auth, runtime, no_show):
    patient, _, _, _ = no_show
    assert client.get("/api/v1/campaigns").status_code == 401
    assert runs(client, auth)[0]["patient_id"] == patient.id
    logged, = rows(runtime, AuditEvent, AuditEvent.resource == "campaign_run")
    assert (logged.action, logged.patient_id) == ("list", patient.id)
    assert client.get("/api/v1/campaigns/999999/runs", headers=auth()).status_code == 404


def test_an_appointment_recorded_after_the_fact_does_not_stop_outreach(client, auth, runtime, no_show):
    patient, _, _, _ = no_show
    book(client, auth, patient, starts_at=utcnow() - timedelta(days=1))
    assert run_of(runtime).status is CampaignRunStatus.ACTIVE
