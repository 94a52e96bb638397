"""A demo clinic for newcomers: staff, patients and consent, created once, safe to rerun."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import select

from engage.auth.models import StaffUser
from engage.auth.service import create_staff_user
from engage.auth.tokens import issue_token
from engage.db import session_scope
from engage.patients.models import Patient
from engage.patients.service import create_patient
from engage.runtime import Runtime

DEMO_STAFF = (
    {"email": "admin@demo.clinic", "role": "admin", "name": "Demo Admin"},
    {"email": "maria.lopez@demo.clinic", "role": "care_manager", "name": "Maria Lopez",
     "phone": "+13125550190", "on_call": True},
    {"email": "dr.chen@demo.clinic", "role": "consultant", "name": "Dr. Wei Chen"},
)
DEMO_PATIENTS = (
    {"first_name": "Alex", "last_name": "Rivera", "phone": "+13125550142", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Lucía", "last_name": "Hernández", "phone": "+13125550143", "language": "es",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Sam", "last_name": "Okafor", "phone": "+13125550144", "language": "en",
     "timezone": "America/New_York", "consent": {"sms": True, "voice": False}},
)


def seed(runtime: Runtime) -> Iterator[str]:
    with session_scope(runtime.sessions) as session:
        for spec in DEMO_STAFF:
            if session.scalar(select(StaffUser).where(StaffUser.email == spec["email"])) is None:
                create_staff_user(session, **spec)
                yield f"staff   {spec['role']:<13} {spec['email']}"
        for spec in DEMO_PATIENTS:
            if session.scalar(select(Patient).where(Patient.phone == spec["phone"])) is None:
                patient = create_patient(session, dict(spec), runtime.settings, source="demo")
                yield f"patient {patient.id:<13} {patient.display_name} ({patient.language}) {patient.phone}"
        manager = session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF[1]["email"]))
        token = issue_token(session, manager, label="demo")
    yield f"API token for {DEMO_STAFF[1]['email']} (care_manager): {token}"
