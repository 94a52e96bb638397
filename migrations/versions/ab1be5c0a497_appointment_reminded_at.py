"""appointment reminded_at

Revision ID: ab1be5c0a497
Revises: a42fcc28a05d
Create Date: 2026-11-23 08:06:56.704372
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = 'ab1be5c0a497'
down_revision = 'a42fcc28a05d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', engage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
