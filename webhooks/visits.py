"""The calls of an audio-only visit: what each side hears on answering, and the conference's reports
of who joined and left. Paths of their own beside the voice check-in's, so neither shadows the other."""
from __future__ import annotations

from email.utils import parsedate_to_datetime

from flask import Response, abort, request

from engage.bounds import MAX_ID
from engage.db import utcnow
from engage.outreach.visits import SIDES, record_conference_event
from engage.visits.conference import answer
from engage.web import db, runtime
from webhooks import twilio_blueprint as bp

_EVENTS = {"participant-join": True, "participant-leave": False}


@bp.post("/voice/visit/<int:appointment_id>/<side>")
def visit_call_answered(appointment_id: int, side: str):
    if side not in SIDES or appointment_id > MAX_ID:
        abort(404)
    twiml = answer(db(), runtime().settings, appointment_id, side, request.form.get("AnsweredBy"), utcnow())
    return Response(twiml, mimetype="application/xml")


@bp.post("/voice/visit/<int:appointment_id>/<side>/events")
def visit_conference_event(appointment_id: int, side: str):
    if side not in SIDES or appointment_id > MAX_ID:
        abort(404)
    joined = _EVENTS.get(request.form.get("StatusCallbackEvent", ""))
    if joined is not None:
        record_conference_event(db(), appointment_id, side, joined, _timestamp())
    return Response(status=204)


def _timestamp():
    """When Twilio says it happened (a report may arrive late), else now."""
    try:
        moment = parsedate_to_datetime(request.form.get("Timestamp", ""))
    except (TypeError, ValueError):
        return utcnow()
    return moment if moment.tzinfo is not None else utcnow()
