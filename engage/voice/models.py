"""The steps of each call: what the caller pressed or said, and what they heard back."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engage.db import Base, utcnow


class VoiceStep(Base):
    """What the caller pressed or said at one step, stored before it is acted on, and the answer given.

    Twilio may post the same step twice; the key returns the first answer and changes nothing."""

    __tablename__ = "voice_steps"
    __table_args__ = (UniqueConstraint("call_sid", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(32))
    digits: Mapped[str | None] = mapped_column(String(32))
    speech: Mapped[str | None] = mapped_column(Text)
    twiml: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
