"""collection: accounts, rounds, submissions, audit log, value history; embargo columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 19:15:57.958287
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False, comment='lower-case login name or e-mail'),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True, comment='argon2id; NULL = single sign-on only'),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('organisation', sa.String(length=40), nullable=True, comment='organisation key (reporter)'),
    sa.Column('scope', sa.JSON(), nullable=False, comment='coordinator: template keys and/or priority-area slugs'),
    sa.Column('disabled', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('oidc_subject', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('oidc_subject', name=op.f('uq_account_oidc_subject')),
    sa.UniqueConstraint('username', name=op.f('uq_account_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=120), nullable=True, comment='as typed, also for failed logins'),
    sa.Column('event', sa.String(length=40), nullable=False, comment='login | login_failed | login_refused | logout | …'),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_audit_log_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)

    op.create_table('collection_round',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False, comment='e.g. Turvallisuuden tilannekuva 2026/1'),
    sa.Column('period', sa.String(length=8), nullable=False, comment='2026 | 2026H1: the period the values describe'),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('organisations', sa.JSON(), nullable=False, comment='keys of the organisations that must report'),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['opened_by'], ['account.id'], name=op.f('fk_collection_round_opened_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_round')),
    sa.UniqueConstraint('template', 'name', name=op.f('uq_collection_round_template_name'))
    )
    op.create_table('submission',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False, comment='not_started | draft | submitted | returned | accepted | published'),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publish_on', sa.Date(), nullable=True, comment='publication date set on acceptance (embargo)'),
    sa.Column('load_run_id', sa.Integer(), nullable=True, comment="the publication's load run"),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_run.id'], name=op.f('fk_submission_load_run_id_load_run')),
    sa.ForeignKeyConstraint(['round_id'], ['collection_round.id'], name=op.f('fk_submission_round_id_collection_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('round_id', 'organisation', name=op.f('uq_submission_round_id_organisation'))
    )
    op.create_table('review_comment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False, comment='return | accept | comment'),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_review_comment_account_id_account')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_review_comment_submission_id_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comment'))
    )
    op.create_table('submission_value',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False, comment='the row as validated, column -> value'),
    sa.Column('row', sa.Integer(), nullable=False, comment='row number in the form or file'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_value_submission_id_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_value')),
    sa.UniqueConstraint('submission_id', 'region_code', 'period', name=op.f('uq_submission_value_submission_id_region_code_period'))
    )
    op.create_table('value_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False, comment="username, or 'cli' for load-manual"),
    sa.Column('organisation', sa.String(length=40), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('column', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('manual_entry_id', sa.Integer(), nullable=True),
    sa.Column('publish_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_value_history_account_id_account')),
    sa.ForeignKeyConstraint(['manual_entry_id'], ['manual_entry.id'], name=op.f('fk_value_history_manual_entry_id_manual_entry')),
    sa.ForeignKeyConstraint(['round_id'], ['collection_round.id'], name=op.f('fk_value_history_round_id_collection_round')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_value_history_submission_id_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_history'))
    )
    with op.batch_alter_table('value_history', schema=None) as batch_op:
        batch_op.create_index('ix_value_history_template', ['template', 'region_code', 'period'], unique=False)

    with op.batch_alter_table('manual_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visible_from', sa.Date(), nullable=True, comment='publication date (embargo); NULL = public'))
        batch_op.add_column(sa.Column('submission_id', sa.Integer(), nullable=True, comment='the partner submission that published it'))

    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visible_from', sa.Date(), nullable=True, comment='publication date (embargo); NULL = public'))
        batch_op.add_column(sa.Column('reported_by', sa.String(length=40), nullable=True, comment='organisation key of a partner-reported value'))
        batch_op.create_index('ix_observation_visible_from', ['visible_from'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index('ix_observation_visible_from')
        batch_op.drop_column('reported_by')
        batch_op.drop_column('visible_from')

    with op.batch_alter_table('manual_entry', schema=None) as batch_op:
        batch_op.drop_column('submission_id')
        batch_op.drop_column('visible_from')

    with op.batch_alter_table('value_history', schema=None) as batch_op:
        batch_op.drop_index('ix_value_history_template')

    op.drop_table('value_history')
    op.drop_table('submission_value')
    op.drop_table('review_comment')
    op.drop_table('submission')
    op.drop_table('collection_round')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_at')

    op.drop_table('audit_log')
    op.drop_table('account')
