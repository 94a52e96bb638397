"""audit events append only

Revision ID: d5e8a1c3f907
Revises: a3bd0002d011
Create Date: 2026-11-30 22:00:00

Alembic's autogenerate does not compare triggers, so `engage db check` stays quiet about these.
On SQLite a later batch operation that recreates audit_events drops them: such a revision must
create them again with engage.audit.append_only.
"""
from alembic import op

from engage.audit import append_only


revision = 'd5e8a1c3f907'
down_revision = 'a3bd0002d011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in append_only.create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in append_only.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
