"""The care-manager workspace through Flask's test client: sign-in, its slowing, roles, CSRF, the access log."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engage import create_app
from engage.audit.models import AuditEvent
from engage.auth.models import SignInThrottle, StaffUser
from engage.auth.passwords import set_password
from engage.db import session_scope, utcnow
from engage.enums import FlagOutcome, FlagPriority, FlagStatus, MessageStatus
from engage.flags.models import Flag
from engage.outbox.models import Dispatch, Message
from engage.patients.models import Patient
from engage.registry.models import Contact
from engage.runtime import build_runtime
from tests.caller import Caller
from tests.factories import rows
from tests.phone import Phone
from tests.test_voice_checkins import start_call
from tests.workspace_support import PASSWORD, csrf_token, flag, person, sign_in


@pytest.fixture
def manager(factory, runtime):
    return person(factory, runtime, "care_manager", name="Maria Lopez")


@pytest.fixture
def signed_in(client, manager):
    assert sign_in(client, manager.email).status_code == 303
    return client


def _post(client, path: str, data: dict, page: str = "/"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page).text)})


def test_the_queue_sends_a_stranger_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/queue/rows", headers={"X-Requested-With": "fetch"}).status_code == 401


def test_signing_in_opens_the_queue_and_signing_out_ends_the_session(client, manager):
    response = sign_in(client, manager.email.upper())
    assert response.status_code == 303 and response.location == "/"
    assert "Review queue" in client.get("/").text
    assert _post(client, "/logout", {}).status_code == 303
    assert client.get("/").status_code == 302


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(client, manager):
    assert sign_in(client, manager.email).status_code == 303
    copied = client.get_cookie("session").value
    assert _post(client, "/logout", {}).status_code == 303
    client.set_cookie("session", copied)
    assert client.get("/").status_code == 302
    assert client.get("/queue/rows", headers={"X-Requested-With": "fetch"}).status_code == 401
    # Signing in again opens a new session that works.
    assert sign_in(client, manager.email).status_code == 303 and client.get("/").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite_lax(client, manager):
    cookie = sign_in(client, manager.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_in_production_the_session_cookie_is_secure_and_lapses_after_the_idle_time(runtime):
    production = build_runtime(runtime.settings.with_overrides(env="production", session_idle_minutes=20))
    try:
        app = create_app(runtime=production)
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=20)
    finally:
        production.close()


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, manager):
    response = sign_in(client, manager.email, "not the password")
    assert response.status_code == 401
    assert "The email or password is not right." in response.text
    assert sign_in(client, "nobody@clinic.test").text.count("The email or password is not right.") == 1
    assert client.get("/").status_code == 302


def test_repeated_failures_slow_the_account_even_from_another_address(client, manager):
    for _ in range(5):
        sign_in(client, manager.email, "guess", address="10.0.0.1")
    slowed = sign_in(client, manager.email, address="10.0.0.2")
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    assert "Too many failed sign-ins" in slowed.text


def test_repeated_failures_from_one_address_slow_every_account_from_it(client, factory, runtime, manager):
    # A clinic shares one address: it is allowed more mistakes than one account before slowing.
    for n in range(19):
        sign_in(client, f"guess{n}@clinic.test", "guess", address="10.0.0.9")
    assert sign_in(client, manager.email, address="10.0.0.9").status_code == 303
    sign_in(client, "guess19@clinic.test", "guess", address="10.0.0.9")
    assert sign_in(client, manager.email, address="10.0.0.9").status_code == 429
    assert sign_in(client, manager.email, address="10.0.0.10").status_code == 303


def test_behind_a_trusted_proxy_failures_count_against_the_forwarded_address(runtime, factory):
    proxied = build_runtime(runtime.settings.with_overrides(trusted_proxies=1))
    try:
        client = create_app(runtime=proxied).test_client()
        manager = person(factory, runtime)
        for _ in range(5):
            token = csrf_token(client.get("/login").text)
            client.post("/login", data={"email": manager.email, "password": "guess", "csrf_token": token},
                        headers={"X-Forwarded-For": "203.0.113.7"})
        throttles = {(t.scope, t.key) for t in rows(runtime, SignInThrottle)}
        assert ("address", "203.0.113.7") in throttles and ("address", "127.0.0.1") not in throttles
    finally:
        proxied.close()


def test_a_few_mistakes_do_not_slow_anyone_down(client, manager):
    for _ in range(4):
        sign_in(client, manager.email, "typo")
    assert sign_in(client, manager.email).status_code == 303


def test_an_integration_account_cannot_sign_in(client, factory, runtime):
    robot = person(factory, runtime, "integration")
    response = sign_in(client, robot.email)
    assert response.status_code == 401 and "cannot sign in to the workspace" in response.text
    assert client.get("/").status_code == 302


def test_a_new_password_ends_sessions_opened_with_the_old_one(signed_in, manager, runtime):
    with session_scope(runtime.sessions) as session:
        set_password(session.get(StaffUser, manager.id), "a completely new password")
    assert signed_in.get("/").status_code == 302


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(signed_in, factory, runtime):
    patient = factory.patient()
    raised = flag(runtime, patient.id, "Patient texted")
    response = signed_in.post(f"/flags/{raised.id}/acknowledge")
    assert response.status_code == 400 and "The form has expired" in response.text
    assert rows(runtime, Flag)[0].status is FlagStatus.OPEN


def test_the_sign_in_form_needs_its_csrf_token_too(client, manager):
    response = client.post("/login", data={"email": manager.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_consultant_reads_the_queue_but_cannot_act(client, factory, runtime):
    consultant = person(factory, runtime, "consultant")
    raised = flag(runtime, factory.patient().id, "Patient texted")
    sign_in(client, consultant.email)
    page = client.get("/").text
    assert "Patient texted" in page and "Acknowledge" not in page
    assert _post(client, f"/flags/{raised.id}/acknowledge", {}).status_code == 403
    assert rows(runtime, Flag)[0].status is FlagStatus.OPEN


def test_acknowledge_assign_and_resolve_are_kept_with_the_outcome_and_logged(signed_in, manager, factory, runtime):
    patient = factory.patient()
    raised = flag(runtime, patient.id, "Item 9 answered 2", FlagPriority.URGENT)
    colleague = person(factory, runtime, "care_manager", name="Sam Colleague")
    assert _post(signed_in, f"/flags/{raised.id}/acknowledge", {}).status_code == 303
    assert _post(signed_in, f"/flags/{raised.id}/assign", {"staff_id": colleague.id}).status_code == 303
    assert _post(signed_in, f"/flags/{raised.id}/resolve",
                 {"outcome": "safety_plan", "note": "Called; made a safety plan"}).status_code == 303
    kept = rows(runtime, Flag)[0]
    assert (kept.status, kept.outcome, kept.assigned_to_id) == (FlagStatus.RESOLVED, FlagOutcome.SAFETY_PLAN,
                                                                colleague.id)
    assert kept.events[-1].note == "Called; made a safety plan" and kept.events[-1].actor_id == manager.id
    logged = [(e.action, e.resource, e.patient_id, e.actor_id) for e in rows(runtime, AuditEvent)
              if e.resource == "flag"]
    assert logged == [(action, "flag", patient.id, manager.id) for action in ("acknowledge", "assign", "resolve")]


def test_resolving_without_a_note_is_refused_with_the_reason(signed_in, factory, runtime):
    raised = flag(runtime, factory.patient().id, "Patient texted")
    response = _post(signed_in, f"/flags/{raised.id}/resolve", {"outcome": "no_action_needed", "note": " "})
    assert response.status_code == 303
    assert "Say what was done." in signed_in.get("/").text
    assert rows(runtime, Flag)[0].status is FlagStatus.OPEN


def test_viewing_a_patient_is_in_the_access_log(signed_in, manager, factory, runtime):
    patient = factory.patient(first_name="Dana")
    assert "Dana" in signed_in.get(f"/patients/{patient.id}").text
    views = [e for e in rows(runtime, AuditEvent) if e.action == "view" and e.resource == "patient"]
    assert [(e.patient_id, e.actor_id) for e in views] == [(patient.id, manager.id)]


def test_the_queue_page_logs_each_patient_it_shows(signed_in, factory, runtime):
    first, second = factory.patient(), factory.patient()
    flag(runtime, first.id, "Patient texted")
    flag(runtime, second.id, "Patient texted")
    signed_in.get("/")
    viewed = {e.patient_id for e in rows(runtime, AuditEvent) if e.resource == "queue"}
    assert viewed == {first.id, second.id}


def test_the_refresh_answers_nothing_new_when_nothing_changed(signed_in, factory, runtime):
    flag(runtime, factory.patient().id, "Patient texted")
    headers = {"X-Requested-With": "fetch"}
    first = signed_in.get("/queue/rows?show=all", headers=headers)
    fingerprint = first.text.split('data-fingerprint="')[1].split('"')[0]
    assert signed_in.get(f"/queue/rows?show=all&since={fingerprint}", headers=headers).status_code == 204
    flag(runtime, factory.patient().id, "Urgent wording", FlagPriority.URGENT)
    changed = signed_in.get(f"/queue/rows?show=all&since={fingerprint}", headers=headers)
    assert changed.status_code == 200 and "Urgent wording" in changed.text


def test_mine_shows_only_flags_assigned_to_me(signed_in, manager, factory, runtime):
    mine = flag(runtime, factory.patient().id, "Mine to call")
    flag(runtime, factory.patient().id, "Someone else's")
    _post(signed_in, f"/flags/{mine.id}/assign", {"staff_id": manager.id})
    page = signed_in.get("/?show=mine").text
    assert "Mine to call" in page and "Someone else" not in page


def test_a_text_goes_through_the_outbox_after_quiet_hours(signed_in, factory, runtime):
    patient = factory.patient()
    local_now = utcnow().astimezone(ZoneInfo(patient.timezone))
    with session_scope(runtime.sessions) as session:
        stored = session.get(Patient, patient.id)
        # Quiet from an hour ago to an hour from now: the text must wait for the end.
        stored.quiet_start = (local_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
        stored.quiet_end = (local_now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    response = _post(signed_in, f"/patients/{patient.id}/texts", {"body": "Call us back when you can."},
                     f"/patients/{patient.id}")
    assert response.status_code == 303
    message, = rows(runtime, Message)
    dispatch, = rows(runtime, Dispatch)
    assert (message.body, message.status, message.patient_id) == ("Call us back when you can.",
                                                                   MessageStatus.QUEUED, patient.id)
    assert dispatch.payload["message_ids"] == [message.id]
    assert timedelta(minutes=55) < dispatch.due_at - utcnow() <= timedelta(hours=1)


def test_a_text_to_a_patient_who_has_not_agreed_is_refused(signed_in, factory, runtime):
    patient = factory.patient(consent={"sms": False, "voice": False})
    _post(signed_in, f"/patients/{patient.id}/texts", {"body": "Hello"}, f"/patients/{patient.id}")
    assert rows(runtime, Message) == []
    assert "has not agreed to texts" in signed_in.get(f"/patients/{patient.id}").text


def test_a_recorded_contact_is_kept_and_shown(signed_in, manager, factory, runtime):
    patient = factory.patient()
    _post(signed_in, f"/patients/{patient.id}/contacts", {"method": "phone", "note": "Talked about sleep"},
          f"/patients/{patient.id}")
    contact, = rows(runtime, Contact)
    assert (contact.patient_id, contact.staff_id, contact.note) == (patient.id, manager.id, "Talked about sleep")
    assert "Talked about sleep" in signed_in.get(f"/patients/{patient.id}").text


def test_the_caseload_csv_is_logged_as_an_export(signed_in, runtime):
    response = signed_in.get("/caseload.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.text.splitlines()[0].startswith("patient_id,first_name,last_name,instrument,status")
    assert [e.action for e in rows(runtime, AuditEvent) if e.resource == "caseload"] == ["export"]


@pytest.mark.parametrize("name", ["\t=1+1", "\r=1+1"])
def test_a_name_that_a_spreadsheet_would_run_after_a_tab_or_return_is_exported_as_text(signed_in, auth, factory,
                                                                                       name):
    # The API refuses such a name now; one stored before, or by another way in, is still exported safely.
    patient = factory.patient(first_name=name)
    assert signed_in.post(f"/api/v1/patients/{patient.id}/enrollments", headers=auth(),
                          json={"instrument": "phq9", "interval_days": 14}).status_code == 201
    exported = signed_in.get("/caseload.csv").text
    assert "'" + name in exported and f",{name}," not in exported


@pytest.mark.parametrize("back", ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example"])
def test_a_back_field_with_a_tab_or_newline_returns_to_the_queue(signed_in, factory, runtime, back):
    raised = flag(runtime, factory.patient().id, "Patient texted")
    response = _post(signed_in, f"/flags/{raised.id}/acknowledge", {"back": back})
    assert response.status_code == 303 and response.location == "/"


def test_an_id_no_row_can_have_is_a_404_not_a_crash(signed_in):
    assert signed_in.get("/patients/99999999999").status_code == 404
    assert signed_in.get("/patients/12345").status_code == 404


def test_the_registry_api_needs_no_csrf_token(client, auth, factory):
    patient = factory.patient()
    response = client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    assert response.status_code == 201


def _conversation(page: str) -> str:
    return page.split('id="conversation-heading"')[1].split("</section>")[0]


def test_the_conversation_shows_a_check_in_call_with_what_was_pressed_and_said_then_a_text(signed_in, client, auth,
                                                                                           factory, twilio, runtime):
    patient = factory.patient(first_name="Dana")
    start_call(client, auth, patient, "phq9")
    phone = Caller(client, twilio, runtime, patient.phone)
    phone.ring()
    phone.answer()
    phone.press("1")
    phone.press("2")
    phone.say("several days <b>maybe</b>")
    phone.hang_up()
    Phone(client, twilio, runtime, patient.phone).text("Can we talk tomorrow?")
    shown = _conversation(signed_in.get(f"/patients/{patient.id}").text)
    order = ["Call to patient · Checkin", "Completed · answered by Human", "Pressed 1", "Pressed 2",
             "Said “several days &lt;b&gt;maybe&lt;/b&gt;”", "From patient · SMS", "Can we talk tomorrow?"]
    places = [shown.find(part) for part in order]
    assert -1 not in places, shown
    assert places == sorted(places)
    assert "<b>maybe" not in shown and "<Response>" not in shown and "&lt;Response&gt;" not in shown
    # The re-prompt the text got is stored in the same moment as the text, and still reads after it.
    assert shown.rfind("Sorry") > places[-1], shown
