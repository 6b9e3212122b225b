"""Demo fill: deterministic, always flagged synthetic, never over real data, removable."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from data_pipeline.cli import main as cli_main
from data_pipeline.db.schema import load_run, manual_entry, observation
from data_pipeline.demo import (
    DEMO_LEVELS,
    FALLBACK_POPULATION,
    PARTLY_MIN_POPULATION,
    clear_demo,
    fill_demo,
    synthetic_indicators,
)
from data_pipeline.load import recorded_load, upsert_observations
from data_pipeline.manual import load_manual_files
from data_pipeline.sync import sync_registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manual"


def _observations(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(observation)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows])


def _real_value(engine, registry, indicator, region, period, value):
    with engine.begin() as conn:
        sync_registry(conn, registry)
    with recorded_load(engine, source="test", dataset="real", location="memory") as (run, conn):
        frame = pd.DataFrame([{"indicator_key": indicator, "region_code": region, "period": period, "value": value}])
        run.counts += upsert_observations(conn, frame, run.id)


def _key_values(df: pd.DataFrame) -> dict:
    return {(r.indicator_key, r.region_code, r.period): r.value for r in df.itertuples()}


def test_demo001_deterministic_for_a_seed(tmp_path, registry):
    from data_pipeline.db.engine import make_engine
    from data_pipeline.db.migrate import upgrade

    engines = []
    for name in ("a", "b", "c"):
        eng = make_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        upgrade(eng)
        engines.append(eng)
    fill_demo(engines[0], seed=7, registry=registry)
    fill_demo(engines[1], seed=7, registry=registry)
    fill_demo(engines[2], seed=8, registry=registry)
    a, b, c = (_key_values(_observations(e)) for e in engines)
    assert a == b and len(a) > 1000
    assert a.keys() == c.keys() and a != c
    for e in engines:
        e.dispose()


def test_demo002_everything_is_flagged_synthetic(engine, registry):
    counts = fill_demo(engine, registry=registry)
    obs = _observations(engine)
    with engine.connect() as conn:
        entries = conn.execute(select(manual_entry.c.synthetic, manual_entry.c.template)).all()
        run = conn.execute(select(load_run).where(load_run.c.source == "demo")).mappings().one()
    assert len(obs) > 1000 and obs["synthetic"].all()
    assert entries and all(e.synthetic for e in entries) and len(entries) == counts.entries
    assert len(obs) + len(entries) == counts.inserted
    assert run["status"] == "success" and run["rows_inserted"] == counts.inserted
    # every catalogue indicator is covered when nothing real is loaded
    assert set(counts.indicators) == set(registry.indicators) == set(synthetic_indicators(engine))


def test_demo003_real_values_are_never_overwritten_or_hidden(any_engine, registry):
    _real_value(any_engine, registry, "tyottomat_pct", "109", "2020", 99.5)
    load_manual_files(any_engine, [FIXTURES / "turvallisuuskuva.csv"], registry=registry)
    real_before = _observations(any_engine)
    counts = fill_demo(any_engine, registry=registry)
    obs = _observations(any_engine)
    real_after = obs[~obs["synthetic"]]
    assert _key_values(real_after) == _key_values(real_before)
    assert real_after.set_index(["indicator_key", "region_code", "period"]).loc[("tyottomat_pct", "109", "2020"), "value"] == 99.5
    # indicators with real data are not filled at all (their totals: a sex breakdown without real
    # values by sex is split around the real total, every such row flagged synthetic)
    synthetic = obs[obs["synthetic"]]
    assert "tyottomat_pct" not in set(synthetic[synthetic["sex"] == "total"]["indicator_key"])
    split = synthetic[(synthetic["indicator_key"] == "tyottomat_pct") & (synthetic["region_code"] == "109")
                      & (synthetic["period"] == "2020")].set_index("sex")["value"]
    assert set(split.index) == {"male", "female"} and split.between(0, 100).all()
    assert set(synthetic[synthetic["indicator_key"] == "tyottomat_pct"]["sex"]) == {"male", "female"}
    assert "turvallisuuskuva_kierrokset" not in set(synthetic["indicator_key"])
    assert {"tyottomat_pct", "turvallisuuskuva_kierrokset"}.isdisjoint(counts.indicators)
    with any_engine.connect() as conn:
        tk = conn.execute(select(manual_entry.c.synthetic).where(manual_entry.c.template == "turvallisuuskuva")).scalars().all()
    assert tk and not any(tk), "no synthetic rounds next to real ones"


def test_demo004_synthetic_rows_of_an_indicator_go_when_real_data_arrives(engine, registry):
    fill_demo(engine, registry=registry)
    assert (_observations(engine).query("indicator_key == 'gini_kerroin'")["synthetic"]).all()
    _real_value(engine, registry, "gini_kerroin", "109", "2023", 26.1)
    # The real load itself removes the indicator's demo series (no mix of real and synthetic) ...
    gini = _observations(engine).query("indicator_key == 'gini_kerroin'")
    assert len(gini) == 1 and not gini["synthetic"].any() and gini["value"].iloc[0] == 26.1
    # ... and a later demo run does not bring it back.
    again = fill_demo(engine, registry=registry)
    assert "gini_kerroin" not in again.indicators
    assert len(_observations(engine).query("indicator_key == 'gini_kerroin'")) == 1


def test_demo005_rerun_with_the_same_seed_writes_nothing(engine, registry):
    first = fill_demo(engine, registry=registry)
    before = _key_values(_observations(engine))
    second = fill_demo(engine, registry=registry)
    assert (second.inserted, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.inserted
    assert _key_values(_observations(engine)) == before
    with engine.connect() as conn:
        runs = conn.execute(select(load_run).where(load_run.c.source == "demo").order_by(load_run.c.id)).mappings().all()
    assert (runs[-1]["rows_inserted"], runs[-1]["rows_updated"], runs[-1]["rows_deleted"]) == (0, 0, 0)


def test_demo006_clear_removes_all_and_only_synthetic_rows(any_engine, registry):
    _real_value(any_engine, registry, "tyottomat_pct", "109", "2020", 9.9)
    load_manual_files(any_engine, [FIXTURES / "esteettomat_asunnot_2025.csv"], registry=registry)
    with any_engine.connect() as conn:
        entries_before = conn.execute(select(manual_entry).order_by(manual_entry.c.id)).all()
    obs_before = _key_values(_observations(any_engine))
    fill_demo(any_engine, registry=registry)
    n_synthetic = int(_observations(any_engine)["synthetic"].sum())
    with any_engine.connect() as conn:
        n_entries = len(conn.execute(select(manual_entry.c.id).where(manual_entry.c.synthetic.is_(True))).all())
    removed = clear_demo(any_engine)
    assert removed == n_synthetic + n_entries > 0
    assert _key_values(_observations(any_engine)) == obs_before
    with any_engine.connect() as conn:
        assert conn.execute(select(manual_entry).order_by(manual_entry.c.id)).all() == entries_before
        run = conn.execute(select(load_run).order_by(load_run.c.id.desc()).limit(1)).mappings().one()
    assert run["source"] == "demo" and run["dataset"] == "clear" and run["rows_deleted"] == removed
    assert clear_demo(any_engine) == 0


def test_demo007_values_are_plausible_for_their_unit(engine, registry):
    fill_demo(engine, registry=registry)
    obs = _observations(engine)
    units = {k: i.unit.kind for k, i in registry.indicators.items()}
    obs["unit"] = obs["indicator_key"].map(units)
    bounded = obs[obs["unit"].isin(["percent", "index", "score"])]
    assert len(bounded) and bounded["value"].between(0, 100).all()
    counts = obs[obs["unit"] == "count"]
    assert (counts["value"] >= 0).all() and (counts["value"] == counts["value"].round()).all()
    flags = obs[obs["unit"].isin(["boolean", "status"])]
    assert len(flags) and set(flags["value"]) <= {0.0, 1.0}
    assert (obs["value"].notna()).all() and (obs["value"] >= 0).all()
    # realistic levels, not arbitrary numbers: unemployment around 10 %, population of Hämeenlinna ~68 000
    assert obs.query("indicator_key == 'tyottomat_pct' and region_code == 'SSS'")["value"].between(3, 20).all()
    ham = obs.query("indicator_key == 'vaesto' and region_code == '109'")["value"]
    assert ham.between(0.9 * FALLBACK_POPULATION["109"], 1.1 * FALLBACK_POPULATION["109"]).all()


def test_demo008_region_levels_and_aggregates_are_consistent(engine, registry):
    fill_demo(engine, registry=registry)
    obs = _observations(engine)
    obs = obs[obs["sex"] == "total"]  # the totals are aggregated; a synthetic sex split follows each region's total
    county = registry.county
    munis = county.municipality_codes
    pop = {m: float(FALLBACK_POPULATION[m]) for m in munis}
    from_entries = {"turvallisuuskuva_kierrokset", "varautumissopimus_voimassa"}  # derived like real entries
    for key, ind in registry.indicators.items():
        sub = obs[obs["indicator_key"] == key]
        regions = set(sub["region_code"])
        shown = regions & set(munis)
        if key in from_entries:
            assert regions == set(munis), key
            continue
        assert {county.region.code, county.welfare_area.code} <= regions, key
        # a whole-country series for statistics; organisational yes/no facts are regional only
        assert (county.country.code in regions) == (ind.unit.kind not in ("boolean", "status")), key
        if ind.level == "alue":
            assert not shown, key
        elif ind.level == "partly":
            assert shown == {m for m in munis if pop[m] >= PARTLY_MIN_POPULATION}, key
        else:
            assert shown == set(munis), key
    # counts add up; rates are population-weighted means of the municipal values (kunta level)
    by = defaultdict(dict)
    for r in obs.itertuples():
        by[(r.indicator_key, r.period)][r.region_code] = r.value
    members = {s.code: [m.code for m in county.municipalities if m.subregion == s.code] for s in county.subregions}
    members[county.region.code] = munis
    checked = 0
    for (key, period), values in by.items():
        ind = registry.indicators[key]
        if ind.level != "kunta" or ind.unit.kind in ("boolean", "status") or key == "vaesto":
            continue
        if key in from_entries:
            continue
        for code, ms in members.items():
            if ind.unit.kind == "count":
                assert values[code] == sum(values[m] for m in ms), (key, period, code)
            else:
                mean = sum(values[m] * pop[m] for m in ms) / sum(pop[m] for m in ms)
                assert values[code] == pytest.approx(mean, abs=1.5 * 10 ** -ind.decimals), (key, period, code)
            checked += 1
    assert checked > 500


def test_demo009_periods_follow_the_cadence(engine, registry):
    fill_demo(engine, registry=registry)
    obs = _observations(engine)
    periods = obs.groupby("indicator_key")["period"].apply(lambda s: sorted(set(s)))
    assert periods["tyottomat_pct"] == [str(y) for y in range(2015, 2026)]
    assert periods["ylipaino_8_9lk_pct"] == [str(y) for y in range(2015, 2026, 2)]
    assert periods["vaesto_kuukausi"][0] == "2024M01" and len(periods["vaesto_kuukausi"]) == 24
    assert periods["aanestysaktiivisuus_kuntavaalit_pct"] == ["2012", "2017", "2021", "2025"]
    assert periods["turvallisuuskuva_kierrokset"] == ["2024", "2025"]


def test_demo010_categorical_manual_measures_have_synthetic_entries(engine, registry):
    fill_demo(engine, registry=registry)
    with engine.connect() as conn:
        entries = conn.execute(select(manual_entry)).mappings().all()
    rounds = [e for e in entries if e["template"] == "turvallisuuskuva"]
    agreements = [e for e in entries if e["template"] == "varautumissopimukset"]
    munis = set(registry.county.municipality_codes)
    assert {(e["region_code"], e["period"]) for e in rounds} == {
        (m, p) for m in munis for p in ("2024H1", "2024H2", "2025H1", "2025H2")
    }
    assert {e["region_code"] for e in agreements} == munis and {e["period"] for e in agreements} == {"2023", "2024", "2025"}
    allowed = {c.code for c in registry.templates.templates["varautumissopimukset"].columns if c.name == "tila" for c in c.choices}
    assert {e["data"]["tila"] for e in agreements} <= allowed
    # the derived indicator agrees with the entries, as for real entries
    obs = _observations(engine).query("indicator_key == 'turvallisuuskuva_kierrokset'")
    for m in munis:
        done = sum(e["data"]["tila"] in ("submitted", "submitted_late") for e in rounds if e["region_code"] == m and e["period"].startswith("2025"))
        assert obs.query("region_code == @m and period == '2025'")["value"].iloc[0] == done
    # a real file for the template replaces the demo rounds completely
    load_manual_files(engine, [FIXTURES / "turvallisuuskuva.csv"], registry=registry)
    with engine.connect() as conn:
        left = conn.execute(select(manual_entry.c.synthetic).where(manual_entry.c.template == "turvallisuuskuva")).scalars().all()
    assert len(left) == 4 and not any(left)
    obs = _observations(engine).query("indicator_key == 'turvallisuuskuva_kierrokset'")
    assert not obs["synthetic"].any() and _key_values(obs) == {
        ("turvallisuuskuva_kierrokset", "109", "2025"): 2.0,
        ("turvallisuuskuva_kierrokset", "694", "2025"): 1.0,
    }


def test_demo011_cli_fill_and_clear(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert cli_main(["-q", "demo", "--seed", "3"]) == 0
    assert cli_main(["-q", "demo", "--clear"]) == 0
    from data_pipeline.db.engine import get_engine

    eng = get_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert _observations(eng).empty


def test_demo_levels_name_registry_indicators(registry):
    """demo_levels.yaml is data beside the code: a misspelt key would silently fall back to the
    unit's default level."""
    assert len(DEMO_LEVELS) > 40
    assert set(DEMO_LEVELS) <= set(registry.indicators)
    for key, (level, spread, _trend) in DEMO_LEVELS.items():
        assert level > 0 and 0 < spread < 1, key
