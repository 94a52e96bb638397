"""Patients: enrolment in the registry, demographics, and the consent ledger."""
from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.bounds import MAX_ID
from engage.config import Settings
from engage.enums import Channel, ConsentAction, Role
from engage.errors import Conflict, Invalid, NotFound
from engage.patients.consent import (
    awaits_reply_to_request,
    refuse_consent_given_back_for_the_patient,
    refuse_texts_to_an_opted_out_number,
)
from engage.patients.models import ConsentEvent, Patient
from engage.phones import InvalidPhone, to_e164

_DIRECT_FIELDS = ("external_id", "first_name", "last_name", "language", "timezone", "channel",
                  "no_video", "care_manager_id")


def normalise_phone(raw: str, settings: Settings) -> str:
    try:
        return to_e164(raw, settings.default_region)
    except InvalidPhone as exc:
        raise Invalid("invalid phone", {"phone": [str(exc)]}) from None


def get_patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"no patient {patient_id}")
    return patient


def patients_by_id(session: Session, patient_ids: set[int]) -> dict[int, Patient]:
    if not patient_ids:
        return {}
    return {patient.id: patient for patient in session.scalars(select(Patient).where(Patient.id.in_(patient_ids)))}


def find_patient_by_phone(session: Session, phone: str) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.phone == phone))


def _ensure_unique(session: Session, patient: Patient | None, phone: str | None, external_id: str | None) -> None:
    own_id = patient.id if patient else None
    if phone and session.scalar(select(Patient.id).where(Patient.phone == phone, Patient.id != own_id)):
        raise Conflict("phone in use", {"phone": ["Another patient has this phone number."]})
    if external_id and session.scalar(
        select(Patient.id).where(Patient.external_id == external_id, Patient.id != own_id)
    ):
        raise Conflict("external_id in use", {"external_id": ["Another patient has this external id."]})


def _check_care_manager(session: Session, data: dict[str, Any]) -> None:
    """A patient's care manager is a staff user with that role, still active (admins and consultants
    do not carry a caseload)."""
    staff_id = data.get("care_manager_id")
    if staff_id is None:
        return
    staff = session.get(StaffUser, staff_id)
    if staff is None or not staff.active or staff.role is not Role.CARE_MANAGER:
        raise Invalid("not a care manager", {"care_manager_id": ["Must be an active staff user with the "
                                                                 "care_manager role."]})


def _apply(patient: Patient, data: dict[str, Any]) -> None:
    for name in _DIRECT_FIELDS:
        if name in data:
            setattr(patient, name, data[name])
    if "quiet_hours" in data:
        hours = data["quiet_hours"] or {}
        patient.quiet_start, patient.quiet_end = hours.get("start"), hours.get("end")


def record_consent(
    session: Session, patient: Patient, channel: Channel, granted: bool, source: str, detail: str | None = None,
    recorded_by_id: int | None = None,
) -> ConsentEvent | None:
    """Appends to the ledger only when the decision changes, so the history reads as decisions. A STOP
    after an in-person request to be texted again is one: it withdraws the request (CTIA)."""
    if patient.has_consent(channel) == granted and patient.id is not None and not (
            channel is Channel.SMS and not granted and awaits_reply_to_request(session, patient.id)):
        return None
    event = ConsentEvent(
        patient=patient, channel=channel, action=ConsentAction.GRANTED if granted else ConsentAction.REVOKED,
        source=source, detail=detail, recorded_by_id=recorded_by_id, phone=patient.phone,
    )
    session.add(event)
    if channel is Channel.SMS:
        patient.sms_consent = granted
    else:
        patient.voice_consent = granted
    return event


def _apply_consent(session: Session, patient: Patient, consent: dict[str, bool | None] | None, source: str,
                   recorded_by_id: int | None) -> None:
    for channel in Channel:
        value = (consent or {}).get(channel.value)
        if value is not None:
            record_consent(session, patient, channel, value, source, recorded_by_id=recorded_by_id)


def create_patient(session: Session, data: dict[str, Any], settings: Settings, source: str = "api",
                   recorded_by_id: int | None = None) -> Patient:
    """A new patient; consent given at intake is recorded as given."""
    phone = normalise_phone(data["phone"], settings)
    _ensure_unique(session, None, phone, data.get("external_id"))
    _check_care_manager(session, data)
    refuse_texts_to_an_opted_out_number(session, phone, bool((data.get("consent") or {}).get(Channel.SMS.value)))
    patient = Patient(phone=phone, language="en", timezone=settings.timezone, channel=Channel.SMS,
                      sms_consent=False, voice_consent=False)
    _apply(patient, {k: v for k, v in data.items() if v is not None or k == "quiet_hours"})
    session.add(patient)
    _apply_consent(session, patient, data.get("consent"), source, recorded_by_id)
    session.flush()
    return patient


def update_patient(session: Session, patient: Patient, data: dict[str, Any], settings: Settings,
                   source: str = "api", recorded_by_id: int | None = None) -> Patient:
    """Changes what staff know; consent to texts, once revoked, only the patient gives back."""
    if "phone" in data:
        data = {**data, "phone": normalise_phone(data["phone"], settings)}
    _ensure_unique(session, patient, data.get("phone"), data.get("external_id"))
    _check_care_manager(session, data)
    refuse_consent_given_back_for_the_patient(session, patient, data.get("consent"))
    if "phone" in data and data["phone"] != patient.phone:
        wants_texts = (data.get("consent") or {}).get(Channel.SMS.value)
        refuse_texts_to_an_opted_out_number(session, data["phone"],
                                            patient.sms_consent if wants_texts is None else wants_texts)
        patient.phone = data["phone"]
        # A new number is a new handset: earlier delivery failures say nothing about it.
        patient.sms_unreachable_at, patient.sms_soft_failures = None, 0
    _apply(patient, data)
    _apply_consent(session, patient, data.get("consent"), source, recorded_by_id)
    session.flush()
    return patient


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"p:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, value = raw.split(":")
        last_id = int(value)
        if prefix != "p" or not 0 <= last_id <= MAX_ID:
            raise ValueError(prefix)
        return last_id
    except ValueError:
        raise Invalid("bad cursor", {"cursor": ["Not a cursor from this API."]}) from None


def list_patients(
    session: Session, *, limit: int, cursor: str | None = None, phone: str | None = None,
    external_id: str | None = None, settings: Settings,
) -> tuple[list[Patient], str | None]:
    query = select(Patient).order_by(Patient.id).limit(limit + 1)
    if cursor:
        query = query.where(Patient.id > decode_cursor(cursor))
    if phone:
        query = query.where(Patient.phone == normalise_phone(phone, settings))
    if external_id:
        query = query.where(Patient.external_id == external_id)
    rows = list(session.scalars(query))
    page, more = rows[:limit], len(rows) > limit
    return page, (encode_cursor(page[-1].id) if more else None)
