"""The one progress rule (dashboard.judge.progress) on hand-made series: every target category, a target
already met, too few points, a series break, and the trend rule shared by goal cards and tables."""
from __future__ import annotations

import pytest

from dashboard.judge.compare import trend
from dashboard.judge.progress import (
    MIN_POINTS,
    RATIO_ACCELERATE,
    RATIO_ON_TRACK,
    judge_target,
    judge_trend,
)

YEARS = list(range(2016, 2025))


def target(latest_value, latest_time=2027, *, baseline=30.0, base_time=2025, goal=50.0, year=2029,
           direction="higher", breaks=()):
    return judge_target(latest_time=latest_time, latest_value=latest_value, target_value=goal, target_year=year,
                        direction=direction, baseline_time=base_time, baseline_value=baseline, breaks=breaks)


# --- target ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("latest", "category"), [
    (40.0, "on_track"),             # 5 a year, 5 needed: ratio 1.0
    (39.5, "on_track"),             # ratio 0.95 exactly
    (37.0, "needs_acceleration"),   # ratio 0.7
    (36.0, "needs_acceleration"),   # ratio 0.6 exactly
    (33.0, "limited_progress"),     # ratio 0.3
    (30.0, "deterioration"),        # no change at all: ratio 0
    (28.0, "deterioration"),        # moved away
])
def test_prg001_each_target_category_by_observed_against_required_rate(latest, category):
    j = target(latest)
    assert j.category == category
    assert j.required_rate == pytest.approx(5.0) and j.observed_rate == pytest.approx((latest - 30) / 2)
    assert RATIO_ON_TRACK == 0.95 and RATIO_ACCELERATE == 0.6


def test_prg002_target_met_is_achieved_whatever_the_baseline():
    assert target(51.0).category == "target_achieved"
    # no baseline at all, or a value only in the baseline year: a met target still says so
    assert target(51.0, baseline=None, base_time=None).category == "target_achieved"
    assert target(50.0, latest_time=2025).category == "target_achieved"
    # lower is better: 0.45 meets ≤ 0.5, a rise never does
    assert target(0.45, baseline=1.0, goal=0.5, direction="lower").category == "target_achieved"
    assert target(2.0, baseline=1.0, goal=0.5, direction="lower").category == "deterioration"


def test_prg003_too_few_points_is_not_enough_data():
    assert target(None).category == "not_enough_data"
    no_base = target(40.0, baseline=None, base_time=None)
    assert (no_base.category, no_base.reason) == ("not_enough_data", "no_baseline")
    same_year = target(40.0, latest_time=2025)
    assert (same_year.category, same_year.reason) == ("not_enough_data", "no_later_value")


def test_prg004_a_series_break_between_baseline_and_latest_blocks_the_comparison():
    j = target(40.0, breaks=[2026])
    assert (j.category, j.reason) == ("not_enough_data", "break")
    assert target(40.0, breaks=[2020]).category == "on_track"  # a break before the baseline does not matter
    assert target(51.0, breaks=[2026]).category == "target_achieved"  # a met target is met


def test_prg005_after_the_target_year_an_unmet_target_is_never_on_track():
    late = target(49.0, latest_time=2029)
    assert late.category == "limited_progress" and late.past_target_year
    assert target(29.0, latest_time=2030).category == "deterioration"


def test_prg006_neutral_indicator_takes_the_direction_from_baseline_to_target():
    # 30 → 10 by 2029 needs −5 a year; −2.5 a year observed is half of that
    j = target(25.0, baseline=30.0, goal=10.0, direction="neutral")
    assert j.category == "limited_progress" and j.ratio == pytest.approx(0.5)



# --- trend ----------------------------------------------------------------------------------


def test_prg010_trend_improving_worsening_and_no_clear_change():
    falling = [1.30, 1.22, 1.18, 1.10, 1.05, 0.98, 0.92, 0.85, 0.80]
    assert judge_trend(YEARS, falling, "lower").judgement == "improving"
    assert judge_trend(YEARS, falling, "higher").judgement == "worsening"
    assert judge_trend(YEARS, falling, "neutral").judgement == "falling"
    noisy = [1.0, 1.3, 0.8, 1.2, 0.9, 1.25, 0.85, 1.1, 0.95]
    assert judge_trend(YEARS, noisy, "lower").judgement == "no_change"


def test_prg011_a_significant_but_tiny_drift_is_no_clear_change():
    steady = [100.0, 100.2, 100.4, 100.6, 100.8]  # exact line: significant, but 0.8 % of the level
    assert judge_trend(YEARS[-5:], steady, "higher").judgement == "no_change"


def test_prg012_too_few_points():
    assert MIN_POINTS == 4
    j = judge_trend([2022, 2023, 2024], [1, 2, 3], "higher")
    assert (j.judgement, j.reason, j.n) == ("unknown", "too_few", 3)
    assert judge_trend([], [], "higher").judgement == "unknown"
    assert judge_trend([2021, 2022, 2023, 2024], [1, None, 2, 3], "higher").judgement == "unknown"


def test_prg013_a_series_break_cuts_the_series():
    series = [10, 11, 12, 13, 14, 6, 5, 4, 3]  # method changed in 2021: the level drop is not a fall
    before = judge_trend(YEARS, series, "higher")
    cut = judge_trend(YEARS, series, "higher", breaks=[2021])
    assert cut.judgement == "worsening" and cut.n == 4 and cut.first == 2021
    assert before.n == 5  # without the break the recent window mixes both methods
    short = judge_trend(YEARS, series, "higher", breaks=[2022])
    assert (short.judgement, short.reason, short.break_year) == ("unknown", "break", 2022)


def test_prg014_goal_window_starts_at_the_baseline_table_window_is_recent():
    values = [float(v) for v in range(1, 10)]
    assert judge_trend(YEARS, values, "higher", start=2016).n == 9
    assert judge_trend(YEARS, values, "higher").n == 5


def test_prg015_tables_and_goal_cards_use_the_same_rule():
    """The profile's trend column (compare.trend) is the same judgement as progress.judge_trend."""
    cases = [([5.0, 4.5, 4.0, 3.4, 3.0], "lower"), ([100.0, 100.2, 100.4, 100.6, 100.8], "higher"),
             ([1, 3, 2, 3, 1], "higher"), ([1, 2, 3], "higher")]
    words = {"improving": "better", "worsening": "worse", "no_change": "neutral", "unknown": "none"}
    for values, direction in cases:
        years = YEARS[-len(values):]
        assert trend(years, values, direction).judgement == words[judge_trend(years, values, direction).judgement]
