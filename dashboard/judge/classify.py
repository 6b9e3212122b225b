"""Map classes: colour says better or worse; quantile, equal-interval, unique-value or fixed breaks
with half-open, unambiguous legend labels.

The rule, in this order (one place; the map, the bar chart, the explorer store and every export use it):

1. ``classes: fixed`` in the registry: the configured breaks.
2. *Diverging around the benchmark* when the indicator has a polarity (``direction`` higher or
   lower), is comparable (not a count or a status, :func:`dashboard.judge.compare.comparable`) and
   the benchmark has a value (Kanta-Häme by default; the caller passes another one). The middle
   class is exactly the "similar" band of :func:`dashboard.judge.compare.compare` (±5 % of the
   benchmark, at least one unit of the last decimal), so the map and the words in the tables never
   disagree; beyond it one class "better"/"worse" and one "clearly better"/"clearly worse", split
   halfway between the band and the value farthest from the benchmark (the same distance on both
   sides). Blue is better, orange worse, grey similar, whichever way the values run.
3. Otherwise (no polarity, a count, no benchmark value) sequential classes over the values:
   quantiles only when there are at least two distinct values per class (``2 × MAX_CLASSES``);
   with fewer distinct values, one class per value when there are at most ``MAX_CLASSES`` and
   all are whole numbers (a count of 0, 1, 2, 3 is four meanings), otherwise equal intervals
   between the smallest and the largest value, so that close values (11,6 and 11,8 among
   four distinct values) share a class. With a polarity the legend names the better and the
   worse end.

Classes are computed on values rounded to the indicator's decimals, so a municipality shown as
"12,5" is never coloured as "< 12,5". Intervals are half-open ``[lower, upper)``; the first class is
"< b1" and the last "≥ bk", so the labels cover every value exactly once (Superset #40786 is the
cautionary tale). With 11 municipalities at most five classes are used, fewer when there are fewer
distinct values. No-data and suppressed ("< 5") values get their own named classes.

Palettes (design tokens): sequential ColorBrewer GnBu without its lightest step (distinct from
"no data"); diverging orange (PuOr) – grey – blue (RdBu), safe for the common colour-vision
deficiencies (tests/dashboard/test_classify.py simulates them).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dashboard.core import tokens
from dashboard.core.format import EN_DASH, number
from dashboard.core.i18n import t
from dashboard.core.tokens import DIVERGING, PALETTES

MAX_CLASSES = 5
NO_DATA_COLOR = tokens.BG
SUPPRESSED_COLOR = tokens.SUPPRESSED
OUTLINE_COLOR = tokens.BG
NO_DATA_OUTLINE = tokens.OUTLINE


@dataclass(frozen=True)
class Bin:
    lower: float | None  # inclusive; None = open
    upper: float | None  # exclusive; None = open
    color: str
    label: str


@dataclass(frozen=True)
class Classification:
    method: str  # 'fixed' | 'diverging' | 'quantile' | 'unique' | 'equal'
    breaks: tuple[float, ...]  # inner breaks, ascending
    bins: tuple[Bin, ...]
    decimals: int
    better_end: str | None = None  # 'low' | 'high': which end of the values is better; None = no polarity
    benchmark: float | None = None  # the value a diverging scheme is centred on

    def index(self, value) -> int | None:
        """Class index of a value (rounded first), or None for a missing value."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        v = round(float(value), self.decimals)
        i = 0
        for b in self.breaks:
            if v >= b:
                i += 1
        return min(i, len(self.bins) - 1)

    def color(self, value) -> str:
        i = self.index(value)
        return NO_DATA_COLOR if i is None else self.bins[i].color


def _dedupe(breaks: list[float], lo: float, hi: float) -> list[float]:
    out: list[float] = []
    for b in sorted(breaks):
        if b <= lo or b > hi:
            continue  # a break at or below the minimum would leave the first class empty
        if not out or b > out[-1]:
            out.append(b)
    return out


def compute_breaks(values, method: str, decimals: int = 1, fixed=(), k: int = MAX_CLASSES) -> list[float]:
    """Inner class breaks for ``values`` (already without missing/suppressed values)."""
    vals = np.array(sorted(round(float(v), decimals) for v in values), dtype=float)
    if method == "fixed":
        return sorted(float(b) for b in fixed)
    if vals.size == 0:
        return []
    if method not in ("equal", "quantile", "unique"):
        raise ValueError(f"unknown classification method {method!r}")
    distinct = np.unique(vals)
    k = min(k, distinct.size)
    lo, hi = float(vals[0]), float(vals[-1])
    if k <= 1:
        return []
    method = sequential_method(vals, method, k)
    if method == "unique":
        return [float(d) for d in distinct[1:]]
    if method == "equal":
        raw = [lo + i * (hi - lo) / k for i in range(1, k)]
    else:
        raw = [float(np.quantile(vals, i / k)) for i in range(1, k)]
    return _dedupe([round(b, decimals) for b in raw], lo, hi)


def sequential_method(values, method: str, k: int = MAX_CLASSES) -> str:
    """Which sequential classes fit the values (rule 3 of the module docstring): 'quantile' only
    with at least two distinct values per class; else 'unique' for at most ``k`` whole numbers,
    else 'equal'. ``method`` 'equal' stays equal intervals."""
    distinct = np.unique(np.asarray(list(values), dtype=float))
    if method == "quantile" and distinct.size >= 2 * MAX_CLASSES:
        return "quantile"
    if method in ("quantile", "unique") and distinct.size <= k and _int_like(distinct):
        return "unique"
    return "equal"


def _int_like(values) -> bool:
    return all(float(v).is_integer() for v in values)


def labels(breaks: list[float], decimals: int, lang: str, lo: float | None = None, hi: float | None = None) -> list[str]:
    """Half-open labels: ``< b1``, ``b1 – < b2``, …, ``≥ bk``; integer steps of one read as the value."""
    fmt = lambda v: number(v, decimals, lang)
    if not breaks:
        if lo is None:
            return [EN_DASH]
        return [fmt(lo)] if hi is None or lo == hi else [f"{fmt(lo)} {EN_DASH} {fmt(hi)}"]
    integer = decimals == 0 and _int_like(breaks)
    out = [f"< {fmt(breaks[0])}"]
    for a, b in zip(breaks, breaks[1:]):
        if integer and b - a == 1:
            out.append(fmt(a))
        elif integer:
            out.append(f"{fmt(a)}{EN_DASH}{fmt(b - 1)}")
        else:
            out.append(f"{fmt(a)} {EN_DASH} < {fmt(b)}")
    out.append(f"≥ {fmt(breaks[-1])}")
    return out


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def classify(values, method: str, decimals: int, lang: str = "fi", fixed=(), *, direction: str = "neutral",
             benchmark: float | None = None, benchmark_name: str = "", comparable: bool = True) -> Classification:
    """Classes for a set of values (missing and suppressed values must be left out by the caller).

    ``direction`` is the indicator's polarity (higher / lower / neutral); ``benchmark`` the value
    the colours are centred on (the county by default; the comparison picker passes another) and
    ``benchmark_name`` its name for the legend; ``comparable`` False for counts and statuses
    (never coloured against a total). See the module docstring for the rule."""
    vals = [float(v) for v in values if not _missing(v)]
    polar = direction in ("higher", "lower")
    better_end = ("high" if direction == "higher" else "low") if polar else None
    if polar and comparable and method != "fixed" and not _missing(benchmark) and vals:
        return _diverging(vals, float(benchmark), direction, decimals, lang, benchmark_name)
    breaks = compute_breaks(vals, method, decimals, fixed)
    used = method if method == "fixed" or not vals else sequential_method(
        [round(v, decimals) for v in vals], method, min(MAX_CLASSES, len({round(v, decimals) for v in vals})))
    n = len(breaks) + 1
    colors = PALETTES[min(n, MAX_CLASSES)] if n <= MAX_CLASSES else _stretch(n)
    lo = round(min(vals), decimals) if vals else None
    hi = round(max(vals), decimals) if vals else None
    texts = labels(breaks, decimals, lang, lo, hi)
    if better_end and n > 1:
        good, bad = (0, n - 1) if better_end == "low" else (n - 1, 0)
        texts[good] = t("classes.better_end", lang, range=texts[good])
        texts[bad] = t("classes.worse_end", lang, range=texts[bad])
    bins = []
    edges = [None, *breaks, None]
    for i in range(n):
        bins.append(Bin(lower=edges[i], upper=edges[i + 1], color=colors[i], label=texts[i]))
    return Classification(method=used, breaks=tuple(breaks), bins=tuple(bins), decimals=decimals,
                          better_end=better_end)


def _grid(x: float, decimals: int, up: bool) -> float:
    """``x`` to the indicator's decimal grid, upwards (ceil) or downwards (floor)."""
    scale = 10 ** decimals
    y = x * scale
    return (math.ceil(y - 1e-9) if up else math.floor(y + 1e-9)) / scale


def similar_band(benchmark: float, decimals: int) -> tuple[float, float]:
    """[lower, upper) of the values :func:`dashboard.judge.compare.compare` calls "similar"."""
    from dashboard.judge.compare import SIMILAR_REL

    b = round(benchmark, decimals)
    step = 10.0 ** (-decimals)
    tol = max(SIMILAR_REL * abs(b), step)
    return round(_grid(b - tol, decimals, True), decimals), round(_grid(b + tol, decimals, False) + step, decimals)


def _diverging(vals: list[float], benchmark: float, direction: str, decimals: int, lang: str, name: str) -> Classification:
    """Rule 2: grey "similar" band of the compare rule, then better/worse and clearly better/worse."""
    lower, upper = similar_band(benchmark, decimals)
    rounded = [round(v, decimals) for v in vals]
    far = max(max(lower - min(rounded), 0.0), max(max(rounded) - upper, 0.0))
    half = _grid(far / 2, decimals, False)
    step = 10.0 ** (-decimals)
    if half >= step:
        breaks = [round(lower - half, decimals), lower, upper, round(upper + half, decimals)]
        words = ["much_low", "low", "similar", "high", "much_high"]
    else:
        breaks = [lower, upper]
        words = ["low", "similar", "high"]
    high_good = direction == "higher"
    meaning = {"low": "worse" if high_good else "better", "high": "better" if high_good else "worse", "similar": "similar"}
    meaning["much_low"] = "much_" + meaning["low"]
    meaning["much_high"] = "much_" + meaning["high"]
    palette = {"much_worse": DIVERGING[0], "worse": DIVERGING[1], "similar": DIVERGING[2], "better": DIVERGING[3],
               "much_better": DIVERGING[4]}
    ranges = labels(breaks, decimals, lang)
    bins = []
    edges = [None, *breaks, None]
    for i, w in enumerate(words):
        m = meaning[w]
        word = t(f"classes.{m}", lang, benchmark=name) if m == "similar" else t(f"classes.{m}", lang)
        bins.append(Bin(lower=edges[i], upper=edges[i + 1], color=palette[m],
                        label=t("classes.item", lang, range=ranges[i], word=word)))
    return Classification(method="diverging", breaks=tuple(breaks), bins=tuple(bins), decimals=decimals,
                          better_end="high" if high_good else "low", benchmark=round(benchmark, decimals))


def _stretch(n: int) -> list[str]:
    """More fixed classes than the palette has: repeat the darkest step (configuration error guard)."""
    base = PALETTES[MAX_CLASSES]
    return [base[min(i, len(base) - 1)] for i in range(n)]


def text_color(fill: str) -> str:
    """Dark or white label text, whichever has the higher contrast on ``fill`` (WCAG luminance)."""
    h = fill.lstrip("#")
    if len(h) != 6:
        return tokens.TEXT
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    dark = (lum + 0.05) / (0.0 + 0.05 + 0.0107)  # contrast with #1b1b1b (luminance ~0.0107)
    white = 1.05 / (lum + 0.05)
    return tokens.BG if white > dark else tokens.TEXT
