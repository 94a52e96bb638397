"""episode baseline and latest score; messages by patient and direction

Revision ID: b7c41d2e9f30
Revises: f4a7c9e1b2d3
Create Date: 2026-12-01 01:55:00.000000
"""
from alembic import op
import sqlalchemy as sa
import engage.db


revision = 'b7c41d2e9f30'
down_revision = 'f4a7c9e1b2d3'
branch_labels = None
depends_on = None

_SCORED = """(SELECT o.{column} FROM outcomes o
    WHERE o.patient_id = episodes.patient_id AND o.instrument = episodes.instrument AND o.total IS NOT NULL
      AND o.completed_at >= episodes.opened_at AND (episodes.closed_at IS NULL OR o.completed_at < episodes.closed_at)
    ORDER BY o.completed_at {direction}, o.id {direction} LIMIT 1)"""


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('baseline_at', engage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('latest', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('latest_at', engage.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_patient_direction_created', ['patient_id', 'direction', 'created_at'],
                              unique=False)
    # Episodes already open or closed get their first and latest score from the outcomes recorded so far.
    op.execute("UPDATE episodes SET " + ", ".join(
        f"{name} = " + _SCORED.format(column=column, direction=direction)
        for name, column, direction in (("baseline", "total", "ASC"), ("baseline_at", "completed_at", "ASC"),
                                        ("latest", "total", "DESC"), ("latest_at", "completed_at", "DESC"))))


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_patient_direction_created')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('latest_at')
        batch_op.drop_column('latest')
        batch_op.drop_column('baseline_at')
        batch_op.drop_column('baseline')
