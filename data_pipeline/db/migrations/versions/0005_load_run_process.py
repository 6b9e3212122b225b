"""load_run.host and load_run.pid: which process runs a load, so that a run whose process died
(kill -9, power cut) is closed as 'interrupted' when the next run starts instead of 'running' forever

Plain ADD/DROP COLUMN (SQLite ≥ 3.35 has both): a batch "copy and move" would recreate load_run,
which every observation references, and fail on a database with data.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OLD_COMMENT = 'running | success | failed'
NEW_COMMENT = 'running | success | failed | interrupted'


def _comment(comment: str, existing: str) -> None:
    if op.get_bind().dialect.name != 'sqlite':  # SQLite keeps no column comments
        op.alter_column('load_run', 'status', existing_type=sa.String(length=16), existing_nullable=False,
                        comment=comment, existing_comment=existing)


def upgrade() -> None:
    op.add_column('load_run', sa.Column('host', sa.String(length=255), nullable=True, comment='host name of the loading process'))
    op.add_column('load_run', sa.Column('pid', sa.Integer(), nullable=True, comment='process id of the loading process'))
    _comment(NEW_COMMENT, OLD_COMMENT)


def downgrade() -> None:
    _comment(OLD_COMMENT, NEW_COMMENT)
    op.execute("UPDATE load_run SET status = 'failed' WHERE status = 'interrupted'")
    op.drop_column('load_run', 'pid')
    op.drop_column('load_run', 'host')
