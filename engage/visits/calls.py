"""Placing an audio-only visit's two calls: the clinician first, then the patient.

Each side's call is remembered on the dispatch as soon as the provider takes it, so a retry after a
failure on the second call never rings the clinician twice. The provider is reached outside any
transaction (engage.outbox.jobs)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engage.config import Settings
from engage.db import session_scope
from engage.enums import AppointmentModality, FlagKind
from engage.flags.service import raise_flag
from engage.gateways import PermanentSendError, TransientSendError, gateway_for
from engage.outbox.jobs import JobKinds
from engage.outbox.models import Dispatch
from engage.outreach.models import UPCOMING, Appointment
from engage.outreach.texts import record_outcome
from engage.outreach.replies import flag_once
from engage.outreach.visits import PATIENT_ASKED, VISIT_CALLS
from engage.patients.models import Patient
from engage.runtime import Runtime
from engage.visits.conference import answer_url

log = logging.getLogger(__name__)
# Sent but unanswered by the provider: it may be ringing, so it is never placed again.
IN_DOUBT = "in-doubt"


@dataclass(frozen=True)
class VisitCalls:
    appointment_id: int
    numbers: dict[str, str]  # side -> phone, the clinician first
    placed: dict[str, str]  # side -> the provider's call id


def place_visit_calls(runtime: Runtime, dispatch_ids: list[int], _worker: str, now: datetime) -> dict[int, str | None]:
    return {dispatch_id: _place(runtime, dispatch_id, now) for dispatch_id in dispatch_ids}


def _place(runtime: Runtime, dispatch_id: int, now: datetime) -> str | None:
    """None when done (placed, or no longer wanted); the error's text when worth retrying."""
    with session_scope(runtime.sessions) as session:
        calls = _still_wanted(session, runtime.settings, session.get(Dispatch, dispatch_id), now)
    if calls is None:
        return None
    gateway = gateway_for(runtime)
    for side, number in calls.numbers.items():
        if side in calls.placed:
            continue
        try:
            sid = gateway.place_call(number, answer_url(runtime.settings, calls.appointment_id, side)).provider_sid
        except TransientSendError as exc:
            if not exc.may_have_arrived:
                return exc.message
            sid = IN_DOUBT
        except PermanentSendError as exc:
            _refused(runtime, dispatch_id, side, exc)
            return None
        _remember(runtime, dispatch_id, side, sid)
    log.info("audio-only visit %s: both calls placed", calls.appointment_id)
    return None


def _still_wanted(session: Session, settings: Settings, dispatch: Dispatch, now: datetime) -> VisitCalls | None:
    appointment = session.get(Appointment, dispatch.appointment_id)
    reason = None
    if appointment.status not in UPCOMING or appointment.ends_at <= now:
        reason = "the visit is over"
    elif appointment.modality_used is not AppointmentModality.PHONE or not appointment.clinician_phone:
        reason = "the visit is not by phone"
    if reason is not None:
        record_outcome(dispatch, "skipped", reason)
        return None
    patient = session.get(Patient, appointment.patient_id)
    refusal = _may_not_call(patient, appointment)
    if refusal is not None:
        # Consent or care may have ended since the calls were planned: a person reaches the patient instead.
        record_outcome(dispatch, "skipped", refusal)
        flag_once(session, settings, FlagKind.CALL_REQUEST, appointment,
                  f"the video visit is to be a phone call, and {refusal}: please reach them")
        return None
    return VisitCalls(appointment.id, {"clinician": appointment.clinician_phone, "patient": patient.phone},
                      dict(dispatch.payload.get("calls", {})))


def _may_not_call(patient: Patient, appointment: Appointment) -> str | None:
    """Why the patient may not be called now, if they may not; their own request is consent to the call."""
    if not patient.active:
        return "the patient is no longer in care"
    if not patient.voice_consent and appointment.fallback_source not in PATIENT_ASKED:
        return "the patient has not agreed to calls"
    return None


def _remember(runtime: Runtime, dispatch_id: int, side: str, sid: str) -> None:
    with session_scope(runtime.sessions) as session:
        dispatch = session.get(Dispatch, dispatch_id)
        dispatch.payload = {**dispatch.payload, "calls": {**dispatch.payload.get("calls", {}), side: sid}}
        if len(dispatch.payload["calls"]) == 2:
            record_outcome(dispatch, "placed")


def _refused(runtime: Runtime, dispatch_id: int, side: str, error: PermanentSendError) -> None:
    """The provider will not place the call: the visit is waiting, so a person must know now."""
    with session_scope(runtime.sessions) as session:
        dispatch = session.get(Dispatch, dispatch_id)
        record_outcome(dispatch, "failed", f"the {side} call was refused: {error.message}")
        raise_flag(session, runtime.settings, kind=FlagKind.DELIVERY_FAILURE, patient_id=dispatch.patient_id,
                   appointment_id=dispatch.appointment_id,
                   reason=f"the audio-only visit could not call the {side}: {error.message}"[:200])


JOBS = JobKinds(deliver={VISIT_CALLS: place_visit_calls})
