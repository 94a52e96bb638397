"""outcome external id

Revision ID: 0c896456bb0b
Revises: d1a0c3e5f7b9
Create Date: 2026-11-30 23:39:30.712800
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = '0c896456bb0b'
down_revision = 'd1a0c3e5f7b9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_outcomes_external_id'), ['external_id'])


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outcomes_external_id'), type_='unique')
        batch_op.drop_column('external_id')
