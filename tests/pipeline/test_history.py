"""Observation history (migration 0006): every write leaves the earlier value readable at the
earlier moment, on SQLite and PostgreSQL, whichever code path wrote it."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select, update

from dashboard.core.pin import pinned
from dashboard.data.queries import clear_cache, indicator_observations
from data_pipeline.db.schema import observation, observation_history
from data_pipeline.load import recorded_load, upsert_observations
from data_pipeline.manual import load_manual_files
from data_pipeline.refresh import run_refresh
from tests.pipeline.conftest import build_mini_recording

FIXTURES = __import__("pathlib").Path(__file__).resolve().parent.parent / "fixtures"


def _moment() -> datetime:
    """A moment strictly between two writes (the triggers stamp to the millisecond)."""
    time.sleep(0.01)
    moment = datetime.now(UTC)
    time.sleep(0.01)
    return moment


def indicator_observations_at(engine, key, codes, moment: datetime) -> pd.DataFrame:
    """The reads of a view pinned to ``moment`` (``?tilanne=…``)."""
    with pinned(moment.isoformat()):
        return indicator_observations(engine, key, codes)


def _values(frame: pd.DataFrame) -> dict[tuple[str, int], float]:
    return {(r.region_code, r.year): r.value for r in frame.itertuples()}


def test_his001_refresh_that_changes_a_value_keeps_the_earlier_one(any_engine, registry, tmp_path, settings_for):
    rec = build_mini_recording(tmp_path / "rec", registry)
    settings = settings_for(str(any_engine.url))
    assert run_refresh(any_engine, settings, offline_dir=rec, sources=("sotkanet",)).ok
    first = _moment()
    path = rec / registry.sources.sotkanet.data_snapshot.format(id=127)
    rows = json.loads(path.read_text(encoding="utf-8"))
    target = next(r for r in rows if r["region"] == 58 and r["gender"] == "total")
    old_value, target["value"] = target["value"], target["value"] + 1000
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert run_refresh(any_engine, settings, offline_dir=rec, sources=("sotkanet",)).ok
    clear_cache()
    year = target["year"]
    assert _values(indicator_observations(any_engine, "vaesto"))[("109", year)] == old_value + 1000
    assert _values(indicator_observations_at(any_engine, "vaesto", None, first))[("109", year)] == old_value
    now = datetime.now(UTC)
    assert _values(indicator_observations_at(any_engine, "vaesto", None, now))[("109", year)] == old_value + 1000
    # Before anything was loaded, nothing was there.
    assert indicator_observations_at(any_engine, "vaesto", None, datetime(2000, 1, 1, tzinfo=UTC)).empty


def test_his002_manual_correction_keeps_the_earlier_value(any_engine, registry, tmp_path):
    original = FIXTURES / "manual" / "esteettomat_asunnot_2025.csv"
    load_manual_files(any_engine, [original], registry=registry)
    before = _moment()
    changed = tmp_path / "esteettomat_asunnot_korjaus.csv"
    changed.write_text(original.read_text(encoding="utf-8-sig").replace("109;2025;310;85;240;30", "109;2025;310;85;250;30"),
                       encoding="utf-8")
    load_manual_files(any_engine, [changed], registry=registry)
    clear_cache()
    key = "esteettomat_asunnot_pct"
    assert _values(indicator_observations(any_engine, key))[("109", 2025)] == pytest.approx(100 * 280 / 395)
    assert _values(indicator_observations_at(any_engine, key, None, before))[("109", 2025)] == pytest.approx(100 * 270 / 395)


def test_his003_every_write_path_is_recorded_even_raw_sql(any_engine, registry):
    """Triggers, not Python: an update or delete made outside the loader is versioned too."""
    from data_pipeline.sync import sync_registry

    with any_engine.begin() as conn:
        sync_registry(conn, registry)
    frame = pd.DataFrame([{"indicator_key": "tyottomat_pct", "region_code": "109", "period": "2020", "value": 10.0}])
    with recorded_load(any_engine, source="test", dataset="t", location="-") as (run, conn):
        upsert_observations(conn, frame, run.id)
    t1 = _moment()
    with any_engine.begin() as conn:
        conn.execute(update(observation).where(observation.c.region_code == "109").values(value=11.0))
    t2 = _moment()
    with any_engine.begin() as conn:
        conn.execute(observation.delete().where(observation.c.region_code == "109"))
    clear_cache()
    at = lambda t: _values(indicator_observations_at(any_engine, "tyottomat_pct", ("109",), t))
    assert at(t1) == {("109", 2020): 10.0}
    assert at(t2) == {("109", 2020): 11.0}
    assert at(datetime.now(UTC)) == {}
    with any_engine.connect() as conn:
        versions = conn.execute(select(observation_history.c.value, observation_history.c.valid_to)
                                .order_by(observation_history.c.id)).all()
    assert [v.value for v in versions] == [10.0, 11.0]
    assert all(v.valid_to is not None for v in versions)
