"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 12:45:35.898124
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicator',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('title_fi', sa.Text(), nullable=False),
    sa.Column('title_sv', sa.Text(), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('unit_kind', sa.String(length=16), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('source_kind', sa.String(length=16), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False, comment='Sotkanet id, StatFin dataset+filters or template.field'),
    sa.Column('sotkanet_id', sa.Integer(), nullable=True, comment='resolved Sotkanet id (verified or by title)'),
    sa.Column('sotkanet_title', sa.Text(), nullable=True, comment='catalogue title the id was resolved from'),
    sa.Column('resolution', sa.String(length=16), nullable=True, comment='verified | by_title | ambiguous | not_found'),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cadence', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_indicator'))
    )
    op.create_table('load_run',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False, comment='sotkanet | statfin | boundaries | manual | demo'),
    sa.Column('dataset', sa.String(length=120), nullable=False),
    sa.Column('location', sa.Text(), nullable=False, comment='URL or file read'),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('offline', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False, comment='running | success | failed'),
    sa.Column('rows_inserted', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('rows_updated', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('rows_deleted', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('code_version', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_load_run'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=8), nullable=False, comment='061…981, SK051, MK05, HVA07, SSS'),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('name_fi', sa.String(length=120), nullable=False),
    sa.Column('name_sv', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('subregion_code', sa.String(length=8), nullable=True),
    sa.Column('region_code', sa.String(length=8), nullable=True, comment='maakunta of a municipality or sub-region'),
    sa.Column('sotkanet_id', sa.Integer(), nullable=True),
    sa.Column('in_county', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('sort_order', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region')),
    sa.UniqueConstraint('sotkanet_id', name=op.f('uq_region_sotkanet_id'))
    )
    op.create_table('goal',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('indicator_key', sa.String(length=60), nullable=True),
    sa.Column('template', sa.String(length=40), nullable=True),
    sa.Column('region_code', sa.String(length=8), nullable=True),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('target_year', sa.Integer(), nullable=True),
    sa.Column('target_basis', sa.String(length=16), nullable=False),
    sa.Column('owner_fi', sa.Text(), nullable=False),
    sa.Column('wording_fi', sa.Text(), nullable=False),
    sa.Column('wording_sv', sa.Text(), nullable=False),
    sa.Column('wording_en', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False, comment='type-specific settings, e.g. done_statuses'),
    sa.ForeignKeyConstraint(['indicator_key'], ['indicator.key'], name=op.f('fk_goal_indicator_key_indicator')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_goal'))
    )
    op.create_table('manual_entry',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False, comment='the row as validated, column -> value'),
    sa.Column('entered_by', sa.String(length=200), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_file', sa.Text(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('load_run_id', sa.Integer(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_run.id'], name=op.f('fk_manual_entry_load_run_id_load_run')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_manual_entry_region_code_region')),
    sa.ForeignKeyConstraint(['superseded_by'], ['manual_entry.id'], name=op.f('fk_manual_entry_superseded_by_manual_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_entry'))
    )
    with op.batch_alter_table('manual_entry', schema=None) as batch_op:
        batch_op.create_index('uq_manual_entry_current', ['template', 'region_code', 'period'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.create_table('observation',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('indicator_key', sa.String(length=60), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False, comment='2024 | 2024H1 | 2024Q3 | 2024M05'),
    sa.Column('period_type', sa.String(length=1), nullable=False, comment='Y | H | Q | M'),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sex', sa.String(length=6), server_default=sa.text("'total'"), nullable=False),
    sa.Column('value', sa.Float(), nullable=True, comment='NULL = no value (never 0 for missing)'),
    sa.Column('count', sa.Float(), nullable=True, comment='absolute number behind the value, where known'),
    sa.Column('suppressed', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('provisional', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('synthetic', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('load_run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_key'], ['indicator.key'], name=op.f('fk_observation_indicator_key_indicator')),
    sa.ForeignKeyConstraint(['load_run_id'], ['load_run.id'], name=op.f('fk_observation_load_run_id_load_run')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_observation_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation')),
    sa.UniqueConstraint('indicator_key', 'region_code', 'period', 'sex', name=op.f('uq_observation_indicator_key_region_code_period_sex'))
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index('ix_observation_indicator_year', ['indicator_key', 'year'], unique=False)
        batch_op.create_index('ix_observation_load_run', ['load_run_id'], unique=False)
        batch_op.create_index('ix_observation_region', ['region_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index('ix_observation_region')
        batch_op.drop_index('ix_observation_load_run')
        batch_op.drop_index('ix_observation_indicator_year')

    op.drop_table('observation')
    with op.batch_alter_table('manual_entry', schema=None) as batch_op:
        batch_op.drop_index('uq_manual_entry_current', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.drop_table('manual_entry')
    op.drop_table('goal')
    op.drop_table('region')
    op.drop_table('load_run')
    op.drop_table('indicator')
