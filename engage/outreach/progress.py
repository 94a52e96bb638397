"""What operations see of outreach: each campaign's results, and each run step by step."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.enums import CampaignRunStatus, MessageStatus
from engage.errors import NotFound
from engage.outbox.models import Dispatch, MessageStatusEvent
from engage.outbox.queue import SEND_MESSAGES
from engage.outreach.campaigns import STEP
from engage.outreach.models import Campaign, CampaignRun

_REACHED = (MessageStatus.DELIVERED.value, MessageStatus.READ.value)


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id}")
    return campaign


def delivered_times(session: Session, run_ids: list[int]) -> dict[int, datetime]:
    """When the carrier first reported one of each run's texts delivered."""
    sends = session.execute(select(Dispatch.campaign_run_id, Dispatch.payload).where(
        Dispatch.kind == SEND_MESSAGES, Dispatch.campaign_run_id.in_(run_ids))).all()
    run_of = {message_id: run_id for run_id, payload in sends for message_id in payload.get("message_ids", [])}
    if not run_of:
        return {}
    events = session.execute(
        select(MessageStatusEvent.message_id, func.min(MessageStatusEvent.occurred_at))
        .where(MessageStatusEvent.message_id.in_(run_of), MessageStatusEvent.status.in_(_REACHED))
        .group_by(MessageStatusEvent.message_id))
    first: dict[int, datetime] = {}
    for message_id, at in events:
        run_id = run_of[message_id]
        first[run_id] = min(first.get(run_id, at), at)
    return first


def _reached_at(run: CampaignRun, delivered: dict[int, datetime]) -> datetime | None:
    times = [t for t in (run.reached_at, delivered.get(run.id)) if t is not None]
    return min(times) if times else None


def summarize(session: Session, campaigns: list[Campaign]) -> list[dict]:
    runs = session.scalars(select(CampaignRun).where(CampaignRun.campaign_id.in_([c.id for c in campaigns]))).all()
    delivered = delivered_times(session, [run.id for run in runs])
    counts: dict[int, Counter] = {c.id: Counter() for c in campaigns}
    for run in runs:
        tally = counts[run.campaign_id]
        tally["runs"] += 1
        tally[run.status.value] += 1
        tally["reached"] += _reached_at(run, delivered) is not None
        tally["replied"] += run.replied_at is not None
        tally["rescheduled"] += run.rescheduled_at is not None
    keys = ("runs", *(s.value for s in CampaignRunStatus), "reached", "replied", "rescheduled")
    return [{"campaign": c, "counts": {key: counts[c.id][key] for key in keys}} for c in campaigns]


def list_runs(session: Session, campaign: Campaign, status: CampaignRunStatus | None = None,
              limit: int = 100) -> list[dict]:
    """Newest first, each with its planned steps and what became of them."""
    query = (select(CampaignRun).where(CampaignRun.campaign_id == campaign.id)
             .order_by(CampaignRun.started_at.desc(), CampaignRun.id.desc()).limit(limit))
    if status is not None:
        query = query.where(CampaignRun.status == status)
    runs = session.scalars(query).all()
    ids = [run.id for run in runs]
    planned = session.scalars(select(Dispatch).where(Dispatch.kind == STEP, Dispatch.campaign_run_id.in_(ids))
                              .order_by(Dispatch.due_at, Dispatch.id)).all()
    actions = {step.position: step.action for step in campaign.steps}
    steps: dict[int, list[dict]] = {run_id: [] for run_id in ids}
    for dispatch in planned:
        position = dispatch.payload["position"]
        steps[dispatch.campaign_run_id].append({
            "position": position, "action": actions.get(position), "due_at": dispatch.due_at,
            "status": dispatch.status.value, "outcome": dispatch.payload.get("outcome"),
            "note": dispatch.payload.get("note"), "flag_id": dispatch.flag_id,
        })
    delivered = delivered_times(session, ids)
    return [{"run": run, "reached_at": _reached_at(run, delivered), "steps": steps[run.id]} for run in runs]
