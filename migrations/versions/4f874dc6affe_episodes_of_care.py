"""episodes of care

Revision ID: 4f874dc6affe
Revises: 0c896456bb0b
Create Date: 2026-11-30 23:42:58.697278
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = '4f874dc6affe'
down_revision = '0c896456bb0b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('episodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=16), nullable=False),
    sa.Column('care_manager_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.Enum('remission_held', 'moved_on', 'lost_to_follow_up', name='dischargereason', native_enum=False, length=32), nullable=True),
    sa.ForeignKeyConstraint(['care_manager_id'], ['staff_users.id'], name=op.f('fk_episodes_care_manager_id_staff_users')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_episodes_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episodes'))
    )
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episodes_care_manager_id'), ['care_manager_id'], unique=False)
        batch_op.create_index('ix_episodes_patient_closed', ['patient_id', 'closed_at'], unique=False)
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_patient_instrument_completed', ['patient_id', 'instrument', 'completed_at'],
                              unique=False)

    # Patients already enrolled are in treatment: one open episode each, from their first enrollment.
    op.execute("""
        INSERT INTO episodes (patient_id, instrument, care_manager_id, opened_at)
        SELECT e.patient_id,
               CASE WHEN SUM(CASE WHEN e.instrument IN ('phq9', 'phq2') THEN 1 ELSE 0 END) > 0
                    THEN 'phq9' ELSE 'gad7' END,
               p.care_manager_id, MIN(e.started_at)
        FROM enrollments e JOIN patients p ON p.id = e.patient_id
        WHERE e.status != 'ended'
        GROUP BY e.patient_id, p.care_manager_id
    """)



def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_patient_instrument_completed')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_index('ix_episodes_patient_closed')
        batch_op.drop_index(batch_op.f('ix_episodes_care_manager_id'))
    op.drop_table('episodes')
