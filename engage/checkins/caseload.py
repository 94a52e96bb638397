"""The caseload: one row per patient in an open episode, with the treat-to-target status (SPEC).

One statement whatever the size of the caseload: baseline and latest scores are kept on the episode as
results are recorded (engage.registry.episodes.note_score), so a patient's long history costs no more
than a short one, and the status is computed in the database so it can be filtered, sorted and paged
there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import CaseloadStatus, Direction, FlagStatus
from engage.flags.models import Flag
from engage.outbox.models import Message
from engage.patients.models import Patient
from engage.registry.models import Episode

# Who needs a look first: no progress by the target week, then silence, then the rest by how far along.
ATTENTION = [CaseloadStatus.NOT_IMPROVING, CaseloadStatus.NO_RECENT_SCORE, CaseloadStatus.IN_TREATMENT,
             CaseloadStatus.PARTIAL_RESPONSE, CaseloadStatus.RESPONSE, CaseloadStatus.REMISSION]
SORTS = ["status", "weeks", "change_percent", "latest", "last_contact", "patient_id"]


@dataclass(frozen=True)
class CaseloadRow:
    episode_id: int
    patient_id: int
    first_name: str
    last_name: str
    instrument: str
    care_manager_id: int | None
    opened_at: datetime
    weeks_in_treatment: int
    baseline: int | None
    baseline_at: datetime | None
    latest: int | None
    latest_at: datetime | None
    change_percent: float | None
    last_contact: datetime | None
    open_flags: int
    status: CaseloadStatus


def caseload(session: Session, settings: Settings, now: datetime, *, status: CaseloadStatus | None = None,
             care_manager_id: int | None = None, patient_id: int | None = None, sort: str = "status",
             limit: int = 50, offset: int = 0) -> tuple[list[CaseloadRow], int | None]:
    """A page of the caseload and the offset of the next page (None on the last)."""
    columns = _columns(settings, now)
    query = select(*columns.values())
    if status is not None:
        query = query.where(columns["status"] == status.value)
    if care_manager_id is not None:
        query = query.where(columns["care_manager_id"] == care_manager_id)
    if patient_id is not None:
        query = query.where(columns["patient_id"] == patient_id)
    query = _sorted(query, columns, sort).limit(limit + 1).offset(offset)
    found = session.execute(query).all()
    rows = [_row(record, now) for record in found[:limit]]
    return rows, (offset + limit if len(found) > limit else None)


def _columns(settings: Settings, now: datetime) -> dict:
    # OFFSET 0 keeps the facts a subquery of their own: folded into this query, each of their lookups
    # would run again for every place the status and the change name it.
    inner = _episode_facts().offset(0).subquery()
    c = inner.c
    drop = (c.baseline - c.latest) * 100

    def since(delta: timedelta):
        return literal(now - delta, Episode.opened_at.type)

    status = case(
        (c.latest < settings.remission_below, CaseloadStatus.REMISSION.value),
        (and_(c.baseline > 0, drop >= settings.response_percent * c.baseline), CaseloadStatus.RESPONSE.value),
        (and_(c.opened_at <= since(timedelta(weeks=settings.target_week)), c.latest >= settings.not_improving_score),
         CaseloadStatus.NOT_IMPROVING.value),
        (and_(c.baseline > 0, drop >= settings.partial_response_percent * c.baseline),
         CaseloadStatus.PARTIAL_RESPONSE.value),
        (or_(c.latest_at.is_(None), c.latest_at < since(timedelta(weeks=settings.recent_score_weeks))),
         CaseloadStatus.NO_RECENT_SCORE.value),
        else_=CaseloadStatus.IN_TREATMENT.value,
    )
    change = case((c.baseline > 0, (c.latest - c.baseline) * 100.0 / c.baseline))
    last_contact = case((c.last_message_at.is_(None), c.latest_at), (c.latest_at.is_(None), c.last_message_at),
                        (c.latest_at >= c.last_message_at, c.latest_at), else_=c.last_message_at)
    return {**{column.name: column for column in c if column.name != "last_message_at"},
            "change_percent": change.label("change_percent"), "last_contact": last_contact.label("last_contact"),
            "status": status.label("status")}


def _episode_facts() -> Select:
    return (
        select(Episode.id.label("episode_id"), Episode.patient_id, Patient.first_name, Patient.last_name,
               Episode.instrument,
               func.coalesce(Episode.care_manager_id, Patient.care_manager_id).label("care_manager_id"),
               Episode.opened_at, Episode.baseline, Episode.baseline_at, Episode.latest, Episode.latest_at,
               _last_message_at().label("last_message_at"), _open_flags().label("open_flags"))
        .join(Patient, Patient.id == Episode.patient_id)
        .where(Episode.closed_at.is_(None))
    )


def _last_message_at():
    return (select(Message.created_at)
            .where(Message.patient_id == Episode.patient_id, Message.direction == Direction.INBOUND)
            .order_by(Message.created_at.desc()).limit(1).correlate(Episode).scalar_subquery())


def _open_flags():
    return (select(func.count(Flag.id))
            .where(Flag.patient_id == Episode.patient_id, Flag.status != FlagStatus.RESOLVED)
            .correlate(Episode).scalar_subquery())


def _sorted(query: Select, columns: dict, sort: str) -> Select:
    descending, key = sort.startswith("-"), sort.lstrip("-")
    if key == "status":
        expression = case({status.value: rank for rank, status in enumerate(ATTENTION)}, value=columns["status"])
    elif key == "weeks":
        # More weeks in treatment is an earlier opening.
        expression, descending = columns["opened_at"], not descending
    else:
        expression = columns[key]
    ordered = expression.desc() if descending else expression.asc()
    return query.order_by(ordered.nulls_last(), columns["opened_at"], columns["episode_id"])


def _row(record, now: datetime) -> CaseloadRow:
    values = record._asdict()
    change, status = values.pop("change_percent"), values.pop("status")
    return CaseloadRow(**values, weeks_in_treatment=(now - values["opened_at"]).days // 7,
                       change_percent=None if change is None else round(float(change), 1),
                       status=CaseloadStatus(status))
