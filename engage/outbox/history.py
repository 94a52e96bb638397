"""A patient's conversation as staff read it: every text and call in and out, oldest first."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.outbox.models import Message


def conversation(session: Session, patient_id: int, limit: int = 500) -> list[Message]:
    """The latest `limit` messages, in the order they happened."""
    newest = session.scalars(select(Message).where(Message.patient_id == patient_id)
                             .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)).all()
    return list(reversed(newest))


def messages_by_id(session: Session, message_ids: set[int]) -> dict[int, Message]:
    if not message_ids:
        return {}
    return {message.id: message for message in session.scalars(select(Message).where(Message.id.in_(message_ids)))}
