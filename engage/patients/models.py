from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.enums import Channel, ConsentAction


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    language: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(default=Channel.SMS)
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    no_video: Mapped[bool] = mapped_column(default=False)
    # The consent ledger's latest decision per channel, kept beside it so the hot path reads one row.
    sms_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    voice_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    sms_unreachable_at: Mapped[datetime | None]
    sms_soft_failures: Mapped[int] = mapped_column(default=0)
    care_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consent_events: Mapped[list[ConsentEvent]] = relationship(
        back_populates="patient", order_by="ConsentEvent.id"
    )

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sms_reachable(self) -> bool:
        return self.sms_unreachable_at is None

    @property
    def consent(self) -> dict[str, bool]:
        return {"sms": self.sms_consent, "voice": self.voice_consent}

    def has_consent(self, channel: Channel) -> bool:
        return self.sms_consent if channel is Channel.SMS else self.voice_consent

    @property
    def switched_to_calls(self) -> dict | None:
        """When and why check-ins moved to calls because texts could not be delivered."""
        if self.channel is not Channel.VOICE:
            return None
        switch = next((event for event in reversed(self.consent_events)
                       if event.action is ConsentAction.SWITCHED_TO_CALLS), None)
        return None if switch is None else {"at": switch.occurred_at, "reason": switch.detail}

    @property
    def quiet_hours(self) -> dict | None:
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return {"start": self.quiet_start, "end": self.quiet_end}


class ConsentEvent(Base):
    """Append-only ledger: the latest grant or revocation per channel is the patient's consent; each
    event keeps where it came from and, when staff recorded it, who."""

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_patient_channel", "patient_id", "channel", "id"),
                      Index("ix_consent_events_phone_channel", "phone", "channel", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    # The number the decision was made for: an opt-out stops texts to that number (CTIA), whichever
    # patient record carries it later.
    phone: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[Channel]
    action: Mapped[ConsentAction]
    source: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    patient: Mapped[Patient] = relationship(back_populates="consent_events")
