"""/patients/<id>: scores over time, the whole conversation, check-ins, flags and visits; and what a care
manager can do from there, each through the same domain path as the registry API."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engage.auth.service import list_staff
from engage.checkins import outcomes as outcome_service
from engage.checkins.caseload import caseload
from engage.checkins.service import list_checkins, schedule_checkin
from engage.db import utcnow
from engage.enums import ContactMethod
from engage.errors import Invalid
from engage.flags.service import flags_for_patient
from engage.instruments import INSTRUMENTS, get_instrument
from engage.outreach.appointments import list_appointments
from engage.outreach.staff_texts import LONGEST, send_staff_text
from engage.patients.consent import request_sms_opt_in
from engage.patients.service import get_patient
from engage.registry.contacts import NOTE_LIMIT, list_contacts, record_contact
from engage.voice.history import conversation
from engage.workspace.access import acting, audit, current_staff
from engage.workspace.blueprint import bp
from engage.workspace.chart import score_chart
from engage.workspace.forms import choice, text
from engage.web import db, runtime


def _charts(patient_id: int) -> list:
    views = outcome_service.outcomes_over_time(db(), patient_id)
    charts = []
    for code in dict.fromkeys(view.instrument for view in views if view.total is not None):
        scored = [view for view in views if view.instrument == code and view.total is not None]
        chart = score_chart(get_instrument(code), [(view.completed_at, view.total) for view in scored],
                            _baseline(scored))
        charts.append({"chart": chart, "outcomes": scored})
    return charts


def _baseline(scored: list) -> int:
    """The current episode's baseline: the line the 50 % target is drawn from. Scores taken outside any
    episode have none, and then the first score stands in."""
    in_episode = [view for view in scored if view.change_from_baseline is not None]
    if not in_episode:
        return scored[0].total
    latest = in_episode[-1]
    return latest.total - latest.change_from_baseline


@bp.get("/patients/<int:patient_id>")
def patient_page(patient_id: int):
    patient = get_patient(db(), patient_id)
    rows, _ = caseload(db(), runtime().settings, utcnow(), patient_id=patient.id, limit=1)
    context = {
        "patient": patient, "charts": _charts(patient.id), "status": rows[0] if rows else None,
        "conversation": conversation(db(), patient.id), "checkins": list_checkins(db(), patient.id),
        "flags": flags_for_patient(db(), patient.id), "contacts": list_contacts(db(), patient.id),
        "appointments": list_appointments(db(), patient_id=patient.id),
        "staff": {user.id: user for user in list_staff(db())},
        "instruments": list(INSTRUMENTS), "contact_methods": list(ContactMethod),
        "text_limit": LONGEST, "note_limit": NOTE_LIMIT,
    }
    audit("view", "patient", [patient.id], patient.id)
    return render_template("workspace/patient.html", **context)


def _done(patient_id: int, action: str, resource: str, resource_id: object, said: str):
    audit(action, resource, [patient_id], resource_id)
    flash(said, "done")
    return redirect(url_for("workspace.patient_page", patient_id=patient_id), 303)


@bp.post("/patients/<int:patient_id>/checkins")
@acting
def start_checkin(patient_id: int):
    patient = get_patient(db(), patient_id)
    instrument = request.form.get("instrument", "")
    if instrument not in INSTRUMENTS:
        raise Invalid("unknown instrument", {"instrument": ["Choose one from the list."]})
    checkin = schedule_checkin(db(), patient, instrument, source="workspace")
    return _done(patient.id, "create", "checkin", checkin.id,
                 "Check-in started; it goes out now or when the patient's quiet hours end.")


@bp.post("/patients/<int:patient_id>/texts")
@acting
def send_text(patient_id: int):
    patient = get_patient(db(), patient_id)
    message = send_staff_text(db(), runtime().settings, patient, current_staff(),
                              text(request.form, "body", limit=LONGEST), utcnow())
    return _done(patient.id, "create", "message", message.id,
                 "Text queued; it goes out now or when the patient's quiet hours end.")


@bp.post("/patients/<int:patient_id>/contacts")
@acting
def add_contact(patient_id: int):
    patient = get_patient(db(), patient_id)
    contact = record_contact(db(), patient, current_staff(), choice(request.form, "method", ContactMethod),
                             text(request.form, "note", limit=NOTE_LIMIT), utcnow())
    db().flush()
    return _done(patient.id, "create", "contact", contact.id, "Contact recorded.")


@bp.post("/patients/<int:patient_id>/consent/sms/requests")
@acting
def ask_to_text_again(patient_id: int):
    patient = get_patient(db(), patient_id)
    event = request_sms_opt_in(db(), runtime().settings, patient, current_staff(), utcnow())
    db().flush()
    return _done(patient.id, "request_opt_in", "consent", event.id,
                 "One text asking the patient to reply START is on its way. Texts resume only when they do.")
