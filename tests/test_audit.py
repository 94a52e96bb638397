"""The audit log keeps every row: the database refuses to change or delete one, even for engage's own user."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from engage.audit.models import AuditEvent
from engage.audit.service import record_access
from engage.db import session_scope
from tests.factories import rows


@pytest.fixture
def audited(runtime, factory):
    patient = factory.patient()
    with session_scope(runtime.sessions) as session:
        record_access(session, None, "read", "patient", [patient.id], patient.id)
    return patient


@pytest.mark.parametrize("statement", [update(AuditEvent).values(action="nothing to see"), delete(AuditEvent)],
                         ids=["update", "delete"])
def test_an_audit_row_cannot_be_changed_or_deleted(runtime, audited, statement):
    with pytest.raises(DBAPIError, match="audit_events is append-only"):
        with runtime.engine.begin() as conn:
            conn.execute(statement)
    logged, = rows(runtime, AuditEvent)
    assert (logged.action, logged.patient_id) == ("read", audited.id)


def test_the_audit_log_still_takes_new_rows(runtime, audited):
    with session_scope(runtime.sessions) as session:
        record_access(session, None, "update", "patient", [audited.id], audited.id)
    assert [e.action for e in rows(runtime, AuditEvent)] == ["read", "update"]
