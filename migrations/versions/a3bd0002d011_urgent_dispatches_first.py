"""urgent dispatches first

Revision ID: a3bd0002d011
Revises: c7d1e2f3a4b5
Create Date: 2026-11-23 09:12:41.582933
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = 'a3bd0002d011'
down_revision = 'c7d1e2f3a4b5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('urgent')

