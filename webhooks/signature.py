"""Only Twilio may call these endpoints: every request carries X-Twilio-Signature."""
from __future__ import annotations

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

from engage.web import runtime


def _validator() -> RequestValidator:
    validator = current_app.extensions.get("engage.twilio_validator")
    if validator is None:
        validator = RequestValidator(runtime().settings.webhook_auth_token)
        current_app.extensions["engage.twilio_validator"] = validator
    return validator


def signed_url() -> str:
    """The URL Twilio signed: the public one behind a proxy, else what this request saw."""
    public = runtime().settings.public_url
    if not public:
        return request.url
    query = request.query_string.decode()
    return public + request.path + (f"?{query}" if query else "")


def require_twilio_signature() -> None:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not _validator().validate(signed_url(), request.form, signature):
        abort(403)
