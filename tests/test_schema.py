"""Migrations create exactly the schema in data_pipeline/db/schema.py, and go down and up again."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from data_pipeline.db.migrate import current_revision, downgrade, head_revision, is_current, upgrade
from data_pipeline.db.schema import metadata


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)


def test_sch001_migrated_database_matches_metadata(any_engine):
    assert current_revision(any_engine) == head_revision()
    assert is_current(any_engine)
    assert _diff(any_engine) == []


def test_sch002_downgrade_to_base_and_up_again(any_engine):
    downgrade(any_engine, "base")
    assert set(inspect(any_engine).get_table_names()) <= {"alembic_version"}
    assert not is_current(any_engine)
    upgrade(any_engine)
    assert {"observation", "load_run", "region", "indicator", "goal", "manual_entry"} <= set(
        inspect(any_engine).get_table_names()
    )


def test_sch005_asking_the_revision_logs_nothing(tmp_path, caplog):
    """/health asks on every probe while the database is empty: no Alembic INFO lines each time."""
    import logging

    from data_pipeline.db.engine import make_engine
    from data_pipeline.db.migrate import current_revision, is_current

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with caplog.at_level(logging.INFO):
        assert current_revision(engine) is None and is_current(engine) is False
    assert [r for r in caplog.records if r.name.startswith("alembic")] == []
    assert logging.getLogger("alembic.runtime.migration").level == logging.NOTSET  # restored
