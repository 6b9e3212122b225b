"""Judgements shown beside values: better / similar / worse than the county region, and recent trend.

Both rules are deliberately simple and documented in the UI (``compare.rule`` / ``trend.rule``),
because most series here carry no confidence intervals and a significance test would pretend
precision the data do not have.

*Similar* rule: a municipality is "similar" to the county region when the difference of the two
values (same year, rounded to the indicator's decimals) is at most 5 % of the county value, and at
least one unit of the last shown decimal (so differences invisible on screen never count). Outside
that band the indicator's direction decides better/worse; for neutral indicators the words are
"higher"/"lower" and the colour stays grey.

*Trend* rule: :func:`dashboard.judge.progress.judge_trend` (one rule for every table and goal card).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard.core import tokens

SIMILAR_REL = 0.05

#: Colour-blind-safe comparison colours (ScotPHO-style): blue better, orange worse, grey otherwise.
COLORS = {"better": tokens.BETTER, "worse": tokens.WORSE_SYMBOL, "similar": tokens.NEUTRAL_SYMBOL,
          "higher": tokens.NEUTRAL_SYMBOL, "lower": tokens.NEUTRAL_SYMBOL, "none": tokens.NEUTRAL_SYMBOL}
SYMBOLS = {"better": "▲", "worse": "▼", "similar": "●", "higher": "▲", "lower": "▼", "none": "–"}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


#: Absolute numbers (counts) and statuses are not compared with the region: a municipality's count
#: against the region's total says nothing about better or worse.
NOT_COMPARABLE_UNITS = {"count", "status", "boolean"}


def comparable(indicator) -> bool:
    return indicator.unit.kind not in NOT_COMPARABLE_UNITS


def compare_indicator(indicator, value, benchmark) -> str:
    """:func:`compare` with the indicator's direction and decimals; 'none' for counts and statuses."""
    if not comparable(indicator):
        return "none"
    return compare(value, benchmark, indicator.direction, indicator.decimals)


def compare(value, benchmark, direction: str, decimals: int) -> str:
    """'better' | 'similar' | 'worse' (or 'higher' | 'lower' | 'similar' for neutral) | 'none'."""
    if _missing(value) or _missing(benchmark):
        return "none"
    v, b = round(float(value), decimals), round(float(benchmark), decimals)
    tolerance = max(SIMILAR_REL * abs(b), 10.0 ** (-decimals))
    diff = v - b
    if abs(diff) <= tolerance + 1e-12:
        return "similar"
    if direction == "higher":
        return "better" if diff > 0 else "worse"
    if direction == "lower":
        return "better" if diff < 0 else "worse"
    return "higher" if diff > 0 else "lower"


@dataclass(frozen=True)
class Trend:
    movement: str  # 'up' | 'down' | 'flat' | 'unknown'
    judgement: str  # 'better' | 'worse' | 'neutral' | 'none'
    first_year: int | None = None
    last_year: int | None = None
    points: int = 0

    @property
    def arrow(self) -> str:
        return {"up": "↗", "down": "↘", "flat": "→", "unknown": "?"}[self.movement]

    @property
    def key(self) -> str:
        """i18n key suffix: up_better, down_worse, up_neutral, flat, unknown…"""
        if self.movement in ("flat", "unknown"):
            return self.movement
        return f"{self.movement}_{self.judgement}"


def trend(years, values, direction: str, breaks=()) -> Trend:
    """Recent trend of a yearly series: :func:`dashboard.judge.progress.judge_trend`, the one trend rule."""
    from dashboard.judge.progress import judge_trend

    j = judge_trend(years, values, direction, breaks=breaks)
    judgement = {"improving": "better", "worsening": "worse", "unknown": "none"}.get(j.judgement, "neutral")
    first = int(j.first) if j.first is not None else None
    last = int(j.last) if j.last is not None else None
    return Trend(j.movement, judgement, first, last, j.n)
