"""A demo clinic for newcomers: staff, patients and consent, created once, safe to rerun; the caseload
shows a patient in each treat-to-target status."""
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
from engage.checkins.outcomes import record_external
from engage.db import session_scope, utcnow
from engage.enums import AppointmentModality
from engage.outreach.appointments import create_appointment
from engage.outreach.campaigns import ensure_default_campaigns
from engage.outreach.visit_links import public_base, visit_link
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
    {"first_name": "Jordan", "last_name": "Lee", "phone": "+13125550145", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Maya", "last_name": "Patel", "phone": "+13125550146", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Carlos", "last_name": "Gómez", "phone": "+13125550147", "language": "es",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Priya", "last_name": "Shah", "phone": "+13125550148", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": False}},
    {"first_name": "Dana", "last_name": "Brooks", "phone": "+13125550149", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
    {"first_name": "Terry", "last_name": "Nguyen", "phone": "+13125550150", "language": "en",
     "timezone": "America/Chicago", "consent": {"sms": True, "voice": True}},
)
# PHQ-9 totals recorded at the clinic, as (weeks since enrolling, total), and how long ago they enrolled:
# together they put each patient in one treat-to-target status on the caseload.
SCORE_HISTORIES = {
    "Jordan": (12, ((0, 17), (6, 9), (11, 4))),  # remission
    "Maya": (8, ((0, 20), (4, 14), (7, 9))),  # response
    "Carlos": (11, ((0, 19), (5, 17), (10, 15))),  # not improving by the target week
    "Priya": (6, ((0, 16), (3, 13), (5, 11))),  # partial response
    "Dana": (9, ((0, 14), (3, 12))),  # no score in the last four weeks
    "Terry": (3, ((0, 15), (2, 13))),  # in treatment
}


def _local(days_ahead: int, hour: int, minute: int, zone: str, now: datetime) -> datetime:
    day = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(timezone.utc)


def _program(session: Session, runtime: Runtime, patient: Patient, now: datetime) -> Iterator[str]:
    """What the clinic has set up for each demo patient: a check-in cadence or an upcoming visit."""
    if patient.first_name in ("Alex", "Lucía"):
        enroll(session, patient, instrument="phq9", interval_days=14, now=now)
        yield f"        PHQ-9 every 14 days for {patient.first_name}, the first due now (sent outside quiet hours)"
    if patient.first_name in SCORE_HISTORIES:
        yield from _treated(session, runtime, patient, now)
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


def _treated(session: Session, runtime: Runtime, patient: Patient, now: datetime) -> Iterator[str]:
    """Enrolled weeks ago, with PHQ-9s recorded at the clinic since; the next check-in is two weeks out."""
    weeks, history = SCORE_HISTORIES[patient.first_name]
    enrolled = now - timedelta(weeks=weeks)
    enroll(session, patient, instrument="phq9", interval_days=14, now=enrolled, start_at=now + timedelta(days=14))
    for week, total in history:
        record_external(session, runtime.settings, patient, instrument="phq9", answers=_phq9_totalling(total),
                        completed_at=enrolled + timedelta(weeks=week, hours=1), source="clinic", now=now)
    yield (f"        PHQ-9 every 14 days for {patient.first_name}, enrolled {weeks} weeks ago, scores "
           + ", ".join(str(total) for _week, total in history))


def _phq9_totalling(total: int) -> list[int]:
    """Nine answers adding up to `total`, the self-harm item always 0."""
    return [min(3, max(0, total - 3 * item)) for item in range(8)] + [0]


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
    yield f"workspace sign-in at {public_base(runtime.settings)}/login: {DEMO_STAFF[1]['email']} / {password}"
