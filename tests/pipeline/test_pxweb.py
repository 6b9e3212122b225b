"""JSON-stat 2.0 reader: dict and list indexes, dense and sparse values, status, structure checks."""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.errors import InputError
from data_pipeline.sources.pxweb import area_code, read_jsonstat, time_period

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "statfin"


@pytest.fixture
def crime():
    return json.loads((FIX / "rikokset_small.json").read_text())


@pytest.fixture
def sparse():
    return json.loads((FIX / "vaesto_sparse.json").read_text())


def test_px001_dense_dict_index_row_major(crime):
    js = read_jsonstat(crime, "crime.json")
    f = js.frame
    assert len(f) == math.prod(crime["size"]) == len(crime["value"])
    assert list(f.columns[:4]) == crime["id"]
    assert js.dimensions["Rikosnimike"] == list(crime["dimension"]["Rikosnimike"]["category"]["index"])
    # The last dimension varies fastest: cell k of the flat list is (Vuosi, Rikosnimike, Alue, Tiedot).
    sizes = crime["size"]
    for k in (0, 1, 17, len(crime["value"]) - 1):
        idx = []
        rest = k
        for s in reversed(sizes):
            idx.append(rest % s)
            rest //= s
        idx.reverse()
        codes = [list(crime["dimension"][d]["category"]["index"])[i] for d, i in zip(crime["id"], idx)]
        row = f.iloc[k]
        assert [row[d] for d in crime["id"]] == codes and row["value"] == crime["value"][k] and row["position"] == k
    assert js.roles["time"] == ["Vuosi"] and js.labels["Alue"]["KU109"] == "Hämeenlinna"


def test_px002_dict_index_in_any_key_order(crime):
    shuffled = copy.deepcopy(crime)
    idx = shuffled["dimension"]["Alue"]["category"]["index"]
    shuffled["dimension"]["Alue"]["category"]["index"] = dict(reversed(list(idx.items())))
    a = read_jsonstat(crime, "a").frame
    b = read_jsonstat(shuffled, "b").frame
    assert a.equals(b)


def test_px003_list_index_sparse_values_and_status(sparse):
    js = read_jsonstat(sparse, "vaesto.json")
    f = js.frame.set_index("position")
    assert len(f) == len(sparse["value"])  # only the cells present
    assert 5 not in f.index
    assert f.loc[2, ["alue", "kuukausi", "tiedot"]].tolist() == ["KU061", "2024M11", "vaesto_kuukausi"]
    assert f.loc[7, "value"] == sparse["value"]["7"]
    assert f["status"].isna().all()  # status only names the missing cell
    # A single-category dimension may omit its index (label only).
    assert js.dimensions["tiedot"] == ["vaesto_kuukausi"]


def test_px004_status_as_string_list_and_object(crime):
    as_str = dict(crime, status="p")
    assert set(read_jsonstat(as_str, "x").frame["status"]) == {"p"}
    as_list = dict(crime, status=["e"] * len(crime["value"]))
    as_list["status"][3] = "."
    f = read_jsonstat(as_list, "x").frame
    assert f.loc[3, "status"] == "." and f.loc[4, "status"] == "e"
    as_dict = dict(crime, status={"3": "."})
    f = read_jsonstat(as_dict, "x").frame
    assert f.loc[3, "status"] == "." and pd.isna(f.loc[4, "status"])


def test_px005_null_values_are_kept_as_missing(crime):
    with_null = dict(crime, value=[None] + crime["value"][1:])
    f = read_jsonstat(with_null, "x").frame
    assert math.isnan(f.loc[0, "value"]) and f["value"].notna().sum() == len(crime["value"]) - 1


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda d: d.update(value=d["value"][:-1]), r"\$\.value: has 69 values but the sizes multiply to 70"),
        (lambda d: d["dimension"].pop("Alue"), r"\$\.dimension\.Alue: dimension 'Alue' is listed in id but missing"),
        (lambda d: d.update(size=[2, 7, 5]), r"\$\.size: has 3 entries for 4 dimensions"),
        (lambda d: d["dimension"]["Vuosi"]["category"].update(index={"2019": 0, "2020": 0}), r"Vuosi\.category\.index: positions must be"),
        (lambda d: d["dimension"]["Vuosi"]["category"].update(index=["2019", "2020", "2021"]), r"has 3 categories but size says 2"),
        (lambda d: d["dimension"]["Vuosi"]["category"].update(index="2019"), r"must be an object or a list"),
        (lambda d: d.update(value={"0": 1, "70": 2}), r"positions \[70\] outside 0…69"),
        (lambda d: d.update(value="1,2,3"), r"\$\.value: must be a list or an object, got str"),
        (lambda d: d.update(status=7), r"\$\.status: must be a string, list or object"),
        (lambda d: d.update(status=["a", "b"]), r"\$\.status: has 2 entries"),
        (lambda d: d.update({"class": "collection"}), r"\$\.class: expected 'dataset'"),
        (lambda d: d.update(version="1.0"), r"\$\.version: expected JSON-stat 2.0"),
        (lambda d: d.pop("id"), r"\$\.id: must be a non-empty list"),
        (lambda d: d.update(size=[0, 7, 5, 1], value=[]), r"the dataset is empty"),
        (lambda d: d.update(value={}), r"the dataset has no values"),
    ],
)
def test_px006_structure_problems_name_the_json_path(crime, mutate, expected):
    bad = copy.deepcopy(crime)
    mutate(bad)
    with pytest.raises(InputError, match=expected) as exc:
        read_jsonstat(bad, "rikokset.json")
    assert "rikokset.json" in str(exc.value)


def test_px007_several_problems_at_once(crime):
    bad = copy.deepcopy(crime)
    bad["dimension"].pop("Tiedot")
    bad["dimension"]["Vuosi"]["category"]["index"] = ["2019"]
    with pytest.raises(InputError) as exc:
        read_jsonstat(bad, "x.json")
    assert len(exc.value.problems) == 2


def test_px008_top_level_must_be_an_object():
    with pytest.raises(InputError, match=r"x\.json \$: a JSON-stat dataset is an object, got list"):
        read_jsonstat([1, 2], "x.json")


@pytest.mark.parametrize(
    "raw,code",
    [("KU109", "109"), ("KU061", "061"), ("109", "109"), ("MK05", "MK05"), ("SK051", "SK051"), ("HVA07", "HVA07"), ("SSS", "SSS")],
)
def test_px009_area_codes(raw, code):
    assert area_code(raw) == code


@pytest.mark.parametrize("raw", ["KU10", "KU1091", "Helsinki", "MK5", "ku109", "", "ELY03"])
def test_px010_unrecognised_area_codes(raw):
    with pytest.raises(ValueError, match="unrecognised area code"):
        area_code(raw)


@pytest.mark.parametrize("raw,period", [("1987", "1987"), ("2024M12", "2024M12"), ("2024Q3", "2024Q3"), ("2024K3", "2024Q3")])
def test_px011_time_codes(raw, period):
    assert time_period(raw) == period
