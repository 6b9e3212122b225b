"""Shape observations into what views show: one indicator in one year across the county, series
over time, the status of manual measures. Suppression happens here, once, so maps, tables, bar
charts and downloads can never disagree about what is hidden.

Suppression: a value is hidden when the source flagged it (``suppressed``) or when an indicator
with ``suppress_below: N`` has a count (or a count-unit value) of 1…N−1; it reads "< N".
*Complementary* suppression: for count indicators, when exactly one municipality is hidden in a
year and the county total is shown, the smallest other municipal value is hidden too (shown as
".."), otherwise "county minus the other ten" would reveal it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.core.format import EN_DASH, number
from dashboard.core.i18n import LANGS, t
from dashboard.data import queries
from dashboard.judge.classify import Classification, classify
from data_pipeline.registry import SERIES_SEP, SEX_VARIANTS

STATUS_OK, STATUS_MISSING, STATUS_SUPPRESSED, STATUS_SECONDARY = "ok", "missing", "suppressed", "secondary"


@dataclass
class Cell:
    code: str
    name: str
    year: int | None
    value: float | None  # None when missing or hidden: a hidden value never leaves this module
    status: str
    synthetic: bool = False
    provisional: bool = False
    text: str = EN_DASH
    load_run_id: int | None = None
    citation: str | None = None  # a published figure's own citation (sources.facts)

    @property
    def shown(self) -> bool:
        return self.status == STATUS_OK


@dataclass
class IndicatorYear:
    indicator: object
    year: int | None
    years: list[int]
    municipalities: list[Cell]
    county: Cell
    country: Cell
    classification: Classification
    load_date: str | None
    synthetic: bool
    lang: str = "fi"

    @property
    def ranked(self) -> list[Cell]:
        """Municipalities by value (largest first); hidden and missing values last, by name."""
        shown = sorted((c for c in self.municipalities if c.shown), key=lambda c: (-c.value, c.name))
        rest = sorted((c for c in self.municipalities if not c.shown), key=lambda c: (c.status != STATUS_SUPPRESSED, c.name))
        return shown + rest


@dataclass
class Series:
    code: str
    name: str
    years: list[int] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    synthetic: list[bool] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    citations: list[str | None] = field(default_factory=list)


def region_name(registry, code: str, lang: str) -> str:
    c = registry.county
    for m in c.municipalities:
        if m.code == code:
            return m.name.get(lang)
    for r in [c.region, c.welfare_area, c.country, *c.subregions]:
        if r.code == code:
            return r.name.get(lang)
    return code


def municipalities_sorted(registry, lang: str) -> list:
    return sorted(registry.county.municipalities, key=lambda m: m.name.get(lang))


def value_text(indicator, status: str, value, lang: str) -> str:
    """What a cell shows: the formatted value, or the mark of a hidden or missing one."""
    return number(value, indicator.decimals, lang) if status == STATUS_OK and value is not None \
        else _hidden_text(indicator, status)


def _hidden_text(indicator, status: str) -> str:
    if status == STATUS_SUPPRESSED:
        return f"< {indicator.suppress_below}" if indicator.suppress_below else ".."
    if status == STATUS_SECONDARY:
        return ".."
    return EN_DASH


def _primary_hidden(frame: pd.DataFrame, indicator) -> np.ndarray:
    """Rows hidden by the source flag or by ``suppress_below`` (a count, or a count-unit value,
    of 1…N−1). Vectorised: a StatFin indicator has thousands of rows."""
    hidden = frame["suppressed"].astype(bool).to_numpy()
    threshold = indicator.suppress_below
    if not threshold:
        return hidden
    count = pd.to_numeric(frame["count"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        hidden = hidden | ((count > 0) & (count < threshold))
        if indicator.unit.kind == "count":
            value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
            hidden = hidden | ((value > 0) & (value < threshold))
    return hidden


def with_status(frame: pd.DataFrame, indicator, municipality_codes: list[str], county_code: str) -> pd.DataFrame:
    """Add ``status`` (ok / missing / suppressed / secondary) and blank the values that are hidden."""
    if frame.empty:
        return frame.assign(status=pd.Series(dtype=str))
    out = frame.copy()
    value = pd.to_numeric(out["value"], errors="coerce").to_numpy(dtype=float)
    status = np.where(_primary_hidden(out, indicator), STATUS_SUPPRESSED,
                      np.where(np.isnan(value), STATUS_MISSING, STATUS_OK)).astype(object)
    out["status"] = status
    if indicator.suppress_below and indicator.unit.kind == "count":
        # Complementary suppression: a year with exactly one hidden municipality and a shown county
        # total hides the smallest other municipal value too.
        munis = out[out["region_code"].isin(municipality_codes)]
        hidden_per_year = (munis["status"] == STATUS_SUPPRESSED).groupby(munis["year"]).sum()
        county_years = set(out.loc[(out["region_code"] == county_code) & (out["status"] == STATUS_OK), "year"])
        years = [y for y, n in hidden_per_year.items() if n == 1 and y in county_years]
        if years:
            candidates = munis[(munis["status"] == STATUS_OK) & munis["year"].isin(years)]
            first = candidates.sort_values(["year", "value", "region_code"]).groupby("year").head(1)
            out.loc[first.index, "status"] = STATUS_SECONDARY
    out.loc[out["status"] != STATUS_OK, "value"] = float("nan")
    return out


def _cell(row, registry, indicator, lang, code, year) -> Cell:
    name = region_name(registry, code, lang)
    if row is None:
        return Cell(code=code, name=name, year=year, value=None, status=STATUS_MISSING)
    status = row["status"]
    value = None if status != STATUS_OK else float(row["value"])
    text = value_text(indicator, status, value, lang)
    run = row["load_run_id"]
    return Cell(
        code=code, name=name, year=int(row["year"]), value=value, status=status,
        synthetic=bool(row["synthetic"]), provisional=bool(row["provisional"]), text=text,
        load_run_id=int(run) if run is not None and not (isinstance(run, float) and math.isnan(run)) else None,
        citation=_citation(row),
    )


def citation_of(row) -> str | None:
    """A row's citation (a published figure's, ``sources.facts``), or None."""
    return _citation(row)


def _citation(row) -> str | None:
    value = row.get("citation") if hasattr(row, "get") else None
    return value if isinstance(value, str) and value else None


def series_indicator(registry, key: str):
    """The indicator of a series key: a catalogue key, or ``<key>~male`` / ``<key>~female`` for a
    sex the indicator declares in ``breakdowns.sex`` (a copy keyed by the series and titled with
    its sex, so every chart, table and export built from it names the variant). KeyError otherwise."""
    base, _, sex = key.partition(SERIES_SEP)
    ind = registry.indicators[base]
    if not sex:
        return ind
    if not ind.breakdowns or sex not in ind.breakdowns.sex:
        raise KeyError(key)
    title = {lang: f"{ind.title.get(lang)} – {t(f'breakdown.{sex}', lang)}" for lang in LANGS}
    return ind.model_copy(update={"key": key, "title": type(ind.title)(**title), "breakdowns": None, "variant": sex})


def breakdown_key(registry, key: str, breakdown: str | None) -> str:
    """The series a view shows: the indicator (``breakdown`` None = all), one sex
    (``<key>~male``) or the catalogue indicator of an age group (``ika_<age key>``)."""
    if not breakdown:
        return key
    ind = registry.indicators[key]
    if breakdown in SEX_VARIANTS:
        return f"{key}{SERIES_SEP}{breakdown}"
    for age in ind.breakdowns.age if ind.breakdowns else []:
        if breakdown == f"ika_{age.key}":
            return age.indicator
    raise KeyError(breakdown)


def view_codes(registry) -> tuple[str, ...]:
    """The regions a view of the county can show: its municipalities, sub-regions, region, welfare
    area and the country (:func:`dashboard.core.state.allowed_regions`)."""
    c = registry.county
    return tuple([m.code for m in c.municipalities] + [s.code for s in c.subregions]
                 + [c.region.code, c.welfare_area.code, c.country.code])


def registry_key(registry) -> tuple:
    """Part of every cache key built from the registry (several registries may share a process)."""
    _REGISTRIES[id(registry)] = registry  # keeps the id from being reused while cached values exist
    return (id(registry), registry.county.key)


_REGISTRIES: dict[int, object] = {}


def indicator_frame(engine, registry, key: str) -> pd.DataFrame:
    """Annual observations of an indicator in the county's regions (:func:`view_codes`) with
    suppression applied; cached per data version. Read-only: callers must not modify it."""
    def compute() -> pd.DataFrame:
        indicator = series_indicator(registry, key)
        county = registry.county
        frame = queries.indicator_observations(engine, key, view_codes(registry))
        return with_status(frame, indicator, county.municipality_codes, county.region.code)

    return queries.memo(engine, "indicator_frame", (registry_key(registry), key), compute)


def coverage(engine, registry, key: str) -> dict:
    """Years, regions and values of an indicator in the whole database (all of Finland), for the
    indicator page; cached per data version."""
    def compute() -> dict:
        indicator = series_indicator(registry, key)
        county = registry.county
        frame = with_status(queries.indicator_observations.uncached(engine, key), indicator,
                            county.municipality_codes, county.region.code)
        values = int((frame["status"] != STATUS_MISSING).sum()) if not frame.empty else 0
        if not values:
            return {"values": 0}
        return {"values": values, "first": int(frame["year"].min()), "last": int(frame["year"].max()),
                "regions": int(frame["region_code"].nunique())}

    return queries.memo(engine, "coverage", (registry_key(registry), key), compute)


def year_rows(engine, registry, key: str) -> dict:
    """year -> {region code -> row dict} of the shaped frame (cached)."""
    def compute() -> dict:
        frame = indicator_frame(engine, registry, key)
        out: dict = {}
        for row in frame.to_dict("records"):
            out.setdefault(int(row["year"]), {})[row["region_code"]] = row
        return out

    return queries.memo(engine, "year_rows", (registry_key(registry), key), compute)


def row_has_data(row) -> bool:
    """A region's row of one year exists and is not missing (a hidden value counts as data)."""
    return row is not None and row["status"] != STATUS_MISSING


def reference_code(registry, indicator, has_data) -> str:
    """The region an indicator's values are compared with: the county region, or the welfare area
    for a region-level indicator (level: alue) that has nothing for the county region.

    ``has_data(code)`` says whether the view at hand (one year, a series) has data for a region.
    The one place of this rule: maps, bars, trends, tables, the overview, profiles and the
    browser's store (which carries the answer per year) all call it."""
    county = registry.county
    if indicator.level == "alue" and not has_data(county.region.code):
        return county.welfare_area.code
    return county.region.code


def selectable_years(engine, registry, key: str) -> list[int]:
    """The years a view of the indicator offers: those with a municipal value (or a hidden one);
    region-level indicators (level: alue) have data only for the county / welfare area."""
    county = registry.county
    years = queries.years_with_data(engine, key, county.municipality_codes)
    if not years:
        frame = indicator_frame(engine, registry, key)
        if not frame.empty:
            region_codes = [county.region.code, county.welfare_area.code]
            years = sorted(int(y) for y in frame[frame["region_code"].isin(region_codes)]["year"].unique())
    return years


def indicator_year(engine, registry, key: str, year: int | None, lang: str = "fi") -> IndicatorYear:
    """One indicator in one year (latest with data when ``year`` is None) across the county.

    Cached per data version; the result is shared, so callers treat it as read-only."""
    return queries.memo(engine, "indicator_year", (registry_key(registry), key, year, lang),
                        lambda: _indicator_year(engine, registry, key, year, lang))


def map_classes(indicator, values, benchmark: Cell | None, lang: str) -> Classification:
    """The map classes of ``values`` with the indicator's polarity, centred on ``benchmark`` (the
    county cell by default; another comparison passes its own cell). One call for the county map
    and the whole-country map (:func:`dashboard.judge.classify.classify` holds the rule)."""
    from dashboard.judge.compare import comparable

    shown = benchmark is not None and benchmark.shown
    return classify(values, indicator.classes, indicator.decimals, lang, indicator.breaks,
                    direction=indicator.direction, benchmark=benchmark.value if shown else None,
                    benchmark_name=benchmark.name if benchmark is not None else "", comparable=comparable(indicator))


def _indicator_year(engine, registry, key: str, year: int | None, lang: str) -> IndicatorYear:
    indicator = series_indicator(registry, key)
    county = registry.county
    years = selectable_years(engine, registry, key)
    if year is None or year not in years:
        year = years[-1] if years else None
    by_code = year_rows(engine, registry, key).get(year, {}) if year is not None else {}
    munis = [
        _cell(by_code.get(m.code), registry, indicator, lang, m.code, year) for m in municipalities_sorted(registry, lang)
    ]
    ref = reference_code(registry, indicator, lambda code: row_has_data(by_code.get(code)))
    county_cell = _cell(by_code.get(ref), registry, indicator, lang, ref, year)
    country_cell = _cell(by_code.get(county.country.code), registry, indicator, lang, county.country.code, year)
    classification = map_classes(indicator, [c.value for c in munis if c.shown], county_cell, lang)
    cells = [*munis, county_cell, country_cell]
    dates = queries.load_dates(engine)
    load_ids = {c.load_run_id for c in cells if c.load_run_id is not None}
    load_date = max((dates.get(i) for i in load_ids if dates.get(i)), default=None)
    return IndicatorYear(
        indicator=indicator, year=year, years=years, municipalities=munis, county=county_cell,
        country=country_cell, classification=classification, load_date=load_date,
        synthetic=any(c.synthetic for c in cells if c.status != STATUS_MISSING), lang=lang,
    )


def _all_series(engine, registry, key: str, lang: str) -> dict[str, Series]:
    """region code -> yearly :class:`Series` of an indicator, for every region it has (cached)."""
    def compute() -> dict[str, Series]:
        indicator = series_indicator(registry, key)
        frame = indicator_frame(engine, registry, key)
        out: dict[str, Series] = {}
        if frame.empty:
            return out
        for code, sub in frame.sort_values(["region_code", "year"]).groupby("region_code", sort=False):
            s = Series(code=code, name=region_name(registry, code, lang))
            cites = sub["citation"] if "citation" in sub else [None] * len(sub)
            for year, value, status, synthetic, cite in zip(sub["year"], sub["value"], sub["status"], sub["synthetic"], cites):
                shown = status == STATUS_OK
                s.citations.append(cite if isinstance(cite, str) and cite else None)
                s.years.append(int(year))
                s.values.append(float(value) if shown else None)
                s.statuses.append(status)
                s.synthetic.append(bool(synthetic))
                s.texts.append(value_text(indicator, status, float(value) if shown else None, lang))
            out[code] = s
        return out

    return queries.memo(engine, "all_series", (registry_key(registry), key, lang), compute)


def series(engine, registry, key: str, codes: list[str], lang: str = "fi") -> list[Series]:
    """Yearly series of an indicator for some regions, hidden values as gaps (shared, read-only)."""
    found = _all_series(engine, registry, key, lang)
    return [found.get(code) or Series(code=code, name=region_name(registry, code, lang)) for code in codes]


def frame_load_date(engine, frame: pd.DataFrame) -> str | None:
    if frame.empty:
        return None
    dates = queries.load_dates(engine)
    found = [dates.get(int(i)) for i in frame["load_run_id"].dropna().unique()]
    found = [d for d in found if d]
    return max(found) if found else None


# --- manual status measures -------------------------------------------------------------------


@dataclass
class StatusCell:
    code: str
    name: str
    period: str | None
    status: str | None  # template choice code, None = no entry
    synthetic: bool = False
    data: dict = field(default_factory=dict)


def template_choices(registry, template: str, column: str = "tila") -> list:
    tpl = registry.templates.templates[template] if registry.templates else None
    if tpl is None:
        return []
    for col in tpl.columns:
        if col.name == column and col.type == "enum":
            return list(col.choices)
    return []


def latest_statuses(engine, registry, template: str, lang: str = "fi", column: str = "tila") -> list[StatusCell]:
    """Each municipality's newest current entry of a status template (varautumissopimukset)."""
    frame = queries.manual_entries(engine, template)
    out = []
    for m in municipalities_sorted(registry, lang):
        rows = frame[frame["region_code"] == m.code].sort_values("period") if not frame.empty else frame
        if rows.empty:
            out.append(StatusCell(m.code, m.name.get(lang), None, None))
            continue
        last = rows.iloc[-1]
        data = last["data"] if isinstance(last["data"], dict) else {}
        out.append(StatusCell(m.code, m.name.get(lang), str(last["period"]), data.get(column), bool(last["synthetic"]), data))
    return out


def status_grid(engine, registry, template: str, lang: str = "fi", column: str = "tila") -> tuple[list[str], list[tuple[str, str, dict[str, StatusCell]]]]:
    """(periods, rows) of a half-year status template (turvallisuuskuva): municipality × period."""
    frame = queries.manual_entries(engine, template)
    periods = sorted(frame["period"].astype(str).unique()) if not frame.empty else []
    rows = []
    for m in municipalities_sorted(registry, lang):
        cells: dict[str, StatusCell] = {}
        sub = frame[frame["region_code"] == m.code] if not frame.empty else frame
        for _, r in sub.iterrows():
            data = r["data"] if isinstance(r["data"], dict) else {}
            cells[str(r["period"])] = StatusCell(m.code, m.name.get(lang), str(r["period"]), data.get(column),
                                                 bool(r["synthetic"]), data)
        rows.append((m.code, m.name.get(lang), cells))
    return periods, rows


# --- the whole country ------------------------------------------------------------------------


@dataclass
class CountryYear:
    """One indicator in one year across every municipality of Finland (the whole-country map)."""

    year: int | None
    cells: list[Cell]  # in the order of ``codes`` (the geometry's municipalities)
    classification: Classification
    county: Cell  # the benchmark the colours are centred on


def country_frame(engine, registry, key: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """Annual observations of every municipality in ``codes`` and the country, suppression applied
    across the country; a county municipality keeps the county view's status (its complementary
    suppression), so the whole-country map never shows a value the county map hides. Cached."""
    def compute() -> pd.DataFrame:
        indicator = registry.indicators[key]
        county = registry.county
        frame = queries.indicator_observations(engine, key, tuple(codes) + (county.country.code,))
        frame = with_status(frame, indicator, list(codes), county.country.code)
        if frame.empty:
            return frame
        own = indicator_frame(engine, registry, key)
        hidden = own[(own["status"] != STATUS_OK) & own["region_code"].isin(county.municipality_codes)]
        keys = set(zip(hidden["region_code"], hidden["year"].astype(int)))
        status = dict(zip(zip(hidden["region_code"], hidden["year"].astype(int)), hidden["status"]))
        pairs = list(zip(frame["region_code"], frame["year"].astype(int)))
        mask = np.array([p in keys for p in pairs], dtype=bool)
        if mask.any():
            frame = frame.copy()
            frame.loc[mask, "status"] = [status[p] for p, m in zip(pairs, mask) if m]
            frame.loc[mask, "value"] = float("nan")
        return frame

    return queries.memo(engine, "country_frame", (registry_key(registry), key, tuple(codes)), compute)


#: A year is drawn on the whole-country map when at least this share of the geometry's
#: municipalities has a row (a value or a hidden one) — "values for all municipalities", allowing
#: for the few codes a merger changed between the statistic's and the boundaries' year.
COUNTRY_COVERAGE = 0.9


def country_rows(engine, registry, key: str, codes: tuple[str, ...]) -> dict:
    """year -> {municipality code -> row} of :func:`country_frame` (cached)."""
    def compute() -> dict:
        frame = country_frame(engine, registry, key, codes)
        out: dict = {}
        for row in frame.to_dict("records"):
            out.setdefault(int(row["year"]), {})[row["region_code"]] = row
        return out

    return queries.memo(engine, "country_rows", (registry_key(registry), key, codes), compute)


def country_years(engine, registry, key: str, codes: tuple[str, ...]) -> list[int]:
    """Years in which the indicator covers the whole country (:data:`COUNTRY_COVERAGE`)."""
    wanted = set(codes)
    need = COUNTRY_COVERAGE * len(wanted)
    return sorted(y for y, rows in country_rows(engine, registry, key, codes).items()
                  if wanted and len(wanted.intersection(rows)) >= need)


def country_year(engine, registry, key: str, year: int | None, codes: list[str], names: dict, lang: str = "fi",
                 benchmark: Cell | None = None) -> CountryYear:
    """Every municipality of ``codes`` in ``year``; classes computed over the whole country with the
    same rule as the county map (:func:`map_classes`), centred on the county by default."""
    indicator = registry.indicators[key]
    rows = country_rows(engine, registry, key, tuple(codes)).get(year, {}) if year is not None else {}
    cells = []
    for code in codes:
        name = (names.get(code) or {}).get(lang, code)
        cell = _cell(rows.get(code), registry, indicator, lang, code, year)
        cell.name = name
        cells.append(cell)
    if benchmark is None:
        benchmark = indicator_year(engine, registry, key, year, lang).county
    classification = map_classes(indicator, [c.value for c in cells if c.shown], benchmark, lang)
    return CountryYear(year=year, cells=cells, classification=classification, county=benchmark)
