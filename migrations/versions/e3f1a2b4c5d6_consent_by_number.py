"""each consent decision keeps the number it was made for

Revision ID: e3f1a2b4c5d6
Revises: 4f874dc6affe
Create Date: 2026-12-01 00:35:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'e3f1a2b4c5d6'
down_revision = '4f874dc6affe'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_consent_events_phone_channel', ['phone', 'channel', 'id'], unique=False)
    # Past decisions were made for the number the patient has now: nothing else was ever recorded.
    op.execute("UPDATE consent_events SET phone = (SELECT phone FROM patients WHERE patients.id = "
               "consent_events.patient_id)")


def downgrade() -> None:
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_events_phone_channel')
        batch_op.drop_column('phone')
