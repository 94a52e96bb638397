"""an audio-only visit keeps how the patient's call ended when it did not reach them

Revision ID: a9d3e5f7c1b2
Revises: b7d3e5f9a1c2
Create Date: 2026-12-03 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'a9d3e5f7c1b2'
down_revision = 'b7d3e5f9a1c2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('patient_call_status', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('patient_call_status')
