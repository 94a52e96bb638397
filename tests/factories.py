"""Builders for the rows tests need, each in its own committed transaction."""
from __future__ import annotations

import itertools

from sqlalchemy import select

from engage.auth.service import create_staff_user
from engage.auth.tokens import issue_token
from engage.db import session_scope
from engage.patients.service import create_patient
from engage.runtime import Runtime

# Tests write the numbers they name by hand (the clinic and sender 555-0100, on-call staff 555-0199,
# a patient at 555-0142) in 555-01xx. Factories draw from blocks of their own, one per kind of person,
# so a made-up patient never has the clinic's, the sender's or a staff member's number.
PATIENT_NUMBERS, STAFF_NUMBERS = "+13125552{:03d}", "+13125553{:03d}"
BLOCK = 1000


def numbered(block: str, n: int) -> str:
    if not 0 <= n < BLOCK:
        raise ValueError(f"a block has {BLOCK} numbers; number {n} would leave it")
    return block.format(n)


class Factory:
    """Numbers people from the start of each block in every test, so no test depends on what ran before."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self._staff, self._patients = itertools.count(), itertools.count()

    def staff(self, role: str = "care_manager", **fields):
        n = next(self._staff)
        fields.setdefault("email", f"{role}{n}@clinic.test")
        fields.setdefault("phone", numbered(STAFF_NUMBERS, n))
        with session_scope(self.runtime.sessions) as session:
            return create_staff_user(session, role=role, **fields)

    def token(self, role: str = "care_manager", **fields) -> str:
        user = self.staff(role, **fields)
        with session_scope(self.runtime.sessions) as session:
            return issue_token(session, session.merge(user))

    def patient(self, **fields):
        n = next(self._patients)
        data = {
            "first_name": "Alex", "last_name": f"Rivera{n}", "phone": numbered(PATIENT_NUMBERS, n),
            "language": "en", "timezone": "America/Chicago", "consent": {"sms": True, "voice": True},
        }
        data.update(fields)
        with session_scope(self.runtime.sessions) as session:
            return create_patient(session, data, self.runtime.settings)


def rows(runtime: Runtime, model, *where) -> list:
    """What is stored, oldest first, read in a session of its own as a care manager's screen would."""
    with runtime.sessions() as session:
        return session.scalars(select(model).where(*where).order_by(model.id)).all()
