"""A dashboard database of real recorded values: an offline refresh of the recording
(../shared/data/snapshot) and the published figures (../shared/data/facts), then the labelled
demo fill for the indicators the recording lacks — what `make run` shows."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from data_pipeline.db.schema import load_run
from data_pipeline.demo import fill_demo
from data_pipeline.refresh import run_refresh
from data_pipeline.settings import Settings


def build_real_database(path: Path, offline_dir: Path, facts_file: Path, *, demo: bool = True,
                        loaded_at: datetime | None = None):
    """Migrated SQLite database at ``path`` with the recording, the cited figures and (``demo``)
    the labelled synthetic fill. ``loaded_at`` pins every load run's time (the "haettu" date a
    screenshot shows would otherwise move with the calendar). Returns the engine."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings.from_env({"DATABASE_URL": url, "TILANNEKUVA_SNAPSHOT_DIR": str(path.parent / "snapshot"),
                                  "TILANNEKUVA_GEO_DIR": str(path.parent / "geo")})
    report = run_refresh(engine, settings, sources=("sotkanet", "statfin", "facts"), offline_dir=offline_dir,
                         facts_file=facts_file)
    assert report.ok, report.render()
    if demo:
        fill_demo(engine)
    if loaded_at is not None:
        with engine.begin() as conn:
            conn.execute(update(load_run).values(started_at=loaded_at, finished_at=loaded_at))
    return engine
