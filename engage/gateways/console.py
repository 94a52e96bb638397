"""The development gateway: prints what would be sent; nothing leaves the machine.

With the webhook token it also answers each call it places, as a phone on the desk would: it asks
engage's own voice webhook (signed, as Twilio asks it) what the call says, and prints that, so a
call and the conference it joins can be followed in the terminal of `make run`.
"""
from __future__ import annotations

import sys
import threading
import uuid
import xml.etree.ElementTree as ET
from typing import TextIO

import requests
from twilio.request_validator import RequestValidator

from engage.gateways.base import Sent

ANSWER_TIMEOUT_SECONDS = 3.0


class ConsoleGateway:
    def __init__(self, stream: TextIO | None = None, webhook_token: str | None = None):
        # None means whatever sys.stdout is at the time of sending, so redirection still works.
        self._stream = stream
        self._lock = threading.Lock()
        self._validator = RequestValidator(webhook_token) if webhook_token else None

    def send_sms(self, to: str, body: str, reference: int | None = None) -> Sent:
        self._print(f"[sms → {to}]", body)
        return Sent(provider_sid="SMconsole" + uuid.uuid4().hex, status="sent")

    def place_call(self, to: str, answer_url: str, reference: int | None = None) -> Sent:
        sid = "CAconsole" + uuid.uuid4().hex
        self._print(f"[call → {to}]", f"answers with {answer_url}")
        if self._validator is not None:
            self._answer(sid, to, answer_url)
        return Sent(provider_sid=sid, status="sent")

    def _answer(self, sid: str, to: str, answer_url: str) -> None:
        form = {"CallSid": sid, "To": to, "CallStatus": "in-progress", "Direction": "outbound-api",
                "AnsweredBy": "human"}
        headers = {"X-Twilio-Signature": self._validator.compute_signature(answer_url, form)}
        try:
            response = requests.post(answer_url, data=form, headers=headers, timeout=ANSWER_TIMEOUT_SECONDS)
            response.raise_for_status()
            twiml = ET.fromstring(response.content)
        except (requests.RequestException, ET.ParseError) as exc:
            self._print(f"[call → {to}]", f"nobody answered ({type(exc).__name__})")
            return
        for line in describe_twiml(twiml):
            self._print(f"[call → {to}]", line)

    def _print(self, heading: str, text: str) -> None:
        indented = text.replace("\n", "\n" + " " * (len(heading) + 1))
        stream = self._stream or sys.stdout
        # One write per message, so texts sent from several threads never interleave.
        with self._lock:
            stream.write(f"{heading} {indented}\n")
            stream.flush()


def describe_twiml(response: ET.Element) -> list[str]:
    """What a caller hears and where the call goes, one line each."""
    lines = []
    for verb in response.iter():
        if verb.tag == "Say":
            lines.append(f"hears: {verb.text or ''}")
        elif verb.tag == "Conference":
            opens = verb.get("startConferenceOnEnter", "true") == "true"
            lines.append(f"joins conference {verb.text} ({'starts it' if opens else 'waits for it to start'})")
        elif verb.tag == "Hangup":
            lines.append("hangs up")
    return lines
