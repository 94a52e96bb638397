"""Delivery through Twilio with the official client, optionally against a compatible API.

One client per gateway, and with it one pooled keep-alive HTTP session: a new client per
message would pay a TCP (and TLS) handshake for every text.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import ProtocolError

from engage.config import Settings
from engage.gateways.base import GatewayError, PermanentSendError, Sent, TransientSendError
from engage.phones import redact

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 10.0
STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
CALL_PROGRESS_EVENTS = ["initiated", "ringing", "answered", "completed"]


class RedirectingHttpClient(TwilioHttpClient):
    """Sends every request the client addresses to https://*.twilio.com to another base URL."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        base = urlsplit(base_url)
        self._scheme, self._netloc, self._prefix = base.scheme, base.netloc, base.path.rstrip("/")
        # TwilioHttpClient sizes its connection pool for https only; staging and tests may be plain http.
        self.session.mount("http://", self.session.get_adapter("https://"))

    def request(self, method: str, url: str, *args, **kwargs) -> Response:
        return super().request(method, self.redirect(url), *args, **kwargs)

    def redirect(self, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme != "https" or not (host == "twilio.com" or host.endswith(".twilio.com")):
            return url
        return urlunsplit((self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment))


def _http_client(settings: Settings) -> TwilioHttpClient:
    if settings.twilio_api_url:
        http_client = RedirectingHttpClient(settings.twilio_api_url, timeout=TIMEOUT_SECONDS)
    else:
        http_client = TwilioHttpClient(timeout=TIMEOUT_SECONDS)
    # requests re-reads proxy and CA bundle variables from os.environ on every request, about a fifth
    # of the CPU a create costs; they cannot change while engage runs, so they are resolved once here.
    session = http_client.session
    resolved = session.merge_environment_settings(settings.twilio_api_url or TWILIO_API, {}, None, None, None)
    session.proxies, session.verify, session.trust_env = resolved["proxies"], resolved["verify"], False
    return http_client


# The client logs every request's headers at INFO: noise in a worker's log, and nothing we need.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


class TwilioGateway:
    def __init__(self, settings: Settings):
        self.client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=_http_client(settings))
        self._from = settings.twilio_from
        # A messaging service chooses the sender from its own pool, so when one is configured it replaces From.
        if settings.twilio_messaging_service_sid:
            self._sms_sender = {"messaging_service_sid": settings.twilio_messaging_service_sid}
        else:
            self._sms_sender = {"from_": settings.twilio_from}
        if settings.public_url:
            callback = settings.public_url + STATUS_CALLBACK_PATH
            self._sms_callback = {"status_callback": callback}
            self._call_callback = {"status_callback": callback, "status_callback_event": CALL_PROGRESS_EVENTS}
        else:
            self._sms_callback = self._call_callback = {}
            log.warning("ENGAGE_PUBLIC_URL is not set: Twilio cannot report delivery status")

    def send_sms(self, to: str, body: str, reference: int | None = None) -> Sent:
        callback = self._sms_callback
        if callback and reference is not None:
            # A report can arrive before we have stored the provider's id: our own id finds the message.
            callback = {"status_callback": f"{callback['status_callback']}?m={reference}"}
        with _translated_errors(to):
            message = self.client.messages.create(to=to, body=body, **self._sms_sender, **callback)
        log.debug("sms %s to %s: %s", message.sid, redact(to), message.status)
        return Sent(provider_sid=message.sid, status=message.status)

    def place_call(self, to: str, answer_url: str, reference: int | None = None) -> Sent:
        if not self._from:
            raise PermanentSendError("calls need ENGAGE_TWILIO_FROM: a messaging service cannot place calls")
        callback = self._call_callback
        if callback and reference is not None:
            # The no-answer or busy report can come before we have stored the CallSid: our id finds the call.
            callback = {**callback, "status_callback": f"{callback['status_callback']}?c={reference}"}
        with _translated_errors(to):
            # Waiting for the end of a greeting lets a voicemail be left after the beep; AnsweredBy comes
            # with the answer request (human, machine_end_beep, fax, ...).
            call = self.client.calls.create(
                to=to, from_=self._from, url=answer_url, method="POST", machine_detection="DetectMessageEnd",
                **callback)
        log.debug("call %s to %s: %s", call.sid, redact(to), call.status)
        return Sent(provider_sid=call.sid, status=call.status)


@contextmanager
def _translated_errors(to: str) -> Iterator[None]:
    try:
        yield
    except TwilioRestException as exc:
        raise _refusal(exc.status, exc.code, exc.msg, to) from None
    except TwilioServiceException as exc:
        raise _refusal(exc.status, exc.code, exc.detail or exc.title, to) from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientSendError(f"Twilio unreachable: {type(exc).__name__}",
                                 may_have_arrived=_may_have_arrived(exc)) from exc


def _may_have_arrived(exc: requests.RequestException) -> bool:
    """Only a connection that never opened proves Twilio did not take the message."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ReadTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    return isinstance(reason, ProtocolError)


def _refusal(status: int, code: int | None, message: str, to: str) -> GatewayError:
    # Twilio quotes the number in some messages ("The 'To' number +1... is not valid"); errors end up in logs.
    # The original exception is not chained for the same reason.
    text = f"Twilio {status}: {message.replace(to, redact(to))}"
    if status == 429 or status >= 500:
        return TransientSendError(text, code)
    return PermanentSendError(text, code)
