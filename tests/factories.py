"""Builders for the rows tests need, each in its own committed transaction."""
from __future__ import annotations

import itertools

from sqlalchemy import select

from engage.auth.service import create_staff_user
from engage.auth.tokens import issue_token
from engage.db import session_scope
from engage.patients.service import create_patient
from engage.runtime import Runtime

_numbers = itertools.count(1)


class Factory:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    def staff(self, role: str = "care_manager", **fields):
        n = next(_numbers)
        with session_scope(self.runtime.sessions) as session:
            fields.setdefault("email", f"{role}{n}@clinic.test")
            return create_staff_user(session, role=role, **fields)

    def token(self, role: str = "care_manager", **fields) -> str:
        user = self.staff(role, **fields)
        with session_scope(self.runtime.sessions) as session:
            return issue_token(session, session.merge(user))

    def patient(self, **fields):
        n = next(_numbers)
        data = {
            "first_name": "Alex", "last_name": f"Rivera{n}", "phone": f"+1312555{n % 10000:04d}",
            "language": "en", "timezone": "America/Chicago", "consent": {"sms": True, "voice": True},
        }
        data.update(fields)
        with session_scope(self.runtime.sessions) as session:
            return create_patient(session, data, self.runtime.settings)


def rows(runtime: Runtime, model, *where) -> list:
    """What is stored, oldest first, read in a session of its own as a care manager's screen would."""
    with runtime.sessions() as session:
        return session.scalars(select(model).where(*where).order_by(model.id)).all()
