"""A patient's phone as the tests see it: texts arrive through the loopback Twilio server
(sent by the dispatcher) or in the webhook's TwiML answer; texts leave as signed webhooks."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime

from engage.scheduling.tick import tick
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed

_sids = itertools.count(1)
CLINIC_NUMBER = "+13125550100"


def new_message_sid() -> str:
    return f"SM{next(_sids):032x}"


def twiml_messages(xml: bytes) -> list[str]:
    return [m.text or "" for m in ET.fromstring(xml).iter("Message")]


class Phone:
    def __init__(self, client, twilio, runtime, number: str):
        self.client, self.twilio, self.runtime, self.number = client, twilio, runtime, number
        self.inbox: list[str] = []
        self._seen_from_server = 0

    def text(self, body: str, sid: str | None = None, **extra) -> list[str]:
        """Sends a text; returns (and keeps) the replies in the webhook's answer."""
        params = {"MessageSid": sid or new_message_sid(), "AccountSid": self.twilio.account_sid,
                  "From": self.number, "To": CLINIC_NUMBER, "Body": body, "NumMedia": "0", **extra}
        response = post_signed(self.client, AUTH_TOKEN, self.runtime.settings.public_url,
                               "/webhooks/twilio/sms", params)
        assert response.status_code == 200, response.data
        replies = twiml_messages(response.data)
        self.inbox += replies
        return replies

    def deliveries(self, at: datetime | None = None) -> list[str]:
        """Runs a dispatch pass (as if at `at`) and returns what newly reached this phone by the API."""
        from engage.db import utcnow

        tick(self.runtime, at or utcnow())
        sent = [r.body for r in self.twilio.sms_to(self.number)]
        new, self._seen_from_server = sent[self._seen_from_server:], len(sent)
        self.inbox += new
        return new
