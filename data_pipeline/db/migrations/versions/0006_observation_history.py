"""observation_history: every version of every observation, for views pinned to a moment

Written by triggers, so no code path (refresh, manual load, demo fill, partner publication, a
hand-run SQL fix) can change an observation without leaving the earlier value readable. The
existing rows are copied in as valid from the end of the load run that wrote them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COLUMNS = ("indicator_key", "region_code", "period", "period_type", "year", "sex", "value", "count",
           "suppressed", "provisional", "synthetic", "load_run_id", "citation", "citation_note",
           "visible_from", "reported_by")
_cols = ", ".join(COLUMNS)
_new = ", ".join(f"NEW.{c}" for c in COLUMNS)

# SQLite: millisecond UTC text in the same layout SQLAlchemy stores DateTime values in.
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
SQLITE = [
    f"""CREATE TRIGGER observation_history_insert AFTER INSERT ON observation BEGIN
        INSERT INTO observation_history (observation_id, {_cols}, valid_from) VALUES (NEW.id, {_new}, {SQLITE_NOW});
    END""",
    f"""CREATE TRIGGER observation_history_update AFTER UPDATE ON observation BEGIN
        UPDATE observation_history SET valid_to = {SQLITE_NOW} WHERE observation_id = OLD.id AND valid_to IS NULL;
        INSERT INTO observation_history (observation_id, {_cols}, valid_from) VALUES (NEW.id, {_new}, {SQLITE_NOW});
    END""",
    f"""CREATE TRIGGER observation_history_delete AFTER DELETE ON observation BEGIN
        UPDATE observation_history SET valid_to = {SQLITE_NOW} WHERE observation_id = OLD.id AND valid_to IS NULL;
    END""",
]
POSTGRES = [
    f"""CREATE FUNCTION observation_history_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE observation_history SET valid_to = clock_timestamp()
             WHERE observation_id = OLD.id AND valid_to IS NULL;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO observation_history (observation_id, {_cols}, valid_from)
            VALUES (NEW.id, {_new}, clock_timestamp());
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER observation_history AFTER INSERT OR UPDATE OR DELETE ON observation
       FOR EACH ROW EXECUTE FUNCTION observation_history_write()""",
]


def upgrade() -> None:
    op.create_table(
        'observation_history',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('observation_id', sa.Integer(), nullable=False, comment='observation.id (kept after a delete)'),
        sa.Column('indicator_key', sa.String(length=60), nullable=False),
        sa.Column('region_code', sa.String(length=8), nullable=False),
        sa.Column('period', sa.String(length=8), nullable=False),
        sa.Column('period_type', sa.String(length=1), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('sex', sa.String(length=6), nullable=False),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('count', sa.Float(), nullable=True),
        sa.Column('suppressed', sa.Boolean(), nullable=False),
        sa.Column('provisional', sa.Boolean(), nullable=False),
        sa.Column('synthetic', sa.Boolean(), nullable=False),
        sa.Column('load_run_id', sa.Integer(), nullable=False),
        sa.Column('citation', sa.Text(), nullable=True),
        sa.Column('citation_note', sa.Text(), nullable=True),
        sa.Column('visible_from', sa.Date(), nullable=True),
        sa.Column('reported_by', sa.String(length=40), nullable=True),
        sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True, comment='NULL = the current version'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_observation_history_key', 'observation_history',
                    ['indicator_key', 'region_code', 'period', 'sex', 'valid_from'])
    op.create_index('ix_observation_history_open', 'observation_history', ['observation_id', 'valid_to'])
    op.execute(
        f"INSERT INTO observation_history (observation_id, {_cols}, valid_from) "
        f"SELECT o.id, {', '.join('o.' + c for c in COLUMNS)}, COALESCE(r.finished_at, r.started_at) "
        "FROM observation o JOIN load_run r ON r.id = o.load_run_id"
    )
    for ddl in (POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE):
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS observation_history ON observation")
        op.execute("DROP FUNCTION IF EXISTS observation_history_write()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS observation_history_{name}")
    op.drop_index('ix_observation_history_open', table_name='observation_history')
    op.drop_index('ix_observation_history_key', table_name='observation_history')
    op.drop_table('observation_history')
