"""Outgoing SMS and calls: the interface, and the console and Twilio gateways behind it."""
from __future__ import annotations

from engage.config import ConfigError, Settings
from engage.gateways.base import Gateway, GatewayError, PermanentSendError, Sent, TransientSendError
from engage.gateways.console import ConsoleGateway
from engage.runtime import Runtime

__all__ = [
    "ConsoleGateway", "Gateway", "GatewayError", "PermanentSendError", "Sent", "TransientSendError",
    "build_gateway", "gateway_for",
]


def build_gateway(settings: Settings) -> Gateway:
    if settings.gateway == "console":
        return ConsoleGateway(webhook_token=settings.webhook_auth_token)
    if settings.gateway == "twilio":
        from engage.gateways.twilio import TwilioGateway  # the twilio client is only loaded when used

        return TwilioGateway(settings)
    raise ConfigError(f"ENGAGE_GATEWAY must be console or twilio, got {settings.gateway!r}")


def gateway_for(runtime: Runtime) -> Gateway:
    """The process's gateway, built on first use and kept, so its HTTP connections are reused."""
    return runtime.service("gateway", lambda: build_gateway(runtime.settings))
