"""Contacts a care manager records: calls and visits that happened outside engage's own texts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.enums import ContactMethod
from engage.errors import Invalid
from engage.patients.models import Patient
from engage.registry.models import Contact

NOTE_LIMIT = 2000


def record_contact(session: Session, patient: Patient, staff: StaffUser, method: ContactMethod, note: str,
                   now: datetime) -> Contact:
    note = note.strip()
    if not note:
        raise Invalid("the note is missing", {"note": ["Say what happened."]})
    if len(note) > NOTE_LIMIT:
        raise Invalid("the note is too long", {"note": [f"Keep it under {NOTE_LIMIT} characters."]})
    contact = Contact(patient_id=patient.id, staff_id=staff.id, method=method, note=note, occurred_at=now)
    session.add(contact)
    return contact


def list_contacts(session: Session, patient_id: int) -> list[Contact]:
    return list(session.scalars(select(Contact).where(Contact.patient_id == patient_id)
                                .order_by(Contact.occurred_at.desc(), Contact.id.desc())))
