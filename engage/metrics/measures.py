"""Program measures over a period (SPEC "Program measures"), each a numerator over a denominator.

Each family of measures is one aggregate statement, grouped in the database by the patient's language
or care manager when asked: a quarter of a large clinic costs a handful of statements, never one per
patient. The definitions are in the README ("Program measures").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, Select, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from engage.checkins.models import CheckIn, Outcome
from engage.config import Settings
from engage.db import epoch
from engage.enums import CheckInStatus, ConsentAction, Channel, Direction, FlagPriority, MessageStatus
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Message
from engage.outreach.models import Campaign, CampaignRun
from engage.patients.models import ConsentEvent, Patient
from engage.registry.models import Episode

DAY = 86400.0
HORIZONS = (30, 60, 90)
# A follow-up score counts for "at 60 days" when it was taken within this many days of day 60.
HORIZON_WINDOW_DAYS = 15
ACTION_WITHIN = timedelta(days=7)
# Full instruments only: a positive two-item screen is followed by the full one, which is the screen counted.
SCREENED_ON = ("phq9", "gad7")
# What a care manager does with a patient's flag; "raised", "notified" and "escalated" are the system's.
CARE_ACTIONS = ("acknowledged", "assigned", "resolved")
MEDIAN = "urgent_flag_ack_median_minutes"
COUNTED = ("checkin_completion", "positive_screen_action_within_7_days",
           *(f"{kind}_{days}_days" for days in HORIZONS for kind in ("response", "remission")),
           "not_improving_by_target_week", "no_show_outreach_reached", "no_show_outreach_responded",
           "no_show_outreach_rescheduled", "opt_out", "delivery_failure")
LEFT = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED,
        MessageStatus.READ)
NOT_DELIVERED = (MessageStatus.UNDELIVERED, MessageStatus.FAILED)


class GroupBy(StrEnum):
    LANGUAGE = "language"
    CARE_MANAGER = "care_manager"


@dataclass(frozen=True)
class Period:
    """Whole days in the clinic's time zone, `first` and `last` included."""

    first: date
    last: date
    start: datetime
    end: datetime  # exclusive

    @classmethod
    def of_days(cls, first: date, last: date, settings: Settings) -> "Period":
        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(0), settings.zone)

        return cls(first, last, midnight(first), midnight(last + timedelta(days=1)))

    def holds(self, column):
        return and_(column >= self.start, column < self.end)

    def holds_seconds(self, seconds):
        """For a moment computed in SQL (seconds since 1970), such as a baseline plus 30 days."""
        return and_(seconds >= self.start.timestamp(), seconds < self.end.timestamp())


@dataclass(frozen=True)
class Measure:
    numerator: int
    denominator: int
    value: float | None


def rate(numerator: int, denominator: int) -> Measure:
    return Measure(numerator, denominator, round(numerator / denominator, 4) if denominator else None)


def program_measures(session: Session, settings: Settings, period: Period, by: GroupBy | None = None) -> dict:
    """The measures for the whole clinic, and per group when `by` is given."""
    counted: dict = {}
    for family in (_checkins, _positive_screens, _episodes, _outreach, _opt_outs, _deliveries):
        for group, figures in family(session, settings, period, by).items():
            counted.setdefault(group, {}).update(figures)
    overall = _rates(_summed(counted.values()))
    overall[MEDIAN] = _median_ack(session, period, None)[None]
    groups = []
    if by is not None:
        medians = _median_ack(session, period, by)
        for group in _in_order(counted.keys() | medians.keys()):
            measures = _rates(counted.get(group, {}))
            measures[MEDIAN] = medians.get(group, Measure(0, 0, None))
            groups.append({"group": group, "measures": measures})
    return {"from": period.first, "to": period.last, "by": by, "measures": overall, "groups": groups}


def _in_order(groups: set) -> list:
    """Languages or staff ids in order, patients without one last."""
    return sorted(groups - {None}) + ([None] if None in groups else [])


def _summed(groups) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for figures in groups:
        for name, (numerator, denominator) in figures.items():
            before = totals.get(name, (0, 0))
            totals[name] = (before[0] + numerator, before[1] + denominator)
    return totals


def _rates(figures: dict[str, tuple[int, int]]) -> dict[str, Measure]:
    return {name: rate(*figures.get(name, (0, 0))) for name in COUNTED}


def _grouped(session: Session, query: Select, by: GroupBy | None, patient_id) -> dict:
    """Runs an aggregate `query`, per group of patients when `by` is given: {group: row}."""
    if by is None:
        return {None: session.execute(query).one()}
    query = query.outerjoin(Patient, Patient.id == patient_id)
    group = Patient.language if by is GroupBy.LANGUAGE else Patient.care_manager_id
    query = query.add_columns(group.label("group")).group_by(group)
    return {row.group: row for row in session.execute(query)}


def _count(condition):
    return func.count(case((condition, 1)))


def _checkins(session, settings, period, by) -> dict:
    """Check-ins sent in the period (started), and how many of them were completed."""
    query = (select(func.count().label("sent"), _count(CheckIn.status == CheckInStatus.COMPLETED).label("completed"))
             .select_from(CheckIn).where(period.holds(CheckIn.started_at)))
    return {group: {"checkin_completion": (row.completed, row.sent)}
            for group, row in _grouped(session, query, by, CheckIn.patient_id).items()}


def _positive_screens(session, settings, period, by) -> dict:
    """PHQ-9 or GAD-7 results in the period at or above the instrument's cut point, or any PHQ-9 with
    item 9 above 0; acted on when a care manager acknowledged, assigned or resolved one of the patient's
    flags within 7 days of the result reaching engage."""
    acted = exists(
        select(FlagEvent.id).join(Flag, Flag.id == FlagEvent.flag_id)
        .where(Flag.patient_id == Outcome.patient_id, FlagEvent.actor_id.is_not(None),
               FlagEvent.action.in_(CARE_ACTIONS), FlagEvent.occurred_at >= Outcome.recorded_at,
               epoch(FlagEvent.occurred_at) <= epoch(Outcome.recorded_at) + ACTION_WITHIN.total_seconds())
        .correlate(Outcome))
    query = (select(func.count().label("positive"), _count(acted).label("acted"))
             .select_from(Outcome)
             .where(period.holds(Outcome.completed_at), Outcome.instrument.in_(SCREENED_ON),
                    or_(Outcome.positive_screen, Outcome.safety_event)))
    return {group: {"positive_screen_action_within_7_days": (row.acted, row.positive)}
            for group, row in _grouped(session, query, by, Outcome.patient_id).items()}


def _median_ack(session: Session, period: Period, by: GroupBy | None) -> dict:
    """Median minutes from an urgent flag raised in the period to its acknowledgment, per group: the
    middle row (or the mean of the middle two) of the acknowledged flags ordered by that time."""
    minutes = (epoch(Flag.acknowledged_at) - epoch(Flag.created_at)) / 60.0
    raised = (select(func.count().label("raised"), _count(Flag.acknowledged_at.is_not(None)).label("acknowledged"))
              .select_from(Flag).where(Flag.priority == FlagPriority.URGENT, period.holds(Flag.created_at)))
    found = _grouped(session, raised, by, Flag.patient_id)
    ranked = select(minutes.label("minutes")).select_from(Flag).where(
        Flag.priority == FlagPriority.URGENT, period.holds(Flag.created_at), Flag.acknowledged_at.is_not(None))
    if by is not None:
        ranked = ranked.outerjoin(Patient, Patient.id == Flag.patient_id)
        group = Patient.language if by is GroupBy.LANGUAGE else Patient.care_manager_id
        partition = {"partition_by": group}
    else:
        group, partition = literal(None), {}
    ranked = ranked.add_columns(group.label("group"), func.row_number().over(order_by=minutes, **partition)
                                .label("rank"), func.count().over(**partition).label("size")).subquery()
    middle = (select(ranked.c.group, func.avg(ranked.c.minutes).label("median"))
              .where((ranked.c.rank * 2).in_([ranked.c.size, ranked.c.size + 1, ranked.c.size + 2]))
              .group_by(ranked.c.group))
    medians = {row.group: round(float(row.median), 1) for row in session.execute(middle)}
    return {group: Measure(row.acknowledged, row.raised, medians.get(group)) for group, row in found.items()}


def _episodes(session, settings, period, by) -> dict:
    """Response and remission at 30, 60 and 90 days, and not improving by the target week."""
    facts = _episode_facts(settings, period).subquery()
    c = facts.c

    def responded(score):
        return and_(score.is_not(None), (c.baseline - score) * 100 >= settings.response_percent * c.baseline)

    figures = []
    for days in HORIZONS:
        due = and_(c.baseline >= settings.not_improving_score,
                   period.holds_seconds(c.baseline_seconds + days * DAY))
        score = getattr(c, f"at_{days}")
        figures += [_count(due).label(f"due_{days}"),
                    _count(and_(due, responded(score))).label(f"response_{days}"),
                    _count(and_(due, score < settings.remission_below)).label(f"remission_{days}")]
    target = c.opened_seconds + settings.target_week * 7 * DAY
    reached = and_(period.holds_seconds(target), or_(c.closed_seconds.is_(None), c.closed_seconds >= target))
    stuck = and_(reached, c.at_target >= settings.not_improving_score, ~responded(c.at_target))
    figures += [_count(reached).label("reached_target"), _count(stuck).label("not_improving")]
    query = select(*figures).select_from(facts)
    if by is not None:
        group = c.language if by is GroupBy.LANGUAGE else c.care_manager
        query = query.add_columns(group.label("group")).group_by(group)
        rows = {row.group: row for row in session.execute(query)}
    else:
        rows = {None: session.execute(query).one()}
    return {group: _episode_measures(row) for group, row in rows.items()}


def _episode_measures(row) -> dict:
    measures = {}
    for days in HORIZONS:
        due = getattr(row, f"due_{days}")
        measures[f"response_{days}_days"] = (getattr(row, f"response_{days}"), due)
        measures[f"remission_{days}_days"] = (getattr(row, f"remission_{days}"), due)
    measures["not_improving_by_target_week"] = (row.not_improving, row.reached_target)
    return measures


def _episode_facts(settings: Settings, period: Period) -> Select:
    """Per episode with a horizon or its target week in the period: its baseline (kept on the episode),
    the last score near each horizon and the latest score by the target week, in one grouped pass over
    those episodes' scores (a lookup per episode and horizon costs far more on a large clinic); with
    the patient's group columns."""
    baseline_seconds, opened = epoch(Episode.baseline_at), epoch(Episode.opened_at)
    day = (epoch(Outcome.completed_at) - baseline_seconds) / DAY
    target = opened + settings.target_week * 7 * DAY
    windows = {f"at_{days}": and_(day >= days - HORIZON_WINDOW_DAYS, day < days + HORIZON_WINDOW_DAYS)
               for days in HORIZONS}
    windows["at_target"] = epoch(Outcome.completed_at) <= target
    care_manager = func.coalesce(Episode.care_manager_id, Patient.care_manager_id)
    return (select(Episode.baseline, baseline_seconds.label("baseline_seconds"), opened.label("opened_seconds"),
                   epoch(Episode.closed_at).label("closed_seconds"), care_manager.label("care_manager"),
                   Patient.language.label("language"),
                   *(_last_total(condition).label(name) for name, condition in windows.items()))
            .select_from(Episode).join(Patient, Patient.id == Episode.patient_id)
            .outerjoin(Outcome, _in_episode())
            .where(or_(period.holds_seconds(target),
                       *(period.holds_seconds(baseline_seconds + days * DAY) for days in HORIZONS)))
            .group_by(Episode.id, Episode.baseline, Episode.baseline_at, Episode.opened_at, Episode.closed_at,
                      Episode.care_manager_id, Patient.care_manager_id, Patient.language))


def _in_episode():
    """Scores on the episode's instrument taken while it was open."""
    return and_(Outcome.patient_id == Episode.patient_id, Outcome.instrument == Episode.instrument,
                Outcome.total.is_not(None), Outcome.completed_at >= Episode.opened_at,
                or_(Episode.closed_at.is_(None), Outcome.completed_at < Episode.closed_at))


def _stamped():
    """A score's whole second and total in one number (total in the last two digits), so the last
    score's total is a MAX: no sort, no second lookup."""
    return cast(epoch(Outcome.completed_at), BigInteger) * 100 + Outcome.total


def _last_total(condition):
    return func.max(case((condition, _stamped()))) % 100


def _outreach(session, settings, period, by) -> dict:
    """No-show outreach started in the period: reached (a text or call delivered), responded, rescheduled."""
    query = (select(func.count().label("runs"), _count(CampaignRun.reached_at.is_not(None)).label("reached"),
                    _count(CampaignRun.replied_at.is_not(None)).label("responded"),
                    _count(CampaignRun.rescheduled_at.is_not(None)).label("rescheduled"))
             .select_from(CampaignRun).join(Campaign, Campaign.id == CampaignRun.campaign_id)
             .where(Campaign.trigger == "no_show", period.holds(CampaignRun.started_at)))
    return {group: {"no_show_outreach_reached": (row.reached, row.runs),
                    "no_show_outreach_responded": (row.responded, row.runs),
                    "no_show_outreach_rescheduled": (row.rescheduled, row.runs)}
            for group, row in _grouped(session, query, by, CampaignRun.patient_id).items()}


def _opt_outs(session, settings, period, by) -> dict:
    """Patients texted in the period, and how many of them turned texts off in it."""
    texted = (select(Message.patient_id.label("patient_id")).where(
        Message.direction == Direction.OUTBOUND, Message.channel == Channel.SMS, Message.patient_id.is_not(None),
        period.holds(Message.created_at)).distinct().subquery())
    revoked = exists(select(ConsentEvent.id).where(
        ConsentEvent.patient_id == texted.c.patient_id, ConsentEvent.channel == Channel.SMS,
        ConsentEvent.action == ConsentAction.REVOKED, period.holds(ConsentEvent.occurred_at)).correlate(texted))
    query = select(func.count().label("texted"), _count(revoked).label("opted_out")).select_from(texted)
    return {group: {"opt_out": (row.opted_out, row.texted)}
            for group, row in _grouped(session, query, by, texted.c.patient_id).items()}


def _deliveries(session, settings, period, by) -> dict:
    """Texts and calls that left in the period, and how many of them the carrier could not deliver."""
    query = (select(func.count().label("left"), _count(Message.status.in_(NOT_DELIVERED)).label("failed"))
             .select_from(Message)
             .where(Message.direction == Direction.OUTBOUND, Message.status.in_(LEFT),
                    period.holds(Message.created_at)))
    return {group: {"delivery_failure": (row.failed, row.left)}
            for group, row in _grouped(session, query, by, Message.patient_id).items()}
