"""Check-ins by text: the steps the check-in service decides on, rendered as SMS and queued in the outbox.

The check-in's own rules (when it may start, when to remind) stay in engage.checkins.service; this
module only carries what it says, so the dispatcher's start and reminder jobs for a text check-in
are declared here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engage.checkins import service
from engage.checkins.conversation import Step
from engage.checkins.models import CheckIn
from engage.clinic import clinic
from engage.config import Settings
from engage.outbox.jobs import Job, JobKinds
from engage.outbox.queue import outbound, queue_for_delivery
from engage.patients.models import Patient
from engage.sms.render import render


def start_checkin(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> None:
    """Due: the opening texts, when the check-in may start now."""
    _send(session, settings, checkin, service.start_checkin(session, settings, checkin, now), now)


def remind(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> None:
    _send(session, settings, checkin, service.remind(session, settings, checkin, now), now)


def resume(session: Session, settings: Settings, checkin: CheckIn, now: datetime) -> None:
    _send(session, settings, checkin, service.resume(session, settings, checkin, now), now)


def _send(session: Session, settings: Settings, checkin: CheckIn, steps: tuple[Step, ...], now: datetime) -> None:
    if not steps:
        return
    patient = session.get(Patient, checkin.patient_id)
    texts = render(steps, patient.language, clinic(settings))
    queue_for_delivery(session, [
        outbound(to=patient.phone, sender=settings.sender, body=text.body, kind=text.kind,
                 patient_id=patient.id, checkin_id=checkin.id)
        for text in texts], now, patient.id)


def _checkin(job: Job) -> CheckIn:
    return job.session.get(CheckIn, job.dispatch.checkin_id)


def _start(job: Job) -> None:
    start_checkin(job.session, job.runtime.settings, _checkin(job), job.now)


def _remind(job: Job) -> None:
    remind(job.session, job.runtime.settings, _checkin(job), job.now)


def _resume(job: Job) -> None:
    resume(job.session, job.runtime.settings, _checkin(job), job.now)


JOBS = JobKinds(decide={service.START: _start, service.REMIND: _remind, service.RESUME: _resume})
