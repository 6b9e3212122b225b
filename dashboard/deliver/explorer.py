"""The explorer's data in the browser: everything an area page's map, bar, trend and tables can show.

An area page carries this payload in a ``dcc.Store`` (``area-data``) filled when the page is
rendered, so switching the indicator, the year or the municipality is drawn in the browser
(``assets/tilannekuva-core.js``) with no request at all; only a change of the map type (another
geometry file) asks the server. Python decides everything here and the browser only selects:
per indicator the shaped observations of the county's municipalities, the county region, the
welfare area and the country — values already suppressed by :mod:`dashboard.data.model` (a hidden
value never leaves the server) with their formatted texts —, the map classes and legend of each
selectable year (:func:`dashboard.judge.classify.classify`), the county reference per year
(:func:`dashboard.data.model.reference_code`), titles, units, source lines, formatted dates,
translated message templates, the comparison with the county and the recent-trend words
(:mod:`dashboard.judge.compare`), colours (design tokens) and the download menu.

Encoding (per indicator, aligned with its list of years ``Y``):
``r[code] = [values, statuses, flags, texts]``: value or null when not shown; status letters
``o`` shown, ``m`` missing, ``s`` suppressed, ``x`` hidden by complementary suppression, ``-``
no row at all; flag digits ``synthetic + 2 × provisional``; the text a cell shows.
``K`` (aligned with ``years``; one entry when there are none): [class index per municipality in
name order, colours, legend].
"""
from __future__ import annotations

import json

from dashboard.core import tokens
from dashboard.core.format import date_text
from dashboard.core.i18n import t
from dashboard.data import model, queries
from dashboard.deliver.export import MENU
from dashboard.draw.charts import (
    EXPLORER_KINDS,
    country_summary,
    country_year,
    manual_rule,
    source_line,
    special_labels,
)
from dashboard.draw.figures.map import categories_for, line_widths, value_legend
from dashboard.judge.classify import (
    DIVERGING,
    NO_DATA_COLOR,
    NO_DATA_OUTLINE,
    OUTLINE_COLOR,
    PALETTES,
    SUPPRESSED_COLOR,
    text_color,
)
from dashboard.judge.compare import comparable, compare_indicator, trend

STATUS_LETTERS = {model.STATUS_OK: "o", model.STATUS_MISSING: "m", model.STATUS_SUPPRESSED: "s",
                  model.STATUS_SECONDARY: "x"}
VERDICT_LETTERS = {"better": "b", "similar": "s", "worse": "w", "higher": "h", "lower": "l", "none": "n"}
#: Message templates the browser fills in (``{name}`` placeholders, as :func:`dashboard.core.i18n.t`).
TEMPLATES = (
    "map.suppressed", "map.secondary", "map.no_data", "chart.synthetic_point", "chart.synthetic_legend",
    "chart.synthetic_note", "chart.data_date", "bar.hidden", "bar.missing", "trend.subtitle",
    "trend.subtitle_county", "summary.no_values", "summary.none", "summary.range", "summary.ranking", "summary.reference",
    "summary.missing", "summary.trend", "table.rank", "table.region", "table.shown", "table.vs_county",
    "table.note", "table.no_values", "table.year", "table.note_hidden", "table.note_missing", "table.note_synthetic",
    "table.note_provisional", "compare.better", "compare.similar", "compare.worse", "compare.higher",
    "compare.lower", "banner.synthetic", "banner.synthetic_detail", "classes.count_refs", "classes.count_trend",
)
VERSION = 1


def _compact(value: float) -> float | int:
    """``45.0`` as ``45`` in JSON (the browser reads the same number; a third fewer bytes)."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _map_load_date(rows: dict, registry, indicator, dates: dict) -> str | None:
    """The data date a map of one year shows (as :func:`dashboard.data.model.indicator_year`)."""
    county = registry.county
    codes = [m.code for m in county.municipalities] + [county.country.code]
    ref = model.reference_code(registry, indicator, lambda code: model.row_has_data(rows.get(code)))
    found = [rows.get(c) for c in codes] + [rows.get(ref)]
    ids = {int(r["load_run_id"]) for r in found if r is not None and r["load_run_id"] == r["load_run_id"]
           and r["load_run_id"] is not None}
    return max((dates.get(i) for i in ids if dates.get(i)), default=None)


def _classes(engine, registry, indicator, year: int | None, lang: str) -> list:
    """The map classes of one year, as the browser applies them: [class index of each municipality
    (in name order), the colour of each index, the legend's shown entries [label, colour]]."""
    iy = model.indicator_year(engine, registry, indicator.key, year, lang)
    idx, colors = categories_for(iy.municipalities, iy.classification)
    legend = value_legend(iy.classification, idx, colors, special_labels(indicator, lang))
    return [idx, colors, [[label, color] for label, color, shown in legend if shown]]


def indicator_payload(ctx, key: str, lang: str) -> dict:
    """One indicator's part of the payload (see the module docstring)."""
    engine, registry = ctx.engine, ctx.registry
    indicator = registry.indicators[key]
    county = registry.county
    frame = model.indicator_frame(engine, registry, key)
    by_year = model.year_rows(engine, registry, key)
    dates = queries.load_dates(engine)
    muni_codes = county.municipality_codes
    codes = [*muni_codes, county.region.code, county.welfare_area.code, county.country.code]
    years_all = sorted(by_year)
    present = set(frame["region_code"]) if not frame.empty else set()
    regions: dict[str, list] = {}
    latest: dict[str, str | None] = {}
    for code in codes:
        if code not in present:
            continue
        values, statuses, flags, texts, run_dates = [], [], [], [], []
        for y in years_all:
            row = by_year[y].get(code)
            if row is None:
                values.append(None)
                statuses.append("-")
                flags.append("0")
                texts.append(model.value_text(indicator, model.STATUS_MISSING, None, lang))
                continue
            shown = row["status"] == model.STATUS_OK
            values.append(_compact(float(row["value"])) if shown else None)
            texts.append(model.value_text(indicator, row["status"], float(row["value"]) if shown else None, lang))
            statuses.append(STATUS_LETTERS[row["status"]])
            flags.append(str(int(bool(row["synthetic"])) + 2 * int(bool(row["provisional"]))))
            run = row["load_run_id"]
            if run is not None and run == run and dates.get(int(run)):
                run_dates.append(dates[int(run)])
        regions[code] = [values, "".join(statuses), "".join(flags), texts]
        latest[code] = max(run_dates) if run_dates else None
    # Comparison with the county value of the same year (the county cell of the map, including
    # the welfare-area fallback of region-level indicators).
    verdicts: dict[str, str] = {}
    map_dates = []
    refs = []  # per year: the reference is the county region (c) or the welfare area (w)
    for y in years_all:
        rows = by_year[y]
        ref = model.reference_code(registry, indicator, lambda code, rows=rows: model.row_has_data(rows.get(code)))
        refs.append("w" if ref == county.welfare_area.code else "c")
        county_row = rows.get(ref)
        county_value = (float(county_row["value"]) if county_row is not None
                        and county_row["status"] == model.STATUS_OK else None)
        for code in muni_codes:
            row = rows.get(code)
            value = float(row["value"]) if row is not None and row["status"] == model.STATUS_OK else None
            verdicts.setdefault(code, []).append(VERDICT_LETTERS[compare_indicator(indicator, value, county_value)])
        map_dates.append(_map_load_date(rows, registry, indicator, dates))
    series = {s.code: s for s in model.series(engine, registry, key, codes, lang)}
    breaks = [b.year for b in indicator.series_breaks]
    words = {code: t(f"trend.{trend(s.years, s.values, indicator.direction, breaks).key}", lang)
             for code, s in series.items() if s.years}
    return {
        # per selectable year; with none, one entry for the view without a year
        "K": [_classes(engine, registry, indicator, year, lang) for year in model.selectable_years(engine, registry, key)]
        or [_classes(engine, registry, indicator, None, lang)],
        "title": indicator.title.get(lang),
        "unit": indicator.unit.text(lang),
        "dec": indicator.decimals,
        # 1: a count — the county and country values are totals, kept off the bar chart's axis
        "tot": 0 if comparable(indicator) else 1,
        "src": {"geo": source_line(registry, indicator, lang, with_boundaries=True, engine=engine),
                "tiles": source_line(registry, indicator, lang, engine=engine)},
        "years": model.selectable_years(engine, registry, key),
        "Y": years_all,
        "r": regions,
        "md": map_dates,
        "rd": latest,
        "tw": words,
        "vc": {code: "".join(v) for code, v in verdicts.items()},
        # per year, then one more for a view with no year (nothing has data then)
        "ref": "".join(refs) + ("w" if model.reference_code(registry, indicator, lambda _code: False)
                                == county.welfare_area.code else "c"),
        "tref": "w" if model.reference_code(registry, indicator, lambda code: code in series and bool(series[code].years))
                == county.welfare_area.code else "c",
    }


def explorer_indicators(registry, area_key: str) -> list:
    """Indicators of the area for the map explorer, grouped by measure in agreement order.

    Status measures (latest status of a manual form) have their own status view instead.
    """
    area = registry.agreement.area(area_key)
    order = {m.key: i for i, m in enumerate(area.measures)}
    inds = [i for i in registry.indicators_for_area(area_key) if manual_rule(registry, i) != "status"]
    return sorted(inds, key=lambda i: (order.get(i.measure, 99), registry.catalogue.indicators.index(i)))


def status_indicators(registry, area_key: str) -> list:
    """Indicators of the area shown as a status view (manual status forms and rounds)."""
    return [i for i in registry.indicators_for_area(area_key) if manual_rule(registry, i) in ("status", "rounds")]


def _dates(ctx, lang: str) -> dict:
    """Every load date as the page writes it (the browser looks dates up, never formats them)."""
    return {iso: date_text(iso, lang) for iso in sorted(set(queries.load_dates(ctx.engine).values()))}


def store_tokens() -> dict:
    """The design tokens the browser draws with (dashboard/core/tokens.yaml): no colour in assets/."""
    return {"text": tokens.TEXT, "muted": tokens.MUTED, "accent": tokens.ACCENT,
            "county": tokens.COUNTY, "country": tokens.COUNTRY, "context": tokens.CONTEXT, "bg": tokens.BG,
            "outline": tokens.OUTLINE, "highlight": tokens.HIGHLIGHT, "no_class": tokens.NO_CLASS}


def payload(ctx, area_key: str, lang: str) -> dict:
    """The whole payload of an area page in one language."""
    registry = ctx.registry
    county = registry.county
    area = registry.agreement.area(area_key)
    munis = list(county.municipalities)
    by_name = sorted(range(len(munis)), key=lambda i: munis[i].name.get(lang))
    colors = {c for pal in PALETTES.values() for c in pal} | set(DIVERGING) | {NO_DATA_COLOR, SUPPRESSED_COLOR}
    status_synthetic = False
    for ind in status_indicators(registry, area_key):
        entries = queries.manual_entries(ctx.engine, ind.source.template)
        status_synthetic = status_synthetic or bool(not entries.empty and entries["synthetic"].any())
    return {
        "v": VERSION,
        "lang": lang,
        "page": area_key,
        "path": f"/{area.slug}",
        "place": county.name.get(lang),
        "munis": [[m.code, m.name.get(lang)] for m in munis],
        "byName": by_name,
        "county": [county.region.code, county.region.name.get(lang)],
        "welfare": [county.welfare_area.code, county.welfare_area.name.get(lang)],
        "country": [county.country.code, county.country.name.get(lang)],
        "context": t("trend.context", lang, county=county.name.get(lang)),
        "statusSynthetic": status_synthetic,
        "tok": store_tokens(),
        # the download menu (dashboard.deliver.export.FORMATS): [key, format, URL size]
        "menu": [[key, fmt, size] for key, _label, fmt, size in MENU],
        "kinds": list(EXPLORER_KINDS),
        "colors": {"suppressed": SUPPRESSED_COLOR, "missing": NO_DATA_COLOR, "outline": OUTLINE_COLOR,
                   "noDataOutline": NO_DATA_OUTLINE},
        "textColor": {c: text_color(c) for c in sorted(colors)},
        "dt": _dates(ctx, lang),
        "t": {k: t(k, lang) for k in TEMPLATES},
        "ind": {ind.key: indicator_payload(ctx, ind.key, lang) for ind in explorer_indicators(registry, area_key)},
    }


def _country_classes(ctx, indicator, year: int | None, lang: str) -> list:
    """One year of the whole-country map, as the browser applies it: [class index per municipality
    (in the order of ``codes``), colours, legend [label, colour], texts, status letters, flag digits,
    the map's text alternative]."""
    cy = country_year(ctx, indicator, year, lang)
    idx, colors = categories_for(cy.cells, cy.classification)
    legend = value_legend(cy.classification, idx, colors, special_labels(indicator, lang))
    return [idx, colors, [[label, color] for label, color, shown in legend if shown], [c.text for c in cy.cells],
            "".join(STATUS_LETTERS.get(c.status, "m") for c in cy.cells),
            "".join(str(int(c.synthetic)) for c in cy.cells), country_summary(cy, lang)]


def country_payload(ctx, area_key: str, lang: str) -> dict:
    """The whole-country map's part of the explorer (``area-country``, sent when the map type
    "koko maa" is chosen): per indicator of the area and per selectable year (aligned with the
    area store's ``years``) the classes over every municipality of Finland, decided here; 0 for
    a year that does not cover the country (:data:`dashboard.data.model.COUNTRY_COVERAGE`)."""
    registry = ctx.registry
    county = registry.county
    codes = tuple(ctx.geo.country_codes())
    ind = {}
    empty = None
    for indicator in explorer_indicators(registry, area_key):
        covered = set(model.country_years(ctx.engine, registry, indicator.key, codes))
        if empty is None:
            empty = _country_classes(ctx, indicator, None, lang)[:6]
        years = model.selectable_years(ctx.engine, registry, indicator.key)
        # 0: the year does not cover the whole country; the map shows "empty" and "nv".
        ind[indicator.key] = {"K": [_country_classes(ctx, indicator, y, lang) if y in covered else 0 for y in years]
                              or [0]}
    return {"v": VERSION, "codes": list(codes), "place": county.country.name.get(lang),
            "lw": list(line_widths(True)), "ind": ind, "empty": empty, "nv": t("country.no_values", lang)}


def country_json(ctx, area_key: str, lang: str) -> str:
    """:func:`country_payload` as compact JSON, cached per data version."""
    gf = ctx.geo.file("municipalities")
    return queries.memo(
        ctx.engine, "explorer_country", (model.registry_key(ctx.registry), area_key, lang, gf.version if gf else None),
        lambda: json.dumps(country_payload(ctx, area_key, lang), ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def store_json(ctx, area_key: str, lang: str) -> str:
    """The payload as compact JSON (a string in the store: the browser parses it once; Dash passes
    a string through without walking it). Cached per data version."""
    return queries.memo(
        ctx.engine, "explorer_store", (model.registry_key(ctx.registry), area_key, lang),
        lambda: json.dumps(payload(ctx, area_key, lang), ensure_ascii=False, separators=(",", ":"), allow_nan=False))
