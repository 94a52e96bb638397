"""The loopback Twilio itself: what other tests rely on it to answer and to report."""
from __future__ import annotations

import threading

import pytest
from twilio.base.exceptions import TwilioRestException

from engage.gateways import PermanentSendError, TransientSendError
from tests.gateways.conftest import CLINIC_NUMBER, PATIENT_NUMBER, PUBLIC_URL
from tests.twilio_loopback import ACCOUNT_SID, num_segments

ANSWER_URL = PUBLIC_URL + "/webhooks/twilio/voice"


def test_delivery_report_for_a_message_is_what_twilio_posts(gateway, loopback):
    sid = gateway.send_sms(PATIENT_NUMBER, "Hello").provider_sid

    url, params = loopback.status_callback(sid, "undelivered", error_code=30006)

    assert url == PUBLIC_URL + "/webhooks/twilio/status"
    assert params == {
        "MessageSid": sid, "SmsSid": sid, "MessageStatus": "undelivered", "SmsStatus": "undelivered",
        "AccountSid": ACCOUNT_SID, "To": PATIENT_NUMBER, "From": CLINIC_NUMBER, "ApiVersion": "2010-04-01",
        "ErrorCode": "30006",
    }


def test_delivery_report_changes_what_a_fetch_answers(gateway, loopback):
    sid = gateway.send_sms(PATIENT_NUMBER, "Hello").provider_sid

    loopback.status_callback(sid, "delivered")

    assert gateway.client.messages(sid).fetch().status == "delivered"


def test_call_progress_and_answer_are_what_twilio_posts(gateway, loopback):
    sid = gateway.place_call(PATIENT_NUMBER, ANSWER_URL).provider_sid

    status_url, progress = loopback.status_callback(sid, "ringing")
    answer_url, answer = loopback.answer_call(sid, answered_by="machine_start")

    assert status_url == PUBLIC_URL + "/webhooks/twilio/status"
    assert progress["CallSid"] == sid and progress["CallStatus"] == "ringing"
    assert answer_url == ANSWER_URL
    assert answer["CallStatus"] == "in-progress" and answer["AnsweredBy"] == "machine_start"


def test_live_call_can_be_redirected_but_not_once_finished(gateway, loopback):
    sid = gateway.place_call(PATIENT_NUMBER, ANSWER_URL).provider_sid
    loopback.answer_call(sid)

    gateway.client.calls(sid).update(twiml="<Response><Dial><Conference>visit-7</Conference></Dial></Response>")
    loopback.status_callback(sid, "completed")
    with pytest.raises(TwilioRestException) as refused:
        gateway.client.calls(sid).update(url=ANSWER_URL)

    [update] = [r for r in loopback.received if r.kind == "call_update"]
    assert update.sid == sid and "<Conference>visit-7</Conference>" in update.params["Twiml"]
    assert refused.value.code == 21220


def test_a_message_without_body_is_refused_as_twilio_does(gateway, loopback):
    with pytest.raises(PermanentSendError) as refused:
        gateway.send_sms(PATIENT_NUMBER, "")

    assert refused.value.code == 21602
    assert [(r.kind, r.status, r.code) for r in loopback.rejected] == [("sms", 400, 21602)]


def test_injected_failures_are_recorded_as_rejections(gateway, loopback):
    loopback.fail_next(2, 429)

    for _ in range(2):
        with pytest.raises(TransientSendError):
            gateway.send_sms(PATIENT_NUMBER, "Hello")
    gateway.send_sms(PATIENT_NUMBER, "Hello")

    assert [(r.status, r.code) for r in loopback.rejected] == [(429, 20429), (429, 20429)]
    assert len(loopback.sms_to(PATIENT_NUMBER)) == 1


def test_wait_for_sees_sends_from_another_thread(gateway, loopback):
    sender = threading.Thread(target=lambda: [gateway.send_sms(PATIENT_NUMBER, str(n)) for n in range(3)])
    sender.start()

    received = loopback.wait_for(3, timeout=5)

    sender.join()
    assert [r.body for r in received] == ["0", "1", "2"]


def test_wait_for_fails_clearly_when_nothing_comes(loopback):
    with pytest.raises(AssertionError, match="expected 1 requests"):
        loopback.wait_for(1, timeout=0.05)


def test_clear_forgets_everything_injected_and_received(gateway, loopback):
    gateway.send_sms(PATIENT_NUMBER, "Hello")
    loopback.refuse_number(PATIENT_NUMBER)
    loopback.fail_next(3)

    loopback.clear()

    assert gateway.send_sms(PATIENT_NUMBER, "Hello").status == "queued"
    assert len(loopback.received) == 1 and loopback.rejected == []


@pytest.mark.parametrize("body, segments", [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("{" * 80, 1), ("{" * 81, 2),  # extension characters take two GSM units
    ("¿Cómo está? " + "a" * 58, 1), ("¿Cómo está? " + "a" * 59, 2),  # á needs UCS-2
    ("ñ" * 160, 1),  # but ñ is GSM
])
def test_segments_are_counted_as_carriers_count(body, segments):
    assert num_segments(body) == segments
