"""Sex breakdowns from Sotkanet (issue 12 item 6): rows of the real /json format with ``gender``
total / male / female become observations keyed by sex; the registry asks for the genders its
breakdowns declare."""
from __future__ import annotations

import json

import pytest

from data_pipeline.registry import Registry, RegistryError
from data_pipeline.sources import sotkanet
from tests.pipeline.test_sotkanet import FIX, _parse, regions, snap  # noqa: F401 - pytest fixture by name

GENDERS = FIX / "data" / "181_genders.json"


def test_brk001_male_and_female_rows_become_observations_of_their_sex(regions):  # noqa: F811
    raw = json.loads(GENDERS.read_text())
    parsed = _parse(regions, GENDERS, indicator_key="tyottomat_pct", sotkanet_id=181,
                    genders=("total", "male", "female"))
    f = parsed.frame
    assert parsed.problems == []
    hml = f[(f.region_code == "109") & (f.period == "2023")].set_index("sex")["value"].to_dict()
    expected = {r["gender"]: r["value"] for r in raw if r["region"] == 58 and r["year"] == 2023}
    assert hml == expected == {"total": 10.8, "male": 11.6, "female": 9.9}
    assert set(f["sex"]) == {"total", "male", "female"}
    assert parsed.filtered["null values (no row)"] == 1
    assert parsed.filtered["rows for ERVA regions (not stored)"] == 1


def test_brk002_total_only_request_leaves_the_sexes_out(regions):  # noqa: F811
    parsed = _parse(regions, GENDERS, indicator_key="tyottomat_pct", sotkanet_id=181, genders=("total",))
    assert set(parsed.frame["sex"]) == {"total"}
    raw = json.loads(GENDERS.read_text())
    assert parsed.filtered["rows of genders not requested"] == sum(r["gender"] != "total" for r in raw) == 18


def test_brk003_registry_breakdown_asks_sotkanet_for_the_genders():
    ind = Registry().indicators["tyottomat_pct"]
    assert ind.breakdowns.sex == ["male", "female"]
    assert [a.indicator for a in ind.breakdowns.age] == ["nuorisotyottomat_pct"]
    params = sotkanet.data_params(181, [2023], ind.source.genders)
    assert [v for k, v in params if k == "genders"] == ["total", "male", "female"]
    # an indicator without breakdowns still asks for the total only
    assert Registry().indicators["toimeentulotuki_pct"].source.genders == ["total"]


def _copy_registry(tmp_path, edit):
    import shutil

    from data_pipeline.registry import REGISTRY_DIR

    target = tmp_path / "registry"
    shutil.copytree(REGISTRY_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = target / "indicators.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace("indicator: nuorisotyottomat_pct}", "indicator: ei_ole}"), "names unknown indicator 'ei_ole'"),
    (lambda s: s.replace("sex: [male, female]", "sex: [male, male]"), "lists a sex twice"),
    (lambda s: s.replace("sex: [male, female]", "sex: [male, other]"), "breakdowns.sex"),
])
def test_brk004_bad_breakdowns_are_refused_naming_the_field(tmp_path, edit, message):
    with pytest.raises(RegistryError) as err:
        Registry(directory=_copy_registry(tmp_path, edit))
    assert message in str(err.value)
    assert "indicators.yaml" in str(err.value)
