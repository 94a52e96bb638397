"""shared send rates

Revision ID: c7d1e2f3a4b5
Revises: 5e087986a384
Create Date: 2026-11-23 08:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c7d1e2f3a4b5'
down_revision = '5e087986a384'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'send_rates',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('next_slot', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_send_rates')),
    )


def downgrade() -> None:
    op.drop_table('send_rates')
