"""staff sign-outs: signing out of the workspace ends every session begun before it

Revision ID: b7d3e5f9a1c2
Revises: b7c41d2e9f30
Create Date: 2026-12-01 02:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d3e5f9a1c2'
down_revision = 'b7c41d2e9f30'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_outs', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('sign_outs')
