"""Progress: the one documented rule by which goals are judged and every table's trend column is written.

Pure functions, no database. Adapted from the idea of Open SDG's progress calculation (the rate
of change needed to reach the target by the target year against the rate observed), written out
on the method page (``/menetelma``) in fi/sv/en.

Trend (:func:`judge_trend`) — used by direction goals, the goal cards' trend line, the profile,
the area tables, the overview and the agenda view:
    The series is cut at the latest declared series break (only values from the break year on
    count: values before a change of method are not comparable) and, for tables, limited to the
    last :data:`RECENT_POINTS` values within :data:`RECENT_WINDOW_YEARS` years; a goal uses every
    value since its baseline year. An ordinary least-squares line is fitted (time in years;
    half-years as .5). The change is *clear* when both hold: the slope differs from zero in a
    two-sided Student t-test at 95 % (n − 2 degrees of freedom), and the fitted change over the
    span is at least :data:`MATERIAL_REL` (3 %) of the mean level, so that a tiny but perfectly
    steady drift is not called a change. At least :data:`MIN_POINTS` (4) values are needed (with
    2–3 points a significance test says nothing). Clear and in the indicator's good direction →
    improving; in the bad direction → worsening; otherwise no clear change. An indicator without a
    good direction only rises or falls.

Target (:func:`judge_target`) — numeric targets and shares with a target year:
    1. The latest value meets the target (direction-aware) → *target achieved*, whatever the
       baseline and however few the values.
    2. Otherwise baseline and a later value are needed, with no series break between them.
       required rate = (target − baseline) / (target year − baseline time);
       observed rate = (latest − baseline) / (latest time − baseline time), both in the good
       direction. ratio = observed / required: ≥ 0.95 *on track*, ≥ 0.6 *needs acceleration*,
       > 0 *limited progress*, ≤ 0 *deterioration* (Open SDG's thresholds). Absolute (linear)
       rates rather than Open SDG's compound growth rates because most of our targets are shares
       in per cent, where compound rates of small values exaggerate.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_POINTS = 4
RECENT_POINTS = 5
RECENT_WINDOW_YEARS = 10
MATERIAL_REL = 0.03
RATIO_ON_TRACK = 0.95
RATIO_ACCELERATE = 0.6

TREND_JUDGEMENTS = ("improving", "no_change", "worsening", "rising", "falling", "unknown")
TARGET_CATEGORIES = ("target_achieved", "on_track", "needs_acceleration", "limited_progress",
                     "deterioration", "not_enough_data")

# Two-sided 95 % critical values of Student's t for 1..30 degrees of freedom (standard tables).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


def t_critical_975(df: int) -> float:
    """Two-sided 95 % critical value of Student's t (table to 30 df, Cornish–Fisher expansion above)."""
    if df < 1:
        raise ValueError("degrees of freedom must be ≥ 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


@dataclass(frozen=True)
class Trend:
    """An OLS line: slope per year, its standard error, t and whether it differs from zero at 95 %."""

    n: int
    slope: float
    se: float
    t: float
    significant: bool


def ols_trend(times: Sequence[float], values: Sequence[float]) -> Trend:
    """Least-squares slope of ``values`` on ``times`` with a two-sided t-test at 95 % (n ≥ 3)."""
    n = len(times)
    if n < 3:
        raise ValueError("a trend test needs at least 3 points")
    mx, my = sum(times) / n, sum(values) / n
    sxx = sum((x - mx) ** 2 for x in times)
    if sxx == 0:
        raise ValueError("a trend test needs at least 2 distinct times")
    slope = sum((x - mx) * (y - my) for x, y in zip(times, values)) / sxx
    intercept = my - slope * mx
    sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(times, values))
    scale = max(1.0, max(abs(v) for v in values))
    if sse <= (1e-12 * scale) ** 2:  # an exact line: certain unless flat
        se = 0.0
        tstat = math.inf if abs(slope) > 1e-12 * scale else 0.0
    else:
        se = math.sqrt(sse / (n - 2) / sxx)
        tstat = slope / se
    return Trend(n=n, slope=slope, se=se, t=tstat, significant=abs(tstat) > t_critical_975(n - 2))


def good_sign(direction: str | None, baseline: float | None = None, target: float | None = None) -> int:
    """+1 when higher is better, −1 when lower is better, else the sign of target − baseline (or 0)."""
    if direction == "higher":
        return 1
    if direction == "lower":
        return -1
    if baseline is not None and target is not None and target != baseline:
        return 1 if target > baseline else -1
    return 0


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def after_break(times: Iterable[float], breaks: Iterable[float] = ()) -> float | None:
    """The latest declared break year at or before the last time (values before it are not comparable)."""
    times = list(times)
    if not times:
        return None
    last = max(times)
    earlier = [float(b) for b in breaks if float(b) <= last]
    return max(earlier) if earlier else None


@dataclass(frozen=True)
class TrendJudgement:
    """The trend of a series in words a table or card shows."""

    judgement: str  # one of TREND_JUDGEMENTS
    movement: str  # 'up' | 'down' | 'flat' | 'unknown'
    n: int = 0
    first: float | None = None
    last: float | None = None
    slope: float | None = None
    first_value: float | None = None
    last_value: float | None = None
    #: 'too_few' when fewer than MIN_POINTS values count; 'break' when a series break left too few
    reason: str | None = None
    break_year: float | None = None


def judge_trend(times: Sequence[float], values: Sequence[float], direction: str | None, *,
                start: float | None = None, breaks: Iterable[float] = ()) -> TrendJudgement:
    """The trend rule (module docstring). ``start`` = a goal's baseline year; None = the recent window."""
    pairs = sorted((float(x), float(v)) for x, v in zip(times, values) if not _missing(v) and not _missing(x))
    if not pairs:
        return TrendJudgement("unknown", "unknown", reason="too_few")
    cut = after_break([p[0] for p in pairs], breaks)
    kept = [p for p in pairs if cut is None or p[0] >= cut]
    if start is not None:
        kept = [p for p in kept if p[0] >= start]
        all_since = [p for p in pairs if p[0] >= start]
    else:
        latest = kept[-1][0] if kept else pairs[-1][0]
        kept = [p for p in kept if p[0] > latest - RECENT_WINDOW_YEARS][-RECENT_POINTS:]
        all_since = [p for p in pairs if p[0] > latest - RECENT_WINDOW_YEARS][-RECENT_POINTS:]
    n = len(kept)
    if n < MIN_POINTS or len({p[0] for p in kept}) < 2:
        reason = "break" if cut is not None and len(all_since) >= MIN_POINTS else "too_few"
        return TrendJudgement("unknown", "unknown", n=n, first=kept[0][0] if kept else None,
                              last=kept[-1][0] if kept else None,
                              last_value=kept[-1][1] if kept else None, reason=reason, break_year=cut)
    xs, ys = [p[0] for p in kept], [p[1] for p in kept]
    ols = ols_trend(xs, ys)
    change = ols.slope * (xs[-1] - xs[0])
    level = sum(abs(y) for y in ys) / n
    material = abs(change) >= MATERIAL_REL * level if level > 0 else change != 0
    common = {"n": n, "first": xs[0], "last": xs[-1], "slope": ols.slope, "first_value": ys[0], "last_value": ys[-1],
                  "break_year": cut}
    if not (ols.significant and material):
        return TrendJudgement("no_change", "flat", **common)
    movement = "up" if ols.slope > 0 else "down"
    sign = good_sign(direction)
    if sign == 0:
        return TrendJudgement("rising" if movement == "up" else "falling", movement, **common)
    good = (ols.slope > 0) == (sign > 0)
    return TrendJudgement("improving" if good else "worsening", movement, **common)


@dataclass(frozen=True)
class TargetJudgement:
    category: str  # one of TARGET_CATEGORIES
    ratio: float | None = None
    observed_rate: float | None = None
    required_rate: float | None = None
    #: where a steady pace from the baseline would be at the latest time
    expected_value: float | None = None
    #: 'no_value' | 'no_baseline' | 'no_later_value' | 'break' for not_enough_data
    reason: str | None = None
    past_target_year: bool = False


def target_met(value: float, target: float, sign: int) -> bool:
    return sign * (value - target) >= -1e-9 if sign else abs(value - target) <= 1e-9


def judge_target(*, latest_time: float | None, latest_value: float | None, target_value: float,
                 target_year: float, direction: str | None, baseline_time: float | None = None,
                 baseline_value: float | None = None, breaks: Iterable[float] = ()) -> TargetJudgement:
    """The target rule (module docstring): achieved first, then observed against required rate."""
    if _missing(latest_value) or latest_time is None:
        return TargetJudgement("not_enough_data", reason="no_value")
    sign = good_sign(direction, baseline_value, target_value)
    if target_met(float(latest_value), target_value, sign):
        return TargetJudgement("target_achieved")
    if _missing(baseline_value) or baseline_time is None:
        return TargetJudgement("not_enough_data", reason="no_baseline")
    if latest_time <= baseline_time:
        return TargetJudgement("not_enough_data", reason="no_later_value")
    if any(baseline_time < float(b) <= latest_time for b in breaks):
        return TargetJudgement("not_enough_data", reason="break")
    past = latest_time >= target_year
    sign = sign or 1
    observed = sign * (latest_value - baseline_value) / (latest_time - baseline_time)
    horizon = target_year - baseline_time
    required = sign * (target_value - baseline_value) / horizon if horizon > 0 else math.inf
    share = min(1.0, (latest_time - baseline_time) / horizon) if horizon > 0 else 1.0
    expected = baseline_value + (target_value - baseline_value) * share
    if required <= 0 or math.isinf(required):
        ratio = None
        category = "on_track" if observed > 0 and not past else "deterioration" if observed <= 0 else "limited_progress"
    else:
        ratio = observed / required
        if past:  # the target year is here and the target is not met: no pace is enough any more
            category = "deterioration" if ratio <= 0 else "limited_progress"
        elif ratio >= RATIO_ON_TRACK:
            category = "on_track"
        elif ratio >= RATIO_ACCELERATE:
            category = "needs_acceleration"
        elif ratio > 0:
            category = "limited_progress"
        else:
            category = "deterioration"
    return TargetJudgement(category, ratio=ratio, observed_rate=observed, required_rate=required,
                           expected_value=expected, past_target_year=past)
