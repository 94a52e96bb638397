"""Calls: the answer of an outbound or inbound call, and each step after it (Gather and Dial results)."""
from __future__ import annotations

import re

from flask import Response, abort, request

from engage.bounds import MAX_ID
from engage.voice.calls import ANSWER, CallRequest, foreign_step, take_step
from engage.web import runtime
from webhooks import twilio_blueprint as bp

# `<stage>-<turn>`, as engage.voice.calls writes every Gather's action.
STEP = re.compile(r"^[a-z]{1,16}-\d{1,9}$")


def _field(name: str, length: int) -> str:
    """A signed field as the database can hold it: Twilio never sends more, a forged request may."""
    return (request.form.get(name) or "").replace("\x00", "")[:length]


def _call_id() -> int | None:
    value = request.args.get("c", "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def _call_request() -> CallRequest:
    sid = _field("CallSid", 64)
    if not sid:
        abort(400)
    return CallRequest(
        call_sid=sid, from_number=_field("From", 32), to_number=_field("To", 32),
        inbound=_field("Direction", 32) == "inbound", call_id=_call_id(),
        answered_by=_field("AnsweredBy", 32) or None, digits=_field("Digits", 32),
        speech=_field("SpeechResult", 2000), dial_status=_field("DialCallStatus", 32) or None,
    )


def _answer(step: str) -> Response:
    base_url = runtime().settings.public_url or request.host_url.rstrip("/")
    posted = _call_request()
    twiml = foreign_step(runtime(), posted) or take_step(runtime(), step, posted, base_url)
    return Response(twiml, mimetype="application/xml")


@bp.post("/voice")
def voice():
    return _answer(ANSWER)


@bp.post("/voice/<step>")
def voice_step(step: str):
    if not STEP.match(step):
        abort(404)
    return _answer(step)
