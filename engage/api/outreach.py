"""/api/v1/appointments and /api/v1/campaigns: thin views over the outreach services."""
from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from engage.api.edge import current_user, parse, parse_query, requires
from engage.audit.service import record_access
from engage.auth.permissions import Permission
from engage.db import utcnow
from engage.outreach import appointments, campaigns, progress
from engage.api.schemas.outreach import (
    AppointmentQuery, AppointmentSchema, AppointmentUpdateSchema, CampaignRunSchema, CampaignSchema, NoShowSchema,
    RunQuery,
)
from engage.web import db, runtime

bp = Blueprint("outreach", __name__)
_appointment = AppointmentSchema()


@bp.post("/appointments")
@requires(Permission.MANAGE_APPOINTMENTS)
def create_appointment():
    """Book an appointment; its reminders are planned at once. A new booking ends any no-show outreach.
    ---
    post:
      tags: [appointments]
      requestBody: {content: {application/json: {schema: AppointmentSchema}}}
      responses:
        201: {content: {application/json: {schema: AppointmentSchema}}}
        409: {description: The external id belongs to another appointment}
        422: {description: Invalid fields, named in "fields"}
    """
    data = parse(_appointment)
    appointment = appointments.create_appointment(db(), runtime().settings, data, utcnow())
    record_access(db(), current_user(), "create", "appointment", [appointment.patient_id], appointment.id)
    response = jsonify(_appointment.dump(appointment))
    response.status_code = 201
    response.headers["Location"] = url_for(".read_appointment", appointment_id=appointment.id)
    return response


@bp.get("/appointments")
@requires(Permission.READ_PATIENTS)
def list_appointments():
    """Appointments by time, filtered by patient, external id or status.
    ---
    get:
      tags: [appointments]
      parameters: [{in: query, schema: AppointmentQuery}]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: AppointmentSchema}}}}}}
    """
    rows = appointments.list_appointments(db(), **parse_query(AppointmentQuery()))
    record_access(db(), current_user(), "list", "appointment", {a.patient_id for a in rows})
    return jsonify(data=_appointment.dump(rows, many=True))


@bp.get("/appointments/<int:appointment_id>")
@requires(Permission.READ_PATIENTS)
def read_appointment(appointment_id: int):
    """Read an appointment.
    ---
    get:
      tags: [appointments]
      responses:
        200: {content: {application/json: {schema: AppointmentSchema}}}
        404: {description: No such appointment}
    """
    appointment = appointments.get_appointment(db(), appointment_id)
    record_access(db(), current_user(), "read", "appointment", [appointment.patient_id], appointment.id)
    return jsonify(_appointment.dump(appointment))


@bp.patch("/appointments/<int:appointment_id>")
@requires(Permission.MANAGE_APPOINTMENTS)
def update_appointment(appointment_id: int):
    """Move an appointment (reminders are replanned), or cancel, complete or confirm it.
    ---
    patch:
      tags: [appointments]
      requestBody: {content: {application/json: {schema: AppointmentUpdateSchema}}}
      responses:
        200: {content: {application/json: {schema: AppointmentSchema}}}
        409: {description: The appointment is already cancelled, completed or a no-show}
        422: {description: Invalid fields, named in "fields"}
    """
    data = parse(AppointmentUpdateSchema())
    appointment = appointments.get_appointment(db(), appointment_id)
    appointments.update_appointment(db(), runtime().settings, appointment, data, utcnow())
    record_access(db(), current_user(), "update", "appointment", [appointment.patient_id], appointment.id,
                  {"fields": sorted(data)})
    return jsonify(_appointment.dump(appointment))


@bp.post("/appointments/<int:appointment_id>/no-show")
@requires(Permission.MANAGE_APPOINTMENTS)
def mark_no_show(appointment_id: int):
    """Record that the patient did not come, and start no-show outreach.
    ---
    post:
      tags: [appointments]
      responses:
        200: {content: {application/json: {schema: NoShowSchema}}}
        409: {description: Not started yet, or already closed}
    """
    appointment = appointments.get_appointment(db(), appointment_id)
    run = appointments.mark_no_show(db(), appointment, utcnow())
    record_access(db(), current_user(), "no_show", "appointment", [appointment.patient_id], appointment.id)
    return jsonify({**NoShowSchema().dump(appointment), "campaign_run_id": run.id if run else None})


@bp.get("/campaigns")
@requires(Permission.READ_PATIENTS)
def list_campaigns():
    """Outreach campaigns with their steps and how their runs went.
    ---
    get:
      tags: [campaigns]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: CampaignSchema}}}}}}
    """
    rows = progress.summarize(db(), campaigns.list_campaigns(db()))
    return jsonify(data=CampaignSchema().dump(rows, many=True))


@bp.get("/campaigns/<int:campaign_id>/runs")
@requires(Permission.READ_PATIENTS)
def list_runs(campaign_id: int):
    """A campaign's runs, newest first, each step with its outcome.
    ---
    get:
      tags: [campaigns]
      parameters: [{in: query, schema: RunQuery}]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: CampaignRunSchema}}}}}}
        404: {description: No such campaign}
    """
    campaign = progress.get_campaign(db(), campaign_id)
    rows = progress.list_runs(db(), campaign, **parse_query(RunQuery()))
    record_access(db(), current_user(), "list", "campaign_run", {row["run"].patient_id for row in rows})
    return jsonify(data=CampaignRunSchema().dump(rows, many=True))
