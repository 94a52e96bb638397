"""A patient's texts and calls as staff read them, each kind newest first from one query."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.outbox.models import Call, Message


def latest_messages(session: Session, patient_id: int, limit: int) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.patient_id == patient_id)
                                .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)))


def latest_calls(session: Session, patient_id: int, limit: int) -> list[Call]:
    return list(session.scalars(select(Call).where(Call.patient_id == patient_id)
                                .order_by(Call.created_at.desc(), Call.id.desc()).limit(limit)))


def messages_by_id(session: Session, message_ids: set[int]) -> dict[int, Message]:
    if not message_ids:
        return {}
    return {message.id: message for message in session.scalars(select(Message).where(Message.id.in_(message_ids)))}
