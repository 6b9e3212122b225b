"""Better / similar / worse than the county region, and the recent trend with its arrow."""
from __future__ import annotations

import pytest

from dashboard.judge.compare import SIMILAR_REL, compare, compare_indicator, trend
from tests.dashboard.data import REGISTRY


@pytest.mark.parametrize(
    "value,benchmark,direction,expected",
    [
        (10.0, 10.4, "higher", "similar"),  # within 5 % of 10.4
        (11.0, 10.0, "higher", "better"),
        (9.0, 10.0, "higher", "worse"),
        (9.0, 10.0, "lower", "better"),
        (11.0, 10.0, "lower", "worse"),
        (11.0, 10.0, "neutral", "higher"),
        (9.0, 10.0, "neutral", "lower"),
        (None, 10.0, "higher", "none"),
        (10.0, None, "lower", "none"),
    ],
)
def test_cmp001_rule(value, benchmark, direction, expected):
    assert compare(value, benchmark, direction, 1) == expected


def test_cmp002_similar_band_is_five_percent_of_the_county_value():
    b = 20.0
    inside = b * (1 + SIMILAR_REL) - 0.01
    outside = b * (1 + SIMILAR_REL) + 0.11
    assert compare(inside, b, "higher", 2) == "similar"
    assert compare(outside, b, "higher", 2) == "better"


def test_cmp003_differences_below_the_shown_precision_are_similar():
    # County 0.0: the 5 % band is empty, but one unit of the last decimal still counts as similar.
    assert compare(0.04, 0.0, "higher", 1) == "similar"
    assert compare(0.2, 0.0, "higher", 1) == "better"


def test_cmp004_counts_are_never_compared_with_the_county_total():
    counts = REGISTRY.indicators["asunnottomat_yksinaiset_lkm"]
    rate = REGISTRY.indicators["asunnottomat_yksinaiset_per1000"]
    assert compare_indicator(counts, 4.0, 111.0) == "none"
    assert compare_indicator(rate, 0.5, 0.9) == "better"


def test_trd001_rising_series_with_good_direction_higher_is_improving():
    tr = trend([2018, 2019, 2020, 2021, 2022], [10, 11, 12, 13, 14], "higher")
    assert (tr.movement, tr.judgement, tr.arrow, tr.key) == ("up", "better", "↗", "up_better")
    assert (tr.first_year, tr.last_year, tr.points) == (2018, 2022, 5)


def test_trd002_falling_series_of_a_lower_is_better_indicator_is_improving():
    tr = trend([2018, 2019, 2020, 2021], [5.0, 4.5, 4.0, 3.4], "lower")
    assert tr.key == "down_better" and tr.arrow == "↘"


def test_trd003_small_change_is_flat_and_neutral_direction_is_not_judged():
    # the one trend rule (dashboard.judge.progress) needs four values: three say nothing
    assert trend([2019, 2020, 2021, 2022], [10.0, 10.1, 10.05, 10.1], "higher").key == "flat"
    assert trend([2019, 2020, 2021, 2022], [1, 2, 3, 4], "neutral").key == "up_neutral"
    assert trend([2020, 2021, 2022], [1, 2, 3], "neutral").key == "unknown"


def test_trd004_too_few_or_old_points_give_no_direction():
    assert trend([2021, 2022], [1, 2], "higher").key == "unknown"
    assert trend([], [], "higher").key == "unknown"
    # Only the latest ten years count: points from 2000 and 2001 do not make a trend with 2020.
    assert trend([2000, 2001, 2020], [1, 2, 3], "higher").key == "unknown"


def test_trd005_missing_values_are_skipped_and_only_the_last_five_count():
    years = list(range(2010, 2021))
    values = [100, 90, 80, 70, 60, 10, None, 10, 10.1, 10, 10.05]
    tr = trend(years, values, "higher")
    assert tr.points == 5 and tr.first_year == 2015 and tr.key == "flat"
