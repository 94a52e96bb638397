"""No-show outreach as data: a campaign's steps become planned dispatches; replies, a new booking or an
opt-out stop the run."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import CallPurpose, CampaignRunStatus, Direction, DispatchStatus, FlagKind
from engage.flags.service import raise_flag
from engage.outbox.jobs import Job, JobKinds
from engage.outbox.models import Call, Dispatch
from engage.outbox.queue import queue_call
from engage.outreach.models import Appointment, Campaign, CampaignRun, CampaignStep
from engage.outreach.texts import cancel_pending, may_text, patient_text, queue_text, record_outcome
from engage.patients.models import Patient
from messages import sms

STEP = "campaign_step"
NO_SHOW = "no_show"
# A reply or a new booking this long after a run ended still counts as its result.
FOLLOW_UP_WINDOW = timedelta(days=14)
DEFAULT_NO_SHOW_STEPS = (
    (60, "sms", "SMS_NO_SHOW"),
    (24 * 60, "voice", None),
    (3 * 24 * 60, "flag", FlagKind.NO_SHOW_FOLLOWUP.value),
)


def ensure_default_campaigns(session: Session) -> Campaign:
    """The "no_show" campaign, created the first time it is needed; safe to call from any process."""
    existing = session.scalar(select(Campaign).where(Campaign.name == NO_SHOW))
    if existing is not None:
        return existing
    campaign = Campaign(name=NO_SHOW, trigger=NO_SHOW, steps=[
        CampaignStep(position=position, offset_minutes=offset, action=action, message_key=key)
        for position, (offset, action, key) in enumerate(DEFAULT_NO_SHOW_STEPS, start=1)
    ])
    try:
        with session.begin_nested():
            session.add(campaign)
    except IntegrityError:
        return session.scalar(select(Campaign).where(Campaign.name == NO_SHOW))  # created concurrently
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    ensure_default_campaigns(session)
    return list(session.scalars(select(Campaign).order_by(Campaign.id)))


def start_no_show_outreach(session: Session, appointment: Appointment, now: datetime) -> CampaignRun | None:
    ensure_default_campaigns(session)
    campaign = session.scalar(select(Campaign).where(Campaign.trigger == NO_SHOW, Campaign.active)
                              .order_by(Campaign.id).limit(1))
    if campaign is None:
        return None
    # One outreach at a time: the latest missed appointment is the one to talk about.
    _stop_active(session, appointment.patient_id, now, "superseded")
    run = CampaignRun(campaign_id=campaign.id, patient_id=appointment.patient_id, appointment_id=appointment.id,
                      started_at=now)
    session.add(run)
    session.flush()
    for step in campaign.steps:
        session.add(Dispatch(kind=STEP, due_at=now + timedelta(minutes=step.offset_minutes),
                             patient_id=run.patient_id, campaign_run_id=run.id, payload={"position": step.position}))
    return run


def carry_out_step(session: Session, settings: Settings, dispatch: Dispatch, now: datetime) -> None:
    run = session.get(CampaignRun, dispatch.campaign_run_id, with_for_update=True)
    if run.status is not CampaignRunStatus.ACTIVE:
        # Stopped while this step was already being claimed: stopping always wins.
        record_outcome(dispatch, "skipped", f"run {run.status.value}")
        return
    step = session.scalar(select(CampaignStep).where(CampaignStep.campaign_id == run.campaign_id,
                                                     CampaignStep.position == dispatch.payload["position"]))
    action = _ACTIONS.get(step.action) if step is not None else None
    if action is None:
        record_outcome(dispatch, "skipped", "no such step in the campaign")
    else:
        action(session, settings, run, step, dispatch, now)
    if not _steps_left(session, run, dispatch):
        run.status, run.ended_at = CampaignRunStatus.COMPLETED, now


def _send_sms(session: Session, settings: Settings, run: CampaignRun, step: CampaignStep, dispatch: Dispatch,
              now: datetime) -> None:
    patient = session.get(Patient, run.patient_id)
    reason = may_text(patient)
    if reason is not None:
        record_outcome(dispatch, "skipped", reason)
        return
    key = step.message_key or ""
    msgid = getattr(sms, key, None) if key.startswith("SMS_") else None
    if not isinstance(msgid, str):
        record_outcome(dispatch, "skipped", f"no text named {key!r}")
        return
    body = patient_text(settings, patient, msgid)
    queue_text(session, settings, patient, f"campaign_{step.action}", body, now, campaign_run_id=run.id)
    run.steps_sent += 1
    record_outcome(dispatch, "sent")


def _call(session: Session, settings: Settings, run: CampaignRun, step: CampaignStep, dispatch: Dispatch,
          now: datetime) -> None:
    patient = session.get(Patient, run.patient_id)
    if not (patient.active and patient.voice_consent):
        record_outcome(dispatch, "skipped", "no consent to calls")
        return
    # Placed through the outbox; once the patient confirms who they are, the call asks them to call back.
    queue_call(session, Call(purpose=CallPurpose.OUTREACH, direction=Direction.OUTBOUND, patient_id=patient.id,
                             campaign_run_id=run.id, to_number=patient.phone, from_number=settings.sender), now)
    run.steps_sent += 1
    record_outcome(dispatch, "called")


def _raise_flag(session: Session, settings: Settings, run: CampaignRun, step: CampaignStep, dispatch: Dispatch,
                now: datetime) -> None:
    patient = session.get(Patient, run.patient_id)
    flag = raise_flag(session, settings, kind=FlagKind(step.message_key), patient_id=patient.id,
                      appointment_id=run.appointment_id, reason="missed appointment, no answer to outreach yet")
    flag.assigned_to_id = patient.care_manager_id
    session.flush()
    dispatch.flag_id = flag.id
    run.steps_sent += 1
    record_outcome(dispatch, "flag_raised")


_ACTIONS = {"sms": _send_sms, "voice": _call, "flag": _raise_flag}


def _steps_left(session: Session, run: CampaignRun, current: Dispatch) -> bool:
    return session.scalar(select(Dispatch.id).where(
        Dispatch.campaign_run_id == run.id, Dispatch.kind == STEP, Dispatch.id != current.id,
        Dispatch.status.in_((DispatchStatus.PENDING, DispatchStatus.CLAIMED))).limit(1)) is not None


def _recent_runs(session: Session, patient_id: int, now: datetime) -> list[CampaignRun]:
    """Active runs and those that ended lately: one query, as it runs for every text a patient sends."""
    return list(session.scalars(select(CampaignRun).where(
        CampaignRun.patient_id == patient_id,
        or_(CampaignRun.status == CampaignRunStatus.ACTIVE, CampaignRun.ended_at >= now - FOLLOW_UP_WINDOW),
    ).with_for_update()))


def _stop(session: Session, run: CampaignRun, now: datetime, reason: str) -> None:
    if run.status is CampaignRunStatus.ACTIVE:
        run.status, run.stop_reason, run.ended_at = CampaignRunStatus.STOPPED, reason, now
        cancel_pending(session, Dispatch.campaign_run_id == run.id)


def _stop_active(session: Session, patient_id: int, now: datetime, reason: str) -> None:
    for run in _recent_runs(session, patient_id, now):
        _stop(session, run, now, reason)


def note_reply(session: Session, patient_id: int, now: datetime) -> None:
    for run in _recent_runs(session, patient_id, now):
        _stop(session, run, now, "replied")
        if run.replied_at is None:
            # A reply proves the outreach reached the patient, whatever the delivery reports say.
            run.replied_at, run.reached_at = now, run.reached_at or now


def note_rescheduled(session: Session, patient_id: int, now: datetime) -> None:
    for run in _recent_runs(session, patient_id, now):
        _stop(session, run, now, "rescheduled")
        run.rescheduled_at = run.rescheduled_at or now


def note_opt_out(session: Session, patient_id: int, now: datetime) -> None:
    _stop_active(session, patient_id, now, "opted_out")


def _carry_out_step(job: Job) -> None:
    carry_out_step(job.session, job.runtime.settings, job.dispatch, job.now)


JOBS = JobKinds(decide={STEP: _carry_out_step})
