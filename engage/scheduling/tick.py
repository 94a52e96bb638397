"""One scheduling and dispatch pass, as if the time were `now`."""
from __future__ import annotations

import logging
from datetime import datetime

import engage.models  # noqa: F401  (a worker's first pass may be its first use of any model)
from engage.checkins import service as checkins
from engage.db import log_failure, utcnow
from engage.flags.escalation import escalate_due_flags
from engage.outbox.jobs import JobKinds
from engage.outreach import appointments, campaigns
from engage.runtime import Runtime
from engage.scheduling.dispatcher import run_pass
from engage.scheduling.planner import plan_due_enrollments
from engage.sms import checkins as sms_checkins
from engage.sms import delivery
from engage.visits import calls as visit_calls
from engage.voice import checkins as voice_checkins
from engage.voice import delivery as voice_delivery

log = logging.getLogger(__name__)

# Every kind of due row, declared by the module that plans it: a new owner of job kinds is added here.
JOBS = JobKinds.gather(checkins.JOBS, sms_checkins.JOBS, voice_checkins.JOBS, appointments.JOBS, campaigns.JOBS,
                       delivery.JOBS, voice_delivery.JOBS, visit_calls.JOBS)


def tick(runtime: Runtime, now: datetime, worker: str | None = None) -> int:
    """Plans what enrollments make due and escalates unacknowledged urgent flags, then carries out
    everything due; returns how many dispatches ran."""
    try:
        plan_due_enrollments(runtime, now)
    except Exception:
        # Planning trouble must not hold up messages already due; the next tick plans again.
        log_failure(log, "planning enrollments failed")
    try:
        escalate_due_flags(runtime.sessions, runtime.settings, now)
    except Exception:
        log_failure(log, "escalating urgent flags failed")
    return run_pass(runtime, now, JOBS, worker)


def deliver_urgent(runtime: Runtime, worker: str | None = None) -> int:
    """Only the urgent rows due now (on-call notices, crisis resources): what a wake-up runs."""
    return run_pass(runtime, utcnow(), JOBS, worker, urgent_only=True)
