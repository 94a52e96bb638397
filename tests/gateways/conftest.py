"""Gateway tests talk to a loopback Twilio through the real twilio client; no database needed."""
from __future__ import annotations

import pytest

from engage.config import load_settings
from engage.gateways.twilio import TwilioGateway
from tests.twilio_loopback import ACCOUNT_SID, AUTH_TOKEN, running_twilio

CLINIC_NUMBER = "+13125550100"
PATIENT_NUMBER = "+13125550142"
PUBLIC_URL = "https://engage.test"


@pytest.fixture
def loopback():
    with running_twilio(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server


@pytest.fixture
def twilio_settings(loopback):
    """Settings for the Twilio gateway against the loopback; keyword arguments override the environment."""

    def build(**environment):
        env = {
            "ENGAGE_GATEWAY": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ENGAGE_TWILIO_FROM": CLINIC_NUMBER, "ENGAGE_TWILIO_API_URL": loopback.base_url,
            "ENGAGE_PUBLIC_URL": PUBLIC_URL, "ENGAGE_DATABASE_URL": "sqlite://", **environment,
        }
        return load_settings({key: value for key, value in env.items() if value is not None})

    return build


@pytest.fixture
def gateway(twilio_settings):
    return TwilioGateway(twilio_settings())
