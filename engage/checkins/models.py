from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.enums import Channel, CheckInStatus, EnrollmentStatus


class Enrollment(Base):
    """A standing order: this instrument every N days on this channel."""

    __tablename__ = "enrollments"
    __table_args__ = (Index("ix_enrollments_status_next_due", "status", "next_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    interval_days: Mapped[int]
    channel: Mapped[Channel]
    status: Mapped[EnrollmentStatus] = mapped_column(default=EnrollmentStatus.ACTIVE)
    # Why a paused enrollment is paused (opted_out, unreachable, patient_inactive), shown to staff.
    paused_reason: Mapped[str | None] = mapped_column(String(32))
    paused_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None]
    last_completed_at: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    def checkin_ended(self, checkin: CheckIn, now: datetime) -> None:
        """The next check-in is due an interval after the last completion (a late answer moves it
        later), or after an unanswered one was sent; one cancelled before sending is due again at
        once, for the planner to pause the enrollment."""
        if self.status is EnrollmentStatus.ENDED:
            return
        interval = timedelta(days=self.interval_days)
        if checkin.status is CheckInStatus.COMPLETED:
            self.last_completed_at, self.next_due_at = now, now + interval
        elif checkin.status is CheckInStatus.EXPIRED:
            self.next_due_at = checkin.started_at + interval
        else:
            self.next_due_at = now


class CheckIn(Base):
    """One administration of an instrument to a patient, by SMS or by call."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_patient_status", "patient_id", "status"),
        Index("ix_checkins_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), index=True)
    stepped_up_from_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"))
    instrument: Mapped[str] = mapped_column(String(16))
    channel: Mapped[Channel]
    status: Mapped[CheckInStatus] = mapped_column(default=CheckInStatus.SCHEDULED)
    source: Mapped[str] = mapped_column(String(32), default="api")
    scheduled_for: Mapped[datetime]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    current_item: Mapped[int] = mapped_column(default=0)
    failed_replies: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="checkin", order_by="Answer.item_index", cascade="all, delete-orphan",
        lazy="selectin",
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("checkin_id", "item_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"))
    item_index: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(32))
    value: Mapped[int]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkin: Mapped[CheckIn] = relationship(back_populates="answers")


class Outcome(Base):
    """A scored (or, when partial, unscored) result that care managers review."""

    __tablename__ = "outcomes"
    __table_args__ = (
        Index("ix_outcomes_patient_completed", "patient_id", "completed_at"),
        # The caseload's baseline and latest score: one seek each, however long the history.
        Index("ix_outcomes_patient_instrument_completed", "patient_id", "instrument", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), unique=True)
    instrument: Mapped[str] = mapped_column(String(16))
    answers: Mapped[list] = mapped_column(JSON)
    total: Mapped[int | None]
    severity: Mapped[str | None] = mapped_column(String(32))
    safety_event: Mapped[bool] = mapped_column(default=False)
    positive_screen: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(32))
    # The sending system's id for a result recorded through the API: a result sent twice is kept once.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
