"""an audio-only fallback keeps who switched the visit, when, and the clinician's words

Revision ID: f4a7c2e9b1d3
Revises: e3f1a2b4c5d6
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engage.db

revision = 'f4a7c2e9b1d3'
down_revision = 'e3f1a2b4c5d6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fallback_source', sa.Enum('preference', 'page', 'text', 'clinician',
                                                                 name='fallbacksource', native_enum=False,
                                                                 length=32), nullable=True))
        batch_op.add_column(sa.Column('fallback_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('fallback_at', engage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('fallback_at')
        batch_op.drop_column('fallback_note')
        batch_op.drop_column('fallback_source')
