"""An inbound text: stored first, then interpreted — keywords, safety, check-in, or a note for the team.

This is the busiest path in engage, so it reads what it needs in one lookup and writes with plain
statements; objects are loaded only on the rarer branches (keywords, flags, a check-in's end).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.checkins import service as checkins
from engage.checkins.conversation import OutText, crisis_resources, say
from engage.checkins.models import CheckIn
from engage.config import Settings
from engage.db import Prepared, session_scope, utcnow
from engage.enums import CampaignRunStatus, Channel, CheckInStatus, Direction, FlagKind, FlagPriority, MessageStatus
from engage.flags.crisis import mentions_crisis
from engage.flags.service import raise_flag
from engage.instruments import get_instrument
from engage.instruments.parsing import parse_reply
from engage.messaging.keywords import Keyword, keyword_in
from engage.messaging.models import Message
from engage.messaging.outbox import outbound, queue_for_delivery
from engage.outreach import replies as outreach
from engage.outreach.models import CampaignRun
from engage.patients.models import Patient
from engage.patients.service import record_consent
from engage.runtime import Runtime
from messages import sms, supported_languages, translate

log = logging.getLogger(__name__)
_MESSAGES = Message.__table__
_STORE = Prepared(insert(_MESSAGES).returning(_MESSAGES.c.id))

_KEYWORD_REPLIES = {
    Keyword.OPT_OUT: sms.SMS_OPT_OUT_CONFIRMATION,
    Keyword.OPT_IN: sms.SMS_OPT_IN_CONFIRMATION,
    Keyword.HELP: sms.SMS_HELP,
}

_PATIENTS, _CHECKINS, _RUNS = Patient.__table__.c, CheckIn.__table__.c, CampaignRun.__table__.c
_IN_OUTREACH = (exists().where(_RUNS.patient_id == _PATIENTS.id, _RUNS.status == CampaignRunStatus.ACTIVE)
                .label("in_outreach"))
# Who is texting, and the SMS check-in they are in the middle of, if any: one round trip, as plain rows.
_SENDER = Prepared(
    select(_PATIENTS.id, _PATIENTS.language, _PATIENTS.sms_consent, _CHECKINS.id.label("checkin_id"),
           _CHECKINS.instrument, _CHECKINS.current_item, _CHECKINS.failed_replies, _IN_OUTREACH)
    .select_from(Patient.__table__)
    .outerjoin(CheckIn.__table__, and_(_CHECKINS.patient_id == _PATIENTS.id,
                                       _CHECKINS.status == CheckInStatus.IN_PROGRESS,
                                       _CHECKINS.channel == Channel.SMS))
    .where(_PATIENTS.phone == bindparam("phone"))
    .order_by(_CHECKINS.started_at.desc())
    .limit(1)
    # Two quick texts from one patient take turns: the second must see the first's answer.
    # (SQLite serialises every writer already.)
    .with_for_update(of=Patient.__table__)
)


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


def _store(session: Session, text: InboundText, sender: Row | None, interpreted_at: datetime | None) -> int:
    return _STORE.execute(session.connection(), {
        "direction": Direction.INBOUND, "channel": Channel.SMS, "kind": "inbound", "from_number": text.from_number,
        "to_number": text.to_number, "body": text.body, "provider_sid": text.sid or None,
        "status": MessageStatus.RECEIVED, "patient_id": sender.id if sender else None, "created_at": utcnow(),
        "interpreted_at": interpreted_at,
    }).fetchone()[0]


def receive_text(runtime: Runtime, text: InboundText) -> list[Reply]:
    """Stores the message and acts on it in one transaction; should acting fail, the message is
    stored on its own, unmarked, so it can be replayed. The patient never sees an error."""
    now, message_id = utcnow(), None
    try:
        with session_scope(runtime.sessions) as session:
            sender = _SENDER.first(session.connection(), {"phone": text.from_number})
            message_id = _store(session, text, sender, interpreted_at=now)
            return answer(session, runtime.settings, message_id, text, sender, now)
    except IntegrityError:
        if message_id is None:
            return []  # Twilio delivered the same message twice: the second changes nothing
        log.exception("inbound message %s could not be interpreted", text.sid)
    except Exception:
        log.exception("inbound message %s could not be interpreted", text.sid)
    _keep_for_replay(runtime, text)
    return []


def _keep_for_replay(runtime: Runtime, text: InboundText) -> None:
    try:
        with session_scope(runtime.sessions) as session:
            sender = _SENDER.first(session.connection(), {"phone": text.from_number})
            message_id = _store(session, text, sender, None)
    except IntegrityError:
        return  # a concurrent delivery of the same message stored it
    if sender is None:
        return
    try:
        with session_scope(runtime.sessions) as session:
            _flag_uninterpreted(session, runtime.settings, sender, message_id, text)
    except Exception:
        log.exception("no flag could be raised for inbound message %s", message_id)


def _flag_uninterpreted(session: Session, settings: Settings, sender: Row, message_id: int,
                        text: InboundText) -> None:
    """A text nobody could read must still reach a person, and crisis words still get an answer."""
    if mentions_crisis(text.body):
        raise_flag(session, settings, kind=FlagKind.CRISIS_LANGUAGE, patient_id=sender.id, message_id=message_id,
                   reason="crisis wording in a message from the patient")
        resources = crisis_resources(sender.language, checkins.clinic(settings))
        queue_for_delivery(session, [outbound(to=text.from_number, sender=settings.sender, body=resources.body,
                                              kind=resources.kind, patient_id=sender.id)], utcnow(), sender.id,
                           urgent=True)
        return
    raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, priority=FlagPriority.HIGH, patient_id=sender.id,
               message_id=message_id, reason="a text from the patient could not be interpreted; kept for replay")


def answer(session: Session, settings: Settings, message_id: int, text: InboundText, sender: Row | None,
           now: datetime) -> list[Reply]:
    """Interprets a stored message and records the replies it gets."""
    texts = interpret(session, settings, message_id, text, sender, now)
    to = text.from_number
    rows = [{"direction": Direction.OUTBOUND, "channel": Channel.SMS, "kind": t.kind, "to_number": to,
             "from_number": settings.sender, "body": t.body, "status": MessageStatus.SENDING,
             "patient_id": sender.id if sender else None, "checkin_id": sender.checkin_id if sender else None,
             "created_at": now} for t in texts]
    ids = [_STORE.execute(session.connection(), row).fetchone()[0] for row in rows]
    return [Reply(t.body, reply_id) for t, reply_id in zip(texts, ids)]


def interpret(session: Session, settings: Settings, message_id: int, text: InboundText, sender: Row | None,
              now: datetime) -> list[OutText]:
    if sender is None:
        # Reveal nothing: not whose number this was, not which clinic.
        body = " ".join(translate(sms.SMS_UNKNOWN_NUMBER, lang) for lang in sorted(supported_languages()))
        return [OutText("unknown_number", body)]
    clinic, language = checkins.clinic(settings), sender.language
    keyword = keyword_in(text.body, not sender.sms_consent, text.opt_out_type)
    if keyword is not None:
        return _keyword(session, settings, sender.id, keyword, bool(text.opt_out_type), now)
    if mentions_crisis(text.body):
        raise_flag(session, settings, kind=FlagKind.CRISIS_LANGUAGE, patient_id=sender.id, message_id=message_id,
                   reason="crisis wording in a message from the patient")
        return [crisis_resources(language, clinic)]
    if not sender.sms_consent:
        raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=sender.id, message_id=message_id,
                   reason="message from a patient who has opted out of texts")
        return []
    if sender.in_outreach:
        # Any text from the patient ends no-show outreach: a person takes it from here.
        outreach.stop_campaigns_for_reply(session, sender.id, now)
    answering = sender.checkin_id is not None and _answers_checkin(sender, text.body)
    if not answering:
        replies = outreach.handle_appointment_reply(session, settings, session.get(Patient, sender.id), text.body, now)
        if replies is not None:
            return [OutText("appointment_reply", body) for body in replies]
    if sender.checkin_id is not None:
        checkin = checkins.OpenCheckIn(sender.checkin_id, sender.instrument, sender.current_item,
                                       sender.failed_replies)
        return checkins.take_reply(session, settings, checkin, sender.id, language, message_id, text.body, now)
    if _late_answer(session, sender.id, language, text.body):
        return [say("checkin_expired", sms.SMS_CHECKIN_EXPIRED, language, clinic)]
    raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, patient_id=sender.id, message_id=message_id,
               reason="message from the patient outside a check-in")
    return [say("patient_message_received", sms.SMS_MESSAGE_RECEIVED, language, clinic)]


def _answers_checkin(sender: Row, body: str) -> bool:
    """An open check-in takes every reply it can read ("1." included) before anything else may."""
    remaining = len(get_instrument(sender.instrument).items) - sender.current_item
    return parse_reply(body, sender.language, max(remaining, 1)) is not None


def _late_answer(session: Session, patient_id: int, language: str, body: str) -> bool:
    latest = session.scalar(select(CheckIn).where(CheckIn.patient_id == patient_id)
                            .order_by(CheckIn.id.desc()).limit(1))
    if latest is None or latest.status is not CheckInStatus.EXPIRED:
        return False
    remaining = len(get_instrument(latest.instrument).items) - len(latest.answers)
    return parse_reply(body, language, max(remaining, 1)) is not None


def _keyword(session: Session, settings: Settings, patient_id: int, keyword: Keyword,
             carrier_handled: bool, now: datetime) -> list[OutText]:
    patient = session.get(Patient, patient_id)
    source = "carrier" if carrier_handled else "keyword"
    if keyword is not Keyword.HELP:
        record_consent(session, patient, Channel.SMS, keyword is Keyword.OPT_IN, source)
    if keyword is Keyword.OPT_OUT:
        outreach.stop_campaigns_for_opt_out(session, patient_id, now)
    if carrier_handled:
        return []  # Twilio's Advanced Opt-Out already answered; a second confirmation would be noise.
    return [say(f"keyword_{keyword.value}", _KEYWORD_REPLIES[keyword], patient.language, checkins.clinic(settings))]


def replay_uninterpreted(runtime: Runtime, now: datetime) -> tuple[int, int]:
    """Acts on stored texts that were never interpreted (after the fault is fixed); their replies
    go out through the outbox. Returns how many were interpreted and how many failed again."""
    with runtime.sessions() as session:
        pending = session.scalars(select(Message.id).where(
            Message.direction == Direction.INBOUND, Message.channel == Channel.SMS,
            Message.interpreted_at.is_(None)).order_by(Message.id)).all()
    done = failed = 0
    for message_id in pending:
        try:
            with session_scope(runtime.sessions) as session:
                _replay(session, runtime.settings, session.get(Message, message_id), now)
            done += 1
        except Exception:
            log.exception("inbound message %s could not be interpreted again", message_id)
            failed += 1
    return done, failed


def _replay(session: Session, settings: Settings, message: Message, now: datetime) -> None:
    text = InboundText(message.provider_sid or "", message.from_number, message.to_number, message.body)
    sender = _SENDER.first(session.connection(), {"phone": text.from_number})
    replies = [outbound(to=text.from_number, sender=settings.sender, body=reply.body, kind=reply.kind,
                        patient_id=message.patient_id)
               for reply in interpret(session, settings, message.id, text, sender, now)]
    queue_for_delivery(session, replies, now, message.patient_id)
    message.interpreted_at = now
