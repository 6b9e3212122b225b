"""Bootstrap: empty database -> load (recording or live) -> demo fill; loaded database -> start fast."""
from __future__ import annotations

import json
import time

import pandas as pd
import pytest
import requests
from sqlalchemy import func, select

import data_pipeline.demo as demo_module
import data_pipeline.refresh as refresh_module
from data_pipeline.bootstrap import bootstrap
from data_pipeline.cli import main as cli_main
from data_pipeline.db.schema import load_run, observation
from data_pipeline.http import HttpClient
from data_pipeline.load import recorded_load, upsert_observations
from data_pipeline.refresh import RefreshReport
from data_pipeline.settings import Settings
from data_pipeline.sync import sync_registry


@pytest.fixture
def make_settings(tmp_path):
    def make(**env) -> Settings:
        base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "TILANNEKUVA_GEO_DIR": str(tmp_path / "geo"),
                "TILANNEKUVA_SNAPSHOT_DIR": str(tmp_path / "snapshot")}
        base.update({k: str(v) for k, v in env.items()})
        return Settings.from_env(base)

    return make


def _stub_refresh(calls, registry, value=9.9):
    """A run_refresh stand-in that loads one real value and reports success."""

    def run_refresh(engine, settings, sources=("sotkanet", "statfin", "boundaries"), offline_dir=None, years=None,
                    progress=None, *, http=None, registry_=None):
        calls.append({"offline_dir": offline_dir, "http": http})
        with engine.begin() as conn:
            sync_registry(conn, registry)
        with recorded_load(engine, source="sotkanet", dataset="tyottomat_pct", location="stub") as (run, conn):
            frame = pd.DataFrame([{"indicator_key": "tyottomat_pct", "region_code": "109", "period": "2024", "value": value}])
            run.counts += upsert_observations(conn, frame, run.id)
        return RefreshReport(offline=offline_dir is not None)

    return run_refresh


class _DeadSession:
    """No network: every request fails like a missing route."""

    def __init__(self):
        self.headers, self.calls = {}, 0

    def request(self, *args, **kwargs):
        self.calls += 1
        raise requests.ConnectionError("network is unreachable")


def _obs(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame([dict(r) for r in conn.execute(select(observation)).mappings()])


def test_boot001_empty_db_with_recording_loads_then_fills_demo(engine, registry, make_settings, offline_dir, monkeypatch, capsys):
    calls: list = []
    monkeypatch.setattr(refresh_module, "run_refresh", _stub_refresh(calls, registry))
    settings = make_settings(TILANNEKUVA_OFFLINE_DIR=offline_dir)
    assert bootstrap(engine, settings) is True
    assert [c["offline_dir"] for c in calls] == [settings.offline_dir]
    tiles = json.loads((settings.geo_dir / "build" / "tiles.json").read_text(encoding="utf-8"))
    assert len(tiles["features"]) == len(registry.county.municipalities)
    obs = _obs(engine)
    real = obs[~obs["synthetic"]]
    assert list(real["indicator_key"]) == ["tyottomat_pct"] and real["value"].iloc[0] == 9.9
    # the real total is never filled; its breakdown by sex (no real values by sex) is, flagged synthetic
    assert "tyottomat_pct" not in set(obs[obs["synthetic"] & (obs["sex"] == "total")]["indicator_key"])
    assert set(obs[obs["synthetic"] & (obs["indicator_key"] == "tyottomat_pct")]["sex"]) == {"male", "female"}
    n_demo = len(registry.indicators) - 1
    out = capsys.readouterr().out
    assert f"Demo values: {n_demo} indicators have no real data" in out
    assert f"Esittelyarvot: {n_demo} indikaattorilla" in out
    assert "Could not reach" not in out


def test_boot002_integration_with_the_real_refresh_on_the_recording(engine, registry, make_settings, offline_dir, capsys):
    settings = make_settings(TILANNEKUVA_OFFLINE_DIR=offline_dir)
    assert bootstrap(engine, settings) is True
    obs = _obs(engine)
    obs = obs[obs["sex"] == "total"]  # a synthetic split by sex of a real total is checked in test_boot001
    real = set(obs[~obs["synthetic"]]["indicator_key"])
    assert {"vaesto", "rikokset_henki_terveys_per1000", "vaesto_kuukausi"} <= real
    synthetic = set(obs[obs["synthetic"]]["indicator_key"])
    assert real.isdisjoint(synthetic) and real | synthetic == set(registry.indicators)
    build = settings.geo_dir / "build"
    assert {"county.json", "municipalities.json", "meta.json", "tiles.json"} <= {p.name for p in build.iterdir()}
    with engine.connect() as conn:
        sources = set(conn.execute(select(load_run.c.source).where(load_run.c.status == "success")).scalars())
    assert {"sotkanet", "statfin", "boundaries", "demo"} <= sources
    assert f"Demo values: {len(synthetic)} indicators" in capsys.readouterr().out


def test_boot003_unreachable_live_sources_fall_back_to_demo(engine, registry, make_settings, monkeypatch, capsys):
    def must_not_run(*a, **k):
        raise AssertionError("no refresh when the sources cannot be reached")

    monkeypatch.setattr(refresh_module, "run_refresh", must_not_run)
    session = _DeadSession()
    started = time.perf_counter()
    ok = bootstrap(engine, make_settings(), http=HttpClient("test", session=session, retries=0))
    assert ok is True and time.perf_counter() - started < 30
    assert session.calls == 1, "one quick probe, not a full refresh with retries"
    out = capsys.readouterr().out
    assert "Tietolähteisiin ei saatu yhteyttä" in out and "Could not reach the data sources" in out
    assert "labelled as synthetic" in out
    obs = _obs(engine)
    assert len(obs) and obs["synthetic"].all()
    assert f"Demo values: {len(registry.indicators)} indicators" in out


def test_boot004_reachable_live_sources_are_refreshed(engine, registry, make_settings, monkeypatch):
    calls: list = []
    monkeypatch.setattr(refresh_module, "run_refresh", _stub_refresh(calls, registry))

    class _Ok:
        status_code, content, headers = 200, b"{}", {}

    class _Session:
        headers: dict = {}

        def request(self, *a, **k):
            return _Ok()

    client = HttpClient("test", session=_Session(), retries=0)
    assert bootstrap(engine, make_settings(), http=client) is True
    assert calls == [{"offline_dir": None, "http": client}]


def test_boot005_demo_can_be_turned_off(engine, registry, make_settings, monkeypatch, capsys):
    calls: list = []
    monkeypatch.setattr(refresh_module, "run_refresh", _stub_refresh(calls, registry))
    monkeypatch.setenv("TILANNEKUVA_DEMO", "0")
    assert bootstrap(engine, make_settings(TILANNEKUVA_OFFLINE_DIR="/nonexistent")) is True
    obs = _obs(engine)
    assert len(obs) == 1 and not obs["synthetic"].any()
    assert f"no demo values; {len(registry.indicators) - 1} indicators stay empty" in capsys.readouterr().out


def test_boot006_loaded_database_starts_fast_without_loading(engine, registry, make_settings, monkeypatch, capsys):
    calls: list = []
    monkeypatch.setattr(refresh_module, "run_refresh", _stub_refresh(calls, registry))
    settings = make_settings(TILANNEKUVA_OFFLINE_DIR="/nonexistent")
    assert bootstrap(engine, settings) is True
    capsys.readouterr()

    def forbidden(*a, **k):
        raise AssertionError("nothing slow on a loaded database")

    monkeypatch.setattr(refresh_module, "run_refresh", forbidden)
    monkeypatch.setattr(demo_module, "fill_demo", forbidden)
    with engine.connect() as conn:
        runs_before = conn.execute(select(func.count()).select_from(load_run)).scalar_one()
    started = time.perf_counter()
    assert bootstrap(engine, settings) is True
    assert time.perf_counter() - started < 1.0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(load_run)).scalar_one() == runs_before
    out = capsys.readouterr().out
    assert "already has data: 1 indicators with real data" in out
    assert len(calls) == 1


def test_boot007_real_failure_returns_false(engine, make_settings, monkeypatch, capsys):
    def broken(*a, **k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(refresh_module, "run_refresh", broken)
    assert bootstrap(engine, make_settings(TILANNEKUVA_OFFLINE_DIR="/nonexistent")) is False
    assert "database went away" in capsys.readouterr().err


def test_boot008_cli_exit_codes(tmp_path, registry, monkeypatch):
    calls: list = []
    monkeypatch.setattr(refresh_module, "run_refresh", _stub_refresh(calls, registry))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("TILANNEKUVA_GEO_DIR", str(tmp_path / "geo"))
    monkeypatch.setenv("TILANNEKUVA_OFFLINE_DIR", str(tmp_path))
    assert cli_main(["-q", "bootstrap"]) == 0
    assert (tmp_path / "geo" / "build" / "tiles.json").exists() and len(calls) == 1
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli2.sqlite3'}")
    monkeypatch.setattr(refresh_module, "run_refresh", lambda *a, **k: 1 / 0)
    assert cli_main(["-q", "bootstrap"]) == 1
