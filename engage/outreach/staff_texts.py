"""A text a care manager writes to one patient. It takes the road every other text takes: the outbox,
whose delivery step sends nothing to a number that opted out and holds a batch in quiet hours."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.config import Settings
from engage.enums import Channel
from engage.errors import Conflict, Invalid
from engage.outbox import quiet_hours
from engage.outbox.models import Message
from engage.outbox.queue import outbound, queue_for_delivery
from engage.patients.models import Patient

STAFF_TEXT = "staff_text"  # the message kind
# Three SMS segments, the same bound the engine keeps its own texts within.
LONGEST = 459


def send_staff_text(session: Session, settings: Settings, patient: Patient, staff: StaffUser, body: str,
                    now: datetime) -> Message:
    """Queues the text for the first moment outside the patient's quiet hours. Refused at once when
    it could not go at all, so the care manager learns it now rather than from a cancelled row."""
    body = body.strip()
    if not body:
        raise Invalid("the text is empty", {"body": ["Write the text to send."]})
    if len(body) > LONGEST:
        raise Invalid("the text is too long", {"body": [f"Keep it to {LONGEST} characters."]})
    if not patient.active:
        raise Conflict("the patient is not active")
    if not patient.has_consent(Channel.SMS):
        raise Conflict("the patient has not agreed to texts")
    if not patient.sms_reachable:
        raise Conflict("texts to this number cannot be delivered: update the patient's phone first")
    message = outbound(to=patient.phone, sender=settings.sender, body=body, kind=STAFF_TEXT, patient_id=patient.id)
    due_at = quiet_hours.for_patient(patient, settings).next_allowed_time(now)
    queue_for_delivery(session, [message], due_at, patient.id)
    return message
