"""Map classes: quantile, equal-interval or fixed breaks, with half-open, unambiguous legend labels.

Classes are computed on values rounded to the indicator's decimals, so a municipality shown as
"12,5" is never coloured as "< 12,5". Intervals are half-open ``[lower, upper)``; the first class is
"< b1" and the last "≥ bk", so the labels cover every value exactly once (Superset #40786 is the
cautionary tale). With 11 municipalities at most five classes are used, fewer when there are fewer
distinct values. No-data and suppressed ("< 5") values get their own named classes.

Palette: ColorBrewer GnBu, a sequential scheme safe for the common colour-vision deficiencies and
for greyscale printing; the lightest step is left out so that it stays distinct from "no data".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dashboard.core import tokens
from dashboard.core.format import EN_DASH, number
from dashboard.core.tokens import PALETTES

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
    method: str
    breaks: tuple[float, ...]  # inner breaks, ascending
    bins: tuple[Bin, ...]
    decimals: int

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
    distinct = np.unique(vals)
    k = min(k, distinct.size)
    lo, hi = float(vals[0]), float(vals[-1])
    if k <= 1:
        return []
    if method == "equal":
        raw = [lo + i * (hi - lo) / k for i in range(1, k)]
    elif method == "quantile":
        if distinct.size <= MAX_CLASSES:
            # As many distinct values as classes or fewer: one class per value (quantiles of
            # heavily tied data would collapse into fewer, lopsided classes).
            return [float(d) for d in distinct[1:]]
        raw = [float(np.quantile(vals, i / k)) for i in range(1, k)]
    else:
        raise ValueError(f"unknown classification method {method!r}")
    return _dedupe([round(b, decimals) for b in raw], lo, hi)


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


def classify(values, method: str, decimals: int, lang: str = "fi", fixed=()) -> Classification:
    """Classes for a set of values (missing and suppressed values must be left out by the caller)."""
    vals = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    breaks = compute_breaks(vals, method, decimals, fixed)
    n = len(breaks) + 1
    colors = PALETTES[min(n, MAX_CLASSES)] if n <= MAX_CLASSES else _stretch(n)
    lo = round(min(vals), decimals) if vals else None
    hi = round(max(vals), decimals) if vals else None
    texts = labels(breaks, decimals, lang, lo, hi)
    bins = []
    edges = [None, *breaks, None]
    for i in range(n):
        bins.append(Bin(lower=edges[i], upper=edges[i + 1], color=colors[i], label=texts[i]))
    return Classification(method=method, breaks=tuple(breaks), bins=tuple(bins), decimals=decimals)


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
