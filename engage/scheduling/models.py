from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from engage.db import Base, utcnow
from engage.enums import DispatchStatus


class Dispatch(Base):
    """The durable outbox: what is due and when. Workers claim rows with a lease."""

    __tablename__ = "dispatches"
    __table_args__ = (
        Index("ix_dispatches_status_due", "status", "due_at"),
        Index("ix_dispatches_status_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    status: Mapped[DispatchStatus] = mapped_column(default=DispatchStatus.PENDING)
    # Claimed before everything else due: an urgent notice must not wait behind a morning's check-ins.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    campaign_run_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_runs.id"), index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class SendRate(Base):
    """The next free sending slot per sender and channel, shared by every worker through the database."""

    __tablename__ = "send_rates"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Seconds since the epoch: plain arithmetic in one UPDATE on every backend.
    next_slot: Mapped[float] = mapped_column(Float)
