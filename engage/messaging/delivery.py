"""Handing queued messages to the provider, and what its answers mean for the patient."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.db import session_scope
from engage.enums import Channel, DispatchStatus, FlagKind, FlagStatus, MessageStatus
from engage.flags.models import Flag
from engage.flags.service import raise_flag
from engage.gateways import PermanentSendError, TransientSendError
from engage.messaging.models import Message
from engage.patients.models import Patient
from engage.phones import redact
from engage.runtime import Runtime
from engage.scheduling import quiet_hours
from engage.scheduling.models import Dispatch

log = logging.getLogger(__name__)

# Sent even after STOP: crisis resources are an emergency message, not marketing or care reminders.
EMERGENCY_KINDS = frozenset({"crisis_resources"})
# Twilio error codes that mean this number will never take our texts.
PERMANENT_FAILURES = frozenset({30005, 30006, 21610, 21211, 21614})
# "Unreachable handset" is usually a phone switched off: only a run of them counts.
SOFT_FAILURE = 30003
SOFT_FAILURES_BEFORE_UNREACHABLE = 3


def _may_send(message: Message, patient: Patient | None) -> bool:
    if patient is None or message.kind in EMERGENCY_KINDS:
        return True
    return patient.has_consent(Channel.SMS) and patient.sms_reachable


def _prepare(runtime: Runtime, dispatch_id: int, now: datetime) -> list[tuple[int, str, str]]:
    """Marks the batch as being sent before any byte leaves, so a crash never sends twice."""
    with session_scope(runtime.sessions) as session:
        dispatch = session.get(Dispatch, dispatch_id)
        messages = session.scalars(
            select(Message).where(Message.id.in_(dispatch.payload.get("message_ids", []))).order_by(Message.id)
        ).all()
        sendable = [message for message in messages if _still_to_send(session, message)]
        allowed_at = _after_quiet_hours(session, runtime.settings, sendable, now)
        if allowed_at is not None:
            _hold(dispatch, allowed_at)
            return []
        for message in sendable:
            message.status = MessageStatus.SENDING
        return [(message.id, message.to_number, message.body) for message in sendable]


def _still_to_send(session: Session, message: Message) -> bool:
    """Settles the messages that must not go out at all; True for those still to send."""
    if message.status is MessageStatus.SENDING and message.provider_sid is None:
        # Interrupted mid-send by a dead worker: the provider may have it, so never resend.
        message.status = MessageStatus.FAILED
        return False
    if message.status is not MessageStatus.QUEUED:
        return False
    patient = session.get(Patient, message.patient_id) if message.patient_id else None
    if not _may_send(message, patient):
        message.status = MessageStatus.CANCELED
        return False
    return True


def _after_quiet_hours(session: Session, settings: Settings, messages: list[Message], now: datetime
                       ) -> datetime | None:
    """When a batch due in its patient's quiet hours may go out, or None to send it now. A batch is one
    patient's; one carrying crisis resources goes at once (SPEC), and staff notices have no patient."""
    patient_id = messages[0].patient_id if messages else None
    if patient_id is None or any(message.kind in EMERGENCY_KINDS for message in messages):
        return None
    hours = quiet_hours.for_patient(session.get(Patient, patient_id), settings)  # already loaded above
    return hours.next_allowed_time(now) if hours.is_quiet(now) else None


def _hold(dispatch: Dispatch, allowed_at: datetime) -> None:
    """Re-planned, never dropped: pending again until the allowed time. The dispatcher finishes only
    rows it still holds a claim on, so it leaves this one to wait."""
    dispatch.status, dispatch.due_at = DispatchStatus.PENDING, allowed_at
    dispatch.claimed_by = dispatch.lease_until = None


def deliver_messages(runtime: Runtime, dispatch_id: int, now: datetime) -> None:
    ready = _prepare(runtime, dispatch_id, now)
    limiter = runtime.send_limiter("sms")
    for position, (message_id, to, body) in enumerate(ready):
        limiter.wait_for_slot()
        try:
            sent = runtime.gateway.send_sms(to, body)
        except TransientSendError:
            _requeue(runtime, [m for m, _, _ in ready[position:]])
            raise
        except PermanentSendError as exc:
            log.warning("message %s to %s refused: %s", message_id, redact(to), exc.code)
            with session_scope(runtime.sessions) as session:
                message = session.get(Message, message_id)
                message.status, message.error_code = MessageStatus.FAILED, exc.code
                note_delivery_failure(session, runtime.settings, message, exc.code)
            continue
        with session_scope(runtime.sessions) as session:
            message = session.get(Message, message_id)
            message.provider_sid, message.sent_at = sent.provider_sid, now
            message.status = MessageStatus.known(sent.status) or MessageStatus.SENT


def _requeue(runtime: Runtime, message_ids: list[int]) -> None:
    with session_scope(runtime.sessions) as session:
        for message in session.scalars(select(Message).where(Message.id.in_(message_ids))):
            message.status = MessageStatus.QUEUED


def note_delivery_failure(session: Session, settings: Settings, message: Message, code: int | None) -> None:
    """A permanent failure (or a run of soft ones) marks the patient unreachable by SMS, once."""
    if message.patient_id is None or message.channel is not Channel.SMS:
        return
    patient = session.get(Patient, message.patient_id)
    if code == SOFT_FAILURE:
        patient.sms_soft_failures += 1
        if patient.sms_soft_failures < SOFT_FAILURES_BEFORE_UNREACHABLE:
            return
    elif code not in PERMANENT_FAILURES:
        return
    if patient.sms_unreachable_at is not None:
        return
    patient.sms_unreachable_at = message.sent_at or message.created_at
    already = session.scalar(select(Flag.id).where(
        Flag.patient_id == patient.id, Flag.kind == FlagKind.UNREACHABLE, Flag.status != FlagStatus.RESOLVED))
    if already is None:
        raise_flag(session, settings, kind=FlagKind.UNREACHABLE, patient_id=patient.id, message_id=message.id,
                   reason=f"texts cannot be delivered (provider error {code})")


def note_delivered(session: Session, message: Message) -> None:
    if message.patient_id is not None and message.channel is Channel.SMS:
        patient = session.get(Patient, message.patient_id)
        patient.sms_soft_failures = 0
