"""Check-ins by call: when the check-in service opens one on the voice channel, a call is queued in the
outbox; what it says is decided step by step once the patient answers (engage.voice.calls)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engage.checkins import service
from engage.checkins.models import CheckIn
from engage.config import Settings
from engage.enums import CallPurpose, Direction
from engage.outbox.jobs import Job, JobKinds
from engage.outbox.models import Call
from engage.outbox.queue import queue_call
from engage.patients.models import Patient


def start_checkin(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> None:
    """Due: a call, when the check-in may start now."""
    if service.start_checkin(session, settings, checkin, now):
        call_for_checkin(session, settings, checkin, now)


def call_for_checkin(session: Session, settings: Settings, checkin: CheckIn, due_at: datetime,
                     attempt: int = 1) -> Call:
    patient = session.get(Patient, checkin.patient_id)
    call = Call(purpose=CallPurpose.CHECKIN, direction=Direction.OUTBOUND, patient_id=patient.id,
                checkin_id=checkin.id, to_number=patient.phone, from_number=settings.sender, attempt=attempt)
    queue_call(session, call, due_at)
    return call


def _start(job: Job) -> None:
    start_checkin(job.session, job.runtime.settings, job.session.get(CheckIn, job.dispatch.checkin_id), job.now)


JOBS = JobKinds(decide={service.CALL: _start})
