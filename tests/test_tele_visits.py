"""Tele-visits: the personal join link, the visit page, and the switch to an audio-only conference call."""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta, timezone
from html import unescape

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import update
from werkzeug.serving import make_server

from engage import create_app

from engage.db import session_scope, utcnow
from engage.enums import AppointmentModality
from engage.flags.models import Flag
from engage.outbox.models import Dispatch
from engage.outreach.appointments import REMINDER, create_appointment
from engage.outreach.models import Appointment
from engage.outreach.visit_links import visit_link
from engage.patients.models import Patient
from engage.runtime import build_runtime
from engage.scheduling.tick import tick
from tests.factories import rows
from tests.phone import Phone
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed, post_signed_url

VIDEO_URL = "https://video.example.com/room/4821"
CLINICIAN_PHONE = "+13125550177"
CHICAGO_NIGHT = datetime(2037, 11, 24, 5, 0, tzinfo=timezone.utc)  # 11 p.m. on the 23rd in Chicago


def book(client, auth, patient, starts_at: datetime, **fields) -> dict:
    body = {"patient_id": patient.id, "starts_at": starts_at.isoformat(), "modality": "video", "video_url": VIDEO_URL,
            "clinician_phone": CLINICIAN_PHONE, **fields}
    response = client.post("/api/v1/appointments", json=body, headers=auth())
    assert response.status_code == 201, response.json
    return response.json


def book_as_of(runtime, patient, starts_at: datetime, now: datetime) -> int:
    """Booked as the front desk would at `now` (the API books at the wall clock's now)."""
    with session_scope(runtime.sessions) as session:
        data = {"patient_id": patient.id, "starts_at": starts_at, "modality": AppointmentModality.VIDEO,
                "video_url": VIDEO_URL,
                "clinician_phone": CLINICIAN_PHONE}
        return create_appointment(session, runtime.settings, data, now).id


def link_in(texts: list[str]) -> str:
    return next(word for text in texts for word in text.split() if "/visit/" in word)


def path_of(link: str) -> str:
    return link.removeprefix("https://engage.test")


def read(client, auth, appointment_id: int) -> dict:
    return client.get(f"/api/v1/appointments/{appointment_id}", headers=auth()).json


# The link is sent ---------------------------------------------------------------------------------------


def test_a_video_visit_booked_an_hour_ahead_gets_its_link_at_once(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    now = utcnow()
    appointment = book(client, auth, patient, now + timedelta(hours=1))
    reminder, link_text = Phone(client, twilio, runtime, patient.phone).deliveries(utcnow())
    assert "Reminder: you have a video visit on" in reminder and "Reply CALL" in reminder
    assert link_text.startswith("To join your video visit, tap this link: https://engage.test/visit/")
    assert [d.payload["offset_hours"] for d in rows(runtime, Dispatch, Dispatch.kind == REMINDER)] == [0]
    assert read(client, auth, appointment["id"])["reminded_at"] is not None


def test_a_same_day_link_waits_for_the_end_of_quiet_hours(factory, client, twilio, runtime):
    patient = factory.patient(quiet_hours={"start": time(20, 0), "end": time(8, 0)})
    nine_am = datetime(2037, 11, 24, 15, 0, tzinfo=timezone.utc)
    book_as_of(runtime, patient, nine_am, CHICAGO_NIGHT)
    phone = Phone(client, twilio, runtime, patient.phone)
    assert phone.deliveries(CHICAGO_NIGHT) == []
    assert phone.deliveries(datetime(2037, 11, 24, 13, 59, tzinfo=timezone.utc)) == []  # 7:59 a.m.
    reminder, link_text = phone.deliveries(datetime(2037, 11, 24, 14, 0, tzinfo=timezone.utc))  # 8:00 a.m.
    assert "9:00 AM" in reminder and "/visit/" in link_text


def test_no_link_once_the_visit_has_begun(factory, client, twilio, runtime):
    patient = factory.patient(quiet_hours={"start": time(20, 0), "end": time(8, 0)})
    seven_thirty = datetime(2037, 11, 24, 13, 30, tzinfo=timezone.utc)  # before quiet hours end
    book_as_of(runtime, patient, seven_thirty, CHICAGO_NIGHT)
    assert rows(runtime, Dispatch, Dispatch.kind == REMINDER) == []
    other = factory.patient()
    starts = datetime(2037, 11, 24, 18, 0, tzinfo=timezone.utc)
    book_as_of(runtime, other, starts, starts - timedelta(minutes=10))
    # The workers were down until the visit had begun: the link is not sent late.
    assert Phone(client, twilio, runtime, other.phone).deliveries(starts + timedelta(minutes=1)) == []
    reminder, = rows(runtime, Dispatch, Dispatch.kind == REMINDER, Dispatch.patient_id == other.id)
    assert reminder.payload["note"] == "appointment has started"


# The visit page -----------------------------------------------------------------------------------------


def test_the_link_opens_the_page_in_the_patients_language_and_leads_to_the_video(client, auth, factory, twilio,
                                                                                    runtime):
    patient = factory.patient(language="es")
    now = utcnow()
    book(client, auth, patient, now + timedelta(hours=1))
    link = link_in(Phone(client, twilio, runtime, patient.phone).deliveries(utcnow()))
    page = client.get(path_of(link))
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and '<html lang="es">' in html
    assert f'href="{VIDEO_URL}"' in html and "Ir a la sala de video" in html
    assert "Quiero una llamada" in html and 'method="post"' in html
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"


def _plain(page) -> str:
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "This link does not work" in html and "Este enlace no sirve" in html
    return html


def test_a_tampered_or_foreign_token_gets_a_plain_page_that_names_nothing(client, auth, factory, twilio, runtime,
                                                                          settings):
    patient = factory.patient(first_name="Lucia")
    now = utcnow()
    appointment = book(client, auth, patient, now + timedelta(hours=1))
    link = link_in(Phone(client, twilio, runtime, patient.phone).deliveries(utcnow()))
    token = link.rsplit("/", 1)[1]
    forged = URLSafeSerializer("not the clinic's key", salt="engage.visit-link").dumps(
        [appointment["id"], int((now + timedelta(days=1)).timestamp())])
    other_salt = URLSafeSerializer(settings.secret_key, salt="something else").dumps(
        [appointment["id"], int((now + timedelta(days=1)).timestamp())])
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, other_salt, "x", "." * 300):
        html = _plain(client.get(f"/visit/{bad}"))
        for secret in ("Lucia", "Riverside", VIDEO_URL, "video.example.com", "AM", "PM"):
            assert secret not in html
        assert _plain(client.post(f"/visit/{bad}/call", data={"token": bad}))
    assert rows(runtime, Dispatch, Dispatch.kind == "visit_calls") == []


def test_a_link_after_the_visit_has_ended_gets_the_plain_page(client, auth, factory, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient, utcnow() - timedelta(hours=2))
    with session_scope(runtime.sessions) as session:
        link = visit_link(runtime.settings, session.get(Appointment, appointment["id"]))
    html = _plain(client.get(path_of(link)))
    assert VIDEO_URL not in html


def test_a_call_request_without_the_token_in_the_form_is_refused(client, auth, factory, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient, utcnow() + timedelta(minutes=30))
    with session_scope(runtime.sessions) as session:
        token = visit_link(runtime.settings, session.get(Appointment, appointment["id"])).rsplit("/", 1)[1]
    _plain(client.post(f"/visit/{token}/call"))
    assert read(client, auth, appointment["id"])["modality_used"] is None


# The audio-only conference --------------------------------------------------------------------------------


def _visit_under_way(client, auth, factory, **patient_fields):
    """A video visit that began five minutes ago, as when the video fails."""
    patient = factory.patient(**patient_fields)
    appointment = book(client, auth, patient, utcnow() - timedelta(minutes=5))
    return patient, appointment


def _conference(twilio, runtime, client, patient, appointment) -> dict[str, ET.Element]:
    """Runs a pass; both calls must reach Twilio, the clinician's first; each side answers and hears its TwiML."""
    tick(runtime, utcnow())
    calls = [r for r in twilio.received if r.kind == "call"]
    assert [c.to for c in calls] == [CLINICIAN_PHONE, patient.phone]
    base = f"https://engage.test/webhooks/twilio/voice/visit/{appointment['id']}"
    assert [c.url for c in calls] == [f"{base}/clinician", f"{base}/patient"]
    heard = {}
    for side, call in zip(("clinician", "patient"), calls):
        url, params = twilio.answer_call(call.sid)
        response = post_signed_url(client, AUTH_TOKEN, url, params)
        assert response.status_code == 200 and response.mimetype == "application/xml"
        heard[side] = ET.fromstring(response.data)
    return heard


def _assert_conference_twiml(heard: dict[str, ET.Element], appointment: dict, patient_says: str, language: str):
    name = f"visit-{appointment['id']}"
    clinician, patient = heard["clinician"], heard["patient"]
    assert [child.tag for child in clinician] == ["Say", "Dial"]
    assert clinician.find("Say").get("language") == "en-US"
    assert "Your patient's visit will continue by phone" in clinician.find("Say").text
    opening = clinician.find("Dial/Conference")
    assert opening.text == name
    assert (opening.get("startConferenceOnEnter"), opening.get("endConferenceOnExit")) == ("true", "true")
    assert [child.tag for child in patient] == ["Say", "Dial"]
    assert patient.find("Say").get("language") == language and patient.find("Say").text.startswith(patient_says)
    waiting = patient.find("Dial/Conference")
    assert waiting.text == name and waiting.get("startConferenceOnEnter") == "false"
    for conference, side in ((opening, "clinician"), (waiting, "patient")):
        assert conference.get("statusCallback") == (
            f"https://engage.test/webhooks/twilio/voice/visit/{appointment['id']}/{side}/events")
        assert conference.get("statusCallbackEvent") == "join leave"


def test_call_me_instead_on_the_page_calls_both_into_one_conference(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory, language="es")
    with session_scope(runtime.sessions) as session:
        link = visit_link(runtime.settings, session.get(Appointment, appointment["id"]))
    page = client.get(path_of(link)).get_data(as_text=True)
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', page)[1])
    token = unescape(re.search(r'name="token" value="([^"]+)"', page)[1])
    answered = client.post(action, data={"token": token})
    assert answered.status_code == 303
    after = client.get(answered.headers["Location"]).get_data(as_text=True)
    assert "Le vamos a llamar por teléfono para su cita." in unescape(after) and VIDEO_URL not in after
    heard = _conference(twilio, runtime, client, patient, appointment)
    _assert_conference_twiml(heard, appointment, "Hola, le llamamos de Riverside Family Medicine. Su cita va a seguir "
                             "por teléfono.", "es-MX")
    stored = read(client, auth, appointment["id"])
    assert (stored["modality_used"], stored["fallback_reason"], stored["fallback_source"]) == (
        "phone", "patient_requested_call", "page")


@pytest.mark.parametrize("word, language, reply", [
    ("CALL", "en", "Riverside Family Medicine: Thank you. We will call you at this number for your visit."),
    ("llamar", "es", "Riverside Family Medicine: Gracias. Le vamos a llamar a este número para su cita."),
])
def test_a_call_text_on_the_day_of_a_video_visit_joins_both_in_a_conference(client, auth, factory, twilio, runtime,
                                                                           word, language, reply):
    patient, appointment = _visit_under_way(client, auth, factory, language=language)
    phone = Phone(client, twilio, runtime, patient.phone)
    assert phone.text(word) == [reply]
    heard = _conference(twilio, runtime, client, patient, appointment)
    says = {"en": "Hello, this is Riverside Family Medicine. Your visit will continue by phone.",
            "es": "Hola, le llamamos de Riverside Family Medicine. Su cita va a seguir por teléfono."}
    _assert_conference_twiml(heard, appointment, says[language], {"en": "en-US", "es": "es-MX"}[language])
    stored = read(client, auth, appointment["id"])
    assert (stored["modality_used"], stored["fallback_source"]) == ("phone", "text")
    assert phone.text(word) == [reply]  # asking again places no second pair of calls
    tick(runtime, utcnow())
    assert len([r for r in twilio.received if r.kind == "call"]) == 2


def test_call_without_a_video_visit_today_is_read_like_any_other_text(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    appointment = book(client, auth, patient, utcnow() + timedelta(days=3))
    phone = Phone(client, twilio, runtime, patient.phone)
    reply, = phone.text("CALL")
    assert reply.startswith("Riverside Family Medicine: We got your message.")
    flag, = rows(runtime, Flag)
    assert flag.kind == "patient_message"
    assert read(client, auth, appointment["id"])["modality_used"] is None
    tick(runtime, utcnow())
    assert [r for r in twilio.received if r.kind == "call"] == []


def test_the_clinician_switches_the_visit_to_a_call_through_the_api(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    response = client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth("clinician"),
                           json={"reason": "video_failed", "note": "the patient's camera froze"})
    assert response.status_code == 200, response.json
    assert (response.json["modality_used"], response.json["fallback_reason"], response.json["fallback_source"],
            response.json["fallback_note"]) == ("phone", "video_failed", "clinician", "the patient's camera froze")
    heard = _conference(twilio, runtime, client, patient, appointment)
    _assert_conference_twiml(heard, appointment, "Hello, this is Riverside Family Medicine. Your visit will continue "
                             "by phone.", "en-US")


def test_join_and_leave_reports_are_recorded_for_each_side(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth(),
                json={"reason": "patient_cannot_connect"})
    heard = _conference(twilio, runtime, client, patient, appointment)
    events = [("clinician", "participant-join", "21:31:05"), ("patient", "participant-join", "21:31:40"),
              ("patient", "participant-leave", "21:52:10"), ("clinician", "participant-leave", "21:52:12"),
              ("patient", "participant-join", "21:31:40")]  # a report delivered twice changes nothing
    for side, event, clock in events:
        url = heard[side].find("Dial/Conference").get("statusCallback")
        params = {"AccountSid": twilio.account_sid, "ConferenceSid": "CF" + "0" * 32,
                  "FriendlyName": f"visit-{appointment['id']}", "StatusCallbackEvent": event,
                  "CallSid": "CA" + "1" * 32, "Timestamp": f"Tue, 24 Nov 2037 {clock} +0000", "SequenceNumber": "1"}
        assert post_signed_url(client, AUTH_TOKEN, url, params).status_code == 204
    stored = read(client, auth, appointment["id"])
    assert {key: stored[key][11:19] for key in ("clinician_joined_at", "patient_joined_at", "patient_left_at",
                                                "clinician_left_at")} == {
        "clinician_joined_at": "21:31:05", "patient_joined_at": "21:31:40", "patient_left_at": "21:52:10",
        "clinician_left_at": "21:52:12"}
    assert stored["modality_used"] == "phone"


def test_a_patient_with_no_video_is_called_at_the_visit_time_and_gets_no_link(client, auth, factory, twilio,
                                                                               runtime):
    patient = factory.patient(no_video=True)
    starts = datetime(2037, 11, 24, 21, 30, tzinfo=timezone.utc)
    appointment = book(client, auth, patient, starts)
    phone = Phone(client, twilio, runtime, patient.phone)
    reminder, = phone.deliveries(starts - timedelta(hours=2))
    assert "Reminder: you have a visit on" in reminder and "https://" not in reminder
    assert [r for r in twilio.received if r.kind == "call"] == []
    tick(runtime, starts)
    assert [r.to for r in twilio.received if r.kind == "call"] == [CLINICIAN_PHONE, patient.phone]
    stored = read(client, auth, appointment["id"])
    assert (stored["modality_used"], stored["fallback_reason"], stored["fallback_source"]) == (
        "phone", "no_video", "preference")


def test_audio_fallback_refuses_what_cannot_become_a_call(client, auth, factory):
    patient = factory.patient()
    url = "/api/v1/appointments/{}/audio-fallback"
    in_person = book(client, auth, patient, utcnow() + timedelta(hours=1), modality="in_person", video_url=None)
    over = book(client, auth, patient, utcnow() - timedelta(hours=3))
    ahead = book(client, auth, patient, utcnow() + timedelta(hours=1))
    assert client.post(url.format(in_person["id"]), headers=auth(), json={"reason": "other"}).status_code == 409
    assert client.post(url.format(over["id"]), headers=auth(), json={"reason": "other"}).status_code == 409
    missing = client.post(url.format(ahead["id"]), headers=auth(), json={})
    assert missing.status_code == 422 and "reason" in missing.json["fields"]
    preference = client.post(url.format(ahead["id"]), headers=auth(), json={"reason": "no_video"})
    assert preference.status_code == 422 and "reason" in preference.json["fields"]
    assert client.post(url.format(ahead["id"]), headers=auth("consultant"), json={"reason": "other"}).status_code == 403
    assert client.post(url.format(999999), headers=auth(), json={"reason": "other"}).status_code == 404
    assert read(client, auth, ahead["id"])["modality_used"] is None


def _calls(twilio) -> list[str]:
    return [r.to for r in twilio.received if r.kind == "call"]


def test_the_clinicians_switch_calls_nobody_when_the_patient_did_not_agree_to_calls(client, auth, factory, twilio,
                                                                                   runtime):
    patient, appointment = _visit_under_way(client, auth, factory, consent={"sms": True, "voice": False})
    response = client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth("clinician"),
                           json={"reason": "video_failed"})
    assert response.status_code == 200, response.json
    assert response.json["calls_planned"] is False and response.json["modality_used"] is None
    tick(runtime, utcnow() + timedelta(minutes=1))
    assert _calls(twilio) == []
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.appointment_id) == ("call_request", appointment["id"])
    assert "has not agreed to calls" in flag.reason


def test_a_no_video_preference_calls_nobody_when_the_patient_did_not_agree_to_calls(client, auth, factory, twilio,
                                                                                     runtime):
    patient = factory.patient(no_video=True, consent={"sms": True, "voice": False})
    starts = utcnow() + timedelta(minutes=1)
    appointment = book(client, auth, patient, starts)
    tick(runtime, starts + timedelta(minutes=1))
    assert _calls(twilio) == []
    assert [(f.kind, f.appointment_id) for f in rows(runtime, Flag)] == [("call_request", appointment["id"])]
    assert read(client, auth, appointment["id"])["modality_used"] is None


def test_the_patients_own_call_request_is_consent_for_that_call(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory, consent={"sms": True, "voice": False})
    client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth("clinician"),
                json={"reason": "video_failed"})
    Phone(client, twilio, runtime, patient.phone).text("CALL")
    tick(runtime, utcnow())
    assert _calls(twilio) == [CLINICIAN_PHONE, patient.phone]
    stored = read(client, auth, appointment["id"])
    assert (stored["modality_used"], stored["fallback_source"]) == ("phone", "text")
    assert client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]["voice"] is False


@pytest.mark.parametrize(("change", "reason"), [
    ({"voice_consent": False}, "the patient has not agreed to calls"),
    ({"active": False}, "the patient is no longer in care"),
])
def test_calls_planned_while_the_patient_could_be_called_are_not_placed_once_they_cannot(
        client, auth, factory, twilio, runtime, change, reason):
    patient, appointment = _visit_under_way(client, auth, factory)
    response = client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth("clinician"),
                           json={"reason": "video_failed"})
    assert response.json["calls_planned"] is True
    with session_scope(runtime.sessions) as session:
        session.execute(update(Patient).where(Patient.id == patient.id).values(**change))
    tick(runtime, utcnow())
    assert _calls(twilio) == []
    flag, = rows(runtime, Flag)
    assert (flag.kind, flag.appointment_id) == ("call_request", appointment["id"])
    assert reason in flag.reason
    dispatch, = [d for d in rows(runtime, Dispatch) if d.kind == "visit_calls"]
    assert dispatch.payload["calls"] == {}


def test_a_patient_who_asked_for_the_call_but_left_care_before_it_is_not_called(client, auth, factory, twilio,
                                                                              runtime):
    patient, appointment = _visit_under_way(client, auth, factory, consent={"sms": True, "voice": False})
    Phone(client, twilio, runtime, patient.phone).text("CALL")
    with session_scope(runtime.sessions) as session:
        session.execute(update(Patient).where(Patient.id == patient.id).values(active=False))
    tick(runtime, utcnow())
    assert _calls(twilio) == []
    assert [(f.kind, f.appointment_id) for f in rows(runtime, Flag)] == [("call_request", appointment["id"])]


def test_the_clinicians_switch_answers_that_calls_are_planned(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    response = client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth("admin"),
                           json={"reason": "video_failed"})
    assert response.status_code == 200 and response.json["calls_planned"] is True


def test_an_integration_token_may_not_switch_a_visit_to_a_call(client, auth, factory, twilio, runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    response = client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth("integration"),
                           json={"reason": "video_failed"})
    assert response.status_code == 403
    assert read(client, auth, appointment["id"])["modality_used"] is None
    tick(runtime, utcnow())
    assert _calls(twilio) == []


def test_visit_webhooks_need_twilios_signature(client, auth, factory, runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    path = f"/webhooks/twilio/voice/visit/{appointment['id']}/patient"
    assert client.post(path, data={"CallSid": "CA1"}).status_code == 403
    assert client.post(path + "/events", data={"StatusCallbackEvent": "participant-join"}).status_code == 403
    assert post_signed(client, "wrong token", runtime.settings.public_url, path, {"CallSid": "CA1"}).status_code == 403


def test_a_call_nobody_asked_for_hears_only_goodbye_and_a_machine_only_the_clinic(client, auth, factory, twilio,
                                                                                  runtime):
    patient, appointment = _visit_under_way(client, auth, factory)
    settings = runtime.settings
    not_switched = post_signed(client, AUTH_TOKEN, settings.public_url,
                               f"/webhooks/twilio/voice/visit/{appointment['id']}/patient", {"CallSid": "CA1"})
    assert [e.tag for e in ET.fromstring(not_switched.data)] == ["Say", "Hangup"]
    assert post_signed(client, AUTH_TOKEN, settings.public_url,
                       f"/webhooks/twilio/voice/visit/{appointment['id']}/someone", {}).status_code == 404
    client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth(), json={"reason": "other"})
    tick(runtime, utcnow())
    call = twilio.calls_to(patient.phone)[0]
    url, params = twilio.answer_call(call.sid, answered_by="machine_end_beep")
    voicemail = ET.fromstring(post_signed_url(client, AUTH_TOKEN, url, params).data)
    assert [e.tag for e in voicemail] == ["Say", "Hangup"]
    assert voicemail.find("Say").text == ("Hello, this is Riverside Family Medicine. Please call us back at "
                                          "3 1 2, 5 5 5, 0 1 0 0. Thank you. Goodbye.")


def test_the_console_gateway_shows_both_calls_and_the_conference(settings, factory, auth, capsys):
    """`make run`: the console gateway answers each call it places from the running service and prints it."""
    app_holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: app_holder["app"](environ, start), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    console = settings.with_overrides(gateway="console", public_url=f"http://127.0.0.1:{server.server_port}")
    runtime = build_runtime(console)
    try:
        app_holder["app"] = create_app(runtime=runtime)
        client = app_holder["app"].test_client()
        patient, appointment = _visit_under_way(client, auth, factory, language="es")
        assert client.post(f"/api/v1/appointments/{appointment['id']}/audio-fallback", headers=auth(),
                           json={"reason": "video_failed"}).status_code == 200
        capsys.readouterr()
        tick(runtime, utcnow())
        printed = capsys.readouterr().out.splitlines()
    finally:
        server.shutdown()
        runtime.close()
    base = f"{console.public_url}/webhooks/twilio/voice/visit/{appointment['id']}"
    name = f"visit-{appointment['id']}"
    assert printed == [
        f"[call → {CLINICIAN_PHONE}] answers with {base}/clinician",
        f"[call → {CLINICIAN_PHONE}] hears: This is Riverside Family Medicine. Your patient's visit will continue by "
        "phone. Please stay on the line while we connect you.",
        f"[call → {CLINICIAN_PHONE}] joins conference {name} (starts it)",
        f"[call → {patient.phone}] answers with {base}/patient",
        f"[call → {patient.phone}] hears: Hola, le llamamos de Riverside Family Medicine. Su cita va a seguir por "
        "teléfono. Por favor, no cuelgue mientras le comunicamos.",
        f"[call → {patient.phone}] joins conference {name} (waits for it to start)",
    ]
