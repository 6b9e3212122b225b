"""One function builds every chart the dashboard shows or exports: :func:`build_chart`.

The screen and the export routes (``/vienti/…``, helper module ``dashboard.deliver.export_routes``) call
the same builder with the same validated :class:`ViewState`, so a downloaded PNG/CSV is exactly
what was on screen: same values, same suppression, same title, source and data date. The figure
is a plain dict; maps reference their geometry by URL and :attr:`ChartData.geojson_path` tells a
server-side exporter which file to inline instead.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dashboard.core import pin
from dashboard.core.format import date_text, slug
from dashboard.core.i18n import t
from dashboard.core.state import InvalidState, ViewState
from dashboard.data import model, provenance
from dashboard.data.context import current_context
from dashboard.data.queries import DataUnavailable
from dashboard.draw import alttext
from dashboard.draw.figures.bar import bar_figure
from dashboard.draw.figures.common import footer_text, wrap
from dashboard.draw.figures.map import map_figure
from dashboard.draw.figures.status import AGREEMENT_COLORS, NO_ENTRY_COLOR, rounds_figure, status_color
from dashboard.draw.figures.trend import trend_figure, with_breaks
from dashboard.judge.compare import comparable, compare_indicator, trend

#: Forum (projector) mode: every figure font this much larger.
FORUM_FONT_SCALE = 1.4

__all__ = ["ViewState", "ChartData", "build_chart", "KINDS", "default_indicator", "DataUnavailable"]




@dataclass
class ChartData:
    kind: str  # 'map' | 'bar' | 'trend' | 'status_map' | 'rounds' | 'table'
    figure: dict  # plotly figure dict as shown on screen (map geojson referenced by URL)
    table: pd.DataFrame  # exactly the data shown, columns with headers in the UI language
    title: str
    subtitle: str
    unit: str
    source: str  # attribution line incl. provider, e.g. "Lähde: Tilastokeskus"
    data_date: str  # date of the latest load of the data shown (ISO date)
    synthetic: bool  # any value in it synthetic
    filename_stem: str  # meaningful Finnish file name, e.g. "kanta-hame-asunnottomat-2024-kartta"
    geojson_path: str | None = None  # file path of the geometry (map only), for server-side export
    summary: str = ""  # text alternative of the chart (figcaption / aria)
    alt_short: str = ""  # alt text usable as is, ≤ 250 characters (dashboard.draw.alttext)
    alt_long: str = ""  # longer description: every value, the whole course
    extra: dict = field(default_factory=dict)  # view details for the UI (years, codes, classes)


# --- helpers ----------------------------------------------------------------------------------


def default_indicator(registry, page: str | None) -> str:
    """First headline indicator of the area (or of the whole catalogue)."""
    areas = {a.key for a in registry.agreement.areas}
    pool = registry.indicators_for_area(page) if page in areas else [
        i for i in registry.catalogue.indicators if i.area != "tausta"
    ]
    for ind in pool:
        if ind.headline and not _is_status_template(registry, ind):
            return ind.key
    return pool[0].key


def manual_rule(registry, indicator) -> str | None:
    """'status' (latest enum status), 'rounds' (count of half-year statuses) or None."""
    if indicator.source.kind != "manual" or registry.templates is None:
        return None
    tpl = registry.templates.templates.get(indicator.source.template)
    if tpl is None:
        return None
    rule = tpl.derive.get(indicator.source.field) if hasattr(tpl, "derive") else None
    if rule is None:
        return None
    if rule.status_in is not None:
        return "status"
    if rule.count_status is not None:
        return "rounds"
    return None


def _is_status_template(registry, indicator) -> bool:
    return manual_rule(registry, indicator) is not None


def provider_key(indicator) -> str:
    return {"sotkanet": "sotkanet", "statfin": "statfin", "manual": "manual"}[indicator.source.kind]


def source_line(registry, indicator, lang: str, with_boundaries: bool = False, engine=None) -> str:
    """The chart's source line from the kinds of the values it shows (``dashboard.data.provenance``),
    with the statistic's own years and the old-data warning. Without ``engine`` (no data at hand)
    the indicator's own source is named."""
    if engine is None:
        return provenance.source_line(registry, indicator, lang, with_boundaries=with_boundaries)
    prov = provenance.provenance(engine, registry, indicator.key)
    return provenance.chart_source(registry, indicator, lang, prov, with_boundaries=with_boundaries)


def break_labels(indicator, lang) -> list[tuple[int, str]]:
    """The one wording of a series break: (year, marker label) of the indicator's series breaks (``figures.trend.with_breaks``)."""
    return [(b.year, t("breaks.marker", lang, year=b.year, label=b.label.get(lang))) for b in indicator.series_breaks]


def _cite_notes(cells, lang) -> dict[str, str]:
    """code -> the tooltip line of each cited value among ``cells`` (provenance.hover_citation)."""
    return {c.code: provenance.hover_citation(c.citation, lang) for c in cells
            if getattr(c, "citation", None) and not c.synthetic and c.status != model.STATUS_MISSING}


def _value_source(registry, indicator, lang, *, synthetic: bool, citation: str | None) -> str:
    return provenance.value_source(registry, indicator, lang, synthetic=synthetic, citation=citation)


def _status_label(registry, template: str, code: str | None, lang: str) -> str:
    if not code:
        return t("status.no_entry", lang)
    key = f"status.{template}.{code}"
    try:
        return t(key, lang)
    except KeyError:
        for choice in model.template_choices(registry, template):
            if choice.code == code:
                return getattr(choice, lang).replace("_", " ")
    return code


def _base(kind: str, state: ViewState, registry, indicator, year, lang: str, bench=None):
    county = registry.county
    title = indicator.title.get(lang)
    unit = indicator.unit.text(lang)
    place = place_text(registry, bench, lang)
    subtitle = " · ".join(x for x in (unit, str(year) if year else "", place) if x)
    # a sex variant's file name says it in Finnish, like the rest of the name (…-tyottomat-pct-naiset-…)
    key_words = slug(indicator.base_key) + (f"-{slug(t(f'breakdown.{indicator.variant}', 'fi'))}" if indicator.variant else "")
    stem = "-".join(x for x in (slug(county.key), key_words, str(year) if year else "",
                                CHART_KINDS[kind].file_word, _comparison_word(bench)) if x)
    return title, subtitle, unit, stem


def place_text(registry, bench, lang: str) -> str:
    """The county's name, and the chosen comparison when it is not the county region (the subtitle
    of map and bar on screen, in the browser's store and in every export)."""
    place = registry.county.name.get(lang)
    return f"{place} · {t('comparison.export', lang, name=bench.name)}" if bench is not None else place


def _comparison_word(bench) -> str:
    """File-name part of a chosen comparison: ``vs-hameenlinnan-seutukunta``, ``vs-koko-maa``."""
    return f"vs-{slug(bench.name if bench.choice == 'seutukunta' else bench.choice)}" if bench is not None else ""


def chart_benchmark(state, ctx, indicator, lang):
    """The chosen comparison's benchmark (:mod:`dashboard.data.benchmarks`; None: the county region)."""
    from dashboard.data.benchmarks import benchmark

    return benchmark(ctx.engine, ctx.registry, indicator.key, state.comparison, state.municipality, lang)


def with_benchmark(iy, bench):
    """The view's reference cell replaced by the benchmark of the chosen comparison; with the whole
    country as the benchmark the county region stays as the second reference."""
    if bench is None:
        return iy
    from dataclasses import replace

    cell = bench.cell(iy.year)
    country = iy.county if bench.code == iy.country.code else iy.country
    # the map's better/worse classes are centred on the chosen benchmark too (one rule: model.map_classes)
    classification = model.map_classes(iy.indicator, [c.value for c in iy.municipalities if c.shown], cell, iy.lang)
    return replace(iy, county=cell, country=country, classification=classification,
                   synthetic=iy.synthetic or (cell.synthetic and cell.shown))


def _footer(source: str, data_date: str | None, synthetic: bool, lang: str) -> str:
    date_label = t("chart.data_date", lang, date=date_text(data_date, lang)) if data_date else ""
    if pin.current():  # a pinned view says so on the chart itself
        date_label = " · ".join(x for x in (pin.as_of_text(pin.current(), lang), date_label) if x)
    return footer_text(source, date_label, t("chart.synthetic_note", lang) if synthetic else None)


def _col(name: str, lang: str, **kw) -> str:
    return t(f"table.{name}", lang, **kw)


def _note(cell, lang: str) -> str:
    notes = []
    if cell.status in ("suppressed", "secondary"):
        notes.append(t("table.note_hidden", lang))
    elif cell.status == "missing":
        notes.append(t("table.note_missing", lang))
    if cell.synthetic:
        notes.append(t("table.note_synthetic", lang))
    if getattr(cell, "provisional", False):
        notes.append(t("table.note_provisional", lang))
    return "; ".join(notes)


# --- kinds ------------------------------------------------------------------------------------


def special_labels(indicator, lang: str) -> dict:
    """The legend labels of cells without a shown value (map and the explorer's store)."""
    return {
        "suppressed": t("map.suppressed", lang, threshold=indicator.suppress_below or 5),
        "secondary": t("map.secondary", lang),
        "missing": t("map.no_data", lang),
    }


def country_summary(cy, lang) -> str:
    """The text alternative of the whole-country map: how many values, the extremes, the outline."""
    shown = [c for c in cy.cells if c.shown]
    if not shown:
        return t("country.no_values", lang, year=cy.year or "")
    hi = max(shown, key=lambda c: (c.value, c.name))
    lo = min(shown, key=lambda c: (c.value, c.name))
    return t("country.summary", lang, year=cy.year, count=len(shown), high=hi.name, high_value=hi.text,
             low=lo.name, low_value=lo.text, county=cy.county.name)


def country_year(ctx, indicator, year, lang):
    """:func:`dashboard.data.model.country_year` over the whole-country geometry's municipalities."""
    return model.country_year(ctx.engine, ctx.registry, indicator.key, year, ctx.geo.country_codes(),
                              ctx.geo.names(), lang)


def map_source(registry, indicator, lang: str, tiles: bool, engine) -> str:
    """A map's source line: the boundaries' source is named unless the map is of equal-area tiles."""
    return source_line(registry, indicator, lang, with_boundaries=not tiles, engine=engine)


def _map(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    bench = chart_benchmark(state, ctx, indicator, lang)
    iy = with_benchmark(model.indicator_year(ctx.engine, registry, indicator.key, state.year, lang), bench)
    geo = ctx.geo.for_mode(state.map_mode)
    tiles = geo.name == "tiles"
    country = geo.name == "municipalities"
    title, subtitle, unit, stem = _base("map", state, registry, indicator, iy.year, lang, bench)
    cells, classification, summary, outline, files = iy.municipalities, iy.classification, None, None, {}
    if country:
        cy = country_year(ctx, indicator, iy.year, lang)
        cells, classification, summary = cy.cells, cy.classification, country_summary(cy, lang)
        line = ctx.geo.file("outline")
        outline = (line.url, registry.county.region.code, t("country.outline", lang, county=registry.county.name.get(lang))) \
            if line else None
        files = {line.url: str(line.path)} if line else {}
        subtitle = " · ".join(x for x in (unit, str(iy.year) if iy.year else "", registry.county.country.name.get(lang)) if x)
        stem = stem.replace(slug(registry.county.key), f"{slug(registry.county.key)}-koko-maa", 1)
    source = map_source(registry, indicator, lang, tiles, ctx.engine)
    fig = map_figure(
        cells=cells, classification=classification, geojson_url=geo.url,
        labels={} if country else ctx.geo.label_points(state.map_mode), lang=lang, title=wrap(title, 64),
        subtitle=subtitle, footer=_footer(source, iy.load_date, iy.synthetic, lang),
        special_labels=special_labels(indicator, lang),
        note_texts={"synthetic": t("chart.synthetic_point", lang)},
        highlight=state.municipality, tiles=tiles, height=760 if state.forum else 560,
        bounds=ctx.geo.bounds(state.map_mode), cite_notes=_cite_notes(iy.municipalities, lang),
        outline=outline if country else None,
    )
    value_col = _col("value", lang, unit=unit)
    rows = []
    for c in cells:
        idx = classification.index(c.value) if c.shown else None
        rows.append({
            _col("region", lang): c.name, _col("code", lang): c.code, _col("year", lang): iy.year,
            value_col: c.value, _col("shown", lang): c.text,
            _col("class", lang): classification.bins[idx].label if idx is not None else c.text,
            _col("note", lang): _note(c, lang),
            t("source.column", lang): _value_source(registry, indicator, lang, synthetic=c.synthetic, citation=c.citation)
            if c.status != "missing" else "",
        })
    summary = summary or _summary_values(iy, lang)
    alt = _year_alt("map", ctx, indicator, iy, title, unit, source, lang)
    return ChartData(
        kind="map", figure=fig, table=pd.DataFrame(rows), title=title, subtitle=subtitle, unit=unit, source=source,
        data_date=iy.load_date or "", synthetic=iy.synthetic, filename_stem=stem, geojson_path=str(geo.path),
        summary=summary, alt_short=alt.short, alt_long=alt.long,
        extra={"years": iy.years, "year": iy.year, "indicator": indicator.key,
               "mode": "tiles" if tiles else "country" if country else "geo",
               "display_columns": [_col("region", lang), _col("shown", lang), _col("class", lang), _col("note", lang)],
               "codes": [c.code for c in cells], "geojson_files": files,
               "legend": [(b.label, b.color) for b in classification.bins]},
    )


def _year_alt(kind, ctx, indicator, iy, title, unit, source, lang) -> alttext.AltText:
    """The alt text of a one-year chart, with the recent trend of the county reference it shows."""
    reference = model.series(ctx.engine, ctx.registry, indicator.key, [iy.county.code], lang)[0] if iy.county.code else None
    return alttext.year_alt(kind, indicator, iy, reference, title=title, unit=unit,
                            place=ctx.registry.county.name.get(lang), source=source, lang=lang)


def _no_values(year, lang) -> str:
    """"Ei arvoja 2024." or, with no year to name, "Ei arvoja." (never a gap before the full stop)."""
    return t("summary.no_values", lang, year=year) if year else t("summary.none", lang)


def _summary_values(iy, lang) -> str:
    shown = [c for c in iy.municipalities if c.shown]
    if not shown:
        return _no_values(iy.year, lang)
    hi = max(shown, key=lambda c: c.value)
    lo = min(shown, key=lambda c: c.value)
    parts = [t("summary.range", lang, year=iy.year, high=hi.name, high_value=hi.text, low=lo.name, low_value=lo.text)]
    if iy.county.shown:
        parts.append(t("summary.reference", lang, name=iy.county.name, value=iy.county.text))
    if iy.country.shown:
        parts.append(t("summary.reference", lang, name=iy.country.name, value=iy.country.text))
    missing = len(iy.municipalities) - len(shown)
    if missing:
        parts.append(t("summary.missing", lang, count=missing))
    return " ".join(parts)


def count_refs_note(iy, lang) -> str:
    """The note that a count's county and country totals are left off the bar chart's axis."""
    return t("classes.count_refs", lang, county=iy.county.name, county_value=iy.county.text,
             country=iy.country.name, country_value=iy.country.text)


def _summary_ranking(ranked, iy, lang, totals: bool = False) -> str:
    shown = [c for c in ranked if c.shown]
    if not shown:
        return _no_values(iy.year, lang)
    order = ", ".join(f"{c.name} {c.text}" for c in shown)
    text = t("summary.ranking", lang, year=iy.year, order=order)
    if totals:
        text += " " + count_refs_note(iy, lang)
    elif iy.county.shown:
        text += " " + t("summary.reference", lang, name=iy.county.name, value=iy.county.text)
    return text


def _bar(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    bench = chart_benchmark(state, ctx, indicator, lang)
    iy = with_benchmark(model.indicator_year(ctx.engine, registry, indicator.key, state.year, lang), bench)
    title, subtitle, unit, stem = _base("bar", state, registry, indicator, iy.year, lang, bench)
    source = source_line(registry, indicator, lang, engine=ctx.engine)
    ranked = iy.ranked
    from dashboard.draw.figures.map import categories_for

    idx, colors = categories_for(iy.municipalities, iy.classification)
    color_by_code = {c.code: colors[i] for c, i in zip(iy.municipalities, idx)}
    if state.map_mode == "country" and ctx.geo.file("municipalities") is not None:
        # Beside the whole-country map the bars take its classes, so the two still read as one.
        cy = country_year(ctx, indicator, iy.year, lang)
        cidx, ccolors = categories_for(cy.cells, cy.classification)
        color_by_code = {c.code: ccolors[i] for c, i in zip(cy.cells, cidx) if c.code in color_by_code}
    # A count's county and country values are totals: never on the municipalities' axis.
    totals = not comparable(indicator)
    fig = bar_figure(
        ranked=ranked, colors=color_by_code, county=None if totals else iy.county,
        country=None if totals else iy.country, lang=lang,
        title=wrap(title, 60), subtitle=subtitle, footer=_footer(source, iy.load_date, iy.synthetic, lang),
        axis_title=unit, highlight=state.municipality,
        labels={
            "county": iy.county.name, "country": iy.country.name,
            "synthetic": t("chart.synthetic_point", lang), "synthetic_legend": t("chart.synthetic_legend", lang),
            "hidden": t("bar.hidden", lang), "missing": t("bar.missing", lang),
        },
        cite_notes=_cite_notes(ranked, lang),
    )
    value_col = _col("value", lang, unit=unit)
    rows = []
    rank = 0
    for c in ranked:
        rank = rank + 1 if c.shown else None
        verdict = compare_indicator(indicator, c.value, iy.county.value)
        rows.append({
            _col("rank", lang): rank, _col("region", lang): c.name, _col("code", lang): c.code,
            _col("year", lang): iy.year, value_col: c.value, _col("shown", lang): c.text,
            _col("vs_county", lang, county=iy.county.name): t(f"compare.{verdict}", lang) if c.shown and verdict != "none" else "",
            _col("note", lang): _note(c, lang),
            t("source.column", lang): _value_source(registry, indicator, lang, synthetic=c.synthetic, citation=c.citation)
            if c.status != "missing" else "",
        })
    for ref in (iy.county, iy.country):
        rows.append({
            _col("rank", lang): None, _col("region", lang): ref.name, _col("code", lang): ref.code,
            _col("year", lang): iy.year, value_col: ref.value, _col("shown", lang): ref.text,
            _col("vs_county", lang, county=iy.county.name): "", _col("note", lang): _note(ref, lang),
            t("source.column", lang): _value_source(registry, indicator, lang, synthetic=ref.synthetic,
                                                    citation=ref.citation) if ref.status != "missing" else "",
        })
    alt = _year_alt("bar", ctx, indicator, iy, title, unit, source, lang)
    return ChartData(
        kind="bar", figure=fig, table=pd.DataFrame(rows), title=title, subtitle=subtitle, unit=unit, source=source,
        data_date=iy.load_date or "", synthetic=iy.synthetic, filename_stem=stem,
        summary=_summary_ranking(ranked, iy, lang, totals=totals),
        alt_short=alt.short, alt_long=alt.long,
        extra={"codes": [c.code for c in ranked], "year": iy.year, "years": iy.years,
               "comparison": [iy.county.name, iy.country.name],
               "display_columns": [_col("rank", lang), _col("region", lang), _col("shown", lang),
                                   _col("vs_county", lang, county=iy.county.name), _col("note", lang)]},
    )


def _trend(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    county = registry.county
    munis = county.municipality_codes
    focus_code = state.municipality if state.municipality in munis else None
    codes = [county.region.code, county.country.code] + munis
    all_series = {s.code: s for s in model.series(ctx.engine, registry, indicator.key, codes, lang)}
    ref = model.reference_code(registry, indicator, lambda code: bool(all_series[code].years))
    county_s = all_series.get(ref) or model.series(ctx.engine, registry, indicator.key, [ref], lang)[0]
    country_s = all_series[county.country.code]
    bench = chart_benchmark(state, ctx, indicator, lang)
    if bench is not None:  # the chosen comparison (with the whole country, the county region stays)
        county_s, country_s = bench.series, (county_s if bench.code == country_s.code else country_s)
    focus = all_series.get(focus_code) if focus_code else None
    context = [all_series[c] for c in munis if c != focus_code and all_series[c].years]
    shown = [s for s in (focus, county_s, country_s) if s is not None]
    synthetic = any(any(s.synthetic) for s in shown)
    frame = model.indicator_frame(ctx.engine, registry, indicator.key)
    load_date = model.frame_load_date(ctx.engine, frame[frame["region_code"].isin([s.code for s in shown])]) if not frame.empty else None
    title = indicator.title.get(lang)
    unit = indicator.unit.text(lang)
    who = focus.name if focus else county_s.name
    subtitle = " · ".join((unit, t("trend.subtitle", lang, name=who, county=county_s.name, country=country_s.name)
                           if focus else t("trend.subtitle_county", lang, county=county_s.name, country=country_s.name)))
    stem = "-".join(x for x in (slug(county.key), slug(indicator.key), slug(who), CHART_KINDS["trend"].file_word,
                                _comparison_word(bench)) if x)
    source = source_line(registry, indicator, lang, engine=ctx.engine)
    # A count's country total is never on the municipalities' axis (its values stay in the table);
    # with no county or municipal values to flatten (a count published only for the country) it is drawn.
    totals = not comparable(indicator) and any(s.years for s in (focus, county_s, *context) if s is not None)
    fig = trend_figure(
        focus=focus, county=county_s, country=None if totals else country_s, context=context, lang=lang,
        title=wrap(title, 64),
        subtitle=subtitle, footer=_footer(source, load_date, synthetic, lang), axis_title=unit,
        labels={"context": t("trend.context", lang, county=county.name.get(lang)),
                "synthetic_legend": t("chart.synthetic_legend", lang)},
        digits=indicator.decimals + 2,
    )
    fig = with_breaks(fig, break_labels(indicator, lang))
    years = sorted({y for s in shown for y in s.years})
    table_rows = []
    for y in years:
        row = {_col("year", lang): y}
        for s in shown:
            if y in s.years:
                i = s.years.index(y)
                row[f"{s.name} ({unit})"] = s.values[i]
                row[f"{s.name}: {_col('shown', lang)}"] = s.texts[i] + (" *" if s.synthetic[i] else "")
                row[f"{s.name}: {t('source.column', lang)}"] = _value_source(
                    registry, indicator, lang, synthetic=s.synthetic[i],
                    citation=s.citations[i] if i < len(s.citations) else None)
            else:
                row[f"{s.name} ({unit})"] = None
                row[f"{s.name}: {_col('shown', lang)}"] = "–"
                row[f"{s.name}: {t('source.column', lang)}"] = ""
        table_rows.append(row)
    summary_parts = []
    for s in shown:
        tr = trend(s.years, s.values, indicator.direction, [b.year for b in indicator.series_breaks])
        vals = [(y, txt) for y, v, txt in zip(s.years, s.values, s.texts) if v is not None]
        if vals:
            summary_parts.append(t("summary.trend", lang, name=s.name, first_year=vals[0][0], first=vals[0][1],
                                   last_year=vals[-1][0], last=vals[-1][1], trend=t(f"trend.{tr.key}", lang)))
    if totals and country_s.years:
        summary_parts.append(t("classes.count_trend", lang, country=country_s.name))
    alt = alttext.series_alt("trend", indicator, shown, [all_series[c] for c in munis], title=title, unit=unit,
                             place=county.name.get(lang), source=source, lang=lang, synthetic=synthetic)
    return ChartData(
        kind="trend", figure=fig, table=pd.DataFrame(table_rows), title=title, subtitle=subtitle, unit=unit,
        source=source, data_date=load_date or "", synthetic=synthetic, filename_stem=stem,
        summary=" ".join(summary_parts) or _no_values(None, lang), alt_short=alt.short, alt_long=alt.long,
        extra={"focus": focus_code, "years": years, "breaks": break_labels(indicator, lang),
               "comparison": [county_s.name, country_s.name],
               "display_columns": [_col("year", lang)] + [f"{s.name}: {_col('shown', lang)}" for s in shown]},
    )


def _status_map(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    template = indicator.source.template
    cells = model.latest_statuses(ctx.engine, registry, template, lang)
    if state.map_mode == "country":  # a county's own status measure: its boundaries
        state = state.replace(map_mode="geo")
    geo = ctx.geo.for_mode(state.map_mode)
    tiles = geo.name == "tiles"
    title = t(f"status.{template}.title", lang)
    place = registry.county.name.get(lang)
    subtitle = " · ".join((t("status.latest", lang), place))
    stem = "-".join((slug(registry.county.key), slug(template), CHART_KINDS["status_map"].file_word))
    synthetic = any(c.synthetic for c in cells)
    entries = model.queries.manual_entries(ctx.engine, template)
    load_date = model.frame_load_date(ctx.engine, entries) if not entries.empty else None
    source = "; ".join((registry.sources.providers["manual"].attribution.get(lang),
                        f"{t('chart.licence', lang)} {registry.sources.providers['manual'].licence}"))

    class _C:  # adapter: the map draws cells with name/text/status
        def __init__(self, sc):
            self.code, self.name, self.synthetic = sc.code, sc.name, sc.synthetic
            self.status = "ok" if sc.status else "missing"
            self.text = _status_label(registry, template, sc.status, lang)
            self.value = None

    adapted = [_C(c) for c in cells]
    choices = [c.code for c in model.template_choices(registry, template)] or list(AGREEMENT_COLORS)
    categorical = [(_status_label(registry, template, code, lang), status_color(code)) for code in choices]
    categorical.append((t("status.no_entry", lang), NO_ENTRY_COLOR))
    fig = map_figure(
        cells=adapted, classification=None, geojson_url=geo.url, labels=ctx.geo.label_points(state.map_mode),
        lang=lang, title=wrap(title, 64), subtitle=subtitle, footer=_footer(source, load_date, synthetic, lang),
        special_labels={}, note_texts={"synthetic": t("chart.synthetic_point", lang)},
        highlight=state.municipality, tiles=tiles, categorical=categorical, bounds=ctx.geo.bounds(state.map_mode),
        cell_colors=[status_color(c.status) if c.status else NO_ENTRY_COLOR for c in cells],
    )
    rows = [{
        _col("region", lang): c.name, _col("code", lang): c.code, _col("status", lang): _status_label(registry, template, c.status, lang),
        _col("period", lang): c.period or "", _col("note", lang): t("table.note_synthetic", lang) if c.synthetic else "",
    } for c in cells]
    frame = pd.DataFrame(rows)
    done = sum(1 for c in cells if c.status in ("signed", "in_force", "renewed", "not_needed"))
    summary = t("summary.status", lang, done=done, total=len(cells))
    alt = alttext.status_alt("status_map", cells, lambda code: _status_label(registry, template, code, lang),
                             title=title, place=place, source=source, lang=lang, synthetic=synthetic)
    return ChartData(
        kind="status_map", figure=fig, table=frame, title=title, subtitle=subtitle, unit=t("status.legend", lang),
        source=source, data_date=load_date or "", synthetic=synthetic, filename_stem=stem, geojson_path=str(geo.path),
        summary=summary, alt_short=alt.short, alt_long=alt.long, extra={"cells": cells, "template": template},
    )


def _rounds(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    template = indicator.source.template
    periods, rows = model.status_grid(ctx.engine, registry, template, lang)
    title = t(f"status.{template}.title", lang)
    subtitle = " · ".join((t("status.rounds_subtitle", lang), registry.county.name.get(lang)))
    stem = "-".join((slug(registry.county.key), slug(template), CHART_KINDS["rounds"].file_word))
    entries = model.queries.manual_entries(ctx.engine, template)
    load_date = model.frame_load_date(ctx.engine, entries) if not entries.empty else None
    synthetic = bool(entries["synthetic"].any()) if not entries.empty else False
    source = "; ".join((registry.sources.providers["manual"].attribution.get(lang),
                        f"{t('chart.licence', lang)} {registry.sources.providers['manual'].licence}"))
    label = lambda code: _status_label(registry, template, code, lang)
    fig = rounds_figure(periods=periods, rows=rows, status_label=label, lang=lang, title=wrap(title, 64),
                        subtitle=subtitle, footer=_footer(source, load_date, synthetic, lang),
                        no_entry=t("status.no_entry", lang))
    table_rows = []
    for code, name, cells in rows:
        row = {_col("region", lang): name, _col("code", lang): code}
        for p in periods:
            cell = cells.get(p)
            row[p] = label(cell.status) if cell else t("status.no_entry", lang)
        table_rows.append(row)
    submitted = {p: sum(1 for _, _, cells in rows if cells.get(p) and cells[p].status in ("submitted", "submitted_late"))
                 for p in periods}
    summary = " ".join(t("summary.round", lang, period=p, done=n, total=len(rows)) for p, n in submitted.items()) \
        or _no_values(None, lang)
    alt = alttext.rounds_alt("rounds", periods, rows, label, lambda cell: cell.status in ("submitted", "submitted_late"),
                             title=title, place=registry.county.name.get(lang), source=source, lang=lang,
                             synthetic=synthetic)
    return ChartData(
        kind="rounds", figure=fig, table=pd.DataFrame(table_rows), title=title, subtitle=subtitle,
        unit=t("status.legend", lang), source=source, data_date=load_date or "", synthetic=synthetic,
        filename_stem=stem, summary=summary, alt_short=alt.short, alt_long=alt.long, extra={"periods": periods, "rows": rows, "template": template},
    )


def _table(state, ctx, indicator, lang) -> ChartData:
    """Every municipality, the county region and the country by year (indicator page)."""
    registry = ctx.registry
    county = registry.county
    base = _trend(state.replace(municipality=None), ctx, indicator, lang)
    codes = [m.code for m in model.municipalities_sorted(registry, lang)] + [county.region.code, county.country.code]
    all_series = model.series(ctx.engine, registry, indicator.key, codes, lang)
    years = sorted({y for s in all_series for y in s.years})
    rows = []
    for s in all_series:
        row = {_col("region", lang): s.name, _col("code", lang): s.code}
        for y in years:
            if y in s.years:
                i = s.years.index(y)
                row[str(y)] = s.texts[i] + (" *" if s.synthetic[i] else "")
            else:
                row[str(y)] = "–"
        rows.append(row)
    stem = "-".join((slug(county.key), slug(indicator.key), CHART_KINDS["table"].file_word))
    by_code = {s.code: s for s in all_series}
    ref = model.reference_code(registry, indicator, lambda code: bool(by_code.get(code) and by_code[code].years))
    shown = [by_code.get(ref) or model.series(ctx.engine, registry, indicator.key, [ref], lang)[0],
             by_code[county.country.code]]
    alt = alttext.series_alt("table", indicator, shown, [by_code[c] for c in county.municipality_codes],
                             title=base.title, unit=base.unit, place=county.name.get(lang), source=base.source, lang=lang,
                             synthetic=base.synthetic)
    return ChartData(
        kind="table", figure=base.figure, table=pd.DataFrame(rows), title=base.title, subtitle=base.subtitle,
        unit=base.unit, source=base.source, data_date=base.data_date, synthetic=base.synthetic or any(
            any(s.synthetic) for s in all_series), filename_stem=stem, summary=base.summary,
        alt_short=alt.short, alt_long=alt.long,
        extra={"years": years, "breaks": base.extra.get("breaks", [])},
    )


# --- the registry of chart kinds --------------------------------------------------------------


@dataclass(frozen=True)
class ChartKind:
    """One kind of chart: its builder, the Finnish word in its file names, and where it is shown.

    ``rule``: the manual-measure rule an indicator must have for this kind (None: any statistic);
    ``geometry``: the chart depends on the map geometry (cache key); ``pages``: "explorer" (the
    area page's linked map, bar and trend), "area" (an area page's own section), "indicator".
    A new kind is one builder and one entry here; the export routes and menus iterate it."""

    key: str
    build: Callable
    file_word: str
    pages: tuple[str, ...]
    rule: str | None = None
    geometry: bool = False


CHART_KINDS = {k.key: k for k in (
    ChartKind("map", _map, "kartta", ("explorer",), geometry=True),
    ChartKind("bar", _bar, "vertailu", ("explorer",)),
    ChartKind("trend", _trend, "kehitys", ("explorer", "indicator")),
    ChartKind("status_map", _status_map, "tilanne", ("area",), rule="status", geometry=True),
    ChartKind("rounds", _rounds, "kierrokset", ("area",), rule="rounds"),
    ChartKind("table", _table, "kunnat", ("indicator",)),
)}
KINDS = tuple(CHART_KINDS)
#: The explorer's charts in page order (the area page's map, bar and trend).
EXPLORER_KINDS = tuple(k for k, spec in CHART_KINDS.items() if "explorer" in spec.pages)


def build_chart(kind: str, state: ViewState, engine=None) -> ChartData:
    """The chart ``kind`` for a validated view state (see :func:`dashboard.core.state.validate_state`).

    Raises :class:`InvalidState` when the kind does not fit the indicator (e.g. ``rounds`` for a
    statistic) — never a KeyError deep inside.
    """
    if kind not in CHART_KINDS:
        raise InvalidState("kind", "invalid_kind", kind)
    ctx = current_context(engine=engine)
    registry = ctx.registry
    key = state.indicator or default_indicator(registry, state.page)
    if key not in registry.indicators:
        raise InvalidState("indicator", "invalid_indicator", key)
    try:  # the variant the view shows (``jako``): one sex, or the indicator of an age group
        indicator = model.series_indicator(registry, model.breakdown_key(registry, key, state.breakdown))
    except KeyError as exc:
        raise InvalidState("breakdown", "invalid_breakdown", state.breakdown) from exc
    rule = manual_rule(registry, indicator)
    if CHART_KINDS[kind].rule is not None and rule != CHART_KINDS[kind].rule:
        raise InvalidState("kind", "kind_not_for_indicator", kind)
    lang = state.lang if state.lang in ("fi", "sv", "en") else "fi"
    # Charts are pure functions of the view state and the data: built once per data version
    # (the screen, the explorer and the export routes share them). Shared and read-only.
    geo_version = ctx.geo.for_mode(state.map_mode).version if CHART_KINDS[kind].geometry else None
    # The trend does not depend on the year or the map type: one entry serves them all.
    keyed = state.replace(indicator=key, **({"year": None, "map_mode": "geo"} if kind == "trend" else {}))
    return model.queries.memo(
        ctx.engine, "chart", (model.registry_key(registry), str(ctx.geo_dir), geo_version, kind, keyed),
        lambda: _pinned_build(kind, state, ctx, indicator, lang))


def _pinned_build(kind: str, state: ViewState, ctx, indicator, lang: str) -> ChartData:
    """A pinned view (``tilanne``) reads the values of its moment; the chart records it for exports."""
    with pin.pinned(state.as_of):
        chart = _build(kind, state, ctx, indicator, lang)
    if state.as_of:
        chart.extra["as_of"] = state.as_of
    chart.extra["about"] = about(ctx.registry, indicator, chart, lang)
    chart.extra["selection"] = selection(ctx.registry, kind, state, chart, lang)
    return chart


def _period(chart) -> str:
    """The years (or half-years) the chart shows: "2020" or "2010–2023"."""
    extra = chart.extra
    if extra.get("periods"):
        ps = list(extra["periods"])
        return ps[0] if len(ps) == 1 else f"{ps[0]}–{ps[-1]}"
    if extra.get("year") is not None and chart.kind in ("map", "bar"):
        return str(extra["year"])
    years = [y for y in extra.get("years") or [] if y is not None]
    if not years:
        return ""
    return str(min(years)) if min(years) == max(years) else f"{min(years)}–{max(years)}"


def about(registry, indicator, chart, lang: str) -> dict:
    """What an export's notes tell about the data (the XLSX notes sheet, the CSV's column
    description): the indicator's definition, the provider's name and licence, the period shown
    and the series breaks, all in the view's language."""
    provider = registry.sources.providers[provider_key(indicator)]
    status_title = indicator.is_manual and chart.kind in ("status_map", "rounds")
    return {
        "indicator": indicator.key,
        "name": chart.title if status_title else indicator.title.get(lang),
        "definition": indicator.description.get(lang),
        "caveats": indicator.caveats.get(lang) if indicator.caveats else "",
        "source_name": provider.name.get(lang),
        "publisher": provider.publisher.get(lang),
        "licence": provider.licence,
        "licence_url": provider.licence_url,
        "period": _period(chart),
        "breaks": [f"{b.year}: {b.label.get(lang)} – {b.explanation.get(lang)}" for b in indicator.series_breaks],
    }


def selection(registry, kind: str, state: ViewState, chart, lang: str) -> list[tuple[str, str]]:
    """The view's choices an exported image names in words (key, text): the selected municipality,
    the comparison drawn and the year or years, so a picture pasted elsewhere says what was chosen."""
    names = {m.code: m.name.get(lang) for m in registry.county.municipalities}
    out: list[tuple[str, str]] = []
    focus = chart.extra.get("focus") if kind == "trend" else state.municipality if kind in (
        "map", "bar", "status_map") else None  # only the kinds that draw the selected municipality
    if focus in names:
        out.append(("municipality", names[focus]))
    compared = chart.extra.get("comparison") or []  # the reference lines the chart draws
    if len(compared) == 2:
        out.append(("comparison", t("export.selection.and", lang, a=compared[0], b=compared[1])))
    period = _period(chart)
    if period:
        out.append(("periods" if chart.extra.get("periods") else "year" if "–" not in period else "years", period))
    return out


def _build(kind: str, state: ViewState, ctx, indicator, lang: str) -> ChartData:
    chart = CHART_KINDS[kind].build(state, ctx, indicator, lang)
    if state.forum:
        from dashboard.draw.figures.common import scale_fonts

        scale_fonts(chart.figure, FORUM_FONT_SCALE)
        layout = chart.figure.get("layout", {})
        if kind != "map" and isinstance(layout.get("height"), (int, float)):
            layout["height"] = round(layout["height"] * 1.3)
    return chart
