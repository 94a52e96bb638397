"""The outbox's records: every message in or out, what is due and when, and the shared sending slots."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, utcnow
from engage.enums import CallPurpose, CallStatus, Channel, Direction, DispatchStatus, MessageStatus


class Message(Base):
    """Every message and call in or out, stored before it is interpreted or sent."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_patient_created", "patient_id", "created_at"),
        # The caseload's last contact: a patient's latest text in, one seek even among many texts out.
        Index("ix_messages_patient_direction_created", "patient_id", "direction", "created_at"),
        Index("ix_messages_status_created", "direction", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), index=True)
    direction: Mapped[Direction]
    channel: Mapped[Channel]
    kind: Mapped[str] = mapped_column(String(32))
    from_number: Mapped[str] = mapped_column(String(32))
    to_number: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text, default="")
    # Inbound only, and only when it differs from `body`: the text as the phone sent it, escaped.
    raw_body: Mapped[str | None] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[MessageStatus]
    error_code: Mapped[int | None]
    # Inbound: set once the engine has acted on it; a message left unset can be replayed.
    interpreted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    status_events: Mapped[list[MessageStatusEvent]] = relationship(
        back_populates="message", order_by="MessageStatusEvent.id"
    )


class MessageStatusEvent(Base):
    """Status history from provider callbacks; the key makes a redelivered callback a no-op."""

    __tablename__ = "message_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    error_code: Mapped[int | None]
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship(back_populates="status_events")


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


class Call(Base):
    """One call, placed or received. `stage` and `turn` say which answer it waits for, so any worker
    can take its next step; placed through the outbox like a text, so it survives restarts."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_patient_created", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[CallPurpose]
    direction: Mapped[Direction]
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    campaign_run_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_runs.id"))
    to_number: Mapped[str] = mapped_column(String(32))
    from_number: Mapped[str] = mapped_column(String(32))
    call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[CallStatus] = mapped_column(default=CallStatus.QUEUED)
    answered_by: Mapped[str | None] = mapped_column(String(32))
    error_code: Mapped[int | None]
    # Which try this is at reaching the patient: no-answer and busy are tried again, up to a limit.
    attempt: Mapped[int] = mapped_column(default=1)
    stage: Mapped[str] = mapped_column(String(16), default="answer")
    turn: Mapped[int] = mapped_column(default=0)
    repeats: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class SendRate(Base):
    """The next free sending slot per sender and channel, shared by every worker through the database."""

    __tablename__ = "send_rates"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Seconds since the epoch: plain arithmetic in one UPDATE on every backend.
    next_slot: Mapped[float] = mapped_column(Float)
