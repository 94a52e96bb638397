"""Delivery reports from Twilio, and what failures mean for reaching the patient."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.db import utcnow
from engage.enums import Channel, DispatchStatus, MessageStatus
from engage.flags.models import Flag
from engage.outbox.models import Dispatch, Message, MessageStatusEvent
from engage.outbox.queue import outbound
from engage.patients.models import Patient
from tests.phone import Phone
from tests.test_quiet_hours import queue
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url


def _send_checkin(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries()
    return patient, twilio.sms_to(patient.phone)


def _report(client, twilio, sid, status, error_code=None, headers=None):
    url, params = twilio.status_callback(sid, status, error_code)
    response = post_signed_url(client, AUTH_TOKEN, url, params, headers)
    assert response.status_code == 204
    return response


def _message(runtime, sid) -> Message:
    with runtime.sessions() as session:
        return session.scalar(select(Message).where(Message.provider_sid == sid))


def _message_by_id(runtime, message_id) -> Message:
    with runtime.sessions() as session:
        return session.get(Message, message_id)


def _patient(runtime, patient_id) -> Patient:
    with runtime.sessions() as session:
        return session.get(Patient, patient_id)


def _flags(runtime):
    with runtime.sessions() as session:
        return session.scalars(select(Flag)).all()


def test_status_only_moves_forward(client, auth, factory, twilio, runtime):
    _, (intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, intro.sid, "delivered")
    _report(client, twilio, intro.sid, "sent")  # late, out of order
    assert _message(runtime, intro.sid).status == MessageStatus.DELIVERED


def test_a_redelivered_callback_counts_once(client, auth, factory, twilio, runtime):
    _, (intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    for _ in range(2):
        _report(client, twilio, intro.sid, "sent")
    _report(client, twilio, intro.sid, "delivered", headers={"I-Twilio-Idempotency-Token": "tok-1"})
    _report(client, twilio, intro.sid, "delivered", headers={"I-Twilio-Idempotency-Token": "tok-1"})
    with runtime.sessions() as session:
        events = session.scalars(select(MessageStatusEvent.status).order_by(MessageStatusEvent.id)).all()
    assert events == ["sent", "delivered"]


@pytest.mark.parametrize("code", [30005, 30006])  # unknown handset, landline
def test_landline_marks_patient_unreachable_and_raises_a_flag(client, auth, factory, twilio, runtime, code):
    patient, (intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, intro.sid, "undelivered", code)
    assert _patient(runtime, patient.id).sms_reachable is False
    flag, = _flags(runtime)
    assert (flag.kind, flag.patient_id) == ("unreachable", patient.id)
    assert flag.reason == f"texts cannot be delivered (provider error {code})"
    assert _message(runtime, intro.sid).error_code == code


def test_each_patient_whose_texts_cannot_be_delivered_gets_a_flag_of_their_own(client, auth, factory, twilio,
                                                                              runtime):
    first, (first_intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    second, (second_intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, first_intro.sid, "undelivered", 30006)
    _report(client, twilio, second_intro.sid, "undelivered", 30006)
    assert [(f.kind, f.patient_id) for f in _flags(runtime)] == [("unreachable", first.id), ("unreachable", second.id)]


def test_a_patient_already_flagged_for_something_else_is_flagged_unreachable_too(client, auth, factory, twilio,
                                                                                 runtime):
    patient, (intro, item) = _send_checkin(client, auth, factory, twilio, runtime)
    Phone(client, twilio, runtime, patient.phone).text("can I talk to someone about my meds")
    before = [f.kind for f in _flags(runtime)]
    assert before and "unreachable" not in before
    _report(client, twilio, intro.sid, "undelivered", 30006)
    assert [f.kind for f in _flags(runtime)] == [*before, "unreachable"]


def _new_number_that_is_a_landline(client, auth, twilio, runtime, patient_id: int, phone: str) -> None:
    assert client.patch(f"/api/v1/patients/{patient_id}", json={"phone": phone}, headers=auth()).status_code == 200
    assert _patient(runtime, patient_id).sms_reachable is True
    message_id = queue(runtime, patient_id, phone, "appointment_reminder", utcnow())
    Phone(client, twilio, runtime, phone).deliveries()
    _report(client, twilio, _message_by_id(runtime, message_id).provider_sid, "undelivered", 30006)
    assert _patient(runtime, patient_id).sms_reachable is False


def test_a_second_landline_while_the_first_flag_is_open_adds_no_flag(client, auth, factory, twilio, runtime):
    patient, (intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, intro.sid, "undelivered", 30006)
    _new_number_that_is_a_landline(client, auth, twilio, runtime, patient.id, "+13125550177")
    assert [f.kind for f in _flags(runtime)] == ["unreachable"]


def test_a_landline_after_the_last_flag_was_resolved_is_flagged_again(client, auth, factory, twilio, runtime):
    patient, (intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, intro.sid, "undelivered", 30006)
    flag, = _flags(runtime)
    resolved = client.post(f"/api/v1/flags/{flag.id}/resolve", json={"note": "new number on file"}, headers=auth())
    assert resolved.status_code == 200, resolved.json
    _new_number_that_is_a_landline(client, auth, twilio, runtime, patient.id, "+13125550177")
    assert [(f.kind, f.status) for f in _flags(runtime)] == [("unreachable", "resolved"), ("unreachable", "open")]


def test_unreachable_handset_counts_only_after_three_in_a_row(client, auth, factory, twilio, runtime):
    patient, (intro, item) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, intro.sid, "undelivered", 30003)
    _report(client, twilio, item.sid, "undelivered", 30003)
    assert _patient(runtime, patient.id).sms_reachable is True and _flags(runtime) == []
    phone = Phone(client, twilio, runtime, patient.phone)
    phone.deliveries(utcnow() + timedelta(hours=4, minutes=5))  # the reminder
    reminder = twilio.sms_to(patient.phone)[2]
    _report(client, twilio, reminder.sid, "undelivered", 30003)
    assert _patient(runtime, patient.id).sms_reachable is False
    assert [f.kind for f in _flags(runtime)] == ["unreachable"]


def test_a_delivery_in_between_resets_the_soft_failure_count(client, auth, factory, twilio, runtime):
    patient, (intro, item) = _send_checkin(client, auth, factory, twilio, runtime)
    _report(client, twilio, intro.sid, "undelivered", 30003)
    _report(client, twilio, item.sid, "delivered")
    assert _patient(runtime, patient.id).sms_soft_failures == 0


@pytest.mark.parametrize("code", [21211, 21614])  # not a phone number, not a mobile number
def test_invalid_number_refused_at_send_marks_unreachable(client, auth, factory, twilio, runtime, code):
    patient = factory.patient()
    twilio.refuse_number(patient.phone, code)
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    Phone(client, twilio, runtime, patient.phone).deliveries()
    assert _patient(runtime, patient.id).sms_reachable is False
    with runtime.sessions() as session:
        statuses = session.scalars(select(Message.status).where(Message.patient_id == patient.id)).all()
    assert MessageStatus.FAILED in statuses
    assert [f.kind for f in _flags(runtime)] == ["unreachable"]


def test_provider_outage_is_retried_later_and_nothing_is_lost(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    twilio.fail_next(10, status=503)
    phone = Phone(client, twilio, runtime, patient.phone)
    now = utcnow()
    assert phone.deliveries(now) == []
    with runtime.sessions() as session:
        retry = session.scalar(select(Dispatch).where(Dispatch.kind == "send_messages"))
        assert retry.status == DispatchStatus.PENDING and "503" in retry.last_error
        # The first retry waits with jitter, but never longer than the first backoff step.
        assert now < retry.due_at <= now + timedelta(seconds=30)
    twilio.clear()
    intro, first = phone.deliveries(now + timedelta(hours=2))
    assert first.startswith("Q1/9:")


def test_twilio_advanced_opt_out_is_recorded_without_a_second_confirmation(client, factory, twilio, runtime, auth):
    patient = factory.patient()
    phone = Phone(client, twilio, runtime, patient.phone)
    assert phone.text("STOP", OptOutType="STOP") == []
    assert client.get(f"/api/v1/patients/{patient.id}", headers=auth()).json["consent"]["sms"] is False


def test_other_refusals_fail_the_message_and_put_it_in_front_of_the_team(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    twilio.refuse_number(patient.phone, 21408)  # region not enabled on the account: not the patient's fault
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
    Phone(client, twilio, runtime, patient.phone).deliveries()
    assert _patient(runtime, patient.id).sms_reachable is True
    assert {(f.kind, f.patient_id) for f in _flags(runtime)} == {("delivery_failure", patient.id)}


def test_a_dispatch_that_keeps_failing_is_given_up_with_a_flag(client, auth, factory, twilio, runtime):
    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    twilio.fail_next(1000, status=503)
    phone, at = Phone(client, twilio, runtime, patient.phone), utcnow()
    for _ in range(9):
        phone.deliveries(at)
        at += timedelta(hours=2)
    with runtime.sessions() as session:
        send = session.scalar(select(Dispatch).where(Dispatch.kind == "send_messages"))
        assert send.status == DispatchStatus.FAILED and send.attempts == 8
    assert [f.kind for f in _flags(runtime)] == ["delivery_failure"]
    assert twilio.sms_to(patient.phone) == []


def test_a_report_that_arrives_before_the_send_was_recorded_still_counts(client, auth, factory, twilio, runtime):
    patient, (intro, _) = _send_checkin(client, auth, factory, twilio, runtime)
    with runtime.sessions.begin() as session:
        # As if Twilio reported before the worker had written down the id Twilio gave the text.
        session.scalar(select(Message).where(Message.provider_sid == intro.sid)).provider_sid = None
    _report(client, twilio, intro.sid, "undelivered", 30006)
    assert _message(runtime, intro.sid).status == MessageStatus.UNDELIVERED
    assert _patient(runtime, patient.id).sms_reachable is False


def test_stop_between_planning_and_sending_cancels_the_rest(client, auth, factory, runtime):
    from engage.sms.delivery import _step
    from engage.patients.service import record_consent

    patient = factory.patient()
    client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq9"}, headers=auth())
    with runtime.sessions.begin() as session:
        for message in [outbound(to=patient.phone, sender="+13125550100", body=kind, kind=kind, patient_id=patient.id)
                        for kind in ("checkin_item", "crisis_resources")]:
            session.add(message)
        record_consent(session, session.get(Patient, patient.id), Channel.SMS, False, "keyword")
    with runtime.sessions() as session:
        item, crisis = session.scalars(select(Message.id).order_by(Message.id)).all()
    assert _step(runtime, None, item) is False  # opted out: a check-in item may not leave
    assert _step(runtime, None, crisis) is True  # crisis resources always may
    assert _step(runtime, None, crisis) is False  # and only once


def test_only_a_connection_that_never_opened_proves_twilio_did_not_take_the_text():
    import requests
    from urllib3.exceptions import ProtocolError

    from engage.gateways.twilio import _may_have_arrived

    assert _may_have_arrived(requests.ReadTimeout()) is True
    assert _may_have_arrived(requests.ConnectionError(ProtocolError("Connection aborted."))) is True
    assert _may_have_arrived(requests.ConnectTimeout()) is False
    assert _may_have_arrived(requests.ConnectionError(OSError("Connection refused"))) is False
