"""consent recorded by

Revision ID: 112277635a17
Revises: d5e8a1c3f907
Create Date: 2026-11-30 22:54:38.323188

The ledger's actions gain opt_in_requested (stored as text: no schema change).
"""
from alembic import op
import sqlalchemy as sa


revision = '112277635a17'
down_revision = 'd5e8a1c3f907'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consent_events_recorded_by_id_staff_users'), 'staff_users',
                                    ['recorded_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consent_events_recorded_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
