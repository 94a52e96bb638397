"""inbound text as the phone sent it

Revision ID: d1a0c3e5f7b9
Revises: 112277635a17
Create Date: 2026-11-30 22:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a0c3e5f7b9'
down_revision = '112277635a17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_body', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('raw_body')
