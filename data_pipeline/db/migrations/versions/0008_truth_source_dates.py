"""load_run.source_updated and load_run.source_next_update: when the source says the data it
served was last updated (StatFin's JSON-stat ``updated``) and when it will be updated next, where
the source states it — shown beside the statistical year and the fetch date.

Plain ADD/DROP COLUMN, as 0005 (a batch copy would recreate load_run, which observations reference).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 22:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('load_run', sa.Column('source_updated', sa.DateTime(timezone=True), nullable=True,
                                        comment='when the source last updated the data, as the source states it'))
    op.add_column('load_run', sa.Column('source_next_update', sa.DateTime(timezone=True), nullable=True,
                                        comment='when the source will update the data next, as the source states it'))


def downgrade() -> None:
    op.drop_column('load_run', 'source_next_update')
    op.drop_column('load_run', 'source_updated')
