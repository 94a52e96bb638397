"""What an opt-out ends at once, however it reached us: a STOP text, or the carrier reporting that the
patient unsubscribed (Twilio error 21610)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engage.checkins import service as checkins
from engage.outreach import replies as outreach


def end_texting(session: Session, patient_id: int, now: datetime) -> None:
    outreach.stop_campaigns_for_opt_out(session, patient_id, now)
    checkins.stop_for_opt_out(session, patient_id, now)
