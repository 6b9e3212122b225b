"""County profiles carry their own agreement, goals, template examples and tile layout, and name only
their own areas (issue 11 §8)."""
from __future__ import annotations

import csv
import io
import shutil

import pytest
import yaml

from data_pipeline.geo_tiles import tile_features, tile_layout
from data_pipeline.manual import write_templates
from data_pipeline.registry import REGISTRY_DIR, Registry, profile_names
from data_pipeline.registry.profiles import foreign_mentions

PROFILES = profile_names()


def test_prf001_three_profiles_ship_each_with_its_own_agreement_and_goals():
    assert PROFILES == ["kanta-hame", "paijat-hame", "pirkanmaa"]
    sources = {Registry(county=k).agreement.source.fi for k in PROFILES}
    assert len(sources) == 3
    pirkanmaa = Registry(county="pirkanmaa")
    assert len(pirkanmaa.county.municipality_codes) == 23 and pirkanmaa.county.welfare_area.code == "HVA08"
    assert "Pirkanmaa" in pirkanmaa.agreement.source.fi and "paikkamerkki" in pirkanmaa.agreement.source.fi.lower()
    assert all("paikkamerkki" in g.wording.fi.lower() and g.target_basis == "proposal" for g in pirkanmaa.goals)


@pytest.mark.parametrize("key", PROFILES)
def test_prf002_no_profile_quotes_another_countys_names_or_codes(key):
    assert foreign_mentions(key) == []


def _copy(tmp_path):
    target = tmp_path / "registry"
    shutil.copytree(REGISTRY_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_prf003_the_check_catches_a_copied_name_and_code(tmp_path):
    d = _copy(tmp_path)
    path = d / "counties" / "pirkanmaa.agreement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["areas"][0]["goal"]["fi"] = "Esteetön asuminen Hämeenlinnassa ja Hämeenlinna-alueella."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    goals_path = d / "counties" / "pirkanmaa.goals.yaml"
    goals = yaml.safe_load(goals_path.read_text(encoding="utf-8"))
    goals["goals"][0]["region"] = "MK05"
    goals_path.write_text(yaml.safe_dump(goals, allow_unicode=True), encoding="utf-8")
    found = foreign_mentions("pirkanmaa", d)
    assert any("kanta-hame: 'Hämeenlinna'" in f for f in found) and any("'MK05'" in f for f in found)


@pytest.mark.parametrize("key", PROFILES)
def test_prf004_template_examples_use_the_profiles_own_codes(key, tmp_path, monkeypatch):
    from data_pipeline.registry import load_registry

    monkeypatch.setenv("TILANNEKUVA_COUNTY", key)
    load_registry.cache_clear()
    try:
        write_templates(tmp_path)
    finally:
        load_registry.cache_clear()
    county = Registry(county=key).county
    own = {*county.municipality_codes, county.welfare_area.code, county.region.code}
    for path in tmp_path.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
        assert rows[1][rows[0].index("alue")] in own, path.name


def test_prf005_automatic_tiles_keep_the_geography():
    county = Registry(county="pirkanmaa").county
    layout, origin = tile_layout(county)
    assert origin == "centroids" and len(set(layout.values())) == 23
    pts = {m.code: m.centroid for m in county.municipalities}
    agree = total = 0
    for a in pts:
        for b in pts:
            if a < b:
                if abs(pts[a][1] - pts[b][1]) > 0.15:  # clearly north/south of each other: rows agree
                    total += 1
                    agree += (layout[a][1] < layout[b][1]) == (pts[a][1] > pts[b][1])
                if abs(pts[a][0] - pts[b][0]) > 0.3:  # clearly west/east: columns agree
                    total += 1
                    agree += (layout[a][0] < layout[b][0]) == (pts[a][0] < pts[b][0])
    assert agree / total >= 0.9, agree / total
    # Virrat (north) above Akaa (south); Sastamala (west) left of Kuhmoinen (east)
    assert layout["936"][1] < layout["020"][1] and layout["790"][0] < layout["291"][0]
    assert tile_features(county)["layout"] == "centroids"
