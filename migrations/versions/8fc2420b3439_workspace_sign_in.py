"""workspace sign-in throttles, flag outcomes and recorded contacts

Staff passwords need no column of their own: staff_users.password_hash has been there since the first
revision, empty until a password is set.

Revision ID: 8fc2420b3439
Revises: f4a7c2e9b1d3
Create Date: 2026-12-01 01:30:50.989704
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = '8fc2420b3439'
down_revision = 'f4a7c2e9b1d3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttles')),
    sa.UniqueConstraint('scope', 'key', name='uq_sign_in_throttles_scope_key')
    )
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('phone', 'in_person', 'video', 'text', name='contactmethod', native_enum=False, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('occurred_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_contacts_patient_id_patients')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_contacts_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_patient_occurred', ['patient_id', 'occurred_at'], unique=False)

    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Enum('reached_patient', 'safety_plan', 'referred_to_emergency_care', 'no_action_needed', name='flagoutcome', native_enum=False, length=32), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_column('outcome')

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_patient_occurred')

    op.drop_table('contacts')
    op.drop_table('sign_in_throttles')
