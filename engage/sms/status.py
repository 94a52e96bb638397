"""Provider status callbacks: a message's status only moves forward, each callback counts once."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import MessageStatus
from engage.outbox.models import Message, MessageStatusEvent
from engage.sms.delivery import note_delivered, note_delivery_failure

# A late "sent" must never overwrite "delivered": callbacks arrive in any order.
_RANK = {
    MessageStatus.QUEUED: 0, MessageStatus.SENDING: 1, MessageStatus.SENT: 2, MessageStatus.RECEIVED: 2,
    MessageStatus.DELIVERED: 3, MessageStatus.UNDELIVERED: 3, MessageStatus.FAILED: 3,
    MessageStatus.CANCELED: 3, MessageStatus.READ: 4,
}
_FAILED = frozenset({MessageStatus.UNDELIVERED, MessageStatus.FAILED})


def _find(session: Session, sid: str, message_id: int | None) -> Message | None:
    # Locked: "sent" and "delivered" arrive at once on different workers, and the later rank must win.
    message = session.scalar(select(Message).where(Message.provider_sid == sid).with_for_update())
    if message is None and message_id is not None:
        # A reply sent as TwiML (or a report faster than our bookkeeping) learns its provider id here.
        message = session.get(Message, message_id, with_for_update=True)
        if message is not None and message.provider_sid is None:
            message.provider_sid = sid
    return message


def record_status(
    session: Session, settings: Settings, *, sid: str, status: str, error_code: int | None,
    idempotency_key: str | None = None, message_id: int | None = None,
) -> bool:
    """Returns False for a callback already seen or about a message we never sent."""
    message = _find(session, sid, message_id)
    if message is None:
        return False
    key = idempotency_key or f"{sid}:{status}"
    try:
        with session.begin_nested():
            session.add(MessageStatusEvent(message_id=message.id, status=status, error_code=error_code,
                                           idempotency_key=key))
    except IntegrityError:
        return False
    new = MessageStatus.known(status)
    if new is None or _RANK[new] <= _RANK[message.status]:
        return True
    message.status = new
    if new in _FAILED:
        message.error_code = error_code
        note_delivery_failure(session, settings, message, error_code)
    elif new is MessageStatus.DELIVERED:
        note_delivered(session, message)
    return True
