"""StatFin datasets → observation frames: indicator filters, time and area mapping, area decisions."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from data_pipeline.sources import statfin
from data_pipeline.sources.pxweb import read_jsonstat

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "statfin"
ALL_AREAS = {"MK05", "109", "061", "091", "186", "082", "SSS"}


@pytest.fixture
def crime():
    return json.loads((FIX / "rikokset_small.json").read_text())


def _observations(registry, data, key="rikokset", known=ALL_AREAS, national=True):
    return statfin.to_observations(
        read_jsonstat(data, "rikokset.json"),
        config=registry.sources.statfin[key],
        indicators=statfin.dataset_indicators(registry, key),
        known_regions=set(known),
        national=national,
        where="rikokset.json",
    )


def test_sf001_request_body_asks_for_json_stat2(registry):
    ds = registry.sources.statfin["rikokset"]
    body = statfin.request_body(ds)
    assert body["response"] == {"format": "json-stat2"}
    assert body["query"] == list(ds.query)


def test_sf002_every_indicator_gets_its_filtered_cells(registry, crime):
    out = _observations(registry, crime)
    inds = statfin.dataset_indicators(registry, "rikokset")
    assert len(inds) == len(crime["dimension"]["Rikosnimike"]["category"]["index"])
    assert out.problems == []
    assert len(out.frame) == len(crime["value"])
    per = out.frame.groupby("indicator_key").size()
    assert set(per.index) == {i.key for i in inds} and set(per) == {len(crime["value"]) // len(inds)}
    # Cell check: Hämeenlinna, 2020, offences against life and health.
    js = read_jsonstat(crime, "x").frame
    cell = js[(js.Alue == "KU109") & (js.Vuosi == "2020") & (js.Rikosnimike == "00B")]["value"].item()
    got = out.frame[(out.frame.indicator_key == "rikokset_henki_terveys_per1000") & (out.frame.region_code == "109")
                    & (out.frame.period == "2020")]
    assert got["value"].item() == cell and got["sex"].item() == "total"
    assert got["where"].item().startswith("$.value[") and "Alue=KU109" in got["where"].item()


def test_sf003_other_levels_filtered_unknown_municipality_a_problem(registry, crime):
    data = copy.deepcopy(crime)
    idx = data["dimension"]["Alue"]["category"]["index"]
    data["dimension"]["Alue"]["category"]["index"] = {("ELY03" if k == "KU186" else "KU998" if k == "KU091" else k): v
                                                      for k, v in idx.items()}
    out = _observations(registry, data)
    cells_per_area = len(crime["value"]) // len(idx)
    assert out.filtered["cells for area levels not stored"] == cells_per_area
    assert len(out.problems) == 1 and "unknown municipality 'KU998'" in str(out.problems[0])
    assert "Alue=KU998" in out.problems[0].where
    assert set(out.frame["region_code"]) == {"MK05", "109", "061"}


def test_sf004_without_the_national_list_outside_areas_are_filtered(registry, crime):
    county = {"MK05", "109", "061", "SSS"}
    out = _observations(registry, crime, known=county, national=False)
    assert out.problems == []
    assert set(out.frame["region_code"]) == {"MK05", "109", "061"}
    assert out.filtered["cells for areas outside the county profile (national region list not loaded)"] == 2 * len(
        crime["value"]) // 5


def test_sf005_filter_code_missing_from_the_dataset(registry, crime):
    data = copy.deepcopy(crime)
    data["dimension"]["Tiedot"]["category"]["index"] = {"rik_lkm": 0}
    out = _observations(registry, data)
    assert out.frame.empty
    assert len(out.problems) == len(statfin.dataset_indicators(registry, "rikokset"))
    assert "selects Tiedot=rik_1000, not in the dataset (has rik_lkm)" in str(out.problems[0])


def test_sf006_unfiltered_dimension_with_several_categories(registry):
    data = json.loads((FIX / "vaesto_sparse.json").read_text())
    data["dimension"]["sukupuoli"] = {"category": {"index": ["SSS", "1", "2"]}}
    data["id"].append("sukupuoli")
    data["size"].append(3)
    data["value"] = {str(int(k) * 3): v for k, v in data["value"].items()}
    data.pop("status")
    out = _observations(registry, data, key="vaesto_kuukausi")
    assert "vaesto_kuukausi has no filter for sukupuoli, which has 3 categories" in str(out.problems[0])


def test_sf007_time_and_area_dimensions_from_config(registry):
    data = json.loads((FIX / "vaesto_sparse.json").read_text())
    out = _observations(registry, data, key="vaesto_kuukausi")
    assert out.problems == []
    assert set(out.frame["period"]) == {"2024M11", "2024M12"}
    assert set(out.frame["region_code"]) == {"109", "061", "082", "SSS"}
    assert len(out.frame) == len(data["value"])
    missing = copy.deepcopy(data)
    missing["dimension"]["aika"] = missing["dimension"].pop("kuukausi")
    missing["id"] = ["alue", "aika", "tiedot"]
    out = _observations(registry, missing, key="vaesto_kuukausi")
    assert "the time dimension 'kuukausi' (sources.yaml) is missing" in str(out.problems[0])
