"""Comparison sets and similar municipalities (dashboard.data.similar): the nearest-neighbour method on
hand-made tables and on the real recording (population 127, unemployment 181, boundary areas)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dashboard.data import similar
from data_pipeline.registry import load_registry

SNAPSHOT = Path(os.environ.get("TILANNEKUVA_OFFLINE_DIR", "/work/shared/data/snapshot"))


def test_sim001_nearest_by_standardised_distance_excludes_itself():
    table = {"a": {"x": 0.0, "y": 0.0}, "b": {"x": 1.0, "y": 0.0}, "c": {"x": 0.0, "y": 3.0}, "d": {"x": 5.0, "y": 5.0}}
    found = similar.nearest(table, "a", k=2)
    assert [n.code for n in found] == ["b", "c"]
    assert found[0].values == {"x": 1.0, "y": 0.0} and found[0].distance < found[1].distance


def test_sim002_the_unit_of_a_variable_does_not_matter():
    table = {c: {"x": x, "y": y} for c, x, y in [("a", 1, 10), ("b", 2, 30), ("c", 4, 11), ("d", 3, 20), ("e", 9, 90)]}
    scaled = {c: {"x": v["x"] * 1000, "y": v["y"]} for c, v in table.items()}
    assert [n.code for n in similar.nearest(table, "a", 3)] == [n.code for n in similar.nearest(scaled, "a", 3)]


def test_sim003_weights_and_candidates():
    table = {"a": {"x": 0.0, "y": 0.0}, "b": {"x": 1.0, "y": 0.0}, "c": {"x": 0.0, "y": 0.5}, "d": {"x": 2.0, "y": 2.0}}
    assert similar.nearest(table, "a", 1)[0].code == "c"
    assert similar.nearest(table, "a", 1, weights={"y": 9.0})[0].code == "b"
    assert [n.code for n in similar.nearest(table, "a", 5, candidates=["b"])] == ["b"]
    with pytest.raises(KeyError):
        similar.nearest(table, "zz")


@pytest.fixture(scope="module")
def real_table():
    if not (SNAPSHOT / "sotkanet/data/127.json").exists():
        pytest.fail(f"the recorded snapshot is needed at {SNAPSHOT}")
    read = lambda p: json.loads((SNAPSHOT / p).read_text(encoding="utf-8"))
    areas = similar.polygon_areas_km2(read("geo/kunta4500k_2024.geojson"))
    return similar.features(read("sotkanet/data/127.json"), read("sotkanet/data/181.json"),
                            read("sotkanet/regions.json"), areas)


def test_sim010_real_data_every_municipality_of_the_country_with_its_years(real_table):
    table, years = real_table
    assert len(table) >= 300 and set(next(iter(table.values()))) == set(similar.VARIABLES)
    assert years == {"population_log10": 2022, "unemployment_pct": 2021, "density_log10": 2022}


def test_sim011_ypaja_is_compared_with_small_rural_municipalities(real_table):
    table, _ = real_table
    found = similar.nearest(table, "981")  # Ypäjä, about 2,300 inhabitants
    assert len(found) == similar.K
    assert all(10 ** n.values["population_log10"] < 5000 for n in found)
    assert found[0].code == "631"  # Pyhäranta: the nearest on population, unemployment and density
    hml = [n.code for n in similar.nearest(table, "109")]  # Hämeenlinna: other regional centres
    assert "286" in hml  # Kouvola


@pytest.mark.parametrize("county_key", ["kanta-hame", "paijat-hame"])
def test_sim020_comparison_sets_for_any_configured_county(real_table, county_key):
    county = load_registry(county_key).county
    table, _ = real_table
    for muni in county.municipalities:
        sets = similar.comparison_sets(county, muni.code, table)
        assert sets["county"] == [county.region.code] and sets["country"] == [county.country.code]
        assert muni.code not in sets["subregion"] and muni.code not in sets["similar"]
        assert all(next(m for m in county.municipalities if m.code == c).subregion == muni.subregion
                   for c in sets["subregion"])
        assert len(sets["similar"]) == similar.K
    if county_key == "kanta-hame":
        assert set(similar.comparison_sets(county, "981", table)["subregion"]) == {"061", "103", "169", "834"}
