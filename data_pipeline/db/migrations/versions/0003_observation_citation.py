"""observation.citation, citation_note: a published figure carries its own citation per value

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'citation', sa.Text(), nullable=True,
            comment='published figure: where it was published (URL or repository path @ commit)'))
        batch_op.add_column(sa.Column(
            'citation_note', sa.Text(), nullable=True,
            comment='published figure: the table, section or sentence it comes from'))


def downgrade() -> None:
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_column('citation_note')
        batch_op.drop_column('citation')
