"""/api/v1/appointments and /api/v1/campaigns: thin views over the outreach services."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, url_for

from engage.api.edge import Audit, endpoint, parse_query
from engage.api.schemas.outreach import (
    AppointmentQuery, AppointmentSchema, AppointmentUpdateSchema, AudioFallbackResultSchema, AudioFallbackSchema,
    CampaignRunSchema, CampaignSchema, NoShowSchema, RunQuery,
)
from engage.auth.permissions import Permission
from engage.db import utcnow
from engage.enums import FallbackReason, FallbackSource
from engage.outreach import appointments, campaigns, progress, visits
from engage.outreach.models import Appointment
from engage.web import db, runtime

bp = Blueprint("outreach", __name__)
_appointment = AppointmentSchema()


@dataclass(frozen=True)
class NoShow:
    """A missed appointment as the API answers it: with the outreach run it started, if any."""

    appointment: Appointment
    campaign_run_id: int | None

    def __getattr__(self, name):
        return getattr(self.appointment, name)


@dataclass(frozen=True)
class AudioFallback:
    """A switch to an audio-only call as the API answers it: whether engage is placing the calls."""

    appointment: Appointment
    calls_planned: bool

    def __getattr__(self, name):
        return getattr(self.appointment, name)


@bp.post("/appointments")
@endpoint(Permission.MANAGE_APPOINTMENTS, body=_appointment, answer=_appointment, status=201,
          audit=Audit("create", "appointment"),
          location=lambda appointment: url_for(".read_appointment", appointment_id=appointment.id))
def create_appointment(body: dict) -> Appointment:
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
    return appointments.create_appointment(db(), runtime().settings, body, utcnow())


@bp.get("/appointments")
@endpoint(Permission.READ_PATIENTS, query=AppointmentQuery(), answer=_appointment, audit=Audit("list", "appointment"))
def list_appointments(query: dict) -> list[Appointment]:
    """Appointments by time, filtered by patient, external id or status.
    ---
    get:
      tags: [appointments]
      parameters: [{in: query, schema: AppointmentQuery}]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: AppointmentSchema}}}}}}
    """
    return appointments.list_appointments(db(), **query)


@bp.get("/appointments/<int:appointment_id>")
@endpoint(Permission.READ_PATIENTS, answer=_appointment, audit=Audit("read", "appointment"))
def read_appointment(appointment_id: int) -> Appointment:
    """Read an appointment.
    ---
    get:
      tags: [appointments]
      responses:
        200: {content: {application/json: {schema: AppointmentSchema}}}
        404: {description: No such appointment}
    """
    return appointments.get_appointment(db(), appointment_id)


@bp.patch("/appointments/<int:appointment_id>")
@endpoint(Permission.MANAGE_APPOINTMENTS, body=AppointmentUpdateSchema(), answer=_appointment,
          audit=Audit("update", "appointment", fields=True))
def update_appointment(appointment_id: int, body: dict) -> Appointment:
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
    appointment = appointments.get_appointment(db(), appointment_id)
    return appointments.update_appointment(db(), runtime().settings, appointment, body, utcnow())


@bp.post("/appointments/<int:appointment_id>/no-show")
@endpoint(Permission.MANAGE_APPOINTMENTS, answer=NoShowSchema(), audit=Audit("no_show", "appointment"))
def mark_no_show(appointment_id: int) -> NoShow:
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
    return NoShow(appointment, run.id if run else None)


@bp.post("/appointments/<int:appointment_id>/audio-fallback")
@endpoint(Permission.SWITCH_TO_AUDIO, body=AudioFallbackSchema(), answer=AudioFallbackResultSchema(),
          audit=Audit("audio_fallback", "appointment"))
def audio_fallback(appointment_id: int, body: dict) -> AudioFallback:
    """Switch a video visit to an audio-only call now: engage calls the clinician, then the patient, and
    joins both in one conference. The appointment keeps the modality used (phone), the reason, and when
    each side joined and left. A patient who has not agreed to calls is not called: the answer is still
    200, with calls_planned false, and a call_request flag asks the care team to reach the patient.
    ---
    post:
      tags: [appointments]
      requestBody: {content: {application/json: {schema: AudioFallbackSchema}}}
      responses:
        200: {content: {application/json: {schema: AudioFallbackResultSchema}}}
        403: {description: The role may not switch a visit to a call (integration tokens may not)}
        404: {description: No such appointment}
        409: {description: Not a video visit, the visit is over or closed, or it has no clinician phone to call}
        422: {description: Invalid fields, named in "fields"}
    """
    appointment = appointments.get_appointment(db(), appointment_id)
    planned = visits.switch_to_audio(db(), runtime().settings, appointment, FallbackReason(body["reason"]),
                                     FallbackSource.CLINICIAN, utcnow(), note=body["note"])
    return AudioFallback(appointment, planned is not None)


@bp.get("/campaigns")
@endpoint(Permission.READ_PATIENTS, answer=CampaignSchema())
def list_campaigns() -> list[dict]:
    """Outreach campaigns with their steps and how their runs went.
    ---
    get:
      tags: [campaigns]
      responses:
        200: {content: {application/json: {schema: {type: object, properties: {data: {type: array, items: CampaignSchema}}}}}}
    """
    return progress.summarize(db(), campaigns.list_campaigns(db()))


@bp.get("/campaigns/<int:campaign_id>/runs")
@endpoint(Permission.READ_PATIENTS, answer=CampaignRunSchema(),
          audit=Audit("list", "campaign_run", patients=lambda rows: {row["run"].patient_id for row in rows}))
def list_runs(campaign_id: int) -> list[dict]:
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
    # Read after the campaign: an unknown campaign is a 404 whatever the query says.
    return progress.list_runs(db(), campaign, **parse_query(RunQuery()))
