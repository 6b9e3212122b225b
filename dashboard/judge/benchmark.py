"""The benchmark of a comparison set: one number per year that a municipality is compared with.

One rule, used by the explorer, the charts, the tables, the profile and the exports
(:mod:`dashboard.data.benchmarks` gathers the values; this module decides):

1. **Published first.** When the source publishes the set's own value for the year (Sotkanet's
   sub-region, region and whole-country rows), that value is the benchmark (method ``published``).
2. **Otherwise computed from every member.** A set's value is computed only when every member has
   a shown value that year: a missing or hidden member would silently change what the set means,
   so the benchmark is then missing (method ``incomplete``) rather than a mean of whoever reported.
3. **Population-weighted for rates.** A rate (percent, per 1,000 …) is weighted by the members'
   populations of the same year (the latest earlier year when that one is not loaded) when every
   member has one: Σ pᵢ·xᵢ / Σ pᵢ — the value the set would have as one area, as a statistical
   authority computes an area's rate (method ``weighted``). Otherwise, and for indices and scores,
   the plain mean of the members (method ``mean``).
4. **Counts have no set benchmark** (method ``not_comparable``): a municipality's count against a
   set's total or mean says nothing about better or worse (:data:`compare.NOT_COMPARABLE_UNITS`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.judge.compare import NOT_COMPARABLE_UNITS

#: Unit kinds that are rates of a population: weighted by population when populations exist.
RATE_UNITS = ("percent", "per_1000", "per_10000", "per_100000")
METHODS = ("published", "weighted", "mean", "incomplete", "not_comparable")


@dataclass(frozen=True)
class SetValue:
    value: float | None
    method: str  # METHODS


def _number(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def is_rate(unit_kind: str) -> bool:
    return unit_kind in RATE_UNITS or unit_kind.startswith("per_")


def set_value(unit_kind: str, members: Mapping[str, float | None], populations: Mapping[str, float | None] | None = None,
              published: float | None = None) -> SetValue:
    """The benchmark of one set in one year (module docstring): ``members`` maps each member's code
    to its shown value (None when missing or hidden), ``populations`` each member's population."""
    if _number(published) is not None:
        return SetValue(_number(published), "published")
    if unit_kind in NOT_COMPARABLE_UNITS:
        return SetValue(None, "not_comparable")
    values = {c: _number(v) for c, v in members.items()}
    if not values or any(v is None for v in values.values()):
        return SetValue(None, "incomplete")
    pops = {c: _number((populations or {}).get(c)) for c in values}
    if is_rate(unit_kind) and all(p is not None and p > 0 for p in pops.values()):
        total = sum(pops.values())
        return SetValue(sum(values[c] * pops[c] for c in values) / total, "weighted")
    return SetValue(sum(values.values()) / len(values), "mean")
