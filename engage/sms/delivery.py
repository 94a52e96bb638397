"""Handing queued messages to the provider, and what its answers mean for the patient."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, case, exists, or_, select, update
from sqlalchemy.orm import Session

from engage.checkins.enrollments import switch_to_calls
from engage.config import Settings
from engage.db import session_scope, utcnow
from engage.enums import Channel, DispatchStatus, FlagKind, FlagStatus, MessageStatus
from engage.flags.models import Flag
from engage.flags.service import raise_flag
from engage.gateways import PermanentSendError, TransientSendError, gateway_for
from engage.outbox import quiet_hours
from engage.outbox.jobs import JobKinds
from engage.outbox.models import Dispatch, Message
from engage.outbox.queue import SEND_MESSAGES
from engage.outbox.rate_limit import send_limiter
from engage.patients.consent import OPT_IN_INVITATION, invitation_may_go, invitation_may_leave
from engage.patients.models import Patient
from engage.patients.service import record_consent
from engage.phones import redact
from engage.runtime import Runtime
from engage.sms.opt_out import end_texting

log = logging.getLogger(__name__)

# Sent even after STOP: crisis resources are an emergency message, not marketing or care reminders.
EMERGENCY_KINDS = frozenset({"crisis_resources"})
# Twilio error codes that mean this number will never take our texts.
PERMANENT_FAILURES = frozenset({30005, 30006, 21610, 21211, 21614})
# The patient unsubscribed at the carrier: an opt-out, as STOP is, not a number that cannot take texts.
CARRIER_OPT_OUT = 21610
# "Unreachable handset" is usually a phone switched off: only a run of them counts.
SOFT_FAILURE = 30003
SOFT_FAILURES_BEFORE_UNREACHABLE = 3


_MESSAGES, _PATIENTS = Message.__table__, Patient.__table__
_SENT = _MESSAGES.c.id == bindparam("sent")
# The next message leaves only if it is still queued (no other worker took it) and, unless it is an
# emergency or a staff notice, its patient still consents and can be reached: STOP counts mid-batch.
# The opt-in invitation has its own rule (TCPA: the one text allowed after STOP, asking for START).
_MAY_LEAVE = and_(
    _MESSAGES.c.id == bindparam("sending"), _MESSAGES.c.status == MessageStatus.QUEUED.value,
    or_(_MESSAGES.c.patient_id.is_(None), _MESSAGES.c.kind.in_(sorted(EMERGENCY_KINDS)),
        and_(_MESSAGES.c.kind != OPT_IN_INVITATION,
             exists().where(_PATIENTS.c.id == _MESSAGES.c.patient_id, _PATIENTS.c.sms_consent,
                            _PATIENTS.c.sms_unreachable_at.is_(None))),
        invitation_may_leave(_MESSAGES, _PATIENTS)))
# Records the message just sent and marks the next one as leaving, in one statement.
_STEP = (update(_MESSAGES).where(or_(_SENT, _MAY_LEAVE))
         .values(status=case((_SENT, bindparam("sent_status", type_=_MESSAGES.c.status.type)),
                             else_=MessageStatus.SENDING.value),
                 provider_sid=case((_SENT, bindparam("sid")), else_=_MESSAGES.c.provider_sid),
                 sent_at=case((_SENT, bindparam("at", type_=_MESSAGES.c.sent_at.type)), else_=_MESSAGES.c.sent_at)))


@dataclass(frozen=True)
class Outgoing:
    id: int
    to: str
    body: str


def _may_send(message: Message, patient: Patient | None) -> bool:
    if patient is None or message.kind in EMERGENCY_KINDS:
        return True
    if message.kind == OPT_IN_INVITATION:
        return invitation_may_go(patient)
    return patient.has_consent(Channel.SMS) and patient.sms_reachable


def _prepare(runtime: Runtime, dispatch_ids: list[int], worker: str, now: datetime) -> dict[int, list[Outgoing]]:
    """Settles what must not go out (opted out, interrupted, quiet hours) in one transaction and
    returns, per dispatch this worker still holds, the messages to send in order."""
    with session_scope(runtime.sessions) as session:
        dispatches = session.scalars(select(Dispatch).where(
            Dispatch.id.in_(dispatch_ids), Dispatch.claimed_by == worker,
            Dispatch.status == DispatchStatus.CLAIMED)).all()
        wanted = {m: d.id for d in dispatches for m in d.payload.get("message_ids", [])}
        by_dispatch: dict[int, list[Message]] = {d.id: [] for d in dispatches}
        for message in session.scalars(select(Message).where(Message.id.in_(wanted)).order_by(Message.id)):
            if _still_to_send(session, message):
                by_dispatch[wanted[message.id]].append(message)
        plan = {}
        for dispatch in dispatches:
            allowed_at = _after_quiet_hours(session, runtime.settings, by_dispatch[dispatch.id], now)
            if allowed_at is not None:
                _hold(dispatch, allowed_at)
                continue
            plan[dispatch.id] = [Outgoing(m.id, m.to_number, m.body) for m in by_dispatch[dispatch.id]]
        return plan


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


def deliver_messages(runtime: Runtime, dispatch_ids: list[int], worker: str, now: datetime) -> dict[int, str | None]:
    """Sends a claimed batch, one message at a time; returns each dispatch's transient error, if any.

    Each message is marked as being sent in the same short transaction that records the one before
    it, so a worker killed at any moment leaves at most one message in doubt, never sent twice."""
    plan = _prepare(runtime, dispatch_ids, worker, now)
    limiter, gateway, results = send_limiter(runtime, "sms"), gateway_for(runtime), {}
    previous: dict | None = None
    for position, (dispatch_id, outgoing) in enumerate(plan.items()):
        try:
            for message in outgoing:
                limiter.wait_for_slot()
                leaving = _step(runtime, previous, message.id)
                previous = None
                if not leaving:
                    _settle(runtime, message.id)
                    continue
                try:
                    sent = gateway.send_sms(message.to, message.body, reference=message.id)
                except PermanentSendError as exc:
                    _refused(runtime, message, exc.code)
                    continue
                previous = {"sent": message.id, "sid": sent.provider_sid, "at": now,
                            "sent_status": MessageStatus.known(sent.status) or MessageStatus.SENT}
        except TransientSendError as exc:
            # The provider is struggling: this dispatch and the rest of the batch wait and retry,
            # except a message the provider may already have, which is left in doubt, never resent.
            later = list(plan)[position:]
            in_doubt = {message.id} if exc.may_have_arrived else set()
            _requeue(runtime, [m.id for d in later for m in plan[d] if m.id not in in_doubt])
            results.update({d: f"transient: {exc.code or ''} {exc}" for d in later})
            break
        results[dispatch_id] = None
    _step(runtime, previous, None)
    return results


# The outbox's own kind of row: a batch of queued messages, sent in order.
JOBS = JobKinds(deliver={SEND_MESSAGES: deliver_messages})


def _step(runtime: Runtime, sent: dict | None, sending: int | None) -> bool:
    """Records `sent`, marks `sending` as leaving; True when `sending` may go."""
    if sent is None and sending is None:
        return False
    params = sent or {"sent": None, "sid": None, "at": None, "sent_status": None}
    with runtime.delivery_engine.begin() as conn:
        changed = conn.execute(_STEP, {**params, "sending": sending}).rowcount
    return sending is not None and changed > (sent is not None)


def _settle(runtime: Runtime, message_id: int) -> None:
    """A message that may not leave after all: cancelled if its patient opted out meanwhile, left
    alone if another worker took it over."""
    with session_scope(runtime.sessions) as session:
        message = session.get(Message, message_id)
        if message.status is MessageStatus.QUEUED:
            message.status = MessageStatus.CANCELED


def _refused(runtime: Runtime, message: Outgoing, code: int | None) -> None:
    log.warning("message %s to %s refused: %s", message.id, redact(message.to), code)
    with session_scope(runtime.sessions) as session:
        row = session.get(Message, message.id)
        row.status, row.error_code = MessageStatus.FAILED, code
        note_delivery_failure(session, runtime.settings, row, code)
        if code not in PERMANENT_FAILURES and row.patient_id is not None:
            # Not a dead number, but something the team must look at (content, sender, account).
            raise_flag(session, runtime.settings, kind=FlagKind.DELIVERY_FAILURE, patient_id=row.patient_id,
                       message_id=row.id, reason=f"a text could not be sent (provider error {code})")


def _requeue(runtime: Runtime, message_ids: list[int]) -> None:
    with runtime.engine.begin() as conn:
        conn.execute(update(_MESSAGES).where(_MESSAGES.c.id.in_(message_ids),
                                             _MESSAGES.c.provider_sid.is_(None))
                     .values(status=MessageStatus.QUEUED))


def note_delivery_failure(session: Session, settings: Settings, message: Message, code: int | None) -> None:
    """A permanent failure (or a run of soft ones) marks the patient unreachable by SMS, once; a carrier's
    report that the patient unsubscribed is their opt-out."""
    if message.patient_id is None or message.channel is not Channel.SMS:
        return
    patient = session.get(Patient, message.patient_id)
    if code == CARRIER_OPT_OUT:
        # Not a reason to call instead: the patient said no to texts, and calls are another consent.
        record_consent(session, patient, Channel.SMS, False, "carrier",
                       detail=f"the carrier reported that the patient unsubscribed (provider error {code})")
        end_texting(session, patient.id, utcnow())
        return
    if code == SOFT_FAILURE:
        # Counted in the database: two reports for one patient may be handled at the same moment.
        patient.sms_soft_failures = Patient.sms_soft_failures + 1
        session.flush()
        if patient.sms_soft_failures < SOFT_FAILURES_BEFORE_UNREACHABLE:
            return
    elif code not in PERMANENT_FAILURES:
        return
    if patient.sms_unreachable_at is not None:
        return
    patient.sms_unreachable_at = message.sent_at or message.created_at
    switch_to_calls(session, patient, f"texts cannot be delivered (provider error {code})", utcnow())
    already = session.scalar(select(Flag.id).where(
        Flag.patient_id == patient.id, Flag.kind == FlagKind.UNREACHABLE, Flag.status != FlagStatus.RESOLVED))
    if already is None:
        raise_flag(session, settings, kind=FlagKind.UNREACHABLE, patient_id=patient.id, message_id=message.id,
                   reason=f"texts cannot be delivered (provider error {code})")


def note_delivered(session: Session, message: Message) -> None:
    if message.patient_id is not None and message.channel is Channel.SMS:
        patient = session.get(Patient, message.patient_id)
        patient.sms_soft_failures = 0
