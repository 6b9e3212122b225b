"""Shaping observations: suppression (primary and complementary), annualising sub-annual periods."""
from __future__ import annotations

import math

import pandas as pd

from dashboard.model import STATUS_MISSING, STATUS_OK, STATUS_SECONDARY, STATUS_SUPPRESSED, with_status
from dashboard.queries import annualise
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
    values = {c: 20.0 for c in MUNIS}
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
    values = {c: 10.0 for c in MUNIS}
    values[MUNIS[5]] = 2.0
    out = with_status(frame(values), COUNTS, MUNIS, REGION)
    assert (out["status"] == STATUS_SECONDARY).sum() == 0
    out = with_status(frame({c: 0.5 for c in MUNIS}, county=0.5), RATE, MUNIS, REGION)
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
