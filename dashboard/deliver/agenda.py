"""Tutkittavaa (the agenda view): every indicator of a priority area × every area, judged twice.

One row per indicator and area (the county's municipalities, its sub-regions, the county region and
Finland): the latest value, better / similar / worse than the chosen benchmark in the same year
(:func:`dashboard.judge.compare.compare_indicator`) and the recent trend (:func:`dashboard.judge.progress.judge_trend`,
the one trend rule). A row is *on the agenda* when it is worse than the benchmark and worsening —
the question a working group brings to the forum. :func:`agenda_rows` builds the rows from the
cached yearly series; :func:`select_rows` filters and sorts them (pure, tested without a browser).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data import model
from dashboard.judge.compare import compare_indicator
from dashboard.judge.progress import judge_trend

#: URL values of the benchmark choice
BENCHMARKS = ("maakunta", "koko_maa")
#: URL values of the sort columns
SORT_KEYS = ("indikaattori", "alue", "arvo", "vertailu", "suunta")
FILTERS = ("kaikki", "tutkittavaa")
KIND_ORDER = {"municipality": 0, "subregion": 1, "county": 2, "country": 3}
_VERDICT_ORDER = {"worse": 0, "lower": 1, "similar": 2, "higher": 3, "better": 4, "none": 5, "benchmark": 6}
_TREND_ORDER = {"worsening": 0, "falling": 1, "no_change": 2, "rising": 3, "improving": 4, "unknown": 5}


@dataclass(frozen=True)
class AgendaRow:
    indicator: str
    indicator_title: str
    unit: str
    indicator_order: int
    region: str
    region_name: str
    kind: str  # municipality | subregion | county | country
    year: int | None
    value: float | None
    value_text: str
    decimals: int
    verdict: str  # compare code, or 'benchmark' for the benchmark's own row
    trend: str  # progress.TREND_JUDGEMENTS
    synthetic: bool

    @property
    def on_agenda(self) -> bool:
        return self.verdict == "worse" and self.trend == "worsening"


def benchmark_code(registry, benchmark: str) -> str:
    county = registry.county
    return county.country.code if benchmark == "koko_maa" else county.region.code


def area_regions(registry) -> list[tuple[str, str]]:
    """(code, kind) of every area the table shows, municipalities first."""
    c = registry.county
    return ([(m.code, "municipality") for m in c.municipalities] + [(s.code, "subregion") for s in c.subregions]
            + [(c.region.code, "county"), (c.country.code, "country")])


def _latest(series) -> int | None:
    for i in range(len(series.years) - 1, -1, -1):
        if series.values[i] is not None:
            return i
    return None


def agenda_rows(engine, registry, area_key: str, benchmark: str, lang: str) -> list[AgendaRow]:
    """Every (indicator, area) row of a priority area that has a value (status measures left out)."""
    from dashboard.draw.charts import manual_rule

    regions = area_regions(registry)
    bench = benchmark_code(registry, benchmark)
    rows: list[AgendaRow] = []
    for order, ind in enumerate(registry.indicators_for_area(area_key)):
        if manual_rule(registry, ind) in ("status", "rounds") or ind.unit.kind in ("status", "boolean"):
            continue
        found = model.series(engine, registry, ind.key, [code for code, _ in regions], lang)
        by_code = {s.code: s for s in found}
        bench_s = by_code.get(bench)
        for (code, kind), s in zip(regions, found):
            i = _latest(s)
            if i is None:
                continue
            year = s.years[i]
            bench_value = None
            if bench_s is not None and year in bench_s.years:
                bench_value = bench_s.values[bench_s.years.index(year)]
            verdict = "benchmark" if code == bench else compare_indicator(ind, s.values[i], bench_value)
            years = [y for y, v in zip(s.years, s.values) if v is not None]
            values = [v for v in s.values if v is not None]
            trend = judge_trend(years, values, ind.direction).judgement
            rows.append(AgendaRow(
                indicator=ind.key, indicator_title=ind.title.get(lang), unit=ind.unit.text(lang), indicator_order=order,
                region=code, region_name=s.name or model.region_name(registry, code, lang), kind=kind,
                year=year, value=s.values[i], value_text=s.texts[i], decimals=ind.decimals, verdict=verdict, trend=trend,
                synthetic=bool(s.synthetic[i]),
            ))
    return rows


def select_rows(rows: list[AgendaRow], *, only_agenda: bool = False, sort: str = "indikaattori",
                descending: bool = False) -> list[AgendaRow]:
    """Filter ("worse and worsening") and sort; ties keep indicator, then area order."""
    chosen = [r for r in rows if r.on_agenda] if only_agenda else list(rows)
    base = sorted(chosen, key=lambda r: (r.indicator_order, KIND_ORDER[r.kind], r.region_name))
    keys = {
        "indikaattori": lambda r: (r.indicator_title,),
        "alue": lambda r: (KIND_ORDER[r.kind], r.region_name),
        "arvo": lambda r: (r.value is None, r.value if r.value is not None else 0.0),
        "vertailu": lambda r: (_VERDICT_ORDER.get(r.verdict, 9),),
        "suunta": lambda r: (_TREND_ORDER.get(r.trend, 9),),
    }
    if sort == "indikaattori" and not descending:
        return base
    return sorted(base, key=keys.get(sort, keys["indikaattori"]), reverse=descending)


def as_frame(rows: list[AgendaRow], labels: dict[str, str], words) -> pd.DataFrame:
    """The rows as an export table with headers in the UI language (``words(kind, code)`` → text)."""
    return pd.DataFrame(
        [[r.indicator_title, r.unit, r.region_name, r.year, round(r.value, r.decimals), words("compare", r.verdict), words("trend", r.trend)]
         for r in rows],
        columns=[labels[c] for c in ("indicator", "unit", "region", "year", "value", "compare", "trend")],
    )
