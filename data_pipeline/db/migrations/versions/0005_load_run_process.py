"""load_run.host and load_run.pid: which process runs a load, so that a run whose process died
(kill -9, power cut) is closed as 'interrupted' when the next run starts instead of 'running' forever

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 19:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('load_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True, comment='host name of the loading process'))
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True, comment='process id of the loading process'))
        batch_op.alter_column('status', existing_type=sa.String(length=16), existing_nullable=False,
                              comment='running | success | failed | interrupted',
                              existing_comment='running | success | failed')


def downgrade() -> None:
    with op.batch_alter_table('load_run', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=16), existing_nullable=False,
                              comment='running | success | failed',
                              existing_comment='running | success | failed | interrupted')
        batch_op.drop_column('pid')
        batch_op.drop_column('host')
