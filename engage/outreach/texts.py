"""What outreach says to a patient and how it is queued: the patient's language, zone and the outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engage.clinic import clinic
from engage.config import Settings
from engage.enums import Channel, DispatchStatus, MessageStatus
from engage.outbox.models import Dispatch, Message
from engage.outbox.queue import SEND_MESSAGES, outbound, queue_for_delivery
from engage.outreach.models import Appointment
from engage.patients.models import Patient
from messages import format_datetime_for_patient, translate


def patient_text(settings: Settings, patient: Patient, msgid: str, **params: object) -> str:
    here = clinic(settings)
    text = translate(msgid, patient.language, clinic=here.name, clinic_phone=here.phone, **params)
    moment = str(params.get("when", ""))
    if moment.endswith("."):
        # Spanish times end in "p.m.", which already closes the sentence: never "p.m..".
        text = text.replace(f"{moment}.", moment)
    return text


def when(settings: Settings, patient: Patient, appointment: Appointment) -> str:
    return format_datetime_for_patient(appointment.starts_at, patient.language, patient.timezone,
                                       settings.default_region)


def may_text(patient: Patient) -> str | None:
    """Why this patient must not get a care text now, or None."""
    if not patient.active:
        return "patient is not active"
    if not patient.has_consent(Channel.SMS):
        return "no consent to texts"
    if not patient.sms_reachable:
        return "texts cannot be delivered to this number"
    return None


def queue_text(session: Session, settings: Settings, patient: Patient, kind: str, body: str | tuple[str, ...],
               now: datetime, **links: int) -> Dispatch:
    """Through the outbox, so opt-outs and quiet hours apply; several texts go as one batch, in order.
    `links` tie the send to its appointment or run."""
    bodies = (body,) if isinstance(body, str) else body
    messages = [outbound(to=patient.phone, sender=settings.sender, body=text, kind=kind, patient_id=patient.id)
                for text in bodies]
    dispatch = queue_for_delivery(session, messages, now, patient.id)
    for column, value in links.items():
        setattr(dispatch, column, value)
    return dispatch


def record_outcome(dispatch: Dispatch, outcome: str, note: str | None = None) -> None:
    """Kept on the row, so staff can see why a planned step did or did not reach the patient."""
    dispatch.payload = {**dispatch.payload, "outcome": outcome, **({"note": note} if note else {})}


def cancel_pending(session: Session, *where) -> None:
    """Cancels planned work (and any text it queued that has not left yet) matching `where`."""
    pending = list(session.scalars(select(Dispatch).where(Dispatch.status == DispatchStatus.PENDING, *where)))
    message_ids = []
    for dispatch in pending:
        dispatch.status = DispatchStatus.CANCELLED
        if dispatch.kind == SEND_MESSAGES:
            message_ids += dispatch.payload.get("message_ids", [])
    if message_ids:
        session.execute(update(Message).where(Message.id.in_(message_ids), Message.status == MessageStatus.QUEUED)
                        .values(status=MessageStatus.CANCELED))
