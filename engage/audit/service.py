"""The append-only access log."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engage.audit.models import AuditEvent
from engage.auth.models import StaffUser
from engage.db import utcnow


def record_access(
    session: Session, actor: StaffUser | None, action: str, resource: str,
    patient_ids: Iterable[int | None], resource_id: object = None, detail: dict | None = None,
) -> None:
    """One row per patient touched, so a patient's access history is a single indexed query."""
    now = utcnow()
    rows = [
        {
            "actor_id": actor.id if actor else None,
            "actor": actor.email if actor else "system",
            "action": action,
            "resource": resource,
            "resource_id": None if resource_id is None else str(resource_id),
            "patient_id": patient_id,
            "detail": detail or {},
            "occurred_at": now,
        }
        for patient_id in patient_ids
    ]
    if rows:
        session.execute(insert(AuditEvent), rows)
