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
``c[code]`` (only regions with cited values): per year the tooltip line of a cited value's citation
(``provenance.hover_citation``), else "".
``tb`` (only with series breaks in the years shown): the trend's break markers as
``figures.trend.break_marks`` draws them, [shapes, annotations, annotations in forum mode].
``K`` (aligned with ``years``; one entry when there are none): [class index per municipality in
name order, colours, legend].

A chosen comparison (``vertailu``, :mod:`dashboard.data.benchmarks`): ``bench`` = [code, name] of its
benchmark, one more region in every ``r`` (its series by the one rule of
:mod:`dashboard.judge.benchmark`), the verdicts ``vc`` against it; the browser uses it as the
reference (with the whole country as the benchmark, the county region is the second one).
"""
from __future__ import annotations

import json

from dashboard.core import tokens
from dashboard.core.format import date_text
from dashboard.core.i18n import t
from dashboard.core.state import COMPARISONS, SEX_URL
from dashboard.data import model, queries
from dashboard.data.provenance import hover_citation
from dashboard.deliver import breakdown as breakdown_toggle
from dashboard.deliver.export import MENU
from dashboard.draw.charts import (
    EXPLORER_KINDS,
    FORUM_FONT_SCALE,
    break_labels,
    country_summary,
    country_year,
    manual_rule,
    source_line,
    special_labels,
)
from dashboard.draw.figures.common import scale_fonts
from dashboard.draw.figures.map import categories_for, line_widths, value_legend
from dashboard.draw.figures.trend import break_marks
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


def _classes(engine, registry, indicator, year: int | None, lang: str, bench=None) -> list:
    """The map classes of one year, as the browser applies them: [class index of each municipality
    (in name order), the colour of each index, the legend's shown entries [label, colour]] — of the
    same view as the server's map (with the chosen comparison's benchmark, as charts._map)."""
    from dashboard.draw.charts import with_benchmark

    iy = with_benchmark(model.indicator_year(engine, registry, indicator.key, year, lang), bench)
    idx, colors = categories_for(iy.municipalities, iy.classification)
    legend = value_legend(iy.classification, idx, colors, special_labels(indicator, lang))
    return [idx, colors, [[label, color] for label, color, shown in legend if shown]]


def indicator_payload(ctx, key: str, lang: str, comparison: str = "maakunta", municipality: str | None = None) -> dict:
    """One indicator's part of the payload (see the module docstring). With a chosen comparison
    (:mod:`dashboard.data.benchmarks`) its benchmark is one more region (``bench`` of the payload)
    and the verdicts are against it."""
    from dashboard.data.benchmarks import benchmark

    engine, registry = ctx.engine, ctx.registry
    indicator = model.series_indicator(registry, key)
    bench = benchmark(engine, registry, key, comparison, municipality, lang)
    county = registry.county
    frame = model.indicator_frame(engine, registry, key)
    by_year = model.year_rows(engine, registry, key)
    dates = queries.load_dates(engine)
    muni_codes = county.municipality_codes
    codes = [*muni_codes, county.region.code, county.welfare_area.code, county.country.code]
    years_all = sorted(by_year)
    present = set(frame["region_code"]) if not frame.empty else set()
    regions: dict[str, list] = {}
    cites: dict[str, list[str]] = {}
    latest: dict[str, str | None] = {}
    for code in codes:
        if code not in present:
            continue
        values, statuses, flags, texts, run_dates, notes = [], [], [], [], [], []
        for y in years_all:
            row = by_year[y].get(code)
            notes.append("" if row is None or row["synthetic"] or row["status"] == model.STATUS_MISSING
                         else hover_citation(model.citation_of(row), lang))
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
        if any(notes):
            cites[code] = notes
        latest[code] = max(run_dates) if run_dates else None
    if bench is not None and bench.code not in regions:
        b = bench.series
        at = {y: i for i, y in enumerate(b.years)}
        regions[bench.code] = [
            [_compact(float(b.values[at[y]])) if y in at else None for y in years_all],
            "".join("o" if y in at else "-" for y in years_all),
            "".join(str(int(b.synthetic[at[y]])) if y in at else "0" for y in years_all),
            [b.texts[at[y]] if y in at else model.value_text(indicator, model.STATUS_MISSING, None, lang) for y in years_all],
        ]
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
        if bench is not None:
            county_value = bench.cell(y).value
        for code in muni_codes:
            row = rows.get(code)
            value = float(row["value"]) if row is not None and row["status"] == model.STATUS_OK else None
            verdicts.setdefault(code, []).append(VERDICT_LETTERS[compare_indicator(indicator, value, county_value)])
        map_dates.append(_map_load_date(rows, registry, indicator, dates))
    series = {s.code: s for s in model.series(engine, registry, key, codes, lang)}
    breaks = [b.year for b in indicator.series_breaks]
    if bench is not None:
        series.setdefault(bench.code, bench.series)
    words = {code: t(f"trend.{trend(s.years, s.values, indicator.direction, breaks).key}", lang)
             for code, s in series.items() if s.years}
    out = {
        # per selectable year; with none, one entry for the view without a year
        "K": [_classes(engine, registry, indicator, year, lang, bench) for year in model.selectable_years(engine, registry, key)]
        or [_classes(engine, registry, indicator, None, lang, bench)],
        "title": indicator.title.get(lang),
        "unit": indicator.unit.text(lang),
        "dec": indicator.decimals,
        # 1: a count — the county and country values are totals, kept off the bar chart's axis
        # (0 too when only the country has values: nothing on the axis to flatten, as charts._trend)
        "tot": 0 if comparable(indicator) or not any(
            any(v is not None for v in regions[c][0]) for c in regions if c != county.country.code) else 1,
        "src": {"geo": source_line(registry, indicator, lang, with_boundaries=True, engine=engine),
                "tiles": source_line(registry, indicator, lang, engine=engine)},
        "years": model.selectable_years(engine, registry, key),
        "Y": years_all,
        "r": regions,
        "md": map_dates,
        "rd": latest,
        "c": cites,
        "tw": words,
        "vc": {code: "".join(v) for code, v in verdicts.items()},
        # per year, then one more for a view with no year (nothing has data then)
        "ref": "".join(refs) + ("w" if model.reference_code(registry, indicator, lambda _code: False)
                                == county.welfare_area.code else "c"),
        "tref": "w" if model.reference_code(registry, indicator, lambda code: code in series and bool(series[code].years))
                == county.welfare_area.code else "c",
    }
    shapes, notes = break_marks(break_labels(indicator, lang), [y for s in series.values() for y in s.years])
    if shapes:
        # the trend's series-break markers, ready to draw: [shapes, annotations, forum-mode annotations]
        out["tb"] = [shapes, notes, scale_fonts(json.loads(json.dumps(notes)), FORUM_FONT_SCALE)]
    return out


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
            "outline": tokens.OUTLINE, "highlight": tokens.HIGHLIGHT, "no_class": tokens.NO_CLASS,
            "rank_outline": tokens.RANK_OUTLINE}


def payload(ctx, area_key: str, lang: str, comparison: str = "maakunta", municipality: str | None = None,
            breakdowns: dict | None = None) -> dict:
    """The whole payload of an area page in one language and comparison (``municipality``: the one
    a sub-region or similar-municipality comparison is formed for). ``breakdowns`` {indicator:
    breakdown}: that indicator's entry carries the chosen variant's series (the ``jako`` of the view)."""
    from dashboard.data.benchmarks import BY_MUNICIPALITY, effective_choice
    from dashboard.draw.charts import place_text

    registry = ctx.registry
    chosen, comparison = comparison, effective_choice(ctx.engine, registry, comparison, municipality)
    indicators = {ind.key: _entry(ctx, ind.key, (breakdowns or {}).get(ind.key), lang, comparison, municipality)
                  for ind in explorer_indicators(registry, area_key)}
    bench = _bench_name(ctx, area_key, lang, comparison, municipality)
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
        "place": place_text(registry, bench, lang),
        # the chosen comparison (URL value) and its benchmark region [code, name]; with a set formed
        # for one municipality (cmpBy), another municipality is asked from the server
        "cmp": chosen,
        "cmps": list(COMPARISONS),
        "bench": [bench.code, bench.name] if bench is not None else None,
        "cmpBy": (municipality or "") if chosen in BY_MUNICIPALITY else None,
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
        "bdl": t("breakdown.legend", lang),
        "ind": indicators,
    }


def _entry(ctx, key: str, breakdown: str | None, lang: str, comparison: str = "maakunta",
           municipality: str | None = None) -> dict:
    """An indicator's entry: the series of its breakdown (the total when None); a variant's entry
    carries its URL value ``jako``, which the browser only copies into the view's links."""
    entry = indicator_payload(ctx, model.breakdown_key(ctx.registry, key, breakdown), lang, comparison, municipality)
    if breakdown:
        entry["jako"] = SEX_URL.get(breakdown, breakdown)
    toggle = breakdown_toggle.entries(ctx.registry, key, lang)
    if toggle:  # the toggle's links: [id suffix, words, URL value ("" = all)]
        entry["bd"] = [[suffix, label, SEX_URL.get(choice, choice) if choice else ""] for suffix, label, choice in toggle]
    return entry




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


def _bench_name(ctx, area_key: str, lang: str, comparison: str, municipality: str | None):
    """The benchmark of the comparison (its code and name are the same for every indicator)."""
    from dashboard.data.benchmarks import benchmark

    inds = explorer_indicators(ctx.registry, area_key)
    return benchmark(ctx.engine, ctx.registry, inds[0].key, comparison, municipality, lang) if inds else None


def store_json(ctx, area_key: str, lang: str, comparison: str = "maakunta", municipality: str | None = None,
               breakdowns: dict | None = None) -> str:
    """The payload as compact JSON (a string in the store: the browser parses it once; Dash passes
    a string through without walking it). Cached per data version, comparison and breakdown."""
    from dashboard.data.benchmarks import BY_MUNICIPALITY

    muni = municipality if comparison in BY_MUNICIPALITY else None
    chosen = tuple(sorted((breakdowns or {}).items()))
    return queries.memo(
        ctx.engine, "explorer_store", (model.registry_key(ctx.registry), area_key, lang, comparison, muni, *chosen),
        lambda: json.dumps(payload(ctx, area_key, lang, comparison, muni, breakdowns), ensure_ascii=False,
                           separators=(",", ":"),
                           allow_nan=False))
