"""current consent beside the ledger

Revision ID: a42fcc28a05d
Revises: 41205d5fdb67
Create Date: 2026-11-23 08:02:54.144584
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = 'a42fcc28a05d'
down_revision = '41205d5fdb67'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_consent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('voice_consent', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The ledger's latest decision per channel becomes the current state.
    for channel in ('sms', 'voice'):
        op.execute(sa.text(f"""
            UPDATE patients SET {channel}_consent = (
                SELECT c.action = 'granted' FROM consent_events c
                WHERE c.patient_id = patients.id AND c.channel = '{channel}'
                ORDER BY c.id DESC LIMIT 1)
            WHERE EXISTS (SELECT 1 FROM consent_events c
                          WHERE c.patient_id = patients.id AND c.channel = '{channel}')
        """))


def downgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('voice_consent')
        batch_op.drop_column('sms_consent')
