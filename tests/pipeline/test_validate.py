"""Observation validation: every rule, and every problem collected in one error."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_pipeline.errors import InputError, Problem
from data_pipeline.validate import validate_observations

REGIONS = {"109", "061", "MK05", "SSS"}


def frame(rows):
    return pd.DataFrame(rows, columns=["indicator_key", "region_code", "period", "sex", "value", "count", "where"])


def good():
    return frame([
        ("tyottomat_pct", "109", "2023", "total", 10.5, 3400, "[0]"),
        ("tyottomat_pct", "061", "2023", "total", np.nan, np.nan, "[1]"),
        ("vaesto", "109", "2023", "total", 68000, np.nan, "[2]"),
        ("vaesto_kuukausi", "SSS", "2024M12", "total", 5600000, np.nan, "[3]"),
        ("yhteinen_datakokonaisuus", "MK05", "2024", "total", 1, np.nan, "[4]"),
    ])


def check(registry, df, **kw):
    return validate_observations(df, indicators=registry.indicators, regions=REGIONS, source="data.json", **kw)


def test_val001_valid_frame_is_returned_numeric(registry):
    out = check(registry, good())
    assert out["value"].dtype == float and out["count"].dtype == float
    assert "where" not in out.columns and len(out) == 5
    assert np.isnan(out.loc[1, "value"])


def test_val002_defaults_for_sex_and_count(registry):
    df = good().drop(columns=["sex", "count", "where"])
    out = check(registry, df)
    assert set(out["sex"]) == {"total"} and out["count"].isna().all()


@pytest.mark.parametrize(
    "row,column,message",
    [
        (("ei_ole", "109", "2019", "total", 1, None, "[7]"), "indicator_key", "unknown indicator 'ei_ole'"),
        (("vaesto", "999", "2019", "total", 1, None, "[7]"), "region_code", "unknown region code '999'"),
        (("vaesto", "109", "20x4", "total", 1, None, "[7]"), "period", "malformed period '20x4'"),
        (("vaesto", "109", "2023M13", "total", 1, None, "[7]"), "period", "out of range"),
        (("vaesto", "109", "2019", "both", 1, None, "[7]"), "sex", "invalid sex 'both'"),
        (("vaesto", "109", "2019", "total", "abc", None, "[7]"), "value", "'abc' is not a finite number"),
        (("vaesto", "109", "2019", "total", "12,5", None, "[7]"), "value", "'12,5' is not a finite number"),
        (("vaesto", "109", "2019", "total", True, None, "[7]"), "value", "'True' is not a finite number"),
        (("vaesto", "109", "2019", "total", {"v": 1}, None, "[7]"), "value", "is not a finite number"),
        (("vaesto", "109", "2019", "total", float("inf"), None, "[7]"), "value", "not a finite number"),
        (("tyottomat_pct", "109", "2019", "total", 130, None, "[7]"), "value", "a percentage must lie between 0 and 100 (got 130)"),
        (("tyottomat_pct", "109", "2019", "total", -1, None, "[7]"), "value", "cannot be negative for unit percent"),
        (("vaesto", "109", "2019", "total", -5, None, "[7]"), "value", "cannot be negative for unit count"),
        (("rikokset_omaisuus_per1000", "109", "2019", "total", -0.5, None, "[7]"), "value", "cannot be negative for unit per_1000"),
        (("yhteinen_datakokonaisuus", "109", "2019", "total", 2, None, "[7]"), "value", "a yes/no value must be 0 or 1"),
        (("vaesto", "109", "2019", "total", 5, -3, "[7]"), "count", "an absolute number cannot be negative"),
        (("vaesto", "109", "2019", "total", 5, "x", "[7]"), "count", "'x' is not a finite number"),
        (("tyottomat_pct", "109", "2023", "total", 11, None, "[7]"), "indicator_key+region_code+period+sex", "duplicate row for tyottomat_pct/109/2023/total"),
    ],
)
def test_val003_each_rule_names_row_and_column(registry, row, column, message):
    # object columns, as parsed JSON gives them (pandas would turn True into 1.0 in a float column)
    df = pd.concat([good().astype({"value": object}), frame([row]).astype({"value": object})], ignore_index=True)
    with pytest.raises(InputError) as exc:
        check(registry, df)
    problems = exc.value.problems
    assert len(problems) == 1, problems
    assert problems[0].where.startswith("data.json") and "[7]" in problems[0].where
    assert f"column {column}: " in problems[0].message and message in problems[0].message


def test_val004_all_problems_in_one_error(registry):
    df = frame([
        ("vaesto", "109", "2023", "total", "abc", None, "[0]"),
        ("tyottomat_pct", "061", "2023", "total", 130, None, "[1]"),
        ("vaesto", "998", "2023", "total", 1, None, "[2]"),
        ("vaesto", "109", "20x4", "total", 1, None, "[3]"),
        ("nope", "109", "2023", "total", 1, None, "[4]"),
        ("vaesto", "061", "2023", "x", 1, None, "[5]"),
    ])
    earlier = [Problem("data.json [9].region", "unknown Sotkanet region id 4")]
    with pytest.raises(InputError) as exc:
        check(registry, df, problems=earlier)
    assert len(exc.value.problems) == 7
    text = exc.value.render()
    for fragment in ("[0]", "[1]", "[2]", "[3]", "[4]", "[5]", "[9].region", "7 problem(s), nothing was loaded"):
        assert fragment in text


def test_val005_many_rows_with_one_problem_are_grouped(registry):
    rows = [("vaesto", "109", str(2000 + i), "total", -1, None, f"[{i}]") for i in range(10)]
    with pytest.raises(InputError) as exc:
        check(registry, frame(rows))
    (p,) = exc.value.problems
    assert "[0], [1], [2]" in p.where and "(and 7 more rows)" in p.message


def test_val006_missing_required_column(registry):
    with pytest.raises(InputError, match="lacks column"):
        check(registry, good().drop(columns=["period"]))
