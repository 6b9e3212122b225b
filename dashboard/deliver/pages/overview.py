"""Etusivu: the four priority areas as cards.

Each card quotes the agreement's goal in its own words (with the agreement as the source), shows
the goal gauges, the headline indicators (latest value for the county region and the whole country
with the year, and the recent direction as an arrow and in words) and the data status of the area
(latest load date, share of synthetic values).
"""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.core.format import date_text, share_text
from dashboard.core.i18n import t
from dashboard.data import model, queries
from dashboard.data.goal_data import goal_statuses
from dashboard.deliver.components import page_href
from dashboard.deliver.meeting import board
from dashboard.deliver.pages.base import Built, render
from dashboard.draw.charts import manual_rule
from dashboard.draw.figures.spark import HEIGHT, SPARK_YEARS, WIDTH, data_uri, spark_svg
from dashboard.draw.gauges import goal_gauges
from dashboard.judge.compare import comparable, trend

MODULE = "dashboard.deliver.pages.overview"


def headline_data(ctx, area_key: str, lang: str) -> list[dict]:
    """The headline indicators of an area: latest county value and year, the country in the same
    year and the recent direction (cached per data version; read-only)."""
    registry = ctx.registry

    def compute() -> list[dict]:
        county = registry.county
        out = []
        for ind in registry.indicators_for_area(area_key):
            if not ind.headline:
                continue
            if manual_rule(registry, ind) in ("status", "rounds"):
                continue  # shown by the goal gauges (status share, rounds per year)
            region_codes = [county.region.code, county.welfare_area.code]
            found = {s.code: s for s in model.series(ctx.engine, registry, ind.key, region_codes, lang)}
            shown = {code: any(st == "ok" for st in s.statuses) for code, s in found.items()}
            ref = model.reference_code(registry, ind, shown.get)
            region_s, country_s = model.series(ctx.engine, registry, ind.key, [ref, county.country.code], lang)
            vals = [(y, v, txt, syn) for y, v, txt, syn in zip(region_s.years, region_s.values, region_s.texts,
                                                               region_s.synthetic) if v is not None]
            if not vals:
                continue
            year, _v, text, syn = vals[-1]
            country_text = next((txt for y, v, txt in zip(country_s.years, country_s.values, country_s.texts)
                                 if y == year and v is not None), None)
            tr = trend(region_s.years, region_s.values, ind.direction, [b.year for b in ind.series_breaks])
            out.append({"key": ind.key, "title": ind.title.get(lang), "text": text, "synthetic": syn, "year": year,
                        "country_text": country_text, "arrow": tr.arrow, "judgement": tr.judgement,
                        "trend_key": tr.key, "spark": _spark(region_s, country_s, year, ind, lang)})
        return out

    return queries.memo(ctx.engine, "headlines", (model.registry_key(registry), area_key, lang), compute)


def _spark(region_s, country_s, latest: int, ind, lang: str) -> dict | None:
    """The recent years of the county (and the country) for a sparkline, and the same in words.
    None for yes/no and status measures (a line between 0 and 1 says nothing) and short series."""
    if ind.unit.kind in ("boolean", "status"):
        return None
    years = list(range(latest - SPARK_YEARS + 1, latest + 1))
    by_year = lambda s: {y: (v, txt) for y, v, txt in zip(s.years, s.values, s.texts) if v is not None}
    region = by_year(region_s)
    # A count of the county beside the country's total on one scale says nothing: county only.
    country = by_year(country_s) if comparable(ind) else {}
    years = [y for y in years if y in region or y in country]
    if len([y for y in years if y in region]) < 2:
        return None
    series = []
    for s, found in ((region_s, region), (country_s, country)):
        shown = [y for y in years if y in found]
        if shown:
            series.append(t("overview.spark_series", lang, name=s.name, start=found[shown[0]][1], end=found[shown[-1]][1]))
    return {
        "years": years,
        "county": [region[y][0] if y in region else None for y in years],
        "country": [country[y][0] if y in country else None for y in years],
        "digits": ind.decimals + 2,
        "text": t("overview.spark", lang, first=years[0], last=years[-1], series="; ".join(series)),
    }


def _spark_cell(h, lang: str) -> list:
    spark = h["spark"]
    if spark is None:
        return []
    # Server-made SVG (dashboard/draw/figures/spark.py): no plotly.js needed for the first view.
    svg = spark_svg(spark["years"], spark["county"], spark["country"], width=WIDTH, height=HEIGHT)
    return [
        # The picture repeats the words beside it: hidden from screen readers, which get the text.
        html.Div(html.Img(src=data_uri(svg), alt="", className="tk-spark__graph", width=WIDTH, height=HEIGHT),
                 className="tk-spark", **{"aria-hidden": "true"}),
        html.Span(spark["text"], className="tk-visually-hidden"),
    ]


def _headline_rows(ctx, area, state) -> tuple[list, bool]:
    lang = state.lang
    rows, synthetic_any = [], False
    for h in headline_data(ctx, area.key, lang):
        synthetic_any = synthetic_any or h["synthetic"]
        rows.append(html.Tr([
            html.Th(dcc.Link(h["title"], href=page_href(f"/{area.slug}", state, indikaattori=h["key"])),
                    scope="row", className="tk-headline__title"),
            html.Td([html.Span(h["text"] + (" *" if h["synthetic"] else ""), className="tk-headline__value"),
                     html.Span(f" ({h['year']})", className="tk-headline__year")], className="is-num"),
            html.Td(h["country_text"] or t("overview.no_value", lang), className="is-num"),
            html.Td([*_spark_cell(h, lang),
                     html.Span(h["arrow"], className=f"tk-trend tk-trend--{h['judgement']}", **{"aria-hidden": "true"}),
                     " ", t(f"trend.{h['trend_key']}", lang)], className="tk-headline__trend"),
        ]))
    return rows, synthetic_any


def area_status(ctx, area_key: str) -> tuple[int, int, str | None]:
    """(synthetic values, all values, latest load date) of an area's indicators (cached)."""
    registry = ctx.registry

    def compute():
        keys = tuple(i.key for i in registry.indicators_for_area(area_key))
        syn, total = queries.synthetic_share(ctx.engine, keys)
        loads = [queries.indicator_runs(ctx.engine, k) for k in keys]
        dates = [d for f in loads if not f.empty for d in f["finished_at"].dropna().astype(str).str[:10]]
        return syn, total, (max(dates) if dates else None)

    return queries.memo(ctx.engine, "area_status", (model.registry_key(registry), area_key), compute)


def _card(ctx, area, state, statuses) -> tuple[html.Article, bool]:
    registry = ctx.registry
    lang = state.lang
    county = registry.county
    rows, synthetic = _headline_rows(ctx, area, state)
    syn, total, latest = area_status(ctx, area.key)
    area_statuses = [s for s in statuses if getattr(s, "area", None) == area.key]
    gauges = goal_gauges(area_statuses, lang)
    heading_id = f"card-{area.key}"
    table = html.Table(
        [
            html.Caption(t("overview.headlines", lang), className="tk-h3"),
            html.Thead(html.Tr([
                html.Th(t("profile.indicator", lang), scope="col"),
                html.Th(county.region.name.get(lang), scope="col", className="is-num"),
                html.Th(county.country.name.get(lang), scope="col", className="is-num"),
                html.Th(t("overview.trend_label", lang, name=county.region.name.get(lang)), scope="col"),
            ])),
            html.Tbody(rows),
        ],
        className="tk-table tk-table--headlines",
    ) if rows else html.P(t("profile.no_indicators", lang), className="tk-hint")
    spark_note = html.P(t("overview.spark_note", lang, county=county.region.name.get(lang),
                          country=county.country.name.get(lang), years=SPARK_YEARS), className="tk-hint tk-spark-note") \
        if any(h["spark"] for h in headline_data(ctx, area.key, lang)) else None
    status_bits = [t("overview.latest_load", lang, date=date_text(latest, lang)) if latest else None,
                   t("overview.synthetic_share", lang, share=share_text(syn, total, lang)) if syn else t("overview.no_synthetic", lang)]
    article = html.Article(
        [
            html.P(t("overview.area_label", lang, number=area.number), className="tk-eyebrow"),
            html.H2(dcc.Link(area.short.get(lang), href=page_href(f"/{area.slug}", state)), id=heading_id, className="tk-card__title"),
            html.Figure(
                [html.Blockquote(html.P(area.goal.get(lang)), className="tk-quote__text"),
                 html.Figcaption([t("overview.quote_source", lang, source=""), html.Cite(registry.agreement.source.get(lang))],
                                 className="tk-quote__source")],
                className="tk-quote tk-quote--card",
            ),
            html.Section([html.H3(t("overview.progress", lang), className="tk-h3"), gauges], className="tk-card__goals"),
            table,
            spark_note,
            html.P([html.Strong(t("overview.data_status", lang) + ": "), " · ".join(b for b in status_bits if b)],
                   className="tk-card__status" + (" has-synthetic" if syn else "")),
            dcc.Link(t("overview.open_area", lang, area=area.short.get(lang)), href=page_href(f"/{area.slug}", state),
                     className="tk-button tk-button--secondary"),
        ],
        className=f"tk-card tk-card--{area.key}", **{"aria-labelledby": heading_id},
    )
    return article, bool(syn) or synthetic


def build(ctx, state, parsed) -> Built:
    """The overview depends only on the data, the language and forum mode: built once per data
    version (the components are shared between responses and never modified)."""
    return queries.memo(ctx.engine, "overview", (model.registry_key(ctx.registry), state.lang, state.forum),
                        lambda: _build(ctx, state))


def _build(ctx, state) -> Built:
    registry = ctx.registry
    lang = state.lang
    if state.forum:  # forum mode opens on the situation board: every goal on one screen
        return Built(content=board.board(ctx, state), title=t("meeting.board.nav", lang),
                     synthetic=board.any_synthetic(ctx, state))
    statuses = goal_statuses(ctx.engine, registry, lang, None)
    cards, synthetic = [], board.any_synthetic(ctx, state)
    for area in registry.agreement.areas:
        card, syn = _card(ctx, area, state, statuses)
        cards.append(card)
        synthetic = synthetic or syn
    agreement = getattr(registry.county.agreement, lang)
    content = html.Div(
        [
            html.H1(f"{t('overview.title', lang)}: {registry.county.name.get(lang)}", className="tk-h1"),
            html.P(t("overview.lead", lang, agreement=agreement), className="tk-lead"),
            board.board(ctx, state, summary=True),
            html.Div(cards, className="tk-cards"),
        ],
        className="tk-overview",
    )
    return Built(content=content, title=t("nav.overview", lang), synthetic=synthetic)


def layout(**query):
    return render(page="overview", path="/", active="overview", query=query, build=build)


def register(registry) -> None:
    dash.register_page(MODULE, path="/", name="Etusivu", title="Etusivu", layout=layout, order=0)
