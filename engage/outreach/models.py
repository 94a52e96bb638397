from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.enums import AppointmentModality, AppointmentStatus, CampaignRunStatus, FallbackSource


# Still to happen: a reply, a reminder or a switch to a call can be about it.
UPCOMING = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED, AppointmentStatus.RESCHEDULE_REQUESTED)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_patient_starts", "patient_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=30)
    modality: Mapped[AppointmentModality]
    status: Mapped[AppointmentStatus] = mapped_column(default=AppointmentStatus.SCHEDULED)
    video_url: Mapped[str | None] = mapped_column(String(500))
    clinician_name: Mapped[str | None] = mapped_column(String(200))
    clinician_phone: Mapped[str | None] = mapped_column(String(20))
    # The latest reminder sent: a reply such as "C" is read as about this appointment only shortly after it.
    reminded_at: Mapped[datetime | None]
    # What actually happened, for the visit note and for billing (audio-only is billed differently).
    modality_used: Mapped[AppointmentModality | None]
    fallback_reason: Mapped[str | None] = mapped_column(String(64))
    fallback_source: Mapped[FallbackSource | None]
    fallback_note: Mapped[str | None] = mapped_column(Text)
    fallback_at: Mapped[datetime | None]
    conference_name: Mapped[str | None] = mapped_column(String(64))
    patient_joined_at: Mapped[datetime | None]
    patient_left_at: Mapped[datetime | None]
    clinician_joined_at: Mapped[datetime | None]
    clinician_left_at: Mapped[datetime | None]
    # How the patient's call of an audio-only visit ended when it never reached them (no-answer, busy, failed).
    patient_call_status: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Campaign(Base):
    """A multi-step outreach defined as data (e.g. after a no-show)."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    trigger: Mapped[str] = mapped_column(String(32), default="no_show")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[CampaignStep]] = relationship(
        back_populates="campaign", order_by="CampaignStep.position", cascade="all, delete-orphan"
    )


class CampaignStep(Base):
    __tablename__ = "campaign_steps"
    __table_args__ = (UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    position: Mapped[int]
    offset_minutes: Mapped[int]
    # sms, voice, or flag (a task for the care manager)
    action: Mapped[str] = mapped_column(String(16))
    # sms: the name of a text in messages.sms; flag: the flag kind to raise
    message_key: Mapped[str | None] = mapped_column(String(64))

    campaign: Mapped[Campaign] = relationship(back_populates="steps")


class CampaignRun(Base):
    __tablename__ = "campaign_runs"
    __table_args__ = (Index("ix_campaign_runs_patient_status", "patient_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    status: Mapped[CampaignRunStatus] = mapped_column(default=CampaignRunStatus.ACTIVE)
    stop_reason: Mapped[str | None] = mapped_column(String(64))
    steps_sent: Mapped[int] = mapped_column(default=0)
    reached_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    rescheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
