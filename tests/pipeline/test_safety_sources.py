"""The missing safety measures: road traffic accidents and the persons killed and injured in them by
municipality from StatFin (table 12qh, JSON-stat 2.0 fixture in the table's real layout) and building fires / rescue call-outs reported
by the rescue department on a template (Pronto has no open machine-readable interface)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import select

from data_pipeline.db.schema import load_run, observation
from data_pipeline.manual import load_manual_files, write_templates
from data_pipeline.refresh import run_refresh
from data_pipeline.sources import statfin
from data_pipeline.sources.pxweb import read_jsonstat

FIX = Path(__file__).resolve().parent.parent / "fixtures"
TRAFFIC = FIX / "statfin" / "tieliikenne_small.json"
FATAL, INJURY = "tieliikenne_kuolemaan_johtaneet_lkm", "tieliikenne_loukkaantumiseen_johtaneet_lkm"
KILLED, INJURED = "tieliikenne_kuolleet_lkm", "tieliikenne_loukkaantuneet_lkm"


def _values(engine, key):
    with engine.connect() as conn:
        return {(r.region_code, r.period): r.value for r in conn.execute(
            select(observation.c.region_code, observation.c.period, observation.c.value)
            .where(observation.c.indicator_key == key))}


def test_saf001_traffic_request_selects_the_12qh_codes(registry):
    ds = registry.sources.statfin["tieliikenne"]
    assert ds.table_url.endswith("/StatFin/ton/statfin_ton_pxt_12qh.px")
    body = statfin.request_body(ds)
    assert body["response"] == {"format": "json-stat2"}
    codes = {q["code"]: q["selection"]["values"] for q in body["query"]}
    assert codes == {"Tiedot": ["kuolonn", "loukonn", "kuol", "louk"], "Tielaji": ["SSS"], "Osallinen": ["SSS"]}
    assert {i.key for i in statfin.dataset_indicators(registry, "tieliikenne")} == {FATAL, INJURY, KILLED, INJURED}
    for key in (KILLED, INJURED):
        ind = registry.indicators[key]
        assert ind.area == "turvallisuus" and ind.level == "kunta" and ind.unit.fi == "henkilöä"


def test_saf002_traffic_cells_become_municipal_observations(registry):
    data = json.loads(TRAFFIC.read_text(encoding="utf-8"))
    out = statfin.to_observations(
        read_jsonstat(data, "tieliikenne.json"), config=registry.sources.statfin["tieliikenne"],
        indicators=statfin.dataset_indicators(registry, "tieliikenne"),
        known_regions={"061", "109", "694", "981", "091", "MK05", "SSS"}, national=True, where="tieliikenne.json")
    assert out.problems == []
    got = {(r.indicator_key, r.region_code, r.period): r.value for r in out.frame.itertuples()}
    assert got[(FATAL, "109", "2021")] == 3 and got[(INJURY, "109", "2020")] == 61
    assert got[(FATAL, "SSS", "2020")] == 199 and got[(INJURY, "MK05", "2021")] == 131
    assert (INJURY, "981", "2021") not in got or got[(INJURY, "981", "2021")] != got[(INJURY, "981", "2021")]
    # Persons, not accidents: one fatal accident in Hämeenlinna 2021 killed more than one person.
    assert got[(KILLED, "109", "2021")] == 4 and got[(FATAL, "109", "2021")] == 3
    assert got[(INJURED, "109", "2020")] == 78 and got[(INJURED, "MK05", "2021")] == 167
    assert got[(KILLED, "SSS", "2020")] == 223 and (INJURED, "981", "2021") not in got


def test_saf003_offline_refresh_loads_the_traffic_dataset_once(engine, registry, mini_offline, settings_for):
    dest = mini_offline / registry.sources.statfin["tieliikenne"].snapshot
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TRAFFIC, dest)
    settings = settings_for(str(engine.url))
    report = run_refresh(engine, settings, offline_dir=mini_offline, sources=("sotkanet", "statfin"))
    assert report.ok, report.render()
    result = report.get("statfin", "tieliikenne")
    assert result.status == "success" and result.inserted > 0
    values = _values(engine, FATAL)
    assert values[("061", "2021")] == 1 and values[("694", "2020")] == 1
    assert _values(engine, KILLED)[("109", "2021")] == 4 and _values(engine, INJURED)[("061", "2020")] == 17
    # The run records when Statistics Finland says it last updated the table (JSON-stat "updated").
    with engine.connect() as conn:
        stated = conn.execute(select(load_run.c.source_updated, load_run.c.source_next_update)
                              .where(load_run.c.id == result.run_id)).one()
    assert str(stated.source_updated)[:16] == "2022-05-19 05:00" and stated.source_next_update is None
    again = run_refresh(engine, settings, offline_dir=mini_offline, sources=("statfin",))
    assert again.get("statfin", "tieliikenne").inserted == 0 and again.get("statfin", "tieliikenne").updated == 0


def test_saf004_without_a_recording_the_traffic_dataset_says_so(engine, registry, mini_offline, settings_for):
    (mini_offline / registry.sources.statfin["tieliikenne"].snapshot).unlink()
    report = run_refresh(engine, settings_for(str(engine.url)), offline_dir=mini_offline, sources=("statfin",))
    result = report.get("statfin", "tieliikenne")
    assert result.status == "no_data" and "statfin/tieliikenne_kunnittain.json" in result.message


def test_saf005_building_fires_template_is_written_and_loads(engine, registry, tmp_path):
    written = {p.name for p in write_templates(tmp_path / "lomakkeet")}
    assert {"rakennuspalot.csv", "rakennuspalot.xlsx"} <= written
    [summary] = load_manual_files(engine, [FIX / "manual" / "rakennuspalot.csv"], registry=registry)
    assert summary["template"] == "rakennuspalot" and summary["inserted"] == 3
    fires = _values(engine, "rakennuspalot_lkm")
    assert fires[("109", "2024")] == 41 and fires[("981", "2024")] == 2
    callouts = _values(engine, "pelastustehtavat_lkm")
    assert callouts[("061", "2024")] == 610 and ("981", "2024") not in callouts
