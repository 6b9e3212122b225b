"""Fixtures of the connector and refresh tests: a small hand-written recording in the real
formats (tests/fixtures/sotkanet, tests/fixtures/statfin) laid out like a snapshot folder, and
helpers to compare database contents before and after a run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from data_pipeline.db.schema import indicator, observation, region
from data_pipeline.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def build_mini_recording(root: Path, registry) -> Path:
    """Lay the hand-written fixtures out as a snapshot folder under the registry's file names."""
    cfg = registry.sources
    files = {
        cfg.sotkanet.catalogue_snapshot: FIXTURES / "sotkanet" / "indicators.json",
        cfg.sotkanet.regions_snapshot: FIXTURES / "sotkanet" / "regions.json",
        cfg.sotkanet.data_snapshot.format(id=127): FIXTURES / "sotkanet" / "data" / "127.json",
        cfg.sotkanet.data_snapshot.format(id=181): FIXTURES / "sotkanet" / "data" / "181.json",
        cfg.statfin["rikokset"].snapshot: FIXTURES / "statfin" / "rikokset_small.json",
        cfg.statfin["vaesto_kuukausi"].snapshot: FIXTURES / "statfin" / "vaesto_sparse.json",
        cfg.statfin["tieliikenne"].snapshot: FIXTURES / "statfin" / "tieliikenne_small.json",
    }
    for rel, src in files.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return root


@pytest.fixture
def mini_offline(tmp_path, registry) -> Path:
    return build_mini_recording(tmp_path / "recording", registry)


@pytest.fixture
def settings_for(tmp_path):
    """Settings for a database URL, with snapshot and geo folders inside the test's tmp dir."""

    def make(url: str, **env) -> Settings:
        base = {
            "DATABASE_URL": url,
            "TILANNEKUVA_SNAPSHOT_DIR": str(tmp_path / "snapshot"),
            "TILANNEKUVA_GEO_DIR": str(tmp_path / "geo"),
        }
        base.update(env)
        return Settings.from_env(base)

    return make


def _db_state(engine) -> dict:
    """Everything a load could change in the data tables, in a comparable form."""
    with engine.connect() as conn:
        obs = sorted(
            tuple(r)
            for r in conn.execute(
                select(
                    observation.c.indicator_key, observation.c.region_code, observation.c.period, observation.c.sex,
                    observation.c.value, observation.c["count"], observation.c.synthetic, observation.c.load_run_id,
                )
            )
        )
        ind = sorted(tuple(r) for r in conn.execute(select(indicator)))
        reg = sorted(tuple(r) for r in conn.execute(select(region)))
    return {"observation": obs, "indicator": ind, "region": reg}


def _data_state(engine) -> dict:
    """Content only (no run ids or resolution timestamps): for comparing two databases."""
    with engine.connect() as conn:
        obs = sorted(
            tuple(r)
            for r in conn.execute(
                select(
                    observation.c.indicator_key, observation.c.region_code, observation.c.period, observation.c.sex,
                    observation.c.value, observation.c["count"], observation.c.synthetic,
                )
            )
        )
        ind = sorted(
            tuple(r)
            for r in conn.execute(
                select(indicator.c.key, indicator.c.sotkanet_id, indicator.c.sotkanet_title, indicator.c.resolution)
            )
        )
        reg = sorted(tuple(r) for r in conn.execute(select(region)))
    return {"observation": obs, "indicator": ind, "region": reg}


@pytest.fixture
def db_state():
    return _db_state


@pytest.fixture
def data_state():
    return _data_state


@pytest.fixture(scope="session")
def build_recording(registry):
    """Session-scoped builder of the fixture recording (for module-scoped baselines)."""
    return lambda root: build_mini_recording(Path(root), registry)
