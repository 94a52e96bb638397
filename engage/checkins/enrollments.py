"""Enrollments: an instrument every N days on a channel, paused while the patient cannot be reached."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from engage.checkins.models import CheckIn, Enrollment, Outcome
from engage.checkins.service import checkin_channel
from engage.enums import Channel, CheckInStatus, ConsentAction, DischargeReason, EnrollmentStatus
from engage.errors import Conflict, NotFound
from engage.instruments import get_instrument
from engage.patients.models import ConsentEvent, Patient
from engage.registry import episodes
from engage.registry.models import Episode

OPTED_OUT, UNREACHABLE, INACTIVE = "opted_out", "unreachable", "patient_inactive"
# A paused enrollment is looked at again this often: a patient who texts START, or whose new number
# clears "unreachable", is picked up by the planner without anything watching the consent ledger.
PAUSE_RECHECK = timedelta(minutes=15)


def enroll(session: Session, patient: Patient, *, instrument: str, interval_days: int, now: datetime,
           channel: Channel | None = None, start_at: datetime | None = None) -> Enrollment:
    get_instrument(instrument)
    channel = checkin_channel(patient, channel)
    if session.scalar(select(Enrollment.id).where(Enrollment.patient_id == patient.id,
                                                  Enrollment.instrument == instrument,
                                                  Enrollment.status != EnrollmentStatus.ENDED)):
        raise Conflict("already enrolled", {"instrument": ["The patient is already enrolled; end that one first."]})
    enrollment = Enrollment(patient_id=patient.id, instrument=instrument, interval_days=interval_days,
                            channel=channel, status=EnrollmentStatus.ACTIVE, next_due_at=start_at or now,
                            started_at=now)
    session.add(enrollment)
    session.flush()
    _rescore(session, episodes.open_episode(session, patient, instrument, now))
    return enrollment


def _rescore(session: Session, episode: Episode) -> None:
    """The episode's first and latest scores on its instrument, read again: joining an open episode can
    change what it is measured on (to PHQ-9 once depression is followed too)."""
    scored = select(Outcome.total, Outcome.completed_at).where(
        Outcome.patient_id == episode.patient_id, Outcome.instrument == episode.instrument,
        Outcome.total.is_not(None), Outcome.completed_at >= episode.opened_at)
    first = session.execute(scored.order_by(Outcome.completed_at, Outcome.id).limit(1)).first()
    last = session.execute(scored.order_by(Outcome.completed_at.desc(), Outcome.id.desc()).limit(1)).first()
    episode.baseline, episode.baseline_at = first or (None, None)
    episode.latest, episode.latest_at = last or (None, None)


def list_enrollments(session: Session, patient_id: int) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(Enrollment.patient_id == patient_id)
                                .order_by(Enrollment.started_at.desc(), Enrollment.id.desc())))


def get_enrollment(session: Session, patient_id: int, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.patient_id != patient_id:
        raise NotFound(f"no enrollment {enrollment_id} for patient {patient_id}")
    return enrollment


def end_enrollment(session: Session, enrollment: Enrollment, now: datetime) -> Enrollment:
    """Nothing more is planned; a check-in not yet sent is cancelled, one under way may be finished."""
    if enrollment.status is EnrollmentStatus.ENDED:
        raise Conflict("the enrollment has already ended")
    enrollment.status, enrollment.ended_at, enrollment.next_due_at = EnrollmentStatus.ENDED, now, None
    enrollment.paused_reason = enrollment.paused_at = None
    session.execute(update(CheckIn).where(CheckIn.enrollment_id == enrollment.id,
                                          CheckIn.status == CheckInStatus.SCHEDULED)
                    .values(status=CheckInStatus.CANCELLED))
    return enrollment


def discharge(session: Session, patient_id: int, episode_id: int, reason: DischargeReason,
              now: datetime) -> Episode:
    """Leaving treatment ends every enrollment of the patient's, so no further check-in is planned;
    one already under way may still be finished and is kept."""
    episode = episodes.discharge(session, patient_id, episode_id, reason, now)
    for enrollment in session.scalars(select(Enrollment).where(Enrollment.patient_id == patient_id,
                                                               Enrollment.status != EnrollmentStatus.ENDED)):
        end_enrollment(session, enrollment, now)
    return episode


def pause_reason(patient: Patient, channel: Channel) -> str | None:
    """Why the patient cannot be sent an enrollment's check-ins on this channel now, or None."""
    if not patient.active:
        return INACTIVE
    if not patient.has_consent(channel):
        return OPTED_OUT
    if channel is Channel.SMS and not patient.sms_reachable:
        return UNREACHABLE
    return None


def pause(session: Session, enrollment_ids: list[int], reason: str, now: datetime) -> None:
    """Paused (since the first time it was found so), to be looked at again after PAUSE_RECHECK."""
    session.execute(_set(enrollment_ids).values(
        status=EnrollmentStatus.PAUSED, paused_reason=reason,
        paused_at=func.coalesce(Enrollment.paused_at, literal(now, Enrollment.paused_at.type)),
        next_due_at=now + PAUSE_RECHECK))


def mark_planned(session: Session, enrollment_ids: list[int]) -> None:
    """Active (again, if it was paused); nothing is due until its check-in ends and says when."""
    session.execute(_set(enrollment_ids).values(
        status=EnrollmentStatus.ACTIVE, paused_reason=None, paused_at=None, next_due_at=None))


def _set(enrollment_ids: list[int]):
    # Set-wise for the planner, which holds rows, not Enrollment objects that would need refreshing.
    return (update(Enrollment).where(Enrollment.id.in_(enrollment_ids))
            .execution_options(synchronize_session=False))


def switch_to_calls(session: Session, patient: Patient, reason: str, now: datetime) -> bool:
    """Texts cannot reach the patient: check-ins go by call from now on, if they agreed to calls. The
    switch is kept in the consent history with its reason. Returns True when it switched."""
    if not patient.voice_consent or patient.channel is Channel.VOICE and not _on_sms(session, patient.id):
        return False
    patient.channel = Channel.VOICE
    session.execute(update(Enrollment).where(Enrollment.patient_id == patient.id, Enrollment.channel == Channel.SMS,
                                             Enrollment.status != EnrollmentStatus.ENDED)
                    .values(channel=Channel.VOICE).execution_options(synchronize_session=False))
    session.add(ConsentEvent(patient_id=patient.id, phone=patient.phone, channel=Channel.VOICE,
                             action=ConsentAction.SWITCHED_TO_CALLS, source="delivery_failure", detail=reason,
                             occurred_at=now))
    return True


def _on_sms(session: Session, patient_id: int) -> bool:
    return session.scalar(select(Enrollment.id).where(
        Enrollment.patient_id == patient_id, Enrollment.channel == Channel.SMS,
        Enrollment.status != EnrollmentStatus.ENDED).limit(1)) is not None
