"""Status: last run per source, coverage per indicator, text and JSON output."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_pipeline.db.schema import observation, region
from data_pipeline.load import recorded_load, upsert_observations
from data_pipeline.refresh import run_refresh
from data_pipeline.status import collect_status, render_status


@pytest.fixture
def loaded(engine, mini_offline, settings_for):
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["sotkanet", "statfin"], offline_dir=mini_offline)
    assert report.ok, report.render()
    return engine


def _indicator(status, key):
    return next(i for i in status["indicators"] if i["key"] == key)


def test_st001_sources_and_indicator_coverage(loaded, mini_offline):
    status = collect_status(loaded)
    assert set(status["sources"]) == {"sotkanet", "statfin"}
    # Every registered connector is listed, including the ones this refresh did not run.
    assert [(c["key"], c["has_run"]) for c in status["connectors"]] == [
        ("sotkanet", True), ("statfin", True), ("facts", False), ("boundaries", False)]
    assert "never run: facts, boundaries" in render_status(status)
    sot = status["sources"]["sotkanet"]
    assert sot["last_run"]["status"] == "success" and sot["failed_runs"] == 0
    assert set(sot["datasets"]) >= {"regions", "indicators", "vaesto", "tyottomat_pct"}
    with loaded.connect() as conn:
        n_obs = conn.execute(select(func.count()).select_from(observation)).scalar()
        vaesto = conn.execute(select(observation.c.region_code, observation.c.year)
                              .where(observation.c.indicator_key == "vaesto")).all()
        n_regions = conn.execute(select(func.count()).select_from(region)).scalar()
    assert status["totals"]["observations"] == n_obs
    assert status["totals"]["regions"] == n_regions
    assert sot["observations"] + status["sources"]["statfin"]["observations"] == n_obs
    v = _indicator(status, "vaesto")
    assert (v["first_year"], v["last_year"]) == (min(y for _, y in vaesto), max(y for _, y in vaesto))
    assert v["regions"] == len({c for c, _ in vaesto}) and v["rows"] == len(vaesto)
    assert (v["sotkanet_id"], v["resolution"], v["synthetic_share"]) == (127, "verified", 0.0)
    assert _indicator(status, "yhteisollinen_asuminen_75_pct")["resolution"] == "by_title"
    assert _indicator(status, "ruoan_loppumisen_pelko_pct")["resolution"] == "ambiguous"
    manual = _indicator(status, "hyte_kerroin")
    assert manual["rows"] == 0 and manual["first_year"] is None
    json.dumps(status)  # JSON-able as it is


def test_st002_synthetic_share(loaded):
    before = _indicator(collect_status(loaded), "vaesto")["rows"]
    demo = pd.DataFrame({"indicator_key": "vaesto", "region_code": ["082", "086"], "period": "2030", "value": [1.0, 2.0],
                         "synthetic": True})
    with recorded_load(loaded, source="demo", dataset="demo", location="test") as (run, conn):
        run.counts += upsert_observations(conn, demo, run.id, keep_real=True)
    v = _indicator(collect_status(loaded), "vaesto")
    assert v["rows"] == before + 2
    assert v["synthetic_share"] == round(2 / (before + 2), 4)
    assert v["last_year"] == 2030


def test_st003_failed_run_shown_with_its_error(loaded, mini_offline, settings_for):
    path = mini_offline / "sotkanet" / "data" / "127.json"
    rows = json.loads(path.read_text())
    rows[0]["value"] = "abc"
    path.write_text(json.dumps(rows))
    report = run_refresh(loaded, settings_for(str(loaded.url)), sources=["sotkanet"], offline_dir=mini_offline)
    assert report.bad_input
    status = collect_status(loaded)
    sot = status["sources"]["sotkanet"]
    assert sot["failed_runs"] == 1 and status["totals"]["failed_runs"] == 1
    assert sot["datasets"]["vaesto"]["status"] == "failed"
    assert "'abc' is not a finite number" in sot["datasets"]["vaesto"]["error"]
    text = render_status(status)
    assert sot["last_run"]["dataset"] == "vaesto"  # the registry lists vaesto last
    error_line = next(line for line in text.splitlines() if line.strip().startswith("error:"))
    assert "127.json" in error_line and "problem(s)" in error_line


def test_st004_render_lists_every_indicator(loaded):
    status = collect_status(loaded)
    text = render_status(status)
    assert text.startswith("Database sqlite:///")
    for ind in status["indicators"]:
        assert ind["key"] in text
    line = next(line for line in text.splitlines() if line.strip().startswith("vaesto "))
    v = _indicator(status, "vaesto")
    assert f"{v['first_year']}–{v['last_year']}" in line and "127 verified" in line


def test_st005_empty_database(engine):
    status = collect_status(engine)
    assert status["sources"] == {} and status["totals"]["observations"] == 0
    assert "nothing loaded yet" in render_status(status)


def test_st006_cli_status_json_and_text(loaded, monkeypatch, capsys):
    from data_pipeline.cli import main

    monkeypatch.setenv("DATABASE_URL", str(loaded.url))
    assert main(["status", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = collect_status(loaded)
    printed.pop("generated_at"), expected.pop("generated_at")
    assert printed == json.loads(json.dumps(expected, default=str))
    assert main(["status"]) == 0
    assert "Sources (last run):" in capsys.readouterr().out
