"""A patient's whole conversation as staff read it: every text and every call with what the caller pressed
or said at each step, oldest first. Calls live with the voice channel, so the texts are joined to them here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.outbox.history import latest_calls, latest_messages
from engage.outbox.models import Call, Message
from engage.voice.models import VoiceStep


@dataclass(frozen=True)
class Entry:
    """One text, or one call and its steps in the order they came."""

    at: datetime
    message: Message | None = None
    call: Call | None = None
    steps: list[VoiceStep] = field(default_factory=list)


def conversation(session: Session, patient_id: int, limit: int = 500) -> list[Entry]:
    """The latest `limit` texts and calls together, in the order they happened."""
    calls = latest_calls(session, patient_id, limit)
    steps = _steps_by_call(session, [call.id for call in calls])
    # Oldest first before the sort, which keeps that order among equal times: a reply stored in the same
    # moment as the text it answers comes after it.
    entries = [Entry(message.created_at, message=message)
               for message in reversed(latest_messages(session, patient_id, limit))]
    entries += [Entry(call.created_at, call=call, steps=steps.get(call.id, [])) for call in reversed(calls)]
    entries.sort(key=lambda entry: entry.at)
    return entries[-limit:]


def _steps_by_call(session: Session, call_ids: list[int]) -> dict[int, list[VoiceStep]]:
    if not call_ids:
        return {}
    steps: dict[int, list[VoiceStep]] = {}
    for step in session.scalars(select(VoiceStep).where(VoiceStep.call_id.in_(call_ids))
                                .order_by(VoiceStep.received_at, VoiceStep.id)):
        steps.setdefault(step.call_id, []).append(step)
    return steps
