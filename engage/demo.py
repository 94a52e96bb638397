"""A demo clinic for newcomers: staff, patients and consent, created once, safe to rerun."""
from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.auth.passwords import set_password
from engage.auth.service import create_staff_user
from engage.auth.tokens import issue_token
from engage.checkins.enrollments import enroll
from engage.db import session_scope, utcnow
from engage.enums import AppointmentModality
from engage.outreach.appointments import create_appointment
from engage.outreach.campaigns import ensure_default_campaigns
from engage.outreach.visit_links import visit_link
from engage.patients.models import Patient
from engage.patients.service import create_patient
from engage.runtime import Runtime

DEMO_STAFF = (
    {"email": "admin@demo.clinic", "role": "admin", "name": "Demo Admin"},
    {"email": "maria.lopez@demo.clinic", "role": "care_manager", "name": "Maria Lopez",
     "phone": "+13125550190", "on_call": True},
    {"email": "dr.chen@demo.clinic", "role": "consultant", "name": "Dr. Wei Chen"},
)
# The clinician of the demo's video visit: "call me instead" rings this number (printed, never dialled).
DEMO_CLINICIAN_PHONE = "+13125550177"
DEMO_PATIENTS = (
    {"first_name": "Alex", "last_name": "Rivera", "phone": "+13125550142", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Lucía", "last_name": "Hernández", "phone": "+13125550143", "language": "es",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Sam", "last_name": "Okafor", "phone": "+13125550144", "language": "en",
     "timezone": "America/New_York", "consent": {"sms": True, "voice": False}},
)


def _local(days_ahead: int, hour: int, minute: int, zone: str, now: datetime) -> datetime:
    day = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(timezone.utc)


def _program(session: Session, runtime: Runtime, patient: Patient, now: datetime) -> Iterator[str]:
    """What the clinic has set up for each demo patient: a check-in cadence or an upcoming visit."""
    if patient.first_name in ("Alex", "Lucía"):
        enroll(session, patient, instrument="phq9", interval_days=14, now=now)
        yield f"        PHQ-9 every 14 days for {patient.first_name}, the first due now (sent outside quiet hours)"
    if patient.first_name in ("Lucía", "Sam"):
        video = patient.first_name == "Sam"
        # The video visit is under way as the demo starts: its link is texted at once, and "call me
        # instead" on its page calls both sides straight away.
        starts_at = now.replace(second=0, microsecond=0) if video else _local(3, 10, 30, patient.timezone, now)
        appointment = create_appointment(session, runtime.settings, {
            "patient_id": patient.id, "starts_at": starts_at, "duration_minutes": 60 if video else 30,
            "modality": AppointmentModality.VIDEO if video else AppointmentModality.IN_PERSON,
            "clinician_name": "Dr. Ana Ruiz", "clinician_phone": DEMO_CLINICIAN_PHONE,
            "video_url": "https://video.example.org/room/demo" if video else None}, now)
        if video:
            yield f"        video visit for {patient.first_name} now, for an hour; its link is texted at once"
            yield f"        visit page (join, or 'call me instead'): {visit_link(runtime.settings, appointment)}"
        else:
            yield f"        in-person visit for {patient.first_name} at {starts_at:%Y-%m-%d %H:%M} UTC, reminders 72/24/2 h before"


def seed(runtime: Runtime) -> Iterator[str]:
    now = utcnow()
    with session_scope(runtime.sessions) as session:
        ensure_default_campaigns(session)
        for spec in DEMO_STAFF:
            if session.scalar(select(StaffUser).where(StaffUser.email == spec["email"])) is None:
                create_staff_user(session, **spec)
                yield f"staff   {spec['role']:<13} {spec['email']}"
        for spec in DEMO_PATIENTS:
            if session.scalar(select(Patient).where(Patient.phone == spec["phone"])) is None:
                patient = create_patient(session, dict(spec), runtime.settings, source="demo")
                yield f"patient {patient.id:<13} {patient.display_name} ({patient.language}) {patient.phone}"
                yield from _program(session, runtime, patient, now)
        manager = session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF[1]["email"]))
        token = issue_token(session, manager, label="demo")
        # A new password each run, shown once like the token: the demo has no standing credential.
        password = secrets.token_urlsafe(12)
        set_password(manager, password)
    yield f"API token for {DEMO_STAFF[1]['email']} (care_manager): {token}"
    yield f"workspace sign-in at http://127.0.0.1:5000/login: {DEMO_STAFF[1]['email']} / {password}"
