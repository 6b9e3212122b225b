"""manual_entry.synthetic: demo rows are flagged so they can never pass for reported data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('manual_entry', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('synthetic', sa.Boolean(), server_default=sa.text('false'), nullable=False,
                      comment='demo row, never real data')
        )


def downgrade() -> None:
    with op.batch_alter_table('manual_entry', schema=None) as batch_op:
        batch_op.drop_column('synthetic')
