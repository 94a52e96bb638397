"""Outcomes over time, and results recorded from other sources (clinic, EHR)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.checkins.models import Outcome
from engage.checkins.service import schedule_checkin
from engage.config import Settings
from engage.enums import Channel, FlagKind
from engage.errors import Conflict, Invalid
from engage.flags.service import raise_flag
from engage.instruments import get_instrument
from engage.instruments.scoring import score
from engage.patients.models import Patient
from engage.registry.episodes import list_episodes, note_score
from engage.registry.models import Episode

# Clocks at a clinic and at an EHR disagree by a few minutes; a result from later than that is a mistake.
CLOCK_SKEW = timedelta(minutes=5)
# The full PHQ-9 and GAD-7 ask about the last two weeks: an older positive screen is history to review,
# not a reason to text the patient today.
STEP_UP_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class OutcomeView:
    """An outcome as the registry shows it: the episode of care it belongs to and its change from that
    episode's baseline."""

    outcome: Outcome
    episode_id: int | None
    change_from_baseline: int | None
    change_from_baseline_percent: float | None

    def __getattr__(self, name):
        return getattr(self.outcome, name)


def list_outcomes(session: Session, patient_id: int) -> list[Outcome]:
    return list(session.scalars(select(Outcome).where(Outcome.patient_id == patient_id)
                                .order_by(Outcome.completed_at, Outcome.id)))


def outcomes_over_time(session: Session, patient_id: int) -> list[OutcomeView]:
    return with_change_from_baseline(list_outcomes(session, patient_id), list_episodes(session, patient_id))


def with_change_from_baseline(outcomes: list[Outcome], episodes: list[Episode]) -> list[OutcomeView]:
    """Change is measured from the first score on the same instrument in the same episode (SPEC
    "Caseload status"): a new episode starts from a new baseline, and a result taken outside any
    episode has none."""
    baselines: dict[tuple[int, str], int] = {}
    views = []
    for outcome in outcomes:
        episode = _episode_of(outcome, episodes)
        if episode is None or outcome.total is None:
            views.append(OutcomeView(outcome, episode and episode.id, None, None))
            continue
        baseline = baselines.setdefault((episode.id, outcome.instrument), outcome.total)
        change = outcome.total - baseline
        percent = round(100.0 * change / baseline, 1) if baseline else None
        views.append(OutcomeView(outcome, episode.id, change, percent))
    return views


def _episode_of(outcome: Outcome, episodes: list[Episode]) -> Episode | None:
    for episode in episodes:
        if episode.opened_at <= outcome.completed_at and (episode.closed_at is None
                                                          or outcome.completed_at < episode.closed_at):
            return episode
    return None


def record_external(session: Session, settings: Settings, patient: Patient, *, instrument: str,
                    answers: list[int | None], completed_at: datetime, source: str, now: datetime,
                    external_id: str | None = None) -> tuple[Outcome, bool]:
    """Scored, flagged and, for a recent positive brief screen, followed by the full instrument by text,
    as a screen taken by text is. A result sent again under its external id is recorded once: returns
    the outcome and whether it is new."""
    if completed_at > now + CLOCK_SKEW:
        raise Invalid("completed in the future", {"completed_at": ["Must not be in the future."]})
    definition = get_instrument(instrument)
    result = score(definition, answers[: len(definition.items)])
    outcome = Outcome(
        patient_id=patient.id, instrument=instrument, answers=list(answers), total=result.total,
        severity=result.severity, safety_event=result.safety_event, positive_screen=result.positive_screen,
        source=source, completed_at=completed_at, external_id=external_id,
    )
    recorded = _recorded_before(session, outcome) if external_id else None
    if recorded is not None:
        return recorded, False
    try:
        with session.begin_nested():
            session.add(outcome)
    except IntegrityError:
        # The same result sent twice at once: the other request recorded it.
        recorded = _recorded_before(session, outcome)
        if recorded is None:
            raise
        return recorded, False
    if result.total is not None:
        note_score(session, patient.id, instrument, result.total, completed_at)
    if result.safety_event:
        raise_flag(session, settings, kind=FlagKind.SUICIDE_RISK, patient_id=patient.id,
                   reason=f"self-harm question above 0 on a {source} administration")
    if result.step_up and completed_at > now - STEP_UP_WINDOW:
        # Only texts carry check-ins so far, whatever channel the patient prefers.
        schedule_checkin(session, patient, result.step_up, at=now, channel=Channel.SMS, source="step_up")
    return outcome, True


def _recorded_before(session: Session, outcome: Outcome) -> Outcome | None:
    """The outcome already recorded under this one's external id; a different result under the same id
    is a conflict, not a repeat."""
    recorded = session.scalar(select(Outcome).where(Outcome.external_id == outcome.external_id))
    if recorded is None:
        return None
    same = (recorded.patient_id, recorded.instrument, recorded.answers, recorded.completed_at, recorded.source) == (
        outcome.patient_id, outcome.instrument, outcome.answers, outcome.completed_at, outcome.source)
    if not same:
        raise Conflict("another result was recorded under this external id",
                       {"external_id": ["Already names a different result."]})
    return recorded
