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
from dashboard.draw.figures.bar import bar_figure
from dashboard.draw.figures.common import footer_text, wrap
from dashboard.draw.figures.map import map_figure
from dashboard.draw.figures.status import AGREEMENT_COLORS, NO_ENTRY_COLOR, rounds_figure, status_color
from dashboard.draw.figures.trend import trend_figure
from dashboard.judge.compare import compare_indicator, trend

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


def _base(kind: str, state: ViewState, registry, indicator, year, lang: str):
    county = registry.county
    title = indicator.title.get(lang)
    unit = indicator.unit.text(lang)
    place = county.name.get(lang)
    subtitle = " · ".join(x for x in (unit, str(year) if year else "", place) if x)
    # a sex variant's file name says it in Finnish, like the rest of the name (…-tyottomat-pct-naiset-…)
    key_words = slug(indicator.base_key) + (f"-{slug(t(f'breakdown.{indicator.variant}', 'fi'))}" if indicator.variant else "")
    stem = "-".join(x for x in (slug(county.key), key_words, str(year) if year else "",
                                CHART_KINDS[kind].file_word) if x)
    return title, subtitle, unit, stem


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


def _map(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    iy = model.indicator_year(ctx.engine, registry, indicator.key, state.year, lang)
    geo = ctx.geo.for_mode(state.map_mode)
    tiles = geo.name == "tiles"
    title, subtitle, unit, stem = _base("map", state, registry, indicator, iy.year, lang)
    source = source_line(registry, indicator, lang, with_boundaries=not tiles, engine=ctx.engine)
    fig = map_figure(
        cells=iy.municipalities, classification=iy.classification, geojson_url=geo.url,
        labels=ctx.geo.label_points(state.map_mode), lang=lang, title=wrap(title, 64), subtitle=subtitle,
        footer=_footer(source, iy.load_date, iy.synthetic, lang),
        special_labels=special_labels(indicator, lang),
        note_texts={"synthetic": t("chart.synthetic_point", lang)},
        highlight=state.municipality, tiles=tiles, height=760 if state.forum else 560,
        bounds=ctx.geo.bounds(state.map_mode),
    )
    value_col = _col("value", lang, unit=unit)
    rows = []
    for c in iy.municipalities:
        idx = iy.classification.index(c.value) if c.shown else None
        rows.append({
            _col("region", lang): c.name, _col("code", lang): c.code, _col("year", lang): iy.year,
            value_col: c.value, _col("shown", lang): c.text,
            _col("class", lang): iy.classification.bins[idx].label if idx is not None else c.text,
            _col("note", lang): _note(c, lang),
            t("source.column", lang): _value_source(registry, indicator, lang, synthetic=c.synthetic, citation=c.citation)
            if c.status != "missing" else "",
        })
    summary = _summary_values(iy, lang)
    return ChartData(
        kind="map", figure=fig, table=pd.DataFrame(rows), title=title, subtitle=subtitle, unit=unit, source=source,
        data_date=iy.load_date or "", synthetic=iy.synthetic, filename_stem=stem, geojson_path=str(geo.path),
        summary=summary,
        extra={"years": iy.years, "year": iy.year, "indicator": indicator.key, "mode": "tiles" if tiles else "geo",
               "display_columns": [_col("region", lang), _col("shown", lang), _col("class", lang), _col("note", lang)],
               "codes": [c.code for c in iy.municipalities],
               "legend": [(b.label, b.color) for b in iy.classification.bins]},
    )


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


def _summary_ranking(ranked, iy, lang) -> str:
    shown = [c for c in ranked if c.shown]
    if not shown:
        return _no_values(iy.year, lang)
    order = ", ".join(f"{c.name} {c.text}" for c in shown)
    text = t("summary.ranking", lang, year=iy.year, order=order)
    if iy.county.shown:
        text += " " + t("summary.reference", lang, name=iy.county.name, value=iy.county.text)
    return text


def _bar(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    iy = model.indicator_year(ctx.engine, registry, indicator.key, state.year, lang)
    title, subtitle, unit, stem = _base("bar", state, registry, indicator, iy.year, lang)
    source = source_line(registry, indicator, lang, engine=ctx.engine)
    ranked = iy.ranked
    from dashboard.draw.figures.map import categories_for

    idx, colors = categories_for(iy.municipalities, iy.classification)
    color_by_code = {c.code: colors[i] for c, i in zip(iy.municipalities, idx)}
    fig = bar_figure(
        ranked=ranked, colors=color_by_code, county=iy.county, country=iy.country, lang=lang,
        title=wrap(title, 60), subtitle=subtitle, footer=_footer(source, iy.load_date, iy.synthetic, lang),
        axis_title=unit, highlight=state.municipality,
        labels={
            "county": iy.county.name, "country": iy.country.name,
            "synthetic": t("chart.synthetic_point", lang), "synthetic_legend": t("chart.synthetic_legend", lang),
            "hidden": t("bar.hidden", lang), "missing": t("bar.missing", lang),
        },
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
    return ChartData(
        kind="bar", figure=fig, table=pd.DataFrame(rows), title=title, subtitle=subtitle, unit=unit, source=source,
        data_date=iy.load_date or "", synthetic=iy.synthetic, filename_stem=stem, summary=_summary_ranking(ranked, iy, lang),
        extra={"codes": [c.code for c in ranked], "year": iy.year, "years": iy.years,
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
    stem = "-".join(x for x in (slug(county.key), slug(indicator.key), slug(who), CHART_KINDS["trend"].file_word) if x)
    source = source_line(registry, indicator, lang, engine=ctx.engine)
    fig = trend_figure(
        focus=focus, county=county_s, country=country_s, context=context, lang=lang, title=wrap(title, 64),
        subtitle=subtitle, footer=_footer(source, load_date, synthetic, lang), axis_title=unit,
        labels={"context": t("trend.context", lang, county=county.name.get(lang)),
                "synthetic_legend": t("chart.synthetic_legend", lang)},
        digits=indicator.decimals + 2,
    )
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
    return ChartData(
        kind="trend", figure=fig, table=pd.DataFrame(table_rows), title=title, subtitle=subtitle, unit=unit,
        source=source, data_date=load_date or "", synthetic=synthetic, filename_stem=stem,
        summary=" ".join(summary_parts) or _no_values(None, lang),
        extra={"focus": focus_code, "years": years, "breaks": break_labels(indicator, lang),
               "display_columns": [_col("year", lang)] + [f"{s.name}: {_col('shown', lang)}" for s in shown]},
    )


def _status_map(state, ctx, indicator, lang) -> ChartData:
    registry = ctx.registry
    template = indicator.source.template
    cells = model.latest_statuses(ctx.engine, registry, template, lang)
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
    return ChartData(
        kind="status_map", figure=fig, table=frame, title=title, subtitle=subtitle, unit=t("status.legend", lang),
        source=source, data_date=load_date or "", synthetic=synthetic, filename_stem=stem, geojson_path=str(geo.path),
        summary=summary, extra={"cells": cells, "template": template},
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
    return ChartData(
        kind="rounds", figure=fig, table=pd.DataFrame(table_rows), title=title, subtitle=subtitle,
        unit=t("status.legend", lang), source=source, data_date=load_date or "", synthetic=synthetic,
        filename_stem=stem, summary=summary, extra={"periods": periods, "rows": rows, "template": template},
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
    return ChartData(
        kind="table", figure=base.figure, table=pd.DataFrame(rows), title=base.title, subtitle=base.subtitle,
        unit=base.unit, source=base.source, data_date=base.data_date, synthetic=base.synthetic or any(
            any(s.synthetic) for s in all_series), filename_stem=stem, summary=base.summary,
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
    return chart


def _build(kind: str, state: ViewState, ctx, indicator, lang: str) -> ChartData:
    chart = CHART_KINDS[kind].build(state, ctx, indicator, lang)
    if state.forum:
        from dashboard.draw.figures.common import scale_fonts

        scale_fonts(chart.figure, FORUM_FONT_SCALE)
        layout = chart.figure.get("layout", {})
        if kind != "map" and isinstance(layout.get("height"), (int, float)):
            layout["height"] = round(layout["height"] * 1.3)
    return chart
