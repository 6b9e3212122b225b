"""Offline refresh: replaying the real recording (../shared/data/snapshot) and the small fixture
recording, on SQLite and PostgreSQL; idempotence; atomic failure of a dataset."""
from __future__ import annotations

import html
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_pipeline import refresh as refresh_module
from data_pipeline.db.schema import indicator, load_run, observation, region
from data_pipeline.load import upsert_observations
from data_pipeline.refresh import run_refresh

STORED = {"KUNTA", "SEUTUKUNTA", "MAAKUNTA", "MAA", "HYVINVOINTIALUE"}


# --- expectations derived from the recorded files themselves -----------------------------------


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def expected_sotkanet(offline_dir: Path, registry, sotkanet_id: int) -> list[dict]:
    regions = {r["id"]: r for r in _json(offline_dir / registry.sources.sotkanet.regions_snapshot)}
    rows = _json(offline_dir / registry.sources.sotkanet.data_snapshot.format(id=sotkanet_id))
    return [r for r in rows if r["gender"] == "total" and r["value"] is not None
            and regions.get(r["region"], {}).get("category") in STORED]


def jsonstat_cells(path: Path) -> list[dict]:
    """Every non-null cell as {dimension: code, 'value': v}, decoded independently of pxweb.py."""
    data = _json(path)
    codes = []
    for dim in data["id"]:
        index = data["dimension"][dim]["category"].get("index") or list(data["dimension"][dim]["category"]["label"])
        codes.append(sorted(index, key=index.get) if isinstance(index, dict) else list(index))
    values = data["value"]
    items = enumerate(values) if isinstance(values, list) else ((int(k), v) for k, v in values.items())
    cells = []
    for pos, value in items:
        if value is None:
            continue
        coords, rest = [], pos
        for size in reversed(data["size"]):
            coords.append(rest % size)
            rest //= size
        coords.reverse()
        cell = {dim: codes[i][c] for i, (dim, c) in enumerate(zip(data["id"], coords))}
        cell["value"] = value
        cells.append(cell)
    return cells


def obs_rows(engine, key: str) -> list:
    with engine.connect() as conn:
        return conn.execute(
            select(observation.c.region_code, observation.c.period, observation.c.value, observation.c.year)
            .where(observation.c.indicator_key == key)
        ).all()


def runs_after(engine, first_id: int) -> list:
    with engine.connect() as conn:
        return conn.execute(select(load_run).where(load_run.c.id > first_id).order_by(load_run.c.id)).all()


def max_run_id(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.max(load_run.c.id))).scalar() or 0


# --- the real recording -------------------------------------------------------------------------


@pytest.mark.snapshot
def test_off001_full_offline_refresh_then_noop(any_engine, registry, offline_dir, settings_for, db_state):
    settings = settings_for(str(any_engine.url))
    report = run_refresh(any_engine, settings, offline_dir=offline_dir)
    assert report.ok, report.render()
    assert not report.bad_input

    # Population (Sotkanet 127): every municipality, every recorded year.
    pop = expected_sotkanet(offline_dir, registry, 127)
    rows = obs_rows(any_engine, "vaesto")
    assert len(rows) == len(pop)
    assert {r.year for r in rows} == {r["year"] for r in pop}
    assert min(r.year for r in rows) == min(r["year"] for r in pop)
    regions_json = {r["id"]: r for r in _json(offline_dir / "sotkanet" / "regions.json")}
    assert {r.region_code for r in rows} == {regions_json[r["region"]]["code"] for r in pop}
    hml = next(r for r in pop if r["region"] == 58 and r["year"] == max(p["year"] for p in pop))
    assert next(r.value for r in rows if r.region_code == "109" and r.year == hml["year"]) == hml["value"]

    # Crime per 1,000 (StatFin): each of the registry's offence groups, every area, every year.
    ds = registry.sources.statfin["rikokset"]
    cells = jsonstat_cells(offline_dir / ds.snapshot)
    inds = [i for i in registry.catalogue.indicators if i.source.kind == "statfin" and i.source.dataset == "rikokset"]
    assert len(inds) == len({c["Rikosnimike"] for c in cells}) == 7
    for ind in inds:
        want = [c for c in cells if all(c[d] == v for d, v in ind.source.filters.items())]
        got = obs_rows(any_engine, ind.key)
        assert len(got) == len(want), ind.key
        assert {r.period for r in got} == {c[ds.time] for c in want}
    years = sorted({c[ds.time] for c in cells})
    assert (years[0], years[-1]) == ("1987", "2020")
    cell = next(c for c in cells if c["Alue"] == "KU109" and c["Vuosi"] == "2020" and c["Rikosnimike"] == "00B")
    got = {(r.region_code, r.period): r.value for r in obs_rows(any_engine, "rikokset_henki_terveys_per1000")}
    assert got[("109", "2020")] == cell["value"]

    # Population by month (StatFin 11s5).
    vk = registry.sources.statfin["vaesto_kuukausi"]
    cells = jsonstat_cells(offline_dir / vk.snapshot)
    got = obs_rows(any_engine, "vaesto_kuukausi")
    assert len(got) == len(cells) and {r.period for r in got} == {c[vk.time] for c in cells}

    # Catalogue: explicit ids that the recording lists are verified, with the unescaped title.
    catalogue = {e["id"]: e for e in _json(offline_dir / "sotkanet" / "indicators.json")}
    with any_engine.connect() as conn:
        stored = {r.key: r for r in conn.execute(select(indicator))}
        kunta = {r.code: r for r in conn.execute(select(region).where(region.c.level == "kunta"))}
    verified = 0
    for ind in registry.catalogue.indicators:
        if ind.source.kind == "sotkanet" and ind.source.id is not None:
            row = stored[ind.key]
            if ind.source.id in catalogue:
                verified += 1
                assert (row.resolution, row.sotkanet_id) == ("verified", ind.source.id)
                assert row.sotkanet_title == html.unescape(catalogue[ind.source.id]["title"]["fi"]).strip()
                assert row.resolved_at is not None
            else:
                assert row.resolution == "not_found"
    assert verified > 0

    # Regions: every municipality of the recorded list, with its sub-region and region.
    municipalities = [r for r in regions_json.values() if r["category"] == "KUNTA"]
    assert set(kunta) == {r["code"] for r in municipalities}
    assert (kunta["109"].subregion_code, kunta["109"].region_code, kunta["109"].in_county) == ("SK051", "MK05", True)
    assert kunta["091"].in_county is False or kunta["091"].in_county == 0

    # The same refresh again writes nothing.
    before = db_state(any_engine)
    last = max_run_id(any_engine)
    again = run_refresh(any_engine, settings, offline_dir=offline_dir)
    assert again.ok and again.written == 0
    assert db_state(any_engine) == before
    runs = {(r.source, r.dataset): r for r in runs_after(any_engine, last)}
    for key in (("sotkanet", "vaesto"), ("statfin", "rikokset"), ("statfin", "vaesto_kuukausi"),
                ("sotkanet", "regions"), ("sotkanet", "indicators")):
        run = runs[key]
        assert run.status == "success" and run.offline
        assert (run.rows_inserted, run.rows_updated) == (0, 0) and run.rows_unchanged > 0, key
    assert runs[("statfin", "rikokset")].location.endswith("rikokset_kunnittain_1987-2020.json")
    assert runs[("sotkanet", "vaesto")].sha256 and len(runs[("sotkanet", "vaesto")].sha256) == 64


@pytest.mark.snapshot
def test_off002_statfin_only_on_empty_database_uses_the_recorded_region_list(engine, registry, offline_dir, settings_for):
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["statfin"], offline_dir=offline_dir)
    assert report.ok, report.render()
    assert report.get("registry", "registry").status == "success"
    assert "national regions" in report.get("registry", "registry").message
    ds = registry.sources.statfin["rikokset"]
    cells = jsonstat_cells(offline_dir / ds.snapshot)
    got = obs_rows(engine, "rikokset_omaisuus_per1000")
    assert len(got) == sum(1 for c in cells if c["Rikosnimike"] == "00A")
    assert not report.by_source("sotkanet")


@pytest.mark.snapshot
def test_off003_statfin_only_without_any_region_list_loads_the_county(engine, registry, offline_dir, settings_for, tmp_path):
    folder = tmp_path / "only-statfin"
    for ds in registry.sources.statfin.values():
        if not (offline_dir / ds.snapshot).exists():  # a dataset the recording lacks (road traffic)
            continue
        (folder / ds.snapshot).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(offline_dir / ds.snapshot, folder / ds.snapshot)
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["statfin"], offline_dir=folder)
    assert report.ok, report.render()
    assert report.get("registry", "registry").message == "county profile regions only"
    county = {f"KU{c}" for c in registry.county.municipality_codes} | {registry.county.region.code}
    ds = registry.sources.statfin["rikokset"]
    cells = [c for c in jsonstat_cells(folder / ds.snapshot) if c["Rikosnimike"] == "00B"]
    got = obs_rows(engine, "rikokset_henki_terveys_per1000")
    assert len(got) == sum(1 for c in cells if c["Alue"] in county)
    assert {r.region_code for r in got} == {registry.county.region.code, *registry.county.municipality_codes}
    assert "outside the county profile" in report.get("statfin", "rikokset").message
    with engine.connect() as conn:
        levels = Counter(r.level for r in conn.execute(select(region)))
    assert levels == {"kunta": 11, "seutukunta": 3, "maakunta": 1, "hyvinvointialue": 1, "maa": 1}


@pytest.mark.snapshot
def test_off004_years_limit_sotkanet_offline(engine, registry, offline_dir, settings_for):
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["sotkanet"], offline_dir=offline_dir,
                         years=(2010, 2012))
    assert report.ok
    pop = [r for r in expected_sotkanet(offline_dir, registry, 127) if 2010 <= r["year"] <= 2012]
    rows = obs_rows(engine, "vaesto")
    assert len(rows) == len(pop) and {r.year for r in rows} == {2010, 2011, 2012}


@pytest.mark.snapshot
def test_off011_grown_recording_181_loads_and_names_the_welfare_areas_it_skips(engine, registry, offline_dir, settings_for):
    """181.json has rows for welfare areas (2023) that the 2016 region list lacks: the known
    regions load (Kanta-Häme's welfare area 963 through the county profile), the others are
    skipped and named in the load run and the report, and every welfare value of the grown
    recording loads."""
    report = run_refresh(engine, settings_for(str(engine.url)), offline_dir=offline_dir, sources=("sotkanet",))
    assert report.ok, report.render()
    regions_json = {r["id"]: r for r in _json(offline_dir / "sotkanet" / "regions.json")}
    profile_ids = {registry.county.welfare_area.sotkanet_id}
    rows = _json(offline_dir / "sotkanet" / "data" / "181.json")
    unknown = sorted({r["region"] for r in rows if r["region"] not in regions_json and r["region"] not in profile_ids})
    assert unknown == [i for i in range(956, 979) if i != 963]
    result = report.get("sotkanet", "tyottomat_pct")
    assert result.status == "success"
    skipped = sum(1 for r in rows if r["region"] in unknown)
    assert f"{skipped} rows skipped for region ids not in the region list: " + ", ".join(map(str, unknown)) in result.message
    with engine.connect() as conn:
        note = conn.execute(select(load_run.c.error).where(load_run.c.id == result.run_id)).scalar()
    assert "956, 957" in note
    got = {(r.region_code, r.period): r.value for r in obs_rows(engine, "tyottomat_pct")}
    want_hva = next(r["value"] for r in rows if r["region"] == 963 and r["year"] == 2021)
    want_country = next(r["value"] for r in rows if r["region"] == 658 and r["year"] == 2021)
    assert got[(registry.county.welfare_area.code, "2021")] == want_hva
    assert got[("SSS", "2021")] == want_country
    # The other welfare values of the grown recording load whole (stored region categories).
    for sotkanet_id in (493, 3076, 3099, 3126, 3219, 475, 3128):
        key = next(i.key for i in registry.catalogue.indicators if i.source.kind == "sotkanet" and i.source.id == sotkanet_id)
        assert report.get("sotkanet", key).status == "success", key
        assert len(obs_rows(engine, key)) == len(expected_sotkanet(offline_dir, registry, sotkanet_id)), key


@pytest.mark.snapshot
def test_off005_cli_refresh_offline_exit_0(tmp_path, offline_dir, monkeypatch):
    from data_pipeline.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("TILANNEKUVA_GEO_DIR", str(tmp_path / "geo"))
    assert main(["-q", "refresh", "--offline", str(offline_dir), "--source", "sotkanet", "statfin"]) == 0


# --- the small fixture recording ------------------------------------------------------------------


def test_off006_mini_recording_every_dataset_accounted_for(engine, registry, mini_offline, settings_for):
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["sotkanet", "statfin"], offline_dir=mini_offline)
    assert report.ok, report.render()
    status = {(r.source, r.dataset): r.status for r in report.results}
    assert status[("sotkanet", "vaesto")] == status[("sotkanet", "tyottomat_pct")] == "success"
    assert status[("sotkanet", "yhteisollinen_asuminen_75_pct")] == "no_data"  # resolved by title, nothing recorded
    assert status[("sotkanet", "ruoan_loppumisen_pelko_pct")] == "skipped"  # ambiguous
    assert status[("sotkanet", "gini_kerroin")] == "skipped"  # id not in the catalogue
    assert status[("statfin", "rikokset")] == status[("statfin", "vaesto_kuukausi")] == "success"
    assert len(obs_rows(engine, "vaesto")) == len(expected_sotkanet(mini_offline, registry, 127))
    sparse = jsonstat_cells(mini_offline / registry.sources.statfin["vaesto_kuukausi"].snapshot)
    assert len(obs_rows(engine, "vaesto_kuukausi")) == len(sparse)
    with engine.connect() as conn:
        counts = dict(conn.execute(select(observation.c.region_code, observation.c["count"])
                                   .where(observation.c.indicator_key == "tyottomat_pct")).all())
    assert counts["109"] == 3420 and counts["SSS"] == 262000


def test_off007_every_source_connector_is_one_registry_entry(engine, mini_offline, settings_for):
    """The refresh, the CLI's --source and the report iterate the same connectors, in order."""
    from data_pipeline.cli import build_parser

    assert tuple(c.key for c in refresh_module.CONNECTORS) == refresh_module.SOURCES
    assert refresh_module.SOURCES == ("sotkanet", "statfin", "facts", "boundaries")
    choices = next(a.choices for a in build_parser()._subparsers._group_actions[0].choices["refresh"]._actions
                   if a.dest == "source")
    assert tuple(choices) == refresh_module.SOURCES
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["facts", "statfin"], offline_dir=mini_offline)
    assert [r.source for r in report.results][-2:] == ["statfin", "facts"]  # registry order, not request order


def test_off008_unknown_source_is_refused(engine, settings_for, mini_offline):
    with pytest.raises(ValueError, match="unknown sources"):
        run_refresh(engine, settings_for(str(engine.url)), sources=["sotkanet", "nope"], offline_dir=mini_offline)


# --- fault injection ----------------------------------------------------------------------------


def _change_values(mini_offline: Path, registry) -> None:
    """Make the next refresh want to update rows (so a fault lands after real writes)."""
    p = mini_offline / registry.sources.sotkanet.data_snapshot.format(id=127)
    rows = _json(p)
    for r in rows:
        if r["value"] is not None:
            r["value"] += 1
    p.write_text(json.dumps(rows))
    p = mini_offline / registry.sources.statfin["rikokset"].snapshot
    data = _json(p)
    data["value"] = [v + 1 for v in data["value"]]
    p.write_text(json.dumps(data))


@pytest.mark.parametrize("target", ["vaesto", "rikokset_omaisuus_per1000"])
def test_off009_fault_mid_load_leaves_previous_data_and_a_failed_run(
    any_engine, registry, mini_offline, settings_for, db_state, monkeypatch, target
):
    settings = settings_for(str(any_engine.url))
    assert run_refresh(any_engine, settings, sources=["sotkanet", "statfin"], offline_dir=mini_offline).ok
    before = db_state(any_engine)
    _change_values(mini_offline, registry)
    written = {}

    def faulty(conn, frame, run_id, **kw):
        counts = upsert_observations(conn, frame, run_id, **kw)
        if target in set(frame["indicator_key"]):
            written["rows"] = counts.written
            raise RuntimeError(f"injected fault after writing {counts.written} rows")
        return counts

    monkeypatch.setattr(refresh_module, "upsert_observations", faulty)
    last = max_run_id(any_engine)
    report = run_refresh(any_engine, settings, sources=["sotkanet", "statfin"], offline_dir=mini_offline)
    assert written["rows"] > 0  # the fault came after real writes inside the transaction
    failed = [r for r in report.results if r.status == "failed"]
    assert len(failed) == 1 and "injected fault" in failed[0].message
    assert not report.ok and not report.bad_input
    after = db_state(any_engine)
    target_rows = [o for o in before["observation"] if o[0] == target]
    assert [o for o in after["observation"] if o[0] == target] == target_rows
    # The other datasets of the same refresh went ahead.
    other = "rikokset_omaisuus_per1000" if target == "vaesto" else "vaesto"
    assert [o for o in after["observation"] if o[0] == other] != [o for o in before["observation"] if o[0] == other]
    runs = [r for r in runs_after(any_engine, last) if r.status == "failed"]
    assert len(runs) == 1 and "RuntimeError: injected fault" in runs[0].error and runs[0].finished_at is not None


def test_off010_boundaries_recording_missing_is_bad_input_with_a_failed_run(engine, registry, mini_offline, settings_for):
    report = run_refresh(engine, settings_for(str(engine.url)), sources=["boundaries"], offline_dir=mini_offline)
    layer = registry.sources.boundaries["municipalities"]
    result = report.get("boundaries", layer.layer)
    assert result.status == "bad_input" and "recorded response missing" in result.message
    assert report.bad_input and not report.ok
    with engine.connect() as conn:
        runs = conn.execute(select(load_run).where(load_run.c.source == "boundaries")).all()
    assert len(runs) == 1 and runs[0].status == "failed" and runs[0].id == result.run_id
    assert "recorded response missing" in runs[0].error
