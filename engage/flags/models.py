from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.enums import FlagKind, FlagOutcome, FlagPriority, FlagStatus


class Flag(Base):
    """An item in the care managers' review queue."""

    __tablename__ = "flags"
    __table_args__ = (
        Index("ix_flags_status_priority_created", "status", "priority", "created_at"),
        Index("ix_flags_patient_status", "patient_id", "status"),
        Index("ix_flags_escalation_due", "status", "next_escalation_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    kind: Mapped[FlagKind]
    priority: Mapped[FlagPriority]
    status: Mapped[FlagStatus] = mapped_column(default=FlagStatus.OPEN)
    reason: Mapped[str] = mapped_column(String(200))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    next_escalation_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[FlagOutcome | None]

    events: Mapped[list[FlagEvent]] = relationship(back_populates="flag", order_by="FlagEvent.id", lazy="selectin")


class FlagEvent(Base):
    """The flag's history: raised, notified, acknowledged, assigned, escalated, resolved."""

    __tablename__ = "flag_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    flag: Mapped[Flag] = relationship(back_populates="events")
