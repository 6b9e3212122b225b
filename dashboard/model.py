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

import pandas as pd

from dashboard import queries
from dashboard.classify import Classification, classify
from dashboard.format import EN_DASH, number

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


def _hidden_text(indicator, status: str) -> str:
    if status == STATUS_SUPPRESSED:
        return f"< {indicator.suppress_below}" if indicator.suppress_below else ".."
    if status == STATUS_SECONDARY:
        return ".."
    return EN_DASH


def _primary_hidden(row, indicator) -> bool:
    if bool(row["suppressed"]):
        return True
    threshold = indicator.suppress_below
    if not threshold:
        return False
    count = row["count"]
    if count is not None and not (isinstance(count, float) and math.isnan(count)) and 0 < count < threshold:
        return True
    value = row["value"]
    return indicator.unit.kind == "count" and value is not None and not math.isnan(value) and 0 < value < threshold


def with_status(frame: pd.DataFrame, indicator, municipality_codes: list[str], county_code: str) -> pd.DataFrame:
    """Add ``status`` (ok / missing / suppressed / secondary) and blank the values that are hidden."""
    if frame.empty:
        return frame.assign(status=pd.Series(dtype=str))
    out = frame.copy()
    status = []
    for _, row in out.iterrows():
        if _primary_hidden(row, indicator):
            status.append(STATUS_SUPPRESSED)
        elif row["value"] is None or math.isnan(row["value"]):
            status.append(STATUS_MISSING)
        else:
            status.append(STATUS_OK)
    out["status"] = status
    if indicator.suppress_below and indicator.unit.kind == "count":
        for _year, grp in out[out["region_code"].isin(municipality_codes)].groupby("year"):
            hidden = grp[grp["status"] == STATUS_SUPPRESSED]
            county_shown = (
                (out["year"] == _year) & (out["region_code"] == county_code) & (out["status"] == STATUS_OK)
            ).any()
            if len(hidden) == 1 and county_shown:
                candidates = grp[grp["status"] == STATUS_OK].sort_values(["value", "region_code"])
                if not candidates.empty:
                    out.loc[candidates.index[0], "status"] = STATUS_SECONDARY
    out.loc[out["status"] != STATUS_OK, "value"] = float("nan")
    return out


def _cell(row, registry, indicator, lang, code, year) -> Cell:
    name = region_name(registry, code, lang)
    if row is None:
        return Cell(code=code, name=name, year=year, value=None, status=STATUS_MISSING)
    status = row["status"]
    value = None if status != STATUS_OK else float(row["value"])
    text = number(value, indicator.decimals, lang) if value is not None else _hidden_text(indicator, status)
    return Cell(
        code=code, name=name, year=int(row["year"]), value=value, status=status,
        synthetic=bool(row["synthetic"]), provisional=bool(row["provisional"]), text=text,
        load_run_id=int(row["load_run_id"]) if row["load_run_id"] is not None else None,
    )


def indicator_frame(engine, registry, key: str) -> pd.DataFrame:
    """Annual observations of an indicator with suppression applied (cached by the query layer)."""
    indicator = registry.indicators[key]
    county = registry.county
    frame = queries.indicator_observations(engine, key)
    return with_status(frame, indicator, county.municipality_codes, county.region.code)


def indicator_year(engine, registry, key: str, year: int | None, lang: str = "fi") -> IndicatorYear:
    """One indicator in one year (latest with data when ``year`` is None) across the county."""
    indicator = registry.indicators[key]
    county = registry.county
    frame = indicator_frame(engine, registry, key)
    years = queries.years_with_data(engine, key, county.municipality_codes)
    if not years and not frame.empty:
        # Region-level indicators (level: alue) have data only for the county / welfare area.
        region_codes = [county.region.code, county.welfare_area.code]
        years = sorted(int(y) for y in frame[frame["region_code"].isin(region_codes)]["year"].unique())
    if year is None or year not in years:
        year = years[-1] if years else None
    rows = frame[frame["year"] == year] if year is not None else frame.iloc[0:0]
    by_code = {r["region_code"]: r for _, r in rows.iterrows()}
    munis = [
        _cell(by_code.get(m.code), registry, indicator, lang, m.code, year) for m in municipalities_sorted(registry, lang)
    ]
    county_cell = _cell(by_code.get(county.region.code), registry, indicator, lang, county.region.code, year)
    if county_cell.status == STATUS_MISSING and indicator.level == "alue":
        county_cell = _cell(by_code.get(county.welfare_area.code), registry, indicator, lang, county.welfare_area.code, year)
    country_cell = _cell(by_code.get(county.country.code), registry, indicator, lang, county.country.code, year)
    shown_values = [c.value for c in munis if c.shown]
    classification = classify(shown_values, indicator.classes, indicator.decimals, lang, indicator.breaks)
    cells = [*munis, county_cell, country_cell]
    dates = queries.load_dates(engine)
    load_ids = {c.load_run_id for c in cells if c.load_run_id is not None}
    load_date = max((dates.get(i) for i in load_ids if dates.get(i)), default=None)
    return IndicatorYear(
        indicator=indicator, year=year, years=years, municipalities=munis, county=county_cell,
        country=country_cell, classification=classification, load_date=load_date,
        synthetic=any(c.synthetic for c in cells if c.status != STATUS_MISSING), lang=lang,
    )


def series(engine, registry, key: str, codes: list[str], lang: str = "fi") -> list[Series]:
    """Yearly series of an indicator for some regions, hidden values as gaps."""
    indicator = registry.indicators[key]
    frame = indicator_frame(engine, registry, key)
    out = []
    for code in codes:
        s = Series(code=code, name=region_name(registry, code, lang))
        sub = frame[frame["region_code"] == code].sort_values("year") if not frame.empty else frame
        for _, r in sub.iterrows():
            s.years.append(int(r["year"]))
            shown = r["status"] == STATUS_OK
            s.values.append(float(r["value"]) if shown else None)
            s.statuses.append(r["status"])
            s.synthetic.append(bool(r["synthetic"]))
            s.texts.append(number(r["value"], indicator.decimals, lang) if shown else _hidden_text(indicator, r["status"]))
        out.append(s)
    return out


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
