"""observation_history keeps one version per load run; meeting sequences saved from the browser

A load run writes a value and then corrects its own row in the same transaction (a partner
publication derives an observation and then gives it its embargo date and organisation). Those
in-between states were never visible to anyone, but 0006's triggers kept them as versions, and one
of them (the new value without its embargo) could be read as published. From now on an update or
delete of a row written by a load run that is still running rewrites or removes that run's own
open version instead of adding one; the in-between versions already kept are removed.

``meeting_sequence`` / ``meeting_slide``: sequences a coordinator saves in the browser (/kokous).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 22:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = ("indicator_key", "region_code", "period", "period_type", "year", "sex", "value", "count",
           "suppressed", "provisional", "synthetic", "load_run_id", "citation", "citation_note",
           "visible_from", "reported_by")
_cols = ", ".join(COLUMNS)
_new = ", ".join(f"NEW.{c}" for c in COLUMNS)
_set_new = ", ".join(f"{c} = NEW.{c}" for c in COLUMNS)
#: The row's open version was written by the same, still running load run.
_SAME_RUN = ("EXISTS (SELECT 1 FROM load_run r WHERE r.id = OLD.load_run_id AND r.status = 'running') "
             "AND EXISTS (SELECT 1 FROM observation_history h WHERE h.observation_id = OLD.id "
             "AND h.valid_to IS NULL AND h.load_run_id = OLD.load_run_id)")

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
_OPEN = "observation_id = OLD.id AND valid_to IS NULL"
SQLITE = [
    f"""CREATE TRIGGER observation_history_insert AFTER INSERT ON observation BEGIN
        INSERT INTO observation_history (observation_id, {_cols}, valid_from) VALUES (NEW.id, {_new}, {SQLITE_NOW});
    END""",
    f"""CREATE TRIGGER observation_history_update_same_run AFTER UPDATE ON observation
        WHEN NEW.load_run_id = OLD.load_run_id AND {_SAME_RUN} BEGIN
        UPDATE observation_history SET {_set_new} WHERE {_OPEN};
    END""",
    f"""CREATE TRIGGER observation_history_update AFTER UPDATE ON observation
        WHEN NOT (NEW.load_run_id = OLD.load_run_id AND {_SAME_RUN}) BEGIN
        UPDATE observation_history SET valid_to = {SQLITE_NOW} WHERE {_OPEN};
        INSERT INTO observation_history (observation_id, {_cols}, valid_from) VALUES (NEW.id, {_new}, {SQLITE_NOW});
    END""",
    f"""CREATE TRIGGER observation_history_delete_same_run BEFORE DELETE ON observation
        WHEN {_SAME_RUN} BEGIN
        DELETE FROM observation_history WHERE {_OPEN};
    END""",
    f"""CREATE TRIGGER observation_history_delete AFTER DELETE ON observation BEGIN
        UPDATE observation_history SET valid_to = {SQLITE_NOW} WHERE {_OPEN};
    END""",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION observation_history_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND {_SAME_RUN}
           AND (TG_OP = 'DELETE' OR NEW.load_run_id = OLD.load_run_id) THEN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM observation_history WHERE {_OPEN};
            ELSE
                UPDATE observation_history SET {_set_new} WHERE {_OPEN};
            END IF;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE observation_history SET valid_to = clock_timestamp() WHERE {_OPEN};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO observation_history (observation_id, {_cols}, valid_from)
            VALUES (NEW.id, {_new}, clock_timestamp());
        END IF;
        RETURN NULL;
    END $$""",
]
SQLITE_OLD = ("insert", "update", "delete")

#: Versions followed by another version of the same row from the same load run (in-between states).
CLEANUP = ("DELETE FROM observation_history WHERE EXISTS (SELECT 1 FROM observation_history later "
           "WHERE later.observation_id = observation_history.observation_id "
           "AND later.load_run_id = observation_history.load_run_id AND later.id > observation_history.id)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for ddl in POSTGRES:  # the trigger itself (0006) stays; its function is replaced
            op.execute(ddl)
    else:
        for name in SQLITE_OLD:
            op.execute(f"DROP TRIGGER IF EXISTS observation_history_{name}")
        for ddl in SQLITE:
            op.execute(ddl)
    op.execute(CLEANUP)
    op.create_table(
        'meeting_sequence',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('meeting_date', sa.Date(), nullable=False),
        sa.Column('as_of', sa.String(length=40), nullable=True, comment='pinned moment (tilanne); NULL = live'),
        sa.Column('lang', sa.String(length=2), nullable=False, server_default='fi'),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug', name='uq_meeting_sequence_slug'),
    )
    op.create_table(
        'meeting_slide',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('sequence_id', sa.Integer(), sa.ForeignKey('meeting_sequence.id', ondelete='CASCADE'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('view', sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sequence_id', 'position', name='uq_meeting_slide_position'),
    )


def _previous():
    """0006's trigger text (the versions folder is not a package)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("0006_observation_history.py")
    spec = importlib.util.spec_from_file_location("tk_migration_0006", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    op.drop_table('meeting_slide')
    op.drop_table('meeting_sequence')
    previous = _previous()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(previous.POSTGRES[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    else:
        for name in ("insert", "update_same_run", "update", "delete_same_run", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS observation_history_{name}")
        for ddl in previous.SQLITE:
            op.execute(ddl)
