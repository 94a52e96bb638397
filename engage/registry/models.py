from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.db import Base, utcnow
from engage.enums import ContactMethod, DischargeReason


class Episode(Base):
    """A patient's time in active treatment: opened by an enrollment, closed on discharge with a reason.
    Baseline and change are measured on one instrument, PHQ-9 (GAD-7 for anxiety-only care); the first
    and the latest score on it are kept here as results are recorded, so the caseload reads one row per
    patient instead of searching each one's history."""

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_patient_closed", "patient_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    instrument: Mapped[str] = mapped_column(String(16))
    care_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[DischargeReason | None]
    baseline: Mapped[int | None]
    baseline_at: Mapped[datetime | None]
    latest: Mapped[int | None]
    latest_at: Mapped[datetime | None]


class Contact(Base):
    """A care manager's contact with a patient outside the texts engage sends: a call, a visit."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_patient_occurred", "patient_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    method: Mapped[ContactMethod]
    note: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
