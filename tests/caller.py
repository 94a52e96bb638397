"""A patient's phone taking a call, as Twilio's voice side would: the call is found on the loopback
Twilio server, answered by posting to its Url, and each keypress or spoken answer is posted to the
<Gather> action of the TwiML last heard, signed as Twilio signs it."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from engage.db import utcnow
from engage.scheduling.tick import tick
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url


@dataclass
class Heard:
    """One TwiML answer: what was said, where the answer goes, whom it dials."""

    xml: bytes

    @property
    def root(self) -> ET.Element:
        return ET.fromstring(self.xml)

    @property
    def said(self) -> list[str]:
        return [say.text or "" for say in self.root.iter("Say")]

    @property
    def text(self) -> str:
        return " ".join(self.said)

    @property
    def gather(self) -> ET.Element | None:
        return next(self.root.iter("Gather"), None)

    @property
    def dialled(self) -> list[str]:
        return [number.text or "" for number in self.root.iter("Number")]

    @property
    def dial(self) -> ET.Element | None:
        return next(self.root.iter("Dial"), None)

    @property
    def hangs_up(self) -> bool:
        return next(self.root.iter("Hangup"), None) is not None


class Caller:
    def __init__(self, client, twilio, runtime, number: str):
        self.client, self.twilio, self.runtime, self.number = client, twilio, runtime, number
        self.sid: str | None = None
        self.heard: list[Heard] = []

    def ring(self, at=None) -> list:
        """A dispatch pass; returns the calls newly placed to this phone."""
        before = len(self.twilio.calls_to(self.number))
        tick(self.runtime, at or utcnow())
        placed = self.twilio.calls_to(self.number)[before:]
        if placed:
            self.sid = placed[-1].sid
        return placed

    def answer(self, answered_by: str = "human", sid: str | None = None) -> Heard:
        calls = self.twilio.calls_to(self.number)
        self.sid = sid or calls[-1].sid
        url, params = self.twilio.answer_call(self.sid, answered_by)
        return self._post(url, params)

    def press(self, digits: str) -> Heard:
        return self._reply(Digits=digits)

    def say(self, words: str, confidence: str = "0.92") -> Heard:
        return self._reply(SpeechResult=words, Confidence=confidence)

    def silence(self) -> Heard:
        return self._reply()

    def dial_ended(self, status: str) -> Heard:
        """The <Dial> is over: Twilio posts its result to the Dial's action."""
        action = self.heard[-1].dial.get("action")
        return self._post(action, {**self._call_params(), "DialCallStatus": status})

    def repeat_last_post(self) -> Heard:
        """Twilio delivering the last step again."""
        url, params = self._last_post
        return self._post(url, params)

    def hang_up(self, status: str = "completed", **extra: str):
        return self.report(status, **extra)

    def report(self, status: str, **extra: str):
        url, params = self.twilio.status_callback(self.sid, status, **extra)
        response = post_signed_url(self.client, AUTH_TOKEN, url, params)
        assert response.status_code == 204, response.data
        return response

    def call_in(self, sid: str, to: str = "+13125550100") -> Heard:
        """This phone calls the clinic's number."""
        self.sid, self._inbound_to = sid, to
        return self._post(self.runtime.settings.public_url + "/webhooks/twilio/voice",
                          {**self._call_params(), "CallStatus": "ringing"})

    def _call_params(self) -> dict:
        if getattr(self, "_inbound_to", None):
            return {"CallSid": self.sid, "AccountSid": self.twilio.account_sid, "From": self.number,
                    "To": self._inbound_to, "CallStatus": "in-progress", "Direction": "inbound"}
        record = self.twilio.find(self.sid)
        return {"CallSid": self.sid, "AccountSid": self.twilio.account_sid, "From": record.from_,
                "To": record.to, "CallStatus": "in-progress", "Direction": "outbound-api"}

    def _reply(self, **fields: str) -> Heard:
        gather = self.heard[-1].gather
        assert gather is not None, self.heard[-1].xml
        return self._post(gather.get("action"), {**self._call_params(), **fields})

    def _post(self, url: str, params: dict) -> Heard:
        self._last_post = (url, params)
        response = post_signed_url(self.client, AUTH_TOKEN, url, params)
        assert response.status_code == 200, response.data
        assert response.mimetype == "application/xml"
        heard = Heard(response.data)
        self.heard.append(heard)
        return heard
