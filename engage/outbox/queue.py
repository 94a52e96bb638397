"""Outgoing messages: written in the same transaction as the change that caused them,
delivered later by the dispatcher (or inline as TwiML when answering a patient's text)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engage.db import utcnow
from engage.enums import Channel, Direction, MessageStatus
from engage.outbox.models import Call, Message
from engage.outbox.models import Dispatch
from engage.outbox.wake import announce_urgent

SEND_MESSAGES = "send_messages"


def outbound(
    *, to: str, sender: str, body: str, kind: str, patient_id: int | None = None, checkin_id: int | None = None,
    channel: Channel = Channel.SMS,
) -> Message:
    return Message(
        direction=Direction.OUTBOUND, channel=channel, kind=kind, to_number=to, from_number=sender, body=body,
        patient_id=patient_id, checkin_id=checkin_id, status=MessageStatus.QUEUED,
    )


def queue_for_delivery(session: Session, messages: list[Message], due_at: datetime | None = None,
                       patient_id: int | None = None, urgent: bool = False) -> Dispatch | None:
    """One dispatch per batch, so a batch (intro, then the first item) arrives in order."""
    if not messages:
        return None
    session.add_all(messages)
    session.flush()
    dispatch = Dispatch(
        kind=SEND_MESSAGES, due_at=due_at or utcnow(), patient_id=patient_id,
        payload={"message_ids": [m.id for m in messages]}, urgent=urgent,
    )
    session.add(dispatch)
    if urgent:
        announce_urgent(session)
    return dispatch


PLACE_CALL = "place_call"


def queue_call(session: Session, call: Call, due_at: datetime | None = None, urgent: bool = False) -> Dispatch:
    """A call placed later by the dispatcher, like a text: it survives a restart and is placed once."""
    session.add(call)
    session.flush()
    dispatch = Dispatch(kind=PLACE_CALL, due_at=due_at or utcnow(), patient_id=call.patient_id,
                        checkin_id=call.checkin_id, flag_id=call.flag_id, payload={"call_id": call.id},
                        urgent=urgent)
    session.add(dispatch)
    if urgent:
        announce_urgent(session)
    return dispatch
