"""The loader: idempotent upserts with exact counts, on SQLite and PostgreSQL, and atomic failure."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from data_pipeline.db.schema import load_run, observation
from data_pipeline.load import parse_period, recorded_load, upsert_observations
from data_pipeline.sync import sync_registry


def _frame(values):
    return pd.DataFrame(
        {
            "indicator_key": "tyottomat_pct",
            "region_code": ["109", "061", "MK05"][: len(values)],
            "period": "2023",
            "value": values,
        }
    )


def _load(engine, frame, **kw):
    with recorded_load(engine, source="test", dataset="t", location="memory") as (run, conn):
        run.counts += upsert_observations(conn, frame, run.id, **kw)
    return run.counts


@pytest.mark.parametrize(
    "period,expected",
    [("2024", ("Y", 2024)), ("2024H2", ("H", 2024)), ("2023Q4", ("Q", 2023)), ("2022M05", ("M", 2022))],
)
def test_load001_periods(period, expected):
    assert parse_period(period) == expected


@pytest.mark.parametrize("bad", ["24", "2024H3", "2024Q0", "2024M13", "2024M5", "2024-05", "vuosi"])
def test_load002_malformed_periods_are_rejected(bad):
    with pytest.raises(ValueError, match="malformed period"):
        parse_period(bad)


def test_load003_upsert_counts_and_idempotence(any_engine, registry):
    with any_engine.begin() as conn:
        sync_registry(conn, registry)
    first = _load(any_engine, _frame([10.5, None, 8.25]))
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = _load(any_engine, _frame([10.5, None, 8.25]))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = _load(any_engine, _frame([10.5, 7.0, 8.25]))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    with any_engine.connect() as conn:
        rows = dict(conn.execute(select(observation.c.region_code, observation.c.value)).all())
        runs = conn.execute(select(load_run.c.status, load_run.c.rows_updated).order_by(load_run.c.id)).all()
    assert rows == {"109": 10.5, "061": 7.0, "MK05": 8.25}
    assert [r.status for r in runs] == ["success"] * 3 and runs[-1].rows_updated == 1


def test_load004_exception_mid_load_leaves_previous_data_and_a_failed_run(any_engine, registry):
    with any_engine.begin() as conn:
        sync_registry(conn, registry)
    _load(any_engine, _frame([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="injected"), \
            recorded_load(any_engine, source="test", dataset="t", location="memory") as (run, conn):
            upsert_observations(conn, _frame([9.0, 9.0, 9.0]), run.id)
            raise RuntimeError("injected fault after the upsert")
    with any_engine.connect() as conn:
        values = sorted(v for (v,) in conn.execute(select(observation.c.value)))
        last = conn.execute(select(load_run).order_by(load_run.c.id.desc())).first()
    assert values == [1.0, 2.0, 3.0]
    assert last.status == "failed" and "injected fault" in last.error


def test_load005_synthetic_never_overwrites_real(engine, registry):
    with engine.begin() as conn:
        sync_registry(conn, registry)
    _load(engine, _frame([1.0]))
    counts = _load(engine, _frame([5.0, 6.0]).assign(synthetic=True), keep_real=True)
    assert counts.inserted == 1 and counts.updated == 0
    with engine.connect() as conn:
        rows = {r.region_code: (r.value, r.synthetic) for r in conn.execute(select(observation))}
    assert rows == {"109": (1.0, False), "061": (6.0, True)}


def test_load006_registry_sync_is_idempotent(any_engine, registry):
    with any_engine.begin() as conn:
        first = sync_registry(conn, registry)
    with any_engine.begin() as conn:
        second = sync_registry(conn, registry)
    assert first.inserted > 0 and second.written == 0


def test_load007_real_data_replaces_the_demo_series_of_its_indicator(engine, registry):
    with engine.begin() as conn:
        sync_registry(conn, registry)
    _load(engine, _frame([5.0, 6.0, 7.0]).assign(synthetic=True))
    counts = _load(engine, _frame([1.0]))  # a real value for one region only
    assert counts.updated == 1 and counts.deleted == 2
    with engine.connect() as conn:
        rows = {r.region_code: (r.value, r.synthetic) for r in conn.execute(select(observation))}
    assert rows == {"109": (1.0, False)}
