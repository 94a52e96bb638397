from __future__ import annotations

import pytest
from flask import Flask, request
from twilio.request_validator import RequestValidator

from tests.twilio_signing import post_signed, post_signed_url, signed_headers

TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "https://engage.test"
PARAMS = {"MessageSid": "SM" + "ab" * 16, "From": "+13125550142", "To": "+13125550100", "Body": "2"}


@pytest.fixture
def edge():
    """A stand-in Twilio edge that checks signatures for PUBLIC_URL + path + query with twilio's validator."""
    app = Flask(__name__)

    @app.post("/webhooks/twilio/<path:step>")
    def webhook(step):
        url = PUBLIC_URL + request.full_path.rstrip("?")
        valid = RequestValidator(TOKEN).validate(url, request.form, request.headers.get("X-Twilio-Signature", ""))
        return ("", 204) if valid else ("", 403)

    return app.test_client()


def test_signature_passes_twilios_validator():
    url = PUBLIC_URL + "/webhooks/twilio/sms"

    signature = signed_headers(TOKEN, url, PARAMS)["X-Twilio-Signature"]

    assert RequestValidator(TOKEN).validate(url, PARAMS, signature)


def test_signature_fails_for_another_token_url_or_body():
    url = PUBLIC_URL + "/webhooks/twilio/sms"
    signature = signed_headers(TOKEN, url, PARAMS)["X-Twilio-Signature"]
    validator = RequestValidator(TOKEN)

    assert not RequestValidator("another-token").validate(url, PARAMS, signature)
    assert not validator.validate(url + "?x=1", PARAMS, signature)
    assert not validator.validate(url, {**PARAMS, "Body": "3"}, signature)


def test_post_signed_is_accepted_for_the_public_url(edge):
    assert post_signed(edge, TOKEN, PUBLIC_URL, "/webhooks/twilio/sms", PARAMS).status_code == 204


def test_post_signed_includes_the_query_string(edge):
    response = post_signed(edge, TOKEN, PUBLIC_URL + "/", "/webhooks/twilio/voice/item?checkin=7&item=3", PARAMS)

    assert response.status_code == 204


def test_post_signed_url_posts_to_a_callback_url(edge):
    assert post_signed_url(edge, TOKEN, PUBLIC_URL + "/webhooks/twilio/status", PARAMS).status_code == 204


def test_repeated_fields_are_signed_value_by_value(edge):
    params = {**PARAMS, "StatusCallbackEvent": ["ringing", "answered"]}

    assert post_signed(edge, TOKEN, PUBLIC_URL, "/webhooks/twilio/sms", params).status_code == 204


def test_headers_given_override_the_signature(edge):
    forged = {"X-Twilio-Signature": "forged"}

    assert post_signed(edge, TOKEN, PUBLIC_URL, "/webhooks/twilio/sms", PARAMS, headers=forged).status_code == 403
