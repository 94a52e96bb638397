"""The audit log is append-only in the database itself: a trigger refuses every UPDATE and DELETE of
audit_events, whoever runs it, the application's own database user included (HIPAA access log).

The one definition of that trigger, for the migration that installs it and for whatever must lift it
deliberately (emptying a test database between tests)."""
from __future__ import annotations

REFUSAL = "audit_events is append-only"

_POSTGRESQL_CREATE = (
    f"""CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}';
    END $$""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
)
_POSTGRESQL_DROP = (
    "DROP TRIGGER audit_events_append_only ON audit_events",
    "DROP FUNCTION audit_events_append_only()",
)
# SQLite has no trigger functions: one trigger per refused statement.
_SQLITE_CREATE = tuple(
    f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
)
_SQLITE_DROP = ("DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete")


def create_statements(dialect: str) -> tuple[str, ...]:
    return _POSTGRESQL_CREATE if dialect == "postgresql" else _SQLITE_CREATE


def drop_statements(dialect: str) -> tuple[str, ...]:
    return _POSTGRESQL_DROP if dialect == "postgresql" else _SQLITE_DROP
