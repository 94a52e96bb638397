"""Inbound texts, and status callbacks for texts and calls."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from flask import Response, request, url_for

from engage.bounds import MAX_ID
from engage.db import utcnow
from engage.sms.inbound import InboundText, receive_text
from engage.sms.status import record_status
from engage.visits.status import record_visit_call_status
from engage.voice.status import record_call_status
from engage.web import db, runtime
from webhooks import twilio_blueprint as bp

def _twiml(replies) -> Response:
    # The status callback carries our id: a TwiML reply has no provider id until Twilio reports one.
    callback = (runtime().settings.public_url or request.host_url.rstrip("/")) + url_for(".status") + "?m="
    # Written out rather than built as a tree: this answers every patient text, and the shape is fixed.
    body = "".join(
        f'<Message action={quoteattr(f"{callback}{reply.message_id}")} method="POST">{escape(reply.body)}</Message>'
        for reply in replies
    )
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', mimetype="application/xml")


def _field(name: str, length: int, fallback: str | None = None) -> str:
    """A signed field as the database can hold it: Twilio never sends more, a forged request may."""
    value = request.form.get(name) or (request.form.get(fallback) if fallback else None) or ""
    return value.replace("\x00", "")[:length]


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) <= MAX_ID else None


@bp.post("/sms")
def sms():
    inbound = InboundText(
        sid=_field("MessageSid", 64, fallback="SmsSid"),
        from_number=_field("From", 32),
        to_number=_field("To", 32),
        body=request.form.get("Body", ""),
        opt_out_type=_field("OptOutType", 32) or None,
    )
    return _twiml(receive_text(runtime(), inbound))


@bp.post("/status")
def status():
    call_sid, call_status = _field("CallSid", 64), _field("CallStatus", 32)
    if call_sid and call_status and not request.form.get("MessageSid"):
        known = record_call_status(db(), runtime().settings, sid=call_sid, status=call_status,
                                   answered_by=_field("AnsweredBy", 32) or None,
                                   call_id=_number(request.args.get("c")), now=utcnow())
        if not known:
            record_visit_call_status(db(), runtime().settings, sid=call_sid, status=call_status)
        return Response(status=204)
    sid = _field("MessageSid", 64, fallback="SmsSid")
    message_status = _field("MessageStatus", 32, fallback="SmsStatus")
    if sid and message_status:
        record_status(
            db(), runtime().settings, sid=sid, status=message_status,
            error_code=_number(request.form.get("ErrorCode")),
            idempotency_key=(request.headers.get("I-Twilio-Idempotency-Token") or "")[:100] or None,
            message_id=_number(request.args.get("m")),
        )
    return Response(status=204)
