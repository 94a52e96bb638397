"""What each kind of due row means: the one place the dispatcher learns the domain's jobs."""
from __future__ import annotations

from engage.checkins import service as checkins
from engage.checkins.models import CheckIn
from engage.messaging.delivery import deliver_messages
from engage.messaging.outbox import SEND_MESSAGES
from engage.outreach import appointments, campaigns
from engage.scheduling.dispatcher import Handlers, Job


def _checkin(job: Job) -> CheckIn:
    return job.session.get(CheckIn, job.dispatch.checkin_id)


def _start(job: Job) -> None:
    checkins.start_checkin(job.session, job.runtime.settings, _checkin(job), job.now)


def _remind(job: Job) -> None:
    checkins.remind(job.session, job.runtime.settings, _checkin(job), job.now)


def _expire(job: Job) -> None:
    checkins.expire(job.session, _checkin(job), job.now)


def _appointment_reminder(job: Job) -> None:
    appointments.send_reminder(job.session, job.runtime.settings, job.dispatch, job.now)


def _campaign_step(job: Job) -> None:
    campaigns.carry_out_step(job.session, job.runtime.settings, job.dispatch, job.now)


HANDLERS = Handlers(
    decide={checkins.START: _start, checkins.REMIND: _remind, checkins.EXPIRE: _expire,
            appointments.REMINDER: _appointment_reminder, campaigns.STEP: _campaign_step},
    deliver={SEND_MESSAGES: deliver_messages},
)
