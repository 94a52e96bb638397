"""Inbound texts and delivery status callbacks."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from flask import Response, request, url_for

from engage.messaging.inbound import InboundText, receive_text
from engage.messaging.status import record_status
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


@bp.post("/sms")
def sms():
    form = request.form
    inbound = InboundText(
        sid=form.get("MessageSid") or form.get("SmsSid") or "",
        from_number=form.get("From", ""),
        to_number=form.get("To", ""),
        body=form.get("Body", ""),
        opt_out_type=form.get("OptOutType"),
    )
    return _twiml(receive_text(runtime(), inbound))


@bp.post("/status")
def status():
    form = request.form
    sid = form.get("MessageSid") or form.get("SmsSid")
    message_status = form.get("MessageStatus") or form.get("SmsStatus")
    if sid and message_status:
        error = form.get("ErrorCode")
        record_status(
            db(), runtime().settings, sid=sid, status=message_status,
            error_code=int(error) if error and error.isdigit() else None,
            idempotency_key=request.headers.get("I-Twilio-Idempotency-Token"),
            message_id=request.args.get("m", type=int),
        )
    return Response(status=204)
