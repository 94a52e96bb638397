"""calls and the steps of each call

Revision ID: f4a7c9e1b2d3
Revises: 8fc2420b3439
Create Date: 2026-12-02 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engage.db


revision = 'f4a7c9e1b2d3'
down_revision = '8fc2420b3439'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Enum('checkin', 'staff_notice', 'outreach', 'inbound', name='callpurpose',
                                     native_enum=False, length=32), nullable=False),
        sa.Column('direction', sa.Enum('inbound', 'outbound', name='direction', native_enum=False, length=32),
                  nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=True),
        sa.Column('checkin_id', sa.Integer(), nullable=True),
        sa.Column('flag_id', sa.Integer(), nullable=True),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('campaign_run_id', sa.Integer(), nullable=True),
        sa.Column('to_number', sa.String(length=32), nullable=False),
        sa.Column('from_number', sa.String(length=32), nullable=False),
        sa.Column('call_sid', sa.String(length=64), nullable=True),
        sa.Column('status', sa.Enum('queued', 'placing', 'placed', 'ringing', 'in-progress', 'completed', 'busy',
                                    'no-answer', 'failed', 'canceled', 'machine', name='callstatus',
                                    native_enum=False, length=32), nullable=False),
        sa.Column('answered_by', sa.String(length=32), nullable=True),
        sa.Column('error_code', sa.Integer(), nullable=True),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('turn', sa.Integer(), nullable=False),
        sa.Column('repeats', sa.Integer(), nullable=False),
        sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', engage.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_at', engage.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_run_id'], ['campaign_runs.id'],
                                name=op.f('fk_calls_campaign_run_id_campaign_runs')),
        sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_calls_checkin_id_checkins')),
        sa.ForeignKeyConstraint(['flag_id'], ['flags.id'], name=op.f('fk_calls_flag_id_flags')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_calls_patient_id_patients')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_calls_staff_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
        sa.UniqueConstraint('call_sid', name=op.f('uq_calls_call_sid')),
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index('ix_calls_patient_created', ['patient_id', 'created_at'], unique=False)
    op.create_table(
        'voice_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=True),
        sa.Column('call_sid', sa.String(length=64), nullable=False),
        sa.Column('step', sa.String(length=32), nullable=False),
        sa.Column('digits', sa.String(length=32), nullable=True),
        sa.Column('speech', sa.Text(), nullable=True),
        sa.Column('twiml', sa.Text(), nullable=True),
        sa.Column('received_at', engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_voice_steps_call_id_calls')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_steps')),
        sa.UniqueConstraint('call_sid', 'step', name=op.f('uq_voice_steps_call_sid_step')),
    )
    with op.batch_alter_table('voice_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_steps_call_id'), ['call_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('voice_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voice_steps_call_id'))
    op.drop_table('voice_steps')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_patient_created')
        batch_op.drop_index(batch_op.f('ix_calls_checkin_id'))
    op.drop_table('calls')
