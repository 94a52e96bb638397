"""Episodes of care: an enrollment opens one (or joins the patient's open one); discharge closes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engage.enums import DischargeReason
from engage.errors import Conflict, NotFound
from engage.patients.models import Patient
from engage.registry.models import Episode

# Change is measured on the full instrument of the enrollment's family: a PHQ-2 screen is no baseline.
MEASURED_ON = {"phq9": "phq9", "phq2": "phq9", "gad7": "gad7", "gad2": "gad7"}


def open_episode(session: Session, patient: Patient, instrument: str, now: datetime) -> Episode:
    """The patient's open episode, or a new one from `now`. GAD-7 measures only anxiety-only care:
    once depression is followed too, the episode is measured on PHQ-9."""
    measure = MEASURED_ON[instrument]
    episode = current_episode(session, patient.id)
    if episode is None:
        episode = Episode(patient_id=patient.id, instrument=measure, care_manager_id=patient.care_manager_id,
                          opened_at=now)
        session.add(episode)
        session.flush()
    elif measure == "phq9":
        episode.instrument = measure
    return episode


def current_episode(session: Session, patient_id: int) -> Episode | None:
    return session.scalar(select(Episode).where(Episode.patient_id == patient_id, Episode.closed_at.is_(None)))


def list_episodes(session: Session, patient_id: int) -> list[Episode]:
    return list(session.scalars(select(Episode).where(Episode.patient_id == patient_id)
                                .order_by(Episode.opened_at.desc(), Episode.id.desc())))


def discharge(session: Session, patient_id: int, episode_id: int, reason: DischargeReason,
              now: datetime) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None or episode.patient_id != patient_id:
        raise NotFound(f"no episode {episode_id} for patient {patient_id}")
    if episode.closed_at is not None:
        raise Conflict("the episode is already closed")
    episode.closed_at, episode.close_reason = now, reason
    return episode


def note_score(session: Session, patient_id: int, instrument: str, total: int, completed_at: datetime) -> None:
    """A scored result on the open episode's instrument, taken while it was open, becomes its baseline
    if it is the earliest and its latest score if it is the newest. Each is one conditional UPDATE, so
    two results recorded at once each win only where they are earlier or later."""
    this_episode = (Episode.patient_id == patient_id, Episode.closed_at.is_(None), Episode.instrument == instrument,
                    Episode.opened_at <= completed_at)
    session.execute(update(Episode).where(*this_episode, or_(Episode.baseline_at.is_(None),
                                                             Episode.baseline_at > completed_at))
                    .values(baseline=total, baseline_at=completed_at))
    session.execute(update(Episode).where(*this_episode, or_(Episode.latest_at.is_(None),
                                                             Episode.latest_at <= completed_at))
                    .values(latest=total, latest_at=completed_at))
