from __future__ import annotations

import io

import pytest

from engage.config import ConfigError, load_settings
from engage.gateways import ConsoleGateway, build_gateway
from engage.gateways.twilio import TwilioGateway


def test_console_prints_the_text_and_returns_a_local_sid():
    out = io.StringIO()

    sent = ConsoleGateway(out).send_sms("+13125550142", "Riverside Family Medicine: reply 0-3")

    assert out.getvalue() == "[sms → +13125550142] Riverside Family Medicine: reply 0-3\n"
    assert sent.provider_sid.startswith("SMconsole") and sent.status == "sent"


def test_console_keeps_a_long_text_readable_under_its_heading():
    out = io.StringIO()

    ConsoleGateway(out).send_sms("+13125550142", "Line one\nLine two")

    assert out.getvalue() == "[sms → +13125550142] Line one\n                     Line two\n"


def test_console_prints_calls_with_their_answer_url():
    out = io.StringIO()

    sent = ConsoleGateway(out).place_call("+13125550142", "https://engage.test/webhooks/twilio/voice")

    assert out.getvalue() == "[call → +13125550142] answers with https://engage.test/webhooks/twilio/voice\n"
    assert sent.provider_sid.startswith("CAconsole")


def test_console_writes_to_stdout_as_it_is_when_sending(capsys):
    gateway = ConsoleGateway()

    first, second = gateway.send_sms("+13125550142", "Hello"), gateway.send_sms("+13125550142", "Hello")

    assert "[sms → +13125550142] Hello" in capsys.readouterr().out
    assert first.provider_sid != second.provider_sid


def test_console_is_the_default_gateway():
    assert isinstance(build_gateway(load_settings({"ENGAGE_DATABASE_URL": "sqlite://"})), ConsoleGateway)


def test_twilio_gateway_when_configured(twilio_settings):
    assert isinstance(build_gateway(twilio_settings()), TwilioGateway)


def test_unknown_gateway_is_a_configuration_error():
    settings = load_settings({"ENGAGE_DATABASE_URL": "sqlite://"}).with_overrides(gateway="carrier-pigeon")

    with pytest.raises(ConfigError, match="ENGAGE_GATEWAY"):
        build_gateway(settings)
