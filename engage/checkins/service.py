"""Check-ins: scheduling, starting, taking replies, reminding, expiring and scoring.

What to say is returned as the conversation's steps; the channel that carries the check-in words
and sends them (engage.sms.checkins for texts).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engage.checkins import conversation
from engage.checkins.conversation import Progress, Step
from engage.checkins.models import Answer, CheckIn, Enrollment, Outcome
from engage.config import Settings
from engage.db import Prepared, utcnow
from engage.enums import Channel, CheckInStatus, FlagKind
from engage.flags.service import raise_flag
from engage.instruments import get_instrument
from engage.instruments.scoring import score
from engage.outbox import quiet_hours
from engage.outbox.jobs import Job, JobKinds
from engage.outbox.models import Dispatch
from engage.patients.models import Patient
from engage.registry import episodes

START, REMIND, EXPIRE = "checkin_start", "checkin_reminder", "checkin_expire"
# A check-in by call starts with a call placed; one a call left unfinished goes on by text.
CALL, RESUME = "checkin_call", "checkin_resume"
# On a call an item is asked once more when no answer could be read, then left unanswered.
CALL_REPEATS = 1
OPEN = (CheckInStatus.SCHEDULED, CheckInStatus.IN_PROGRESS)


def schedule_checkin(
    session: Session, patient: Patient, instrument: str, *, at: datetime | None = None,
    channel: Channel | None = None, source: str = "api", enrollment_id: int | None = None,
    stepped_up_from_id: int | None = None,
) -> CheckIn:
    get_instrument(instrument)
    order = {"patient_id": patient.id, "instrument": instrument, "channel": checkin_channel(patient, channel),
             "source": source, "scheduled_for": at or utcnow(), "enrollment_id": enrollment_id,
             "stepped_up_from_id": stepped_up_from_id}
    return session.get(CheckIn, schedule_checkins(session, [order])[0])


def schedule_checkins(session: Session, orders: list[dict]) -> list[int]:
    """Check-ins (their column values), each with its start due when it is scheduled for. Two
    statements however many there are, so the planner's thousand cost little more than one."""
    if not orders:
        return []
    ids = session.scalars(insert(CheckIn).returning(CheckIn.id, sort_by_parameter_order=True), orders).all()
    session.execute(insert(Dispatch), [
        {"kind": start_kind(order["channel"]), "due_at": order["scheduled_for"], "patient_id": order["patient_id"], "checkin_id": checkin_id}
        for order, checkin_id in zip(orders, ids)])
    return ids


def start_kind(channel: Channel) -> str:
    return CALL if channel is Channel.VOICE else START


def checkin_channel(patient: Patient, channel: Channel | None) -> Channel:
    """The channel asked for, else the patient's preferred one."""
    return channel or patient.channel


def may_reach(patient: Patient, channel: Channel) -> bool:
    """Consent on the channel, and for texts a number that takes them."""
    reachable = patient.sms_reachable if channel is Channel.SMS else True
    return patient.active and patient.has_consent(channel) and reachable


def active_checkin(session: Session, patient_id: int) -> CheckIn | None:
    return session.scalar(
        select(CheckIn).where(CheckIn.patient_id == patient_id, CheckIn.status == CheckInStatus.IN_PROGRESS)
        .order_by(CheckIn.started_at.desc()).limit(1)
    )


def start_checkin(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> tuple[Step, ...]:
    """Due: open the conversation, unless the patient cannot or should not be texted or called now.
    Returns what to say, nothing when it does not start."""
    if checkin.status is not CheckInStatus.SCHEDULED:
        return ()
    patient = session.get(Patient, checkin.patient_id)
    kind = start_kind(checkin.channel)
    if not may_reach(patient, checkin.channel):
        checkin.status = CheckInStatus.CANCELLED
        _move_enrollment_on(session, checkin, now)
        return ()
    if _deferred_to_allowed_time(session, settings, patient, checkin, kind, now):
        return ()
    busy = active_checkin(session, patient.id)
    if busy is not None:
        # One conversation at a time: a reply must never be read as an answer to the wrong check-in.
        session.add(Dispatch(kind=kind, due_at=busy.expires_at, patient_id=patient.id, checkin_id=checkin.id))
        return ()
    _open(session, settings, checkin, reminded=checkin.channel is Channel.SMS, now=now)
    return conversation.opening(get_instrument(checkin.instrument))


def checkin_to_offer(session: Session, patient_id: int, now: datetime) -> CheckIn | None:
    """What a patient calling in may answer: the check-in in progress, else the earliest one due."""
    return active_checkin(session, patient_id) or session.scalar(
        select(CheckIn).where(CheckIn.patient_id == patient_id, CheckIn.status == CheckInStatus.SCHEDULED,
                              CheckIn.scheduled_for <= now)
        .order_by(CheckIn.scheduled_for, CheckIn.id).limit(1)
    )


def start_on_call(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> bool:
    """A due check-in the patient chose to answer on a call they made: now, quiet hours or not (they
    picked the time), and with no reminder (they are on the line). False when it may not start."""
    patient = session.get(Patient, checkin.patient_id)
    if checkin.status is not CheckInStatus.SCHEDULED or not patient.active or active_checkin(session, patient.id):
        return False
    _open(session, settings, checkin, reminded=False, now=now)
    return True


def _open(session: Session, settings: Settings, checkin: CheckIn, *, reminded: bool, now: datetime) -> None:
    checkin.status, checkin.started_at = CheckInStatus.IN_PROGRESS, now
    checkin.expires_at = now + timedelta(hours=settings.checkin_expiry_hours)
    planned = [(EXPIRE, checkin.expires_at)]
    if reminded:
        # A call is tried again on no answer instead (engage.voice.status).
        planned.append((REMIND, now + timedelta(hours=settings.checkin_reminder_hours)))
    for job, due in planned:
        session.add(Dispatch(kind=job, due_at=due, patient_id=checkin.patient_id, checkin_id=checkin.id))


def remind(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> tuple[Step, ...]:
    """One reminder, only if the patient has not replied at all. Returns what to say, if anything."""
    if checkin.status is not CheckInStatus.IN_PROGRESS or checkin.reminded_at or checkin.answers:
        return ()
    if checkin.failed_replies:
        return ()
    patient = session.get(Patient, checkin.patient_id)
    if _deferred_to_allowed_time(session, settings, patient, checkin, REMIND, now):
        return ()
    checkin.reminded_at = now
    return conversation.reminder(get_instrument(checkin.instrument))


def continue_by_text(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> bool:
    """A call that ended part-way, or calls that never reached the patient: the check-in goes on by text
    from the question it stopped at, when the patient can be texted; otherwise it waits for the next call
    or its expiry. Returns True when it moved."""
    patient = session.get(Patient, checkin.patient_id)
    if checkin.status is not CheckInStatus.IN_PROGRESS or not may_reach(patient, Channel.SMS):
        return False
    checkin.channel, checkin.failed_replies = Channel.SMS, 0
    session.add(Dispatch(kind=RESUME, due_at=now, patient_id=patient.id, checkin_id=checkin.id))
    return True


def resume(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> tuple[Step, ...]:
    """The question a check-in stopped at, on its new channel; in quiet hours, in the morning."""
    if checkin.status is not CheckInStatus.IN_PROGRESS:
        return ()
    patient = session.get(Patient, checkin.patient_id)
    if _deferred_to_allowed_time(session, settings, patient, checkin, RESUME, now):
        return ()
    return conversation.take_up(get_instrument(checkin.instrument), checkin.current_item)


def _deferred_to_allowed_time(session: Session, settings: Settings, patient: Patient, checkin: CheckIn, kind: str,
                              now: datetime) -> bool:
    """Quiet hours (SPEC): a start or reminder due in them is re-planned for the next allowed time, never
    dropped, so the reminder and expiry count from when the patient was actually texted."""
    hours = quiet_hours.for_patient(patient, settings)
    if not hours.is_quiet(now):
        return False
    session.add(Dispatch(kind=kind, due_at=hours.next_allowed_time(now), patient_id=patient.id,
                         checkin_id=checkin.id))
    return True


def expire(session: Session, checkin: CheckIn, now: datetime) -> None:
    _close_unfinished(session, checkin, CheckInStatus.EXPIRED, now)


def stop_for_opt_out(session: Session, patient_id: int, now: datetime) -> None:
    """STOP ends the conversation at once; the answers the patient gave are kept and recorded."""
    checkin = active_checkin(session, patient_id)
    if checkin is not None:
        _close_unfinished(session, checkin, CheckInStatus.STOPPED, now)


def _close_unfinished(session: Session, checkin: CheckIn, status: CheckInStatus, now: datetime) -> None:
    if checkin.status is not CheckInStatus.IN_PROGRESS:
        return
    checkin.status = status
    _move_enrollment_on(session, checkin, now)
    if checkin.answers:
        # A partial administration keeps its answers and gets no total.
        _record_outcome(session, checkin, completed_at=now)


# Built once: the answering path runs for every reply, and building statements is not free.
_RECORD_ANSWER = Prepared(insert(Answer.__table__))
_ADVANCE = Prepared(update(CheckIn.__table__).where(CheckIn.__table__.c.id == bindparam("checkin"))
                    .values(current_item=bindparam("answered"), failed_replies=bindparam("failures")))


@dataclass(frozen=True)
class OpenCheckIn:
    """What answering needs to know about the check-in in progress: read in the webhook's one lookup."""

    id: int
    instrument: str
    answered: int
    failed_replies: int


def take_reply(session: Session, settings: Settings, checkin: OpenCheckIn, patient_id: int, language: str,
               message_id: int | None, body: str, now: datetime, repeats: int | None = None) -> tuple[Step, ...]:
    """The hot path of every check-in: plain statements, no objects loaded unless the check-in ends."""
    instrument = get_instrument(checkin.instrument)
    progress = Progress(instrument, language, checkin.answered, checkin.failed_replies)
    turn = conversation.take_reply(progress, body, repeats)
    connection = session.connection()
    for index, value in enumerate(turn.new_answers, start=checkin.answered):
        _RECORD_ANSWER.execute(connection, {
            "checkin_id": checkin.id, "item_index": index, "item_code": instrument.items[index].code,
            "value": value, "message_id": message_id, "answered_at": now})
    _ADVANCE.execute(connection, {"checkin": checkin.id, "answered": checkin.answered + turn.advanced,
                                  "failures": turn.failed_replies})
    if turn.safety_event:
        raise_flag(session, settings, kind=FlagKind.SUICIDE_RISK, patient_id=patient_id, checkin_id=checkin.id,
                   message_id=message_id, reason="answered the self-harm question above 0")
    if turn.finished:
        complete(session, settings, session.get(CheckIn, checkin.id), session.get(Patient, patient_id), now)
    return turn.steps


def complete(session: Session, settings: Settings, checkin: CheckIn, patient: Patient, now: datetime) -> Outcome:
    checkin.status, checkin.completed_at = CheckInStatus.COMPLETED, now
    outcome = _record_outcome(session, checkin, completed_at=now)
    _move_enrollment_on(session, checkin, now)
    result = score(get_instrument(checkin.instrument), outcome.answers)
    if result.step_up:
        # A positive brief screen is followed by the full instrument, as the screening protocol asks.
        schedule_checkin(session, patient, result.step_up, at=now, channel=checkin.channel, source="step_up",
                         stepped_up_from_id=checkin.id)
    return outcome


def _move_enrollment_on(session: Session, checkin: CheckIn, now: datetime) -> None:
    if checkin.enrollment_id is not None:
        session.get(Enrollment, checkin.enrollment_id).checkin_ended(checkin, now)


def _record_outcome(session: Session, checkin: CheckIn, completed_at: datetime) -> Outcome:
    instrument = get_instrument(checkin.instrument)
    # By position: an item a call left unanswered is a gap, not a shift of the answers after it.
    answers: list[int | None] = [None] * len(instrument.items)
    for answer in checkin.answers:
        answers[answer.item_index] = answer.value
    result = score(instrument, answers)
    outcome = Outcome(
        patient_id=checkin.patient_id, checkin_id=checkin.id, instrument=checkin.instrument, answers=answers,
        total=result.total, severity=result.severity, safety_event=result.safety_event,
        positive_screen=result.positive_screen, source=checkin.channel.value, completed_at=completed_at,
    )
    session.add(outcome)
    if result.total is not None:
        episodes.note_score(session, checkin.patient_id, checkin.instrument, result.total, completed_at)
    return outcome


def list_checkins(session: Session, patient_id: int) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(CheckIn.patient_id == patient_id)
                                .order_by(CheckIn.scheduled_for.desc(), CheckIn.id.desc())))


def _expire(job: Job) -> None:
    expire(job.session, job.session.get(CheckIn, job.dispatch.checkin_id), job.now)


# Starting and reminding speak to the patient, so the channel carrying the check-in declares them.
JOBS = JobKinds(decide={EXPIRE: _expire})
