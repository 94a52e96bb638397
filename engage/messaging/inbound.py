"""An inbound text: stored first, then interpreted — keywords, safety, check-in, or a note for the team."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.checkins import service as checkins
from engage.checkins.conversation import OutText, crisis_resources, say
from engage.checkins.models import CheckIn
from engage.config import Settings
from engage.db import session_scope, utcnow
from engage.enums import Channel, CheckInStatus, Direction, FlagKind, MessageStatus
from engage.flags.crisis import mentions_crisis
from engage.flags.service import raise_flag
from engage.instruments import get_instrument
from engage.instruments.parsing import parse_reply
from engage.messaging.keywords import Keyword, keyword_in
from engage.messaging.models import Message
from engage.messaging.outbox import outbound
from engage.patients.models import Patient
from engage.patients.service import find_patient_by_phone, record_consent
from engage.runtime import Runtime
from messages import sms, supported_languages, translate

log = logging.getLogger(__name__)


_KEYWORD_REPLIES = {
    Keyword.OPT_OUT: sms.SMS_OPT_OUT_CONFIRMATION,
    Keyword.OPT_IN: sms.SMS_OPT_IN_CONFIRMATION,
    Keyword.HELP: sms.SMS_HELP,
}


@dataclass(frozen=True)
class InboundText:
    sid: str
    from_number: str
    to_number: str
    body: str
    opt_out_type: str | None = None


@dataclass(frozen=True)
class Reply:
    body: str
    message_id: int


def store(session: Session, text: InboundText) -> Message | None:
    """None when this provider message was already stored (a redelivery changes nothing)."""
    if session.scalar(select(Message.id).where(Message.provider_sid == text.sid)) is not None:
        return None
    patient = find_patient_by_phone(session, text.from_number)
    message = Message(
        direction=Direction.INBOUND, channel=Channel.SMS, kind="inbound", from_number=text.from_number,
        to_number=text.to_number, body=text.body, provider_sid=text.sid or None, status=MessageStatus.RECEIVED,
        patient_id=patient.id if patient else None,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message


def receive_text(runtime: Runtime, text: InboundText) -> list[Reply]:
    with session_scope(runtime.sessions) as session:
        message = store(session, text)
        message_id = message.id if message else None
    if message_id is None:
        return []
    try:
        with session_scope(runtime.sessions) as session:
            replies = interpret(session, runtime.settings, session.get(Message, message_id), text.opt_out_type)
            session.flush()
            return [Reply(m.body, m.id) for m in replies]
    except Exception:
        # Stored, not interpreted: it stays unmarked so it can be replayed. The patient sees no error.
        log.exception("inbound message %s could not be interpreted", message_id)
        return []


def _say(session: Session, settings: Settings, patient: Patient | None, to: str, kind: str, body: str) -> Message:
    message = outbound(to=to, sender=settings.sender, body=body, kind=kind,
                       patient_id=patient.id if patient else None)
    # Handed to the provider in the webhook's own answer.
    message.status = MessageStatus.SENDING
    session.add(message)
    return message


def _text(session: Session, settings: Settings, patient: Patient, text: OutText) -> Message:
    return _say(session, settings, patient, patient.phone, text.kind, text.body)


def interpret(session: Session, settings: Settings, message: Message, opt_out_type: str | None = None,
              now: datetime | None = None) -> list[Message]:
    now = now or utcnow()
    message.interpreted_at = now
    patient = session.get(Patient, message.patient_id) if message.patient_id else None
    if patient is None:
        # Reveal nothing: not whose number this was, not which clinic.
        body = " ".join(translate(sms.SMS_UNKNOWN_NUMBER, lang) for lang in sorted(supported_languages()))
        return [_say(session, settings, None, message.from_number, "unknown_number", body)]
    language, opted_out = patient.language, not patient.has_consent(Channel.SMS)
    clinic = checkins.clinic(settings)
    keyword = keyword_in(message.body, opted_out, opt_out_type)
    if keyword is not None:
        return _keyword(session, settings, patient, keyword, carrier_handled=bool(opt_out_type))
    if mentions_crisis(message.body):
        raise_flag(session, settings, kind=FlagKind.CRISIS_LANGUAGE, patient_id=patient.id, message_id=message.id,
                   reason="crisis wording in a message from the patient")
        return [_text(session, settings, patient, crisis_resources(language, clinic))]
    if opted_out:
        raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=patient.id, message_id=message.id,
                   reason="message from a patient who has opted out of texts")
        return []
    checkin = checkins.active_checkin(session, patient.id)
    if checkin is not None and checkin.channel is Channel.SMS:
        replies = checkins.take_reply(session, settings, checkin, patient, message, now)
        for reply in replies:
            reply.status = MessageStatus.SENDING
        session.add_all(replies)
        return replies
    if _late_answer(session, patient, message.body):
        return [_text(session, settings, patient, say("checkin_expired", sms.SMS_CHECKIN_EXPIRED, language, clinic))]
    raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=patient.id, message_id=message.id,
               reason="message from the patient outside a check-in")
    return [_text(session, settings, patient, say("patient_message_received", sms.SMS_MESSAGE_RECEIVED, language, clinic))]


def _late_answer(session: Session, patient: Patient, body: str) -> bool:
    latest = session.scalar(select(CheckIn).where(CheckIn.patient_id == patient.id)
                            .order_by(CheckIn.id.desc()).limit(1))
    if latest is None or latest.status is not CheckInStatus.EXPIRED:
        return False
    remaining = len(get_instrument(latest.instrument).items) - len(latest.answers)
    return parse_reply(body, patient.language, max(remaining, 1)) is not None


def _keyword(session: Session, settings: Settings, patient: Patient, keyword: Keyword,
             carrier_handled: bool) -> list[Message]:
    source = "carrier" if carrier_handled else "keyword"
    if keyword is Keyword.OPT_OUT:
        record_consent(session, patient, Channel.SMS, False, source)
    elif keyword is Keyword.OPT_IN:
        record_consent(session, patient, Channel.SMS, True, source)
    if carrier_handled:
        return []  # Twilio's Advanced Opt-Out already answered; a second confirmation would be noise.
    text = say(f"keyword_{keyword.value}", _KEYWORD_REPLIES[keyword], patient.language, checkins.clinic(settings))
    return [_text(session, settings, patient, text)]
