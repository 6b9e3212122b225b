"""Shaping observations: suppression (primary and complementary), annualising sub-annual periods."""
from __future__ import annotations

import math
from datetime import UTC

import pandas as pd

from dashboard.data.model import STATUS_MISSING, STATUS_OK, STATUS_SECONDARY, STATUS_SUPPRESSED, with_status
from dashboard.data.queries import annualise
from tests.dashboard.data import MUNIS, REGION, REGISTRY

COUNTS = REGISTRY.indicators["asunnottomat_yksinaiset_lkm"]
RATE = REGISTRY.indicators["asunnottomat_yksinaiset_per1000"]


def frame(values: dict, county=None, year=2024, suppressed=()):
    rows = [dict(region_code=c, year=year, period=str(year), period_type="Y", value=v, count=v,
                 suppressed=c in suppressed, provisional=False, synthetic=False, load_run_id=1)
            for c, v in values.items()]
    if county is not None:
        rows.append(dict(region_code=REGION, year=year, period=str(year), period_type="Y", value=county, count=county,
                         suppressed=False, provisional=False, synthetic=False, load_run_id=1))
    return pd.DataFrame(rows)


def status(out, code):
    return out.set_index("region_code").loc[code, "status"]


def test_mdl001_counts_below_the_threshold_are_hidden_zero_is_not():
    values = dict.fromkeys(MUNIS, 20.0)
    values.update({MUNIS[0]: 0.0, MUNIS[1]: 4.0, MUNIS[2]: 3.0})
    out = with_status(frame(values, county=sum(values.values())), COUNTS, MUNIS, REGION)
    assert status(out, MUNIS[0]) == STATUS_OK
    assert status(out, MUNIS[1]) == status(out, MUNIS[2]) == STATUS_SUPPRESSED
    assert out.set_index("region_code").loc[MUNIS[1], "value"] != out.set_index("region_code").loc[MUNIS[1], "value"]


def test_mdl002_a_single_hidden_municipality_gets_a_complementary_hidden_one():
    values = {c: 10.0 + i for i, c in enumerate(MUNIS)}
    values[MUNIS[5]] = 2.0  # the only small count
    out = with_status(frame(values, county=sum(values.values())), COUNTS, MUNIS, REGION)
    assert status(out, MUNIS[5]) == STATUS_SUPPRESSED
    # the smallest other value (MUNIS[0] = 10) is hidden too, so county − others does not reveal 2
    assert status(out, MUNIS[0]) == STATUS_SECONDARY
    assert math.isnan(out.set_index("region_code").loc[MUNIS[0], "value"])
    assert (out["status"] == STATUS_OK).sum() == len(MUNIS) - 2 + 1  # + the county row


def test_mdl003_no_complementary_suppression_without_a_county_total_or_for_rates():
    values = dict.fromkeys(MUNIS, 10.0)
    values[MUNIS[5]] = 2.0
    out = with_status(frame(values), COUNTS, MUNIS, REGION)
    assert (out["status"] == STATUS_SECONDARY).sum() == 0
    out = with_status(frame(dict.fromkeys(MUNIS, 0.5), county=0.5), RATE, MUNIS, REGION)
    assert (out["status"] == STATUS_OK).all()


def test_mdl004_source_flag_and_missing_values():
    values = {MUNIS[0]: None, MUNIS[1]: 7.0}
    out = with_status(frame(values, suppressed={MUNIS[1]}), RATE, MUNIS, REGION)
    assert status(out, MUNIS[0]) == STATUS_MISSING and status(out, MUNIS[1]) == STATUS_SUPPRESSED


def test_mdl005_annual_value_wins_otherwise_the_last_period_of_the_year():
    rows = pd.DataFrame([
        dict(region_code="109", year=2024, period="2024M06", period_type="M", value=1.0),
        dict(region_code="109", year=2024, period="2024M12", period_type="M", value=2.0),
        dict(region_code="694", year=2024, period="2024", period_type="Y", value=5.0),
        dict(region_code="694", year=2024, period="2024M12", period_type="M", value=6.0),
    ])
    out = annualise(rows).set_index("region_code")
    assert out.loc["109", "value"] == 2.0 and out.loc["694", "value"] == 5.0


def _reference_status(frame, indicator, munis, county):
    """The row-by-row rule as written in the module docstring (oracle for the vectorised version)."""
    out = frame.copy()
    thr = indicator.suppress_below

    def hidden(r):
        if r["suppressed"]:
            return True
        if not thr:
            return False
        c, v = r["count"], r["value"]
        if c is not None and not (isinstance(c, float) and math.isnan(c)) and 0 < c < thr:
            return True
        return indicator.unit.kind == "count" and v is not None and not math.isnan(v) and 0 < v < thr

    out["status"] = [STATUS_SUPPRESSED if hidden(r) else STATUS_MISSING if r["value"] is None or math.isnan(r["value"])
                     else STATUS_OK for _, r in out.iterrows()]
    if thr and indicator.unit.kind == "count":
        for year, grp in out[out["region_code"].isin(munis)].groupby("year"):
            county_ok = ((out["year"] == year) & (out["region_code"] == county) & (out["status"] == STATUS_OK)).any()
            if (grp["status"] == STATUS_SUPPRESSED).sum() == 1 and county_ok:
                cands = grp[grp["status"] == STATUS_OK].sort_values(["value", "region_code"])
                if not cands.empty:
                    out.loc[cands.index[0], "status"] = STATUS_SECONDARY
    out.loc[out["status"] != STATUS_OK, "value"] = float("nan")
    return out


def test_mdl006_vectorised_status_matches_the_row_by_row_rule_on_random_frames():
    import random

    rng = random.Random(7)
    for indicator in (COUNTS, RATE):
        for _ in range(40):
            rows = []
            for year in (2020, 2021, 2022):
                for code in [*MUNIS, REGION]:
                    v = rng.choice([None, 0.0, 1.0, 2.0, 4.0, 5.0, 7.0, 12.0, 30.0, rng.random() * 20])
                    rows.append(dict(region_code=code, year=year, period=str(year), period_type="Y", value=v,
                                     count=rng.choice([None, v, 3.0]), suppressed=rng.random() < 0.05,
                                     provisional=False, synthetic=False, load_run_id=1))
            frame = pd.DataFrame(rows)
            frame["value"] = frame["value"].astype(float)
            frame["count"] = frame["count"].astype(float)
            got = with_status(frame, indicator, MUNIS, REGION)
            want = _reference_status(frame, indicator, MUNIS, REGION)
            assert got["status"].tolist() == want["status"].tolist()
            assert got["value"].equals(want["value"])


def test_mdl007_shaped_frames_cover_the_county_regions_and_follow_the_data_version(dash_env):
    from datetime import datetime

    from sqlalchemy import func, insert, select

    from dashboard.data import model, queries
    from data_pipeline.db.schema import load_run

    engine, _geo = dash_env
    frame = model.indicator_frame(engine, REGISTRY, "rikokset_henki_terveys_per1000")
    assert set(frame["region_code"]) <= set(model.view_codes(REGISTRY))
    assert model.indicator_frame(engine, REGISTRY, "rikokset_henki_terveys_per1000") is frame  # cached
    iy = model.indicator_year(engine, REGISTRY, "rikokset_henki_terveys_per1000", 2020)
    assert model.indicator_year(engine, REGISTRY, "rikokset_henki_terveys_per1000", 2020) is iy
    # A new load run is a new data version: everything is shaped afresh.
    with engine.begin() as conn:
        new_id = conn.execute(select(func.max(load_run.c.id))).scalar_one() + 1
        conn.execute(insert(load_run).values(id=new_id, source="demo", dataset="t", location="t", offline=True,
                                             status="success", code_version="test",
                                             started_at=datetime(2026, 11, 21, tzinfo=UTC)))
    try:
        again = model.indicator_frame(engine, REGISTRY, "rikokset_henki_terveys_per1000")
        assert again is not frame and again.equals(frame)
    finally:
        with engine.begin() as conn:
            conn.execute(load_run.delete().where(load_run.c.id == new_id))
        queries.clear_cache()
