from __future__ import annotations

import socket

import pytest

from engage.gateways import PermanentSendError, Sent, TransientSendError
from engage.gateways.twilio import RedirectingHttpClient, TwilioGateway
from tests.gateways.conftest import CLINIC_NUMBER, PATIENT_NUMBER, PUBLIC_URL
from tests.twilio_loopback import ACCOUNT_SID

STATUS_CALLBACK = PUBLIC_URL + "/webhooks/twilio/status"
ANSWER_URL = PUBLIC_URL + "/webhooks/twilio/voice?checkin=7"


def test_sms_reaches_twilio_with_sender_body_and_status_callback(gateway, loopback):
    gateway.send_sms(PATIENT_NUMBER, "Riverside Family Medicine: time for your check-in. Reply 0-3.")

    [sms] = loopback.sms_to(PATIENT_NUMBER)
    assert sms.from_ == CLINIC_NUMBER
    assert sms.body == "Riverside Family Medicine: time for your check-in. Reply 0-3."
    assert sms.status_callback == STATUS_CALLBACK
    assert "MessagingServiceSid" not in sms.params


def test_sent_carries_the_sid_and_status_twilio_answered(gateway, loopback):
    sent = gateway.send_sms(PATIENT_NUMBER, "Hola")

    [sms] = loopback.sms_to(PATIENT_NUMBER)
    assert sent == Sent(provider_sid=sms.sid, status="queued")
    assert sent.provider_sid.startswith("SM") and len(sent.provider_sid) == 34


def test_messaging_service_chooses_the_sender_when_configured(twilio_settings, loopback):
    service = "MG" + "0a" * 16
    gateway = TwilioGateway(twilio_settings(ENGAGE_TWILIO_MESSAGING_SERVICE_SID=service))

    gateway.send_sms(PATIENT_NUMBER, "Reminder")

    [sms] = loopback.sms_to(PATIENT_NUMBER)
    assert sms.params["MessagingServiceSid"] == service
    assert sms.from_ is None


def test_call_asks_for_progress_events_and_machine_detection(gateway, loopback):
    sent = gateway.place_call(PATIENT_NUMBER, ANSWER_URL)

    [call] = loopback.calls_to(PATIENT_NUMBER)
    assert sent == Sent(provider_sid=call.sid, status="queued")
    assert call.sid.startswith("CA")
    assert call.from_ == CLINIC_NUMBER
    assert call.url == ANSWER_URL
    assert call.status_callback == STATUS_CALLBACK
    assert call.params["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert call.params["MachineDetection"] == "DetectMessageEnd"


def test_without_a_public_url_nothing_asks_for_status_callbacks(twilio_settings, loopback):
    gateway = TwilioGateway(twilio_settings(ENGAGE_PUBLIC_URL=None))

    gateway.send_sms(PATIENT_NUMBER, "Hello")
    gateway.place_call(PATIENT_NUMBER, ANSWER_URL)

    [sms], [call] = loopback.sms_to(PATIENT_NUMBER), loopback.calls_to(PATIENT_NUMBER)
    assert sms.status_callback is None and call.status_callback is None
    assert "StatusCallbackEvent" not in call.params


def test_a_messaging_service_alone_cannot_place_calls(twilio_settings, loopback):
    only_service = twilio_settings(ENGAGE_TWILIO_FROM=None, ENGAGE_TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32)
    gateway = TwilioGateway(only_service)

    with pytest.raises(PermanentSendError, match="ENGAGE_TWILIO_FROM"):
        gateway.place_call(PATIENT_NUMBER, ANSWER_URL)
    assert loopback.received == []


def test_invalid_number_is_permanent_with_twilio_code_and_no_number_in_the_message(gateway, loopback):
    loopback.refuse_number("+15005550001", 21211)

    with pytest.raises(PermanentSendError) as refused:
        gateway.send_sms("+15005550001", "Hello")

    assert refused.value.code == 21211
    assert "+15005550001" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert loopback.sms_to("+15005550001") == []


@pytest.mark.parametrize("code", [21610, 21614])
def test_opted_out_at_carrier_and_landline_are_permanent(gateway, loopback, code):
    loopback.refuse_number(PATIENT_NUMBER, code)

    with pytest.raises(PermanentSendError) as refused:
        gateway.send_sms(PATIENT_NUMBER, "Hello")

    assert refused.value.code == code


def test_refused_number_refuses_calls_too(gateway, loopback):
    loopback.refuse_number(PATIENT_NUMBER, 21211)

    with pytest.raises(PermanentSendError) as refused:
        gateway.place_call(PATIENT_NUMBER, ANSWER_URL)

    assert refused.value.code == 21211


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limit_and_provider_trouble_are_transient_and_pass(gateway, loopback, status):
    loopback.fail_next(1, status)

    with pytest.raises(TransientSendError) as failed:
        gateway.send_sms(PATIENT_NUMBER, "Hello")

    assert failed.value.code == 20000 + status
    assert gateway.send_sms(PATIENT_NUMBER, "Hello").status == "queued"
    assert len(loopback.sms_to(PATIENT_NUMBER)) == 1


def test_a_call_during_an_outage_is_transient(gateway, loopback):
    loopback.fail_next(1, 503)

    with pytest.raises(TransientSendError):
        gateway.place_call(PATIENT_NUMBER, ANSWER_URL)


def test_unreachable_api_is_transient(twilio_settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    gateway = TwilioGateway(twilio_settings(ENGAGE_TWILIO_API_URL=f"http://127.0.0.1:{closed_port}"))

    with pytest.raises(TransientSendError):
        gateway.send_sms(PATIENT_NUMBER, "Hello")


def test_api_that_went_away_after_a_first_send_is_transient(gateway, loopback):
    gateway.send_sms(PATIENT_NUMBER, "Hello")
    loopback.close()

    with pytest.raises(TransientSendError):
        gateway.send_sms(PATIENT_NUMBER, "Hello again")


def test_slow_answer_beyond_the_timeout_is_transient(gateway, loopback):
    gateway.client.http_client.timeout = 0.1
    loopback.latency = 0.5

    with pytest.raises(TransientSendError):
        gateway.send_sms(PATIENT_NUMBER, "Hello")


def test_wrong_auth_token_is_permanent(twilio_settings, loopback):
    gateway = TwilioGateway(twilio_settings(TWILIO_AUTH_TOKEN="not-the-token"))

    with pytest.raises(PermanentSendError) as refused:
        gateway.send_sms(PATIENT_NUMBER, "Hello")

    assert refused.value.code == 20003
    assert "401" in refused.value.message
    assert loopback.received == []


@pytest.mark.parametrize("url, redirected", [
    (f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
     f"http://127.0.0.1:9/twilio/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"),
    ("https://messaging.twilio.com/v1/Services?PageSize=5", "http://127.0.0.1:9/twilio/v1/Services?PageSize=5"),
    ("https://example.com/2010-04-01/x.json", "https://example.com/2010-04-01/x.json"),
    ("https://api.twilio.com.example.com/x.json", "https://api.twilio.com.example.com/x.json"),
])
def test_only_twilio_addresses_are_redirected(url, redirected):
    assert RedirectingHttpClient("http://127.0.0.1:9/twilio/").redirect(url) == redirected


def test_sends_reuse_one_kept_alive_connection(gateway, loopback):
    for n in range(5):
        gateway.send_sms(PATIENT_NUMBER, f"Message {n}")
        gateway.place_call(PATIENT_NUMBER, ANSWER_URL)

    pools = gateway.client.http_client.session.get_adapter(loopback.base_url).poolmanager.pools
    assert [pools[key].num_connections for key in pools.keys()] == [1]
    assert len(loopback.received) == 10
