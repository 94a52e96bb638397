"""Signing requests the way Twilio signs its webhooks, with twilio's own validator."""
from __future__ import annotations

from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict


def signed_headers(auth_token: str, url: str, params: dict) -> dict[str, str]:
    # A MultiDict, so that a repeated field (a list value) is signed value by value as Twilio does.
    signature = RequestValidator(auth_token).compute_signature(url, MultiDict(params))
    return {"X-Twilio-Signature": signature}


def post_signed(flask_client, auth_token: str, public_url: str, path: str, params: dict, headers=None):
    """Posts form params to path, signed for public_url + path (query included) like Twilio does."""
    return post_signed_url(flask_client, auth_token, public_url.rstrip("/") + path, params, headers)


def post_signed_url(flask_client, auth_token: str, url: str, params: dict, headers=None):
    """Posts to a full URL Twilio was given (a StatusCallback, a call's Url), signed for exactly that URL."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {**signed_headers(auth_token, url, params), **(headers or {})}
    return flask_client.post(target, data=params, headers=headers)
