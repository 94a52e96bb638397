"""/: the review queue, its refresh, and the buttons that work a flag."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import redirect, render_template, request

from engage.auth.models import StaffUser
from engage.auth.service import ON_CALL_ROLES, list_staff
from engage.db import utcnow
from engage.enums import FlagOutcome, FlagPriority
from engage.errors import Invalid
from engage.flags import service
from engage.flags.models import Flag
from engage.outbox.history import messages_by_id
from engage.outbox.models import Message
from engage.patients.models import Patient
from engage.patients.service import patients_by_id
from engage.workspace.access import acting, audit, current_staff
from engage.workspace.blueprint import bp
from engage.workspace.display import Sla, sla
from engage.workspace.forms import back_to, choice, number, text
from engage.web import db

SHOWS = ("all", "mine", "urgent")


@dataclass(frozen=True)
class QueueRow:
    flag: Flag
    patient: Patient | None
    message: Message | None  # the text from a number that matches no patient
    assignee: StaffUser | None
    sla: Sla

    @property
    def unknown_number(self) -> bool:
        return self.patient is None and self.message is not None


def _queue(show: str, now: datetime) -> list[QueueRow]:
    me = current_staff()
    flags = service.review_queue(db(), priority=FlagPriority.URGENT if show == "urgent" else None,
                                 assigned_to_id=me.id if show == "mine" else None)
    patients = patients_by_id(db(), {flag.patient_id for flag in flags if flag.patient_id})
    messages = messages_by_id(db(), {flag.message_id for flag in flags if flag.patient_id is None and flag.message_id})
    staff = {user.id: user for user in list_staff(db())}
    return [QueueRow(flag, patients.get(flag.patient_id), messages.get(flag.message_id),
                     staff.get(flag.assigned_to_id), sla(flag, now)) for flag in flags]


def _fingerprint(rows: list[QueueRow], now: datetime) -> str:
    """Changes when anything shown changes; the minute is in it so ages and deadlines stay current."""
    state = [(row.flag.id, row.flag.status.value, row.flag.assigned_to_id, row.flag.escalation_level)
             for row in rows]
    return hashlib.sha256(repr((state, int(now.timestamp()) // 60)).encode()).hexdigest()[:16]


def _show() -> str:
    show = request.args.get("show", "all")
    return show if show in SHOWS else "all"


def _page_context(show: str) -> dict:
    now = utcnow()
    rows = _queue(show, now)
    assignees = [user for user in list_staff(db()) if user.active and user.role in ON_CALL_ROLES]
    return {"rows": rows, "show": show, "now": now, "fingerprint": _fingerprint(rows, now),
            "assignees": assignees, "outcomes": list(FlagOutcome)}


@bp.get("/")
def queue():
    context = _page_context(_show())
    audit("view", "queue", [row.flag.patient_id for row in context["rows"]])
    return render_template("workspace/queue.html", **context)


@bp.get("/queue/rows")
def queue_rows():
    """The queue's rows for the page's refresh; 204 when nothing shown has changed, which keeps the
    access log to the refreshes that showed something new."""
    context = _page_context(_show())
    if request.args.get("since") == context["fingerprint"]:
        return "", 204
    audit("refresh", "queue", [row.flag.patient_id for row in context["rows"]])
    return render_template("workspace/queue_rows.html", **context)


def _flag_action(flag_id: int, action: str, work) -> object:
    flag = service.get_flag(db(), flag_id)
    work(flag)
    audit(action, "flag", [flag.patient_id], flag.id)
    return redirect(back_to("workspace.queue"), 303)


@bp.post("/flags/<int:flag_id>/acknowledge")
@acting
def acknowledge_flag(flag_id: int):
    return _flag_action(flag_id, "acknowledge", lambda flag: service.acknowledge(db(), flag, current_staff()))


@bp.post("/flags/<int:flag_id>/assign")
@acting
def assign_flag(flag_id: int):
    assignee = number(request.form, "staff_id") or current_staff().id
    return _flag_action(flag_id, "assign", lambda flag: service.assign(db(), flag, current_staff(), assignee))


@bp.post("/flags/<int:flag_id>/resolve")
@acting
def resolve_flag(flag_id: int):
    outcome = choice(request.form, "outcome", FlagOutcome)
    note = text(request.form, "note", limit=2000)
    if not note:
        raise Invalid("the note is missing", {"note": ["Say what was done."]})
    return _flag_action(flag_id, "resolve",
                        lambda flag: service.resolve(db(), flag, current_staff(), note, outcome))
