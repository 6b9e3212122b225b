"""The YAML registries load, cross-reference and reject bad configuration with clear messages."""
from __future__ import annotations

import shutil

import pytest
import yaml

from data_pipeline.registry import REGISTRY_DIR, Registry, RegistryError


def test_reg001_catalogue_covers_all_four_priority_areas(registry):
    areas = {i.area for i in registry.catalogue.indicators}
    assert {"asuminen", "tietojohtaminen", "turvallisuus", "hyvinvointityo"} <= areas
    for area in registry.agreement.areas:
        assert registry.indicators_for_area(area.key), area.key
        assert registry.goals_for_area(area.key), area.key


def test_reg002_every_goal_type_is_used(registry):
    assert {g.type for g in registry.goals} == {"numeric_target", "direction", "status_share", "frequency", "boolean"}


def test_reg003_county_has_the_eleven_municipalities(registry):
    county = registry.county
    assert county.municipality_codes == ["061", "082", "086", "103", "109", "165", "169", "433", "694", "834", "981"]
    assert {s.code for s in county.subregions} == {"SK051", "SK052", "SK053"}
    assert county.region.code == "MK05" and county.welfare_area.code == "HVA07"
    assert county.resolve_region("county") == "MK05"


def test_reg004_manual_templates_cover_domain_section_c(registry):
    assert set(registry.templates.templates) >= {
        "asunnottomuus", "esteettomat_asunnot", "yhteisollisyyskysely", "yhteiset_tavoitteet",
        "yhteiset_indikaattorit", "datakokonaisuus", "turvallisuuskuva", "varautumissopimukset",
        "hyte_kerroin", "ruoka_apu",
    }


def test_reg005_another_county_by_configuration_only():
    other = Registry(county="paijat-hame")
    assert other.county.welfare_area.code == "HVA09"
    assert len(other.county.municipality_codes) == 10


def _copy_registry(tmp_path):
    target = tmp_path / "registry"
    shutil.copytree(REGISTRY_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_reg006_goal_pointing_to_unknown_indicator_is_rejected(tmp_path):
    d = _copy_registry(tmp_path)
    goals = yaml.safe_load((d / "counties" / "kanta-hame.goals.yaml").read_text())
    goals["goals"][0]["indicator"] = "ei_ole_olemassa"
    (d / "counties" / "kanta-hame.goals.yaml").write_text(yaml.safe_dump(goals, allow_unicode=True))
    with pytest.raises(RegistryError, match="unknown indicator 'ei_ole_olemassa'"):
        Registry(directory=d)


def test_reg007_bad_direction_names_file_and_field(tmp_path):
    d = _copy_registry(tmp_path)
    data = yaml.safe_load((d / "indicators.yaml").read_text())
    data["indicators"][0]["direction"] = "up"
    (d / "indicators.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(RegistryError) as exc:
        Registry(directory=d)
    assert "indicators.yaml" in str(exc.value) and "direction" in str(exc.value)


def test_reg008_unknown_county_lists_known_profiles():
    with pytest.raises(RegistryError, match="known: kanta-hame, paijat-hame, pirkanmaa"):
        Registry(county="ei-maakunta")


def test_reg009_tiles_must_match_municipalities(tmp_path):
    d = _copy_registry(tmp_path)
    data = yaml.safe_load((d / "counties" / "kanta-hame.yaml").read_text())
    data["tiles"]["981"] = data["tiles"]["103"]
    (d / "counties" / "kanta-hame.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(RegistryError, match="share a tile"):
        Registry(directory=d)


def test_reg010_keys_areas_and_measures_are_checked_for_indicators_and_goals(tmp_path):
    d = _copy_registry(tmp_path)
    data = yaml.safe_load((d / "indicators.yaml").read_text())
    placed = [i for i in data["indicators"] if i["area"] != "tausta"]
    background = next(i for i in data["indicators"] if i["area"] == "tausta")
    background["measure"] = "ei_toimenpide"  # background indicators have no measure to check
    placed[1]["key"] = placed[0]["key"]
    placed[2]["area"] = "ei_alue"
    placed[3]["measure"] = "ei_toimenpide"
    (d / "indicators.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    path = d / "counties" / "kanta-hame.goals.yaml"
    goals = yaml.safe_load(path.read_text())
    goals["goals"][1]["key"] = goals["goals"][0]["key"]
    goals["goals"][2]["area"] = "ei_alue"
    goals["goals"][3]["measure"] = "ei_toimenpide"
    path.write_text(yaml.safe_dump(goals, allow_unicode=True))
    with pytest.raises(RegistryError) as exc:
        Registry(directory=d)
    text = str(exc.value)
    assert f"indicators.yaml: {placed[0]['key']}: duplicate key" in text
    assert f"indicators.yaml: {placed[2]['key']}: unknown area 'ei_alue'" in text
    assert (f"indicators.yaml: {placed[3]['key']}: unknown measure 'ei_toimenpide' in area {placed[3]['area']}"
            in text)
    assert f"indicators.yaml: {background['key']}:" not in text
    where = "kanta-hame.goals.yaml: "
    assert f"{where}{goals['goals'][0]['key']}: duplicate key" in text
    assert f"{where}{goals['goals'][2]['key']}: unknown area 'ei_alue'" in text
    assert f"{where}{goals['goals'][3]['key']}: unknown measure 'ei_toimenpide'\n" in text + "\n"
