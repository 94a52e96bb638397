"""An inbound text: stored first, then interpreted — keywords, safety, check-in, or a note for the team.

Every text reaches the engine or a person, never neither. This is the busiest path in engage, so it
reads what it needs in two short lookups and writes with plain statements; objects are loaded only on
the rarer branches (keywords, flags, a check-in's end).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.checkins import service as checkins
from engage.checkins.models import CheckIn
from engage.clinic import clinic
from engage.config import Settings
from engage.db import Prepared, log_failure, session_scope, utcnow
from engage.enums import CampaignRunStatus, Channel, CheckInStatus, Direction, FlagKind, FlagPriority, MessageStatus
from engage.flags.crisis import CrisisDecision, CrisisLevel, classify
from engage.flags.service import note_patient_message, raise_flag
from engage.instruments import get_instrument
from engage.instruments.parsing import parse_reply
from engage.instruments.scoring import is_safety_answer
from engage.outbox.models import Message
from engage.outbox.queue import outbound, queue_for_delivery
from engage.outreach import replies as outreach
from engage.outreach import visits
from engage.outreach.models import CampaignRun
from engage.patients.models import Patient
from engage.patients.service import record_consent
from engage.runtime import Runtime
from engage.sms.keywords import Keyword, is_call_request, is_cancel, keyword_in, words_beside_keyword
from engage.sms.opt_out import end_texting
from engage.sms.render import OutText, crisis_resources, render, say
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
# Who is texting. Two quick texts from one patient take turns on this lock (SQLite serialises every
# writer already), so the second must read the check-in only once it holds it: on PostgreSQL a row
# joined into the locking statement would come from the snapshot taken before the wait.
_PATIENT = Prepared(
    select(_PATIENTS.id, _PATIENTS.language, _PATIENTS.sms_consent, _IN_OUTREACH)
    .where(_PATIENTS.phone == bindparam("phone"))
    .with_for_update(of=Patient.__table__)
)
# The SMS check-in the patient is in the middle of, if any, read after the lock above.
_OPEN_CHECKIN = Prepared(
    select(_CHECKINS.id, _CHECKINS.instrument, _CHECKINS.current_item, _CHECKINS.failed_replies)
    .where(_CHECKINS.patient_id == bindparam("patient"), _CHECKINS.status == CheckInStatus.IN_PROGRESS,
           _CHECKINS.channel == Channel.SMS)
    .order_by(_CHECKINS.started_at.desc())
    .limit(1)
)


@dataclass(frozen=True)
class Sender:
    id: int
    language: str
    sms_consent: bool
    in_outreach: bool
    checkin: checkins.OpenCheckIn | None


def _sender(session: Session, phone: str) -> Sender | None:
    connection = session.connection()
    patient = _PATIENT.first(connection, {"phone": phone})
    if patient is None:
        return None
    row = _OPEN_CHECKIN.first(connection, {"patient": patient.id})
    checkin = None if row is None else checkins.OpenCheckIn(row.id, row.instrument, row.current_item,
                                                            row.failed_replies)
    return Sender(patient.id, patient.language, patient.sms_consent, patient.in_outreach, checkin)


@dataclass(frozen=True)
class InboundText:
    sid: str
    from_number: str
    to_number: str
    body: str
    opt_out_type: str | None = None

    @property
    def readable(self) -> str:
        """The body as interpreted and stored: PostgreSQL text cannot hold NUL, which no patient means."""
        return self.body.replace("\x00", "")


@dataclass(frozen=True)
class Reply:
    body: str
    message_id: int


def _store(session: Session, text: InboundText, sender: Sender | None, interpreted_at: datetime | None) -> int:
    readable = text.readable
    return _STORE.execute(session.connection(), {
        "direction": Direction.INBOUND, "channel": Channel.SMS, "kind": "inbound", "from_number": text.from_number,
        "to_number": text.to_number, "body": readable, "provider_sid": text.sid or None,
        # What the patient's phone sent, escaped, whenever it differs from what was stored: nothing is lost.
        "raw_body": None if readable == text.body else text.body.encode("unicode_escape").decode("ascii"),
        "status": MessageStatus.RECEIVED, "patient_id": sender.id if sender else None,
        # The moment it is interpreted, when it is: the replies carry that moment too, and follow it.
        "created_at": interpreted_at or utcnow(),
        "interpreted_at": interpreted_at,
    }).fetchone()[0]


def receive_text(runtime: Runtime, text: InboundText) -> list[Reply]:
    """Stores the message and acts on it in one transaction; should acting fail, the message is
    stored on its own, unmarked, so it can be replayed. The patient never sees an error."""
    now, message_id = utcnow(), None
    try:
        with session_scope(runtime.sessions) as session:
            sender = _sender(session, text.from_number)
            message_id = _store(session, text, sender, interpreted_at=now)
            return answer(session, runtime.settings, message_id, text, sender, now)
    except IntegrityError:
        if message_id is None:
            return []  # Twilio delivered the same message twice: the second changes nothing
        log.error("inbound message %s could not be interpreted: integrity error", text.sid)
    except Exception:
        log_failure(log, "inbound message %s could not be interpreted", text.sid)
    _keep_for_replay(runtime, text)
    return []


def _keep_for_replay(runtime: Runtime, text: InboundText) -> None:
    try:
        with session_scope(runtime.sessions) as session:
            sender = _sender(session, text.from_number)
            message_id = _store(session, text, sender, None)
    except IntegrityError:
        return  # a concurrent delivery of the same message stored it
    try:
        with session_scope(runtime.sessions) as session:
            _flag_uninterpreted(session, runtime.settings, sender, message_id, text)
    except Exception:
        log_failure(log, "no flag could be raised for inbound message %s", message_id)


def _flag_uninterpreted(session: Session, settings: Settings, sender: Sender | None, message_id: int,
                        text: InboundText) -> None:
    """A text nobody could read must still reach a person, and crisis words still get an answer."""
    crisis = classify(text.readable, sender.language if sender else None)
    if crisis.level is not CrisisLevel.NONE:
        texts = _crisis(session, settings, sender, message_id, crisis)
        patient_id = sender.id if sender else None
        queue_for_delivery(session, [outbound(to=text.from_number, sender=settings.sender, body=t.body, kind=t.kind,
                                              patient_id=patient_id) for t in texts], utcnow(), patient_id,
                           urgent=True)
    if sender is not None and crisis.level is CrisisLevel.NONE:
        raise_flag(session, settings, kind=FlagKind.PATIENT_MESSAGE, priority=FlagPriority.HIGH, patient_id=sender.id,
                   message_id=message_id, reason="a text from the patient could not be interpreted; kept for replay")


def answer(session: Session, settings: Settings, message_id: int, text: InboundText, sender: Sender | None,
           now: datetime) -> list[Reply]:
    """Interprets a stored message and records the replies it gets."""
    texts = interpret(session, settings, message_id, text, sender, now)
    checkin_id = sender.checkin.id if sender and sender.checkin else None
    rows = [{"direction": Direction.OUTBOUND, "channel": Channel.SMS, "kind": t.kind, "to_number": text.from_number,
             "from_number": settings.sender, "body": t.body, "status": MessageStatus.SENDING,
             "patient_id": sender.id if sender else None, "checkin_id": checkin_id, "raw_body": None,
             "created_at": now} for t in texts]
    ids = [_STORE.execute(session.connection(), row).fetchone()[0] for row in rows]
    return [Reply(t.body, reply_id) for t, reply_id in zip(texts, ids)]


def interpret(session: Session, settings: Settings, message_id: int, text: InboundText, sender: Sender | None,
              now: datetime) -> list[OutText]:
    body = text.readable
    crisis = classify(body, sender.language if sender else None)
    if sender is None:
        return _from_unknown_number(session, settings, message_id, crisis)
    keyword = keyword_in(body, not sender.sms_consent, text.opt_out_type)
    if crisis.level is CrisisLevel.URGENT:
        # Crisis resources first, whatever else the text says; a STOP beside them is still honoured.
        texts = _crisis(session, settings, sender, message_id, crisis)
        if keyword is Keyword.OPT_OUT:
            texts += _keyword(session, settings, sender.id, keyword, text, now)
        return texts
    seen = crisis.level is CrisisLevel.REVIEW
    if seen:
        _crisis(session, settings, sender, message_id, crisis)
    if keyword is not None:
        if not seen and len(words_beside_keyword(body)) >= 2:
            note_patient_message(session, settings, sender.id, message_id, "more words beside a keyword")
        return _keyword(session, settings, sender.id, keyword, text, now)
    if not sender.sms_consent:
        if not seen:
            note_patient_message(session, settings, sender.id, message_id,
                                 "message from a patient who has opted out of texts")
        return []
    if sender.in_outreach:
        # Any text from the patient ends no-show outreach: a person takes it from here.
        outreach.stop_campaigns_for_reply(session, sender.id, now)
    return _conversation(session, settings, sender, message_id, body, now, seen)


def _conversation(session: Session, settings: Settings, sender: Sender, message_id: int, body: str, now: datetime,
                  seen: bool) -> list[OutText]:
    """A text that is neither a keyword nor crisis wording: an answer, a reply to a reminder, or a note."""
    here, language, checkin = clinic(settings), sender.language, sender.checkin
    answering = checkin is not None and _answers_checkin(checkin, language, body)
    if not answering:
        replies = _visit_reply(session, settings, sender, body, now)
        if replies is not None:
            return [OutText("appointment_reply", reply) for reply in replies]
    if checkin is not None:
        if not answering and not seen and more_than_a_slip(body):
            # Not an answer, but the patient said something: a person reads it as well as the re-prompt.
            note_patient_message(session, settings, sender.id, message_id, "a message during a check-in")
        steps = checkins.take_reply(session, settings, checkin, sender.id, language, message_id, body, now)
        return render(steps, language, here)
    late = _late_answer(session, sender.id, language, body)
    if late is not None:
        return _answer_after_close(session, settings, sender, message_id, late, seen)
    if not seen:
        note_patient_message(session, settings, sender.id, message_id, "message from the patient outside a check-in")
    return [say("patient_message_received", sms.SMS_MESSAGE_RECEIVED, language, here)]


def _visit_reply(session: Session, settings: Settings, sender: Sender, body: str, now: datetime) -> list[str] | None:
    """A reply about a visit: CALL on the day of a video visit turns it into a phone call; C and R
    answer a reminder. None when the text is about no visit."""
    patient = session.get(Patient, sender.id)
    if is_call_request(body):
        return visits.call_request_by_text(session, settings, patient, now)
    return outreach.handle_appointment_reply(session, settings, patient, body, now)


def more_than_a_slip(body: str) -> bool:
    """Words, anything but a stray character, number, punctuation or emoji."""
    return re.search(r"[^\W\d_]{2}", body) is not None


def _crisis(session: Session, settings: Settings, sender: Sender | None, message_id: int,
            crisis: CrisisDecision) -> list[OutText]:
    """Urgent: crisis resources now, an urgent flag and the on-call notice. Review: a high-priority
    flag for a person to read, and no crisis text. The flag keeps the words that matched."""
    urgent = crisis.level is CrisisLevel.URGENT
    reason = (f'crisis wording: "{crisis.matched}"' if urgent
              else f'possible crisis wording, for review: "{crisis.matched}"')
    raise_flag(session, settings, kind=FlagKind.CRISIS_LANGUAGE, patient_id=sender.id if sender else None,
               message_id=message_id, reason=reason[:200],
               priority=FlagPriority.URGENT if urgent else FlagPriority.HIGH)
    if not urgent:
        return []
    if sender is None:
        return [OutText("crisis_resources", _in_every_language(sms.SMS_UNKNOWN_NUMBER_CRISIS))]
    return [crisis_resources(sender.language, clinic(settings))]


def _from_unknown_number(session: Session, settings: Settings, message_id: int,
                         crisis: CrisisDecision) -> list[OutText]:
    """Reveal nothing, not whose number this was nor which clinic; but crisis words always get help."""
    if crisis.level is not CrisisLevel.NONE:
        texts = _crisis(session, settings, None, message_id, crisis)
        if texts:
            return texts
    return [OutText("unknown_number", _in_every_language(sms.SMS_UNKNOWN_NUMBER))]


def _in_every_language(msgid: str) -> str:
    return " ".join(translate(msgid, lang) for lang in sorted(supported_languages()))


def _answers_checkin(checkin: checkins.OpenCheckIn, language: str, body: str) -> bool:
    """An open check-in takes every reply it can read ("1." included) before anything else may."""
    remaining = len(get_instrument(checkin.instrument).items) - checkin.answered
    return parse_reply(body, language, max(remaining, 1)) is not None


@dataclass(frozen=True)
class LateAnswer:
    checkin_id: int
    instrument: str
    first_item: int
    values: list[int]


def _late_answer(session: Session, patient_id: int, language: str, body: str) -> LateAnswer | None:
    """Answers to a check-in that expired before the patient finished it."""
    latest = session.scalar(select(CheckIn).where(CheckIn.patient_id == patient_id)
                            .order_by(CheckIn.id.desc()).limit(1))
    if latest is None or latest.status is not CheckInStatus.EXPIRED:
        return None
    answered = len(latest.answers)
    values = parse_reply(body, language, max(len(get_instrument(latest.instrument).items) - answered, 1))
    return None if values is None else LateAnswer(latest.id, latest.instrument, answered, values)


def _answer_after_close(session: Session, settings: Settings, sender: Sender, message_id: int, late: LateAnswer,
                        seen: bool) -> list[OutText]:
    """Too late to record, never too late to read: a person sees it, and a self-harm answer above 0
    gets the same crisis path as one given in time."""
    here, language = clinic(settings), sender.language
    closed = say("checkin_expired", sms.SMS_CHECKIN_EXPIRED, language, here)
    instrument = get_instrument(late.instrument)
    if any(is_safety_answer(instrument, late.first_item + offset, value) for offset, value in enumerate(late.values)):
        raise_flag(session, settings, kind=FlagKind.SUICIDE_RISK, patient_id=sender.id, checkin_id=late.checkin_id,
                   message_id=message_id, reason="answered the self-harm question above 0 after the check-in closed")
        return [crisis_resources(language, here), closed]
    if not seen:
        note_patient_message(session, settings, sender.id, message_id, "an answer after the check-in closed")
    return [closed]


def _keyword(session: Session, settings: Settings, patient_id: int, keyword: Keyword, text: InboundText,
             now: datetime) -> list[OutText]:
    patient = session.get(Patient, patient_id)
    carrier_handled = bool(text.opt_out_type)
    if keyword is not Keyword.HELP:
        # The consent ledger keeps the patient's own words: they are the record of the request.
        record_consent(session, patient, Channel.SMS, keyword is Keyword.OPT_IN,
                       "carrier" if carrier_handled else "keyword", detail=text.readable[:500])
    if keyword is Keyword.OPT_OUT:
        _opted_out(session, settings, patient, text, now)
    if carrier_handled:
        return []  # Twilio's Advanced Opt-Out already answered; a second confirmation would be noise.
    return [say(f"keyword_{keyword.value}", _KEYWORD_REPLIES[keyword], patient.language, clinic(settings))]


def _opted_out(session: Session, settings: Settings, patient: Patient, text: InboundText, now: datetime) -> None:
    end_texting(session, patient.id, now)
    if is_cancel(text.readable):
        outreach.note_cancel_reply(session, settings, patient, now)


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
            log_failure(log, "inbound message %s could not be interpreted again", message_id)
            failed += 1
    return done, failed


def _replay(session: Session, settings: Settings, message: Message, now: datetime) -> None:
    text = InboundText(message.provider_sid or "", message.from_number, message.to_number, message.body)
    sender = _sender(session, text.from_number)
    replies = [outbound(to=text.from_number, sender=settings.sender, body=reply.body, kind=reply.kind,
                        patient_id=message.patient_id)
               for reply in interpret(session, settings, message.id, text, sender, now)]
    queue_for_delivery(session, replies, now, message.patient_id)
    message.interpreted_at = now
