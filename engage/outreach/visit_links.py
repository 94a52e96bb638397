"""A patient's personal link to a video visit: signed, naming one appointment, useless once it is over.

The link carries no name, time or clinic, only the signed appointment id and when the link stops
working; everything the page shows is read from the appointment once the signature holds.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from engage.config import Settings
from engage.enums import AppointmentModality
from engage.outreach.models import UPCOMING, Appointment

# Its own salt: a token signed for anything else (a session, another link) never opens a visit.
SALT = "engage.visit-link"
# Visits run late; the link still works a little after the booked end.
GRACE = timedelta(minutes=30)
# Where `make run` serves; production always sets ENGAGE_PUBLIC_URL (config refuses to start without it).
LOCAL_URL = "http://127.0.0.1:5000"


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=SALT)


def link_expires_at(appointment: Appointment) -> datetime:
    return appointment.ends_at + GRACE


def visit_token(settings: Settings, appointment: Appointment) -> str:
    return _serializer(settings).dumps([appointment.id, int(link_expires_at(appointment).timestamp())])


def public_base(settings: Settings) -> str:
    """Where patients' phones and Twilio reach this service."""
    return settings.public_url or LOCAL_URL


def visit_link(settings: Settings, appointment: Appointment) -> str:
    return f"{public_base(settings)}/visit/{visit_token(settings, appointment)}"


def open_visit(session: Session, settings: Settings, token: str, now: datetime) -> Appointment | None:
    """The video visit the token names while it may still be joined; None for a bad, tampered or
    expired token, or a visit that was cancelled or moved past its link (the page then says nothing)."""
    try:
        appointment_id, expires = _serializer(settings).loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not (isinstance(appointment_id, int) and isinstance(expires, int)) or expires <= now.timestamp():
        return None
    appointment = session.get(Appointment, appointment_id)
    if (appointment is None or appointment.modality is not AppointmentModality.VIDEO
            or appointment.status not in UPCOMING or link_expires_at(appointment) <= now):
        return None
    return appointment
