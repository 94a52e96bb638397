"""Appointments as the front desk books them and as the patient's phone sees the reminders."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from itsdangerous import URLSafeSerializer

from engage.audit.models import AuditEvent
from engage.db import session_scope, utcnow
from engage.enums import DispatchStatus
from engage.flags.models import Flag
from engage.outbox.models import Dispatch
from engage.outreach.appointments import REMINDER
from engage.outreach.models import Appointment
from engage.outreach.replies import handle_appointment_reply
from engage.patients.models import Patient
from tests.factories import rows
from tests.phone import Phone

# Tuesday 24 November 2037, 3:30 p.m. in Chicago (CST, UTC-6).
START = datetime(2037, 11, 24, 21, 30, tzinfo=timezone.utc)
VIDEO_URL = "https://video.example.com/room/4821"


def book(client, auth, patient, **fields) -> dict:
    body = {"patient_id": patient.id, "starts_at": START.isoformat(), "modality": "in_person",
            "clinician_name": "Dr. Ana Ruiz", **fields}
    response = client.post("/api/v1/appointments", json=body, headers=auth())
    assert response.status_code == 201, response.json
    return response.json


def patch(client, auth, appointment, **fields):
    return client.patch(f"/api/v1/appointments/{appointment['id']}", json=fields, headers=auth())


def reminders(runtime):
    return rows(runtime, Dispatch, Dispatch.kind == REMINDER)


def reply(runtime, patient, body, at):
    with session_scope(runtime.sessions) as session:
        return handle_appointment_reply(session, runtime.settings, session.get(Patient, patient.id), body, at)


def test_reminders_arrive_72_24_and_2_hours_before_in_spanish_and_the_patients_zone(client, auth, factory, twilio,
                                                                                     runtime):
    patient = factory.patient(language="es", timezone="America/Chicago")
    book(client, auth, patient)
    phone = Phone(client, twilio, runtime, patient.phone)
    for hours in (72, 24, 2):
        assert phone.deliveries(START - timedelta(hours=hours, minutes=1)) == []
        reminder, = phone.deliveries(START - timedelta(hours=hours))
        assert reminder == ("Riverside Family Medicine: Le recordamos su cita del martes, 24 de noviembre, "
                            "3:30 p.m. Responda C para confirmar. Responda R para otra fecha. "
                            "Responda STOP para no recibir más mensajes.")
    assert phone.deliveries(START + timedelta(hours=1)) == []  # nothing twice


def test_reminder_names_the_clinic_and_time_only_in_the_patients_own_zone(client, auth, factory, twilio, runtime):
    patient = factory.patient(timezone="America/New_York")
    book(client, auth, patient)
    reminder, = Phone(client, twilio, runtime, patient.phone).deliveries(START - timedelta(hours=24))
    assert "Tuesday, November 24, 4:30 PM" in reminder
    assert "Ruiz" not in reminder and "Dr." not in reminder


def test_video_reminder_carries_a_signed_visit_link(client, auth, factory, twilio, runtime, settings):
    patient = factory.patient()
    appointment = book(client, auth, patient, modality="video", video_url=VIDEO_URL)
    reminder, link_text = Phone(client, twilio, runtime, patient.phone).deliveries(START - timedelta(hours=2))
    assert "video visit on Tuesday, November 24, 3:30 PM" in reminder and "CALL" in reminder
    assert VIDEO_URL not in reminder + link_text
    link = next(word for word in link_text.split() if word.startswith("https://"))
    prefix, token = link.rsplit("/", 1)
    assert prefix == "https://engage.test/visit"
    assert URLSafeSerializer(settings.secret_key, salt="engage.visit-link").loads(token)[0] == appointment["id"]


def test_booking_late_plans_only_the_reminders_still_ahead(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    now = utcnow()
    book(client, auth, patient, starts_at=(now + timedelta(hours=30)).isoformat())
    assert [d.payload["offset_hours"] for d in reminders(runtime)] == [24, 2]
    assert Phone(client, twilio, runtime, patient.phone).deliveries(now) == []


def test_cancelling_cancels_the_pending_reminders(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient)
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries(START - timedelta(hours=72))
    assert patch(client, auth, appointment, status="cancelled").json["status"] == "cancelled"
    assert [d.status for d in reminders(runtime)] == [DispatchStatus.DONE, DispatchStatus.CANCELLED,
                                                      DispatchStatus.CANCELLED]
    assert phone.deliveries(START - timedelta(hours=2)) == []


def test_moving_replans_reminders_for_the_new_time(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient)
    moved_to = START + timedelta(days=7)
    response = patch(client, auth, appointment, starts_at=moved_to.isoformat())
    assert response.status_code == 200 and response.json["starts_at"].startswith("2037-12-01T21:30")
    phone = Phone(client, twilio, runtime, patient.phone)
    for old in (72, 24, 2):
        assert phone.deliveries(START - timedelta(hours=old)) == []
    reminder, = phone.deliveries(moved_to - timedelta(hours=24))
    assert "Tuesday, December 1, 3:30 PM" in reminder


def test_a_reminder_planned_for_an_old_time_is_not_sent(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient)
    with session_scope(runtime.sessions) as session:
        session.get(Appointment, appointment["id"]).starts_at = START + timedelta(hours=1)
    assert Phone(client, twilio, runtime, patient.phone).deliveries(START - timedelta(hours=24)) == []
    skipped = [d for d in reminders(runtime) if d.status is DispatchStatus.DONE]
    assert [d.payload["note"] for d in skipped] == ["appointment was moved"] * 2


def test_no_reminder_without_consent_to_texts(client, auth, factory, twilio, runtime):
    patient = factory.patient(consent={"sms": False, "voice": True})
    book(client, auth, patient)
    phone = Phone(client, twilio, runtime, patient.phone)
    assert [phone.deliveries(START - timedelta(hours=hours)) for hours in (72, 24, 2)] == [[], [], []]
    assert [d.payload["note"] for d in reminders(runtime)] == ["no consent to texts"] * 3


def test_workers_back_after_an_outage_send_one_reminder_not_a_pile(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    book(client, auth, patient)
    reminder, = Phone(client, twilio, runtime, patient.phone).deliveries(START - timedelta(hours=3))
    assert "November 24, 3:30 PM" in reminder
    assert [d.payload["outcome"] for d in reminders(runtime)[:2]] == ["skipped", "sent"]


def _reminded(client, auth, factory, twilio, runtime, patient_fields=None, **appointment_fields):
    patient = factory.patient(**(patient_fields or {}))
    appointment = book(client, auth, patient, **appointment_fields)
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries(START - timedelta(hours=72))
    phone.deliveries(START - timedelta(hours=24))
    return patient, appointment, phone


def _status(client, auth, appointment) -> str:
    return client.get(f"/api/v1/appointments/{appointment['id']}", headers=auth()).json["status"]


def test_c_after_a_reminder_confirms(client, auth, factory, twilio, runtime):
    patient, appointment, phone = _reminded(client, auth, factory, twilio, runtime)
    confirmed, = reply(runtime, patient, "c", START - timedelta(hours=23))
    assert confirmed == ("Thank you. Your visit on Tuesday, November 24, 3:30 PM is confirmed. We will see you then. "
                         "Riverside Family Medicine")
    assert _status(client, auth, appointment) == "confirmed"


def test_si_confirms_in_spanish(client, auth, factory, twilio, runtime):
    patient, appointment, phone = _reminded(client, auth, factory, twilio, runtime, {"language": "es"})
    confirmed, = reply(runtime, patient, "Sí", START - timedelta(hours=23))
    assert confirmed.startswith("Gracias. Su cita del martes, 24 de noviembre, 3:30 p.m. está confirmada.")
    assert _status(client, auth, appointment) == "confirmed"


def test_r_asks_the_front_desk_to_reschedule_once(client, auth, factory, twilio, runtime):
    patient, appointment, phone = _reminded(client, auth, factory, twilio, runtime)
    thanks, = reply(runtime, patient, "R", START - timedelta(hours=23))
    assert "will contact you to find a new time" in thanks and "(312) 555-0100" in thanks
    again, = reply(runtime, patient, "reschedule", START - timedelta(hours=22))
    assert "will contact you to find a new time" in again
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.priority, flag.appointment_id) == ("reschedule_request", "normal", appointment["id"])
    assert _status(client, auth, appointment) == "reschedule_requested"
    assert phone.deliveries(START - timedelta(hours=2)) == []


def test_replies_that_are_not_about_the_appointment_are_left_alone(client, auth, factory, twilio, runtime):
    patient, _, phone = _reminded(client, auth, factory, twilio, runtime)
    assert reply(runtime, patient, "Can I bring my daughter?", START - timedelta(hours=23)) is None
    assert reply(runtime, patient, "C", START + timedelta(hours=2)) is None  # the visit is over
    assert rows(runtime, Flag) == []


def test_c_with_no_reminder_sent_is_not_read_as_a_confirmation(client, auth, factory, runtime):
    patient = factory.patient()
    book(client, auth, patient)
    assert reply(runtime, patient, "C", START - timedelta(days=10)) is None


def test_input_errors_name_the_fields(client, auth, factory):
    patient = factory.patient()
    response = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": patient.id, "starts_at": "2037-11-24T15:30:00", "modality": "carrier pigeon",
        "clinician_phone": "12"})
    assert response.status_code == 422
    assert {"starts_at", "modality"} <= set(response.json["fields"])
    video = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": patient.id, "starts_at": START.isoformat(), "modality": "video"})
    assert video.status_code == 422 and "video_url" in video.json["fields"]
    nobody = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": 999999, "starts_at": START.isoformat(), "modality": "phone"})
    assert nobody.status_code == 422 and "patient_id" in nobody.json["fields"]
    phone = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": patient.id, "starts_at": START.isoformat(), "modality": "phone", "clinician_phone": "12"})
    assert phone.status_code == 422 and "clinician_phone" in phone.json["fields"]


def test_status_changes_are_limited_and_closed_appointments_stay_closed(client, auth, factory):
    appointment = book(client, auth, factory.patient())
    no_show = patch(client, auth, appointment, status="no_show")
    assert no_show.status_code == 422 and "status" in no_show.json["fields"]
    assert patch(client, auth, appointment, status="completed").json["status"] == "completed"
    assert patch(client, auth, appointment, starts_at=START.isoformat()).status_code == 409


def test_booking_stores_the_clinician_phone_and_refuses_a_duplicate_external_id(client, auth, factory):
    patient = factory.patient()
    created = book(client, auth, patient, clinician_phone="(312) 555-0177", external_id="EHR-77")
    assert created["clinician_phone"] == "+13125550177" and created["status"] == "scheduled"
    again = client.post("/api/v1/appointments", headers=auth(), json={
        "patient_id": patient.id, "starts_at": START.isoformat(), "modality": "phone", "external_id": "EHR-77"})
    assert again.status_code == 409


def test_roles_and_the_access_log(client, auth, factory, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient)
    consultant = auth("consultant")
    denied = client.post("/api/v1/appointments", headers=consultant, json={
        "patient_id": patient.id, "starts_at": START.isoformat(), "modality": "phone"})
    assert denied.status_code == 403
    listed = client.get(f"/api/v1/appointments?patient_id={patient.id}", headers=consultant).json["data"]
    assert [a["id"] for a in listed] == [appointment["id"]]
    assert client.get("/api/v1/appointments/999999", headers=consultant).status_code == 404
    client.get(f"/api/v1/appointments/{appointment['id']}", headers=consultant)
    events = rows(runtime, AuditEvent, AuditEvent.resource == "appointment", AuditEvent.patient_id == patient.id)
    assert [e.action for e in events] == ["create", "list", "read"]


def test_a_reminder_that_quiet_hours_would_push_past_the_visit_is_not_sent(client, auth, factory, twilio, runtime):
    patient = factory.patient(timezone="America/Chicago", quiet_hours={"start": time(20, 0), "end": time(8, 0)})
    early = datetime(2037, 11, 24, 13, 0, tzinfo=timezone.utc)  # 7:00 a.m. in Chicago
    book(client, auth, patient, starts_at=early.isoformat())
    phone = Phone(client, twilio, runtime, patient.phone)
    assert len(phone.deliveries(early - timedelta(hours=71))) == 1  # 72 h ahead is 7 a.m.: sent at 8
    assert phone.deliveries(early - timedelta(hours=24)) == []  # 7 a.m. the day before: waits for 8
    assert len(phone.deliveries(early - timedelta(hours=23))) == 1
    assert phone.deliveries(early - timedelta(hours=2)) == []  # 5 a.m.: it could only go after the visit
    assert phone.deliveries(early) == []
