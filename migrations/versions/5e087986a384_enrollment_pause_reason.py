"""enrollment pause reason

Revision ID: 5e087986a384
Revises: ab1be5c0a497
Create Date: 2026-11-23 08:13:41.223238
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = '5e087986a384'
down_revision = 'ab1be5c0a497'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('paused_at', engage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('paused_at')
        batch_op.drop_column('paused_reason')
