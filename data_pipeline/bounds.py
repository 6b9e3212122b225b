"""Plausibility bounds (registry/bounds.yaml): years, periods and values no real statistic can have.

Why: a source row for year 3000 or a count of 1e20 is a broken input, not data; loading it would make
the dashboard open an indicator on 3000. One place says what is plausible; the common validation
(every source) and the manual-file checks both ask it.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from data_pipeline.registry import REGISTRY_DIR, Indicator, _load


class Range(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: float | None = None
    max: float | None = None

    def outside(self, value: float) -> bool:
        return (self.min is not None and value < self.min) or (self.max is not None and value > self.max)

    def text(self) -> str:
        def f(v: float) -> str:
            return f"{v:,.0f}".replace(",", "\u00a0") if float(v).is_integer() else f"{v:g}".replace(".", ",")
        return f"{f(self.min) if self.min is not None else '…'}–{f(self.max) if self.max is not None else '…'}"


class Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_year: int
    cadence_years: dict[str, int]
    units: dict[str, Range]
    count: Range
    indicators: dict[str, Range] = {}
    template_columns: dict[str, Range] = {}

    def latest_year(self, cadence: str | None = None, today: date | None = None) -> int:
        """The last year a period may fall in: the current year plus the cadence in years."""
        return (today or date.today()).year + self.cadence_years.get(cadence or "year", 1)

    def value_range(self, indicator: Indicator) -> Range:
        return self.indicators.get(indicator.key) or self.units.get(indicator.unit.kind) or Range()

    def column_range(self, column_type: str) -> Range:
        return self.template_columns.get(column_type) or Range()


@lru_cache(maxsize=1)
def load_bounds() -> Bounds:
    return _load(REGISTRY_DIR / "bounds.yaml", Bounds)  # type: ignore[return-value]
