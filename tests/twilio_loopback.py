"""A Twilio-compatible REST API on 127.0.0.1 for tests and benchmarks.

The real twilio client talks to it (ENGAGE_TWILIO_API_URL = server.base_url). It answers with
Twilio's resource and error shapes, records what it received, and when told to, fails the ways
Twilio fails. `with running_twilio() as twilio: ...; [sms] = twilio.sms_to("+13125550142")`.
"""
from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from http import HTTPStatus
from socketserver import StreamRequestHandler, ThreadingTCPServer
from typing import Iterator
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = "loopback-auth-token"
API_VERSION = "2010-04-01"
ROUTE = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>\w+)/(?P<collection>Messages|Calls)"
                   r"(?:/(?P<sid>\w+))?\.json$")
KNOWN_REFUSALS = {21211: "The 'To' number {to} is not a valid phone number.",
                  21610: "Attempt to send to unsubscribed recipient",
                  21614: "'To' number is not a valid mobile number"}
REQUIRED = {  # what Twilio answers when a create lacks a field, in the order it checks
    "sms": [(("To",), 21604, "A 'To' phone number is required."),
            (("From", "MessagingServiceSid"), 21603, "A 'From' phone number is required."),
            (("Body", "MediaUrl", "ContentSid"), 21602, "Message body is required.")],
    "call": [(("To",), 21201, "No 'To' number is specified"),
             (("From",), 21213, "No 'From' number is specified"),
             (("Url", "Twiml", "ApplicationSid"), 21205, "Url parameter is required.")],
}
FINISHED_CALL = frozenset({"completed", "canceled", "failed", "busy", "no-answer"})
GSM_BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Received:
    kind: str  # "sms", "call" or "call_update"
    sid: str
    to: str | None
    from_: str | None
    body: str | None
    url: str | None
    status_callback: str | None
    params: dict  # every form field; a repeated field is a list


@dataclass(frozen=True)
class Rejected:
    kind: str
    to: str | None
    status: int
    code: int


def num_segments(body: str) -> int:
    """As carriers count: GSM-7 (160, or 153 per part) unless one character needs UCS-2 (70, or 67)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in body):
        units, single, part = len(body) + sum(c in GSM_EXTENDED for c in body), 160, 153
    else:
        units, single, part = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // part)


def _error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {"code": code, "message": message, "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}


class LoopbackTwilio:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN):
        self.account_sid = account_sid
        self._credentials = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.latency = 0.0  # seconds added to every answer
        self._changed = threading.Condition()
        self._received: list[Received] = []
        self._rejected: list[Rejected] = []
        self._resources: dict[str, dict] = {}
        self._refused_numbers: dict[str, tuple[int, str]] = {}
        self._failures: list[int] = []
        self._server = _Server(self)
        # Polling for close() every 20 ms keeps a server per test cheap.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return "http://%s:%d" % self._server.server_address[:2]

    def start(self) -> "LoopbackTwilio":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.closed = True
        self._server.shutdown()
        self._server.server_close()

    def refuse_number(self, to: str, code: int = 21211, message: str | None = None) -> None:
        """Every later SMS or call to this number gets Twilio's 400 with this error code."""
        text = message or KNOWN_REFUSALS.get(code, "Refused by the loopback Twilio").format(to=to)
        self._refused_numbers[to] = (code, text)

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """The next count API requests get this HTTP status (429, 500, 503...) as Twilio words it."""
        with self._changed:
            self._failures.extend([status] * count)

    @property
    def received(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    @property
    def rejected(self) -> list[Rejected]:
        with self._changed:
            return list(self._rejected)

    def sms_to(self, number: str) -> list[Received]:
        return [r for r in self.received if r.kind == "sms" and r.to == number]

    def calls_to(self, number: str) -> list[Received]:
        return [r for r in self.received if r.kind == "call" and r.to == number]

    def find(self, sid: str) -> Received:
        """The message or call as created (later updates to a call are recorded after it)."""
        return next(r for r in self.received if r.sid == sid)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Blocks until at least count requests were accepted; for senders on other threads."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._received) >= count, timeout):
                raise AssertionError(f"expected {count} requests within {timeout}s, got {len(self._received)}")
            return list(self._received)

    def clear(self) -> None:
        with self._changed:
            self._received.clear()
            self._rejected.clear()
            self._refused_numbers.clear()
            self._failures.clear()
            self._resources.clear()
            self.latency = 0.0

    def status_callback(self, sid: str, status: str, error_code: int | None = None, **extra: str):
        """A delivery report for a recorded message (MessageStatus) or a call progress event (CallStatus)."""
        record, resource = self.find(sid), self._resources[sid]
        resource["status"] = status
        params = {"AccountSid": self.account_sid, "To": record.to, "From": record.from_ or "",
                  "ApiVersion": API_VERSION}
        if record.kind == "sms":
            params.update(MessageSid=sid, SmsSid=sid, MessageStatus=status, SmsStatus=status)
            if record.params.get("MessagingServiceSid"):
                params["MessagingServiceSid"] = record.params["MessagingServiceSid"]
        else:
            params.update(CallSid=sid, CallStatus=status, Direction="outbound-api",
                          CallbackSource="call-progress-events")
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return record.status_callback, {**params, **extra}

    def answer_call(self, sid: str, answered_by: str = "human", **extra: str):
        """The request Twilio makes to a call's Url when it is answered."""
        record = self.find(sid)
        self._resources[sid]["status"] = "in-progress"
        params = {"CallSid": sid, "AccountSid": self.account_sid, "To": record.to, "From": record.from_,
                  "CallStatus": "in-progress", "Direction": "outbound-api", "ApiVersion": API_VERSION}
        if record.params.get("MachineDetection"):
            params["AnsweredBy"] = answered_by
        return record.url, {**params, **extra}

    def handle(self, method: str, path: str, authorization: str | None, form: dict) -> tuple[int, dict]:
        if self.latency:
            time.sleep(self.latency)
        if authorization != self._credentials:
            return _error(401, 20003, "Authenticate")
        route = ROUTE.match(path.split("?", 1)[0])
        if route is None or route["account"] != self.account_sid:
            return _error(404, 20404, f"The requested resource {path} was not found")
        params = {key: values[0] if len(values) == 1 else values for key, values in form.items()}
        kind = "sms" if route["collection"] == "Messages" else "call"
        with self._changed:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return self._reject(kind, params.get("To"), failure, 20000 + failure, HTTPStatus(failure).phrase)
        sid = route["sid"]
        if method == "POST" and sid is None:
            return self._create(kind, params)
        if method == "GET" and sid in self._resources:
            return 200, self._resources[sid]
        if method == "POST" and kind == "call" and sid in self._resources:
            return self._update_call(sid, params)
        return _error(404, 20404, f"The requested resource {path} was not found")

    def _create(self, kind: str, params: dict) -> tuple[int, dict]:
        to = params.get("To")
        refusal = self._refusal(kind, params)
        if refusal is not None:
            return self._reject(kind, to, 400, *refusal)
        prefix, collection = ("SM", "Messages") if kind == "sms" else ("CA", "Calls")
        sid = prefix + uuid.uuid4().hex
        now = format_datetime(datetime.now(timezone.utc))
        resource = {
            "sid": sid, "account_sid": self.account_sid, "api_version": API_VERSION, "to": to,
            "from": params.get("From"), "status": "queued", "direction": "outbound-api",
            "price": None, "price_unit": "USD", "date_created": now, "date_updated": now,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/{collection}/{sid}.json",
        }
        if kind == "sms":
            resource.update(body=params.get("Body", ""), num_segments=str(num_segments(params.get("Body", ""))),
                            num_media="0", messaging_service_sid=params.get("MessagingServiceSid"),
                            error_code=None, error_message=None, date_sent=None)
        else:
            resource.update(to_formatted=to, from_formatted=params.get("From"), answered_by=None, duration=None,
                            start_time=None, end_time=None, parent_call_sid=None, queue_time="0")
        record = Received(kind, sid, to, params.get("From"), params.get("Body"), params.get("Url"),
                          params.get("StatusCallback"), params)
        with self._changed:
            self._resources[sid] = resource
            self._received.append(record)
            self._changed.notify_all()
        return 201, resource

    def _refusal(self, kind: str, params: dict) -> tuple[int, str] | None:
        for fields, code, message in REQUIRED[kind]:
            if not any(params.get(name) for name in fields):
                return code, message
        return self._refused_numbers.get(params["To"])

    def _reject(self, kind: str, to: str | None, status: int, code: int, message: str) -> tuple[int, dict]:
        with self._changed:
            self._rejected.append(Rejected(kind, to, status, code))
        return _error(status, code, message)

    def _update_call(self, sid: str, params: dict) -> tuple[int, dict]:
        """Redirects a live call (Url or Twiml) or ends it (Status canceled / completed)."""
        with self._changed:
            resource = self._resources[sid]
            if resource["status"] in FINISHED_CALL and (params.get("Url") or params.get("Twiml")):
                return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
            if params.get("Status"):
                resource["status"] = params["Status"]
            resource["date_updated"] = format_datetime(datetime.now(timezone.utc))
            self._received.append(Received("call_update", sid, resource["to"], resource["from"], None,
                                           params.get("Url"), params.get("StatusCallback"), params))
            self._changed.notify_all()
        return 200, resource


class _Handler(StreamRequestHandler):
    # HTTP/1.1 with keep-alive as api.twilio.com speaks it, parsed by hand: http.server's email-based
    # header parsing alone doubled the server's time per request.
    disable_nagle_algorithm = True

    def handle(self) -> None:
        # A kept-alive connection outlives close(); its next request is dropped, as by a server that went away.
        while (request_line := self.rfile.readline(65537)) and not self.server.closed:
            method, target = request_line.decode("latin-1").split(" ", 2)[:2]
            headers = {}
            while (line := self.rfile.readline(65537)) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True) if length else {}
            status, payload = self.server.twilio.handle(method, target, headers.get("authorization"), form)
            body = json.dumps(payload).encode()
            self.wfile.write(
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            if headers.get("connection", "").lower() == "close":
                return


class _Server(ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, twilio: LoopbackTwilio):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.twilio = twilio
        self.closed = False


@contextmanager
def running_twilio(account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> Iterator[LoopbackTwilio]:
    server = LoopbackTwilio(account_sid, auth_token).start()
    try:
        yield server
    finally:
        server.close()
