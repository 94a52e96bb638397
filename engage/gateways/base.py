"""The one seam for outgoing traffic: a gateway sends a text or places a call, nothing more.

What to say, to whom and when is decided elsewhere; a gateway only reports what the
provider answered, or why it would not take the message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Sent:
    provider_sid: str
    status: str


class GatewayError(Exception):
    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


class PermanentSendError(GatewayError):
    """Retrying cannot help: an invalid number (21211), opted out at the carrier (21610),
    not a mobile (21614), rejected credentials or any other 4xx but 429."""


class TransientSendError(GatewayError):
    """Worth retrying with backoff: rate limited (429), provider trouble (5xx), network failure.

    `may_have_arrived` is set when the request left and no answer came back (a read timeout, a
    dropped connection): the provider may have the message, so it must not be sent again."""

    def __init__(self, message: str, code: int | None = None, may_have_arrived: bool = False):
        super().__init__(message, code)
        self.may_have_arrived = may_have_arrived


class Gateway(Protocol):
    def send_sms(self, to: str, body: str, reference: int | None = None) -> Sent:
        """reference (our message id) comes back with every status report about this text."""
        ...

    def place_call(self, to: str, answer_url: str, reference: int | None = None) -> Sent:
        """answer_url is where the provider fetches TwiML once the call is answered; reference (our
        call id) comes back with every status report about this call."""
        ...
