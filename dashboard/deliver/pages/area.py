"""Priority-area pages (``/<slug>``), one per area of the agreement registry.

The agreement's goal and measures are quoted in its own words; below them the goal gauges, then the
indicator explorer: picker (grouped by measure), year slider (only years with data), map and ranked
bar chart linked by hover and click, the selected municipality's trend against the county region and
the whole country, and a table and download menu with every chart. Manual status measures get
their own views (preparedness agreements as a status map and list, safety situational-picture
rounds as a municipality × half-year grid).

The page carries every view of its explorer indicators, made by the server's chart builders
(``area-data``, dashboard/deliver/explorer.py), so indicator, year and municipality switches are
drawn in the browser with no request: the map at once in the user's event, then map, bar, trend,
legend, texts, tables, links and the URL through the clientside callback ``explorer``
(assets/tilannekuva.js picks the view's entries and applies them). Only a map-type switch (another geometry file) asks the server, which validates every
control value first and answers with the map figure (geometry by URL, never inline). Hover
linking and click selection run in the browser too (assets/tilannekuva.js).
"""
from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, dcc, html, no_update

from dashboard.core.i18n import t
from dashboard.core.state import (
    COMPARISONS,
    InvalidState,
    breakdown_choices,
    check_indicator,
    check_lang,
    check_map_mode,
    check_page,
    check_region,
    check_year,
)
from dashboard.data import model
from dashboard.data.context import current_context
from dashboard.data.goal_data import goal_statuses
from dashboard.deliver import breakdown as breakdown_toggle
from dashboard.deliver import comparison as comparison_picker
from dashboard.deliver import explorer as explorer_data
from dashboard.deliver import parts_view
from dashboard.deliver.alttext_panel import alt_panel
from dashboard.deliver.alttext_panel import register_callbacks as register_alt_callbacks
from dashboard.deliver.components import (
    chart_table,
    details_table,
    figure_block,
    graph,
    keys,
    map_legend,
    page_href,
    source_text,
    table_wrap,
)
from dashboard.deliver.explorer import explorer_indicators, status_indicators, year_marks
from dashboard.deliver.export import MENU
from dashboard.deliver.export_routes import download_links, download_menu
from dashboard.deliver.pages.base import Built, render
from dashboard.draw.charts import EXPLORER_KINDS, build_chart, default_indicator, manual_rule
from dashboard.draw.figures.map import legend_items, screen_figure
from dashboard.draw.figures.status import ROUND_STYLE, status_color
from dashboard.draw.gauges import goal_gauges

log = logging.getLogger(__name__)

MODULE = "dashboard.deliver.pages.area"


# --- options ----------------------------------------------------------------------------------


def measure_text(registry, area_key: str, measure: str, lang: str) -> str:
    """The agreement's own words for a measure of the area (a neutral label for an unknown one)."""
    found = next((m for m in registry.agreement.area(area_key).measures if m.key == measure), None)
    return found.text(lang) if found else t("area.other_measure", lang)


def indicator_options(registry, area_key: str, lang: str) -> list[dict]:
    """Select options: a disabled heading per measure (the agreement's wording), then its indicators."""
    options, current = [], None
    for ind in explorer_indicators(registry, area_key):
        if ind.measure != current:
            current = ind.measure
            heading = measure_text(registry, area_key, ind.measure, lang)
            options.append({"label": f"— {heading} —", "value": f"__group_{ind.measure}", "disabled": True})
        options.append({"label": ind.title.get(lang), "value": ind.key})
    return options


def year_step(years: list[int]) -> int:
    """The slider's step: the years' common interval (1 for yearly data, 2 for a survey every other
    year). Never None: Dash 4's slider then moved 0.05 per arrow key and a keyboard user never
    reached the next year (WCAG 2.1.1)."""
    from functools import reduce
    from math import gcd

    return max(1, reduce(gcd, (b - a for a, b in zip(years, years[1:])), 0))


# --- layout -----------------------------------------------------------------------------------


def _quote(area, registry, lang: str) -> html.Div:
    source = registry.agreement.source.get(lang)
    measures = [m for m in area.measures if m.agreement_measure]
    return html.Div(
        [
            html.Figure(
                [
                    html.Blockquote(html.P(area.goal.get(lang)), className="tk-quote__text", lang="fi" if lang == "fi" else lang),
                    html.Figcaption([t("overview.quote_source", lang, source=""), html.Cite(source)],
                                    className="tk-quote__source"),
                ],
                className="tk-quote",
            ),
            html.Div(
                [
                    html.H2(t("area.measures", lang), className="tk-h3"),
                    html.Ul([html.Li(m.text(lang)) for m in measures], className="tk-measures"),
                    html.P([html.Strong(t("area.responsible", lang) + ": "), area.responsible.get(lang)],
                           className="tk-meta-line"),
                    html.Details([html.Summary(t("area.actions", lang)), html.P(area.actions.get(lang))],
                                 className="tk-details tk-details--plain"),
                    html.P(t("area.translation", lang), className="tk-hint") if lang != "fi" else None,
                ],
                className="tk-area-measures",
            ),
        ],
        className="tk-area-intro",
    )


#: In forum mode the arrow keys (and a clicker's PageUp/PageDown) press the step buttons.
FORUM_KEYS = {"area-prev-ind": "ArrowUp PageUp", "area-next-ind": "ArrowDown PageDown",
              "area-prev-year": "ArrowLeft", "area-next-year": "ArrowRight"}


def _controls(registry, area_key: str, state, years: list[int], year: int | None, indicator: str, modes: list[str]):
    lang = state.lang
    munis = model.municipalities_sorted(registry, lang)
    return html.Div(
        [
            html.Div(
                [
                    html.Label(t("controls.indicator", lang), htmlFor="area-indicator", className="tk-label"),
                    html.Div(
                        [
                            html.Button("↑", id="area-prev-ind", className="tk-step", type="button",
                                        **keys(FORUM_KEYS["area-prev-ind"] if state.forum else None),
                                        title=t("controls.prev_indicator", lang),
                                        **{"aria-label": t("controls.prev_indicator", lang)}),
                            dbc.Select(id="area-indicator", options=indicator_options(registry, area_key, lang),
                                       value=indicator, class_name="tk-select tk-select--wide"),
                            html.Button("↓", id="area-next-ind", className="tk-step", type="button",
                                        **keys(FORUM_KEYS["area-next-ind"] if state.forum else None),
                                        title=t("controls.next_indicator", lang),
                                        **{"aria-label": t("controls.next_indicator", lang)}),
                        ],
                        className="tk-control__row",
                    ),
                    dcc.Link(t("area.indicator_info", lang), id="area-indicator-link",
                             href=page_href(f"/indikaattori/{indicator}", state), className="tk-small-link"),
                ],
                className="tk-control tk-control--indicator",
            ),
            html.Div(
                [
                    html.Div([
                        html.Span(t("controls.year", lang), id="area-year-heading", className="tk-label"),
                        html.Output(str(year or ""), id="area-year-label", className="tk-year-value",
                                    htmlFor="area-year", **{"aria-live": "polite"}),
                    ], className="tk-control__head"),
                    html.Div(
                        [
                            html.Button("←", id="area-prev-year", className="tk-step", type="button",
                                        **keys(FORUM_KEYS["area-prev-year"] if state.forum else None),
                                        title=t("controls.prev_year", lang),
                                        **{"aria-label": t("controls.prev_year", lang)}),
                            html.Div(
                                dcc.Slider(
                                    id="area-year", min=years[0] if years else 0, max=years[-1] if years else 0,
                                    step=year_step(years), marks=year_marks(years), value=year, included=False,
                                    allow_direct_input=False,  # the year is shown beside the heading
                                    updatemode="mouseup", className="tk-slider",
                                ),
                                className="tk-slider-wrap", role="group",
                                **{"aria-labelledby": "area-year-heading", "data-tk-slider-label": "area-year-heading"},
                            ),
                            html.Button("→", id="area-next-year", className="tk-step", type="button",
                                        **keys(FORUM_KEYS["area-next-year"] if state.forum else None),
                                        title=t("controls.next_year", lang),
                                        **{"aria-label": t("controls.next_year", lang)}),
                        ],
                        className="tk-control__row",
                    ),
                ],
                className="tk-control tk-control--year",
            ),
            html.Fieldset(
                [
                    html.Legend(t("controls.map_mode", lang), className="tk-label"),
                    # dbc renders native radio inputs with <label for>: a real radio group inside the
                    # fieldset (Dash 4's dcc.RadioItems nests inputs in role=option, which axe rejects).
                    dbc.RadioItems(
                        id="area-mapmode",
                        options=[{"label": t("controls.map_geo", lang), "value": "geo", "disabled": "geo" not in modes},
                                 {"label": t("controls.map_tiles", lang), "value": "tiles"},
                                 *([{"label": t("country.mode", lang), "value": "country"}] if "country" in modes else [])],
                        value=state.map_mode if state.map_mode in modes else modes[-1],
                        class_name="tk-radios", input_class_name="tk-radio__input", label_class_name="tk-radio__label",
                    ),
                ],
                className="tk-control tk-control--mode",
            ),
            html.Div(
                [
                    html.Label(t("controls.municipality", lang), htmlFor="area-municipality", className="tk-label"),
                    dbc.Select(
                        id="area-municipality",
                        options=[{"label": t("controls.municipality_none", lang), "value": ""}]
                        + [{"label": m.name.get(lang), "value": m.code} for m in munis],
                        value=state.municipality if state.municipality in registry.county.municipality_codes else "",
                        placeholder=t("controls.municipality_none", lang), class_name="tk-select",
                    ),
                    html.Div([
                        html.Button(t("controls.copy_link", lang), id="area-copy-link", type="button",
                                    className="tk-link-button",
                                    **{"data-tk-copy": "area-copy-status", "data-tk-copied": t("controls.link_copied", lang)}),
                        html.Span(id="area-copy-status", className="tk-copy-status", role="status"),
                    ], className="tk-copy"),
                ],
                className="tk-control tk-control--municipality",
            ),
            comparison_picker.picker(registry, state, f"/{registry.agreement.area(area_key).slug}", "area"),
        ],
        className="tk-controls", role="group", **{"aria-label": t("area.explore", lang)},
    )


def _status_sections(ctx, registry, area_key: str, state) -> list:
    """Views of the manual status measures of the area."""
    lang = state.lang
    out = []
    for ind in status_indicators(registry, area_key):
        rule = manual_rule(registry, ind)
        s = state.replace(indicator=ind.key, year=None)  # the latest status / every round: no year of the page
        if rule == "status":
            chart = build_chart("status_map", s, ctx.engine)
            cells = chart.extra["cells"]
            items = [html.Li([
                html.Span(className="tk-swatch", style={"background": status_color(c.status)}, **{"aria-hidden": "true"}),
                html.Strong(c.name + ": "),
                html.Span(chart.table.iloc[i, 2] + (" *" if c.synthetic else "")),
            ], className="tk-status-list__item") for i, c in enumerate(cells)]
            out.append(html.Section(
                [
                    html.H2(t("section.status_map", lang), id=f"status-{ind.key}"),
                    html.P(measure_text(registry, area_key, ind.measure, lang),
                           className="tk-measure-quote"),
                    html.Div([
                        figure_block(graph("area-status-map", chart, lang, class_name="tk-graph--status"), chart,
                                     lang=lang, download=[download_menu("area-status-map", "status_map", s),
                                                          alt_panel("area-status-map", chart, lang)]),
                        html.Div([html.H3(t("status.latest", lang).capitalize(), className="tk-h3"),
                                  html.Ul(items, className="tk-status-list")], className="tk-status-side"),
                    ], className="tk-grid tk-grid--status"),
                    details_table(chart_table(chart, lang), lang),
                ],
                className="tk-section", **{"aria-labelledby": f"status-{ind.key}"},
            ))
        elif rule == "rounds":
            chart = build_chart("rounds", s, ctx.engine)
            out.append(html.Section(
                [
                    html.H2(t("section.rounds", lang), id=f"rounds-{ind.key}"),
                    html.P(measure_text(registry, area_key, ind.measure, lang),
                           className="tk-measure-quote"),
                    html.Div([download_menu("area-rounds", "rounds", s), alt_panel("area-rounds", chart, lang)],
                             className="tk-figure__tools"),
                    rounds_table(chart, lang),
                    html.P(chart.summary, className="tk-figure__caption"),
                    html.P(source_text(chart, lang), className="tk-source"),
                ],
                className="tk-section", **{"aria-labelledby": f"rounds-{ind.key}"},
            ))
    return out


def rounds_table(chart, lang: str) -> html.Div:
    """Municipality × half-year grid: symbol and words in every cell, colour only repeats them."""
    periods = chart.extra["periods"]
    rows = chart.extra["rows"]
    template = chart.extra["template"]
    head = html.Thead(html.Tr([html.Th(t("table.region", lang), scope="col")] + [html.Th(p, scope="col") for p in periods]))
    body = []
    for _code, name, cells in rows:
        tds = []
        for p in periods:
            cell = cells.get(p)
            code = cell.status if cell else None
            symbol, _color = ROUND_STYLE.get(code or "", ("", ""))
            label = t(f"status.{template}.{code}", lang) if code else t("status.no_entry", lang)
            tds.append(html.Td([html.Span(symbol, className="tk-round__symbol", **{"aria-hidden": "true"}),
                                html.Span(label + (" *" if cell and cell.synthetic else ""))],
                               className=f"tk-round tk-round--{code or 'none'}"))
        body.append(html.Tr([html.Th(name, scope="row")] + tds))
    return table_wrap(html.Table([html.Caption(chart.title), head, html.Tbody(body)], className="tk-table tk-rounds"), lang)


def build_area(area_key: str):
    def build(ctx, state, parsed):
        registry = ctx.registry
        lang = state.lang
        area = registry.agreement.area(area_key)
        explorer = explorer_indicators(registry, area_key)
        key = state.indicator if state.indicator in {i.key for i in explorer} else default_indicator(registry, area_key)
        modes = ctx.geo.modes()
        mode = state.map_mode if state.map_mode in modes else modes[-1]
        s = state.replace(indicator=key, map_mode=mode)
        if s.breakdown not in breakdown_choices(registry, key):  # the indicator fell back to the default
            s = s.replace(breakdown=None)
        map_chart = build_chart("map", s, ctx.engine)
        year = map_chart.extra["year"]
        s = s.replace(year=year)
        bar_chart = build_chart("bar", s, ctx.engine)
        trend_chart = build_chart("trend", s, ctx.engine)
        years = map_chart.extra["years"]
        status_sections = _status_sections(ctx, registry, area_key, s)
        parts = parts_view.parts_sections(ctx, registry, area_key, s)
        synthetic = (map_chart.synthetic or trend_chart.synthetic or explorer_data.status_synthetic(ctx, area_key)
                     or (bool(parts) and parts_view.any_synthetic(ctx, registry, area_key, s)))
        view = {"page": area_key, "query": s.query()}
        content = html.Div(
            [
                html.P(t("overview.area_label", lang, number=area.number), className="tk-eyebrow"),
                html.H1(area.title.get(lang), className="tk-h1"),
                html.Div(
                    [
                        _quote(area, registry, lang),
                        html.Section([html.H2(t("area.goals", lang), id="area-goals-h", className="tk-h3"),
                                      goal_gauges(goal_statuses(ctx.engine, registry, lang, area_key), lang)],
                                     className="tk-area-goals", **{"aria-labelledby": "area-goals-h"}),
                    ],
                    className="tk-grid tk-grid--intro",
                ),
                html.Section(
                    [
                        html.H2(t("area.explore", lang), id="explore-h"),
                        html.P(t("forum.help", lang), className="tk-forum-help"),
                        _controls(registry, area_key, s, years, year, key, modes),
                        comparison_picker.note(ctx, s, s.municipality),
                        html.Div(breakdown_toggle.toggle(registry, s, f"/{area.slug}", "area-breakdown"),
                                 id="area-breakdown-wrap"),
                        html.Div(id="area-notice", role="status"),
                        html.P(t("map.tiles_only", lang), className="tk-hint") if "geo" not in modes else None,
                        html.Div(
                            [
                                figure_block(graph("area-map", map_chart, lang, class_name="tk-graph--map", clear_on_unhover=True,
                                                   figure=screen_figure(map_chart.figure)),
                                             map_chart, lang=lang, class_name="tk-figure--map",
                                             legend=map_legend(legend_items(map_chart.figure), lang, "area-map-legend"),
                                             download=[html.Div([download_menu("area-map", "map", s), dcc.Store(id="area-map-vienti-view")], id="area-map-dl"),
                                                       alt_panel("area-map", map_chart, lang, live=True)]),
                                figure_block(graph("area-bar", bar_chart, lang, class_name="tk-graph--bar", clear_on_unhover=True),
                                             bar_chart, lang=lang, class_name="tk-figure--bar",
                                             download=[html.Div([download_menu("area-bar", "bar", s), dcc.Store(id="area-bar-vienti-view")], id="area-bar-dl"),
                                                       alt_panel("area-bar", bar_chart, lang, live=True)]),
                            ],
                            className="tk-grid tk-grid--maps",
                        ),
                        html.P(t("map.hint", lang), className="tk-hint"),
                        # The tables follow the view when opened (dashboard/deliver/alttext_panel.py).
                        html.Div([details_table(chart_table(bar_chart, lang), lang, body_id="area-map-table-body",
                                                panel_id="area-map-table-panel", label=t("area.explore", lang)),
                                  dcc.Store(id="area-map-table-panel-view")],
                                 id="area-map-table"),
                        # Every value of the area's indicators: indicator, year and municipality
                        # switches are drawn in the browser (assets/tilannekuva.js applies them).
                        # (its URL: the browser fetches it once and keeps it, dashboard/deliver/explorer.py)
                        dcc.Store(id="area-data", data=explorer_data.store_url(
                            ctx, area_key, lang, s.comparison, s.municipality,
                            {key: s.breakdown} if s.breakdown else None, s.forum)),
                        # The whole-country map's classes: only when that map type is shown.
                        dcc.Store(id="area-country", data=explorer_data.store_url(
                            ctx, area_key, lang, s.comparison, s.municipality, None, s.forum, country=True)
                            if mode == "country" else None),
                    ],
                    className="tk-section tk-explorer", **{"aria-labelledby": "explore-h"},
                ),
                html.Section(
                    [
                        html.H2(t("section.trend", lang), id="trend-h"),
                        figure_block(graph("area-trend", trend_chart, lang, class_name="tk-graph--trend"), trend_chart,
                                     lang=lang,
                                     download=[html.Div([download_menu("area-trend", "trend", s), dcc.Store(id="area-trend-vienti-view")], id="area-trend-dl"),
                                               alt_panel("area-trend", trend_chart, lang, live=True)]),
                        html.Div([details_table(chart_table(trend_chart, lang), lang, body_id="area-trend-table-body",
                                                panel_id="area-trend-table-panel", label=t("section.trend", lang)),
                                  dcc.Store(id="area-trend-table-panel-view")],
                                 id="area-trend-table"),
                    ],
                    className="tk-section", **{"aria-labelledby": "trend-h"},
                ),
                *parts,
                *status_sections,
            ],
            className=f"tk-area tk-area--{area_key}",
        )
        return Built(content=content, title=area.short.get(lang), view=view, synthetic=synthetic)

    return build


def make_layout(area_key: str, slug: str):
    def layout(**query):
        return render(page=area_key, path=f"/{slug}", active=area_key, query=query, build=build_area(area_key))

    return layout


def register(registry) -> None:
    for area in registry.agreement.areas:
        dash.register_page(
            f"{MODULE}.{area.key}", path=f"/{area.slug}", name=area.short.fi, title=area.short.fi,
            layout=make_layout(area.key, area.slug), order=area.number,
        )


# --- callbacks --------------------------------------------------------------------------------


def update_area(indicator, year, map_mode, municipality, meta, view=None):
    """Pure part of the map-type callback: validate everything, then build the map for the view
    (the breakdown ``jako`` of the view's URL, as the browser last wrote it in ``view``).

    Returns a dict of outputs; raises InvalidState for rejected input (before any query).
    """
    ctx = current_context()
    registry = ctx.registry
    meta = meta if isinstance(meta, dict) else {}
    lang = check_lang(meta.get("lang"))
    area_key = check_page(meta.get("page"), registry)
    if area_key not in {a.key for a in registry.agreement.areas}:
        raise InvalidState("page", "invalid_page", meta.get("page"))
    forum = bool(meta.get("forum")) is True
    key = check_indicator(indicator, registry, area_key) or default_indicator(registry, area_key)
    explorer = [i.key for i in explorer_indicators(registry, area_key)]
    if key not in explorer:
        raise InvalidState("indicator", "indicator_not_in_area", key)
    mode = check_map_mode(map_mode)
    muni = check_region(municipality, registry, municipalities_only=True)
    years = ctx.years_for(key)
    year = check_year(year, years if years else None)
    modes = ctx.geo.modes()
    mode = mode if mode in modes else modes[-1]
    from dashboard.core.state import ViewState, check_as_of, check_breakdown, check_comparison

    query = view.get("query") if isinstance(view, dict) and isinstance(view.get("query"), dict) else {}
    state = ViewState(page=area_key, indicator=key, year=year, municipality=muni, map_mode=mode, lang=lang, forum=forum,
                      as_of=check_as_of(meta.get("as_of")), comparison=check_comparison(meta.get("comparison")),
                      breakdown=check_breakdown(query.get("jako"), registry, key))
    map_chart = build_chart("map", state, ctx.engine)
    state = state.replace(year=map_chart.extra["year"])
    # The bars take the classes of the map beside them (the whole country's or the county's).
    return {"state": state, "map": map_chart, "bar": build_chart("bar", state, ctx.engine)}


TEXT_PARTS = ("title", "subtitle", "summary", "source")
DOWNLOAD_KEYS = tuple(key for key, _label, _fmt, _size in MENU)
CHARTS = tuple((f"area-{kind}", kind) for kind in EXPLORER_KINDS)
#: The download links' hrefs follow the view (their menus stay in place).
HREF_OUTPUTS = [Output(f"{chart}-vienti-{k}", "href", allow_duplicate=True) for chart, _kind in CHARTS
                for k in DOWNLOAD_KEYS]
#: The comparison picker's links keep the view too (dashboard/deliver/comparison.py).
COMPARISON_OUTPUTS = [Output(f"area-vertailu-{c}", "href") for c in COMPARISONS]
#: What an indicator, year or municipality switch changes: drawn in the browser from the page's
#: store (assets/tilannekuva.js, explorer), no request.
CLIENT_OUTPUTS = [
    Output("area-map", "figure", allow_duplicate=True), Output("area-bar", "figure", allow_duplicate=True),
    Output("area-trend", "figure"),
    *[Output(f"{g}-{part}", "children", allow_duplicate=True) for g, _k in CHARTS for part in TEXT_PARTS],
    Output("area-map-legend", "children"),
    Output("area-year", "min"), Output("area-year", "max"), Output("area-year", "marks"),
    Output("area-year", "value", allow_duplicate=True), Output("area-year-label", "children"),
    Output("area-indicator-link", "href"), Output("area-breakdown-wrap", "children", allow_duplicate=True),
    *HREF_OUTPUTS, *COMPARISON_OUTPUTS,
    Output("view-state", "data", allow_duplicate=True), Output("tk-banner", "children", allow_duplicate=True),
    Output("area-notice", "children", allow_duplicate=True),
]
#: What a map-type switch changes (another geometry file): asked from the server.
MODE_OUTPUTS = [
    Output("area-map", "figure", allow_duplicate=True), Output("area-map-source", "children", allow_duplicate=True),
    *HREF_OUTPUTS, Output("area-breakdown-wrap", "children", allow_duplicate=True),
    Output("view-state", "data", allow_duplicate=True), Output("area-notice", "children", allow_duplicate=True),
    Output("area-country", "data"), Output("area-map-legend", "children", allow_duplicate=True),
    Output("area-map-summary", "children", allow_duplicate=True),
    Output("area-map-subtitle", "children", allow_duplicate=True), Output("area-bar", "figure", allow_duplicate=True),
]


def _mode_outputs(out, lang):
    """The map-type callback's output list for a validated update (see MODE_OUTPUTS)."""
    state, map_chart = out["state"], out["map"]
    page_path = next((f"/{a.slug}" for a in current_context().registry.agreement.areas if a.key == state.page), "/")
    hrefs = [link["href"] for _chart, kind in CHARTS for link in download_links(kind, state)]
    toggle = breakdown_toggle.toggle(current_context().registry, state, page_path, "area-breakdown")
    return [
        screen_figure(map_chart.figure), source_text(map_chart, lang), *hrefs, toggle,
        {"path": page_path, "query": state.query(), "push": True, "page": state.page},
        None,
        explorer_data.store_url(current_context(), state.page, lang, state.comparison, state.municipality, None,
                                state.forum, country=True) if state.map_mode == "country" else no_update,
        map_legend(legend_items(map_chart.figure), lang).children, map_chart.summary, map_chart.subtitle,
        out["bar"].figure,
    ]


def register_callbacks(app) -> None:
    register_alt_callbacks(app)  # the explorer's alt-text panels (dashboard/deliver/alttext_panel.py)
    @app.callback(*MODE_OUTPUTS, Input("area-mapmode", "value"),
                  State("area-indicator", "value"), State("area-year", "value"), State("area-municipality", "value"),
                  State("page-meta", "data"), State("view-state", "data"),
                  prevent_initial_call=True)
    def explorer(map_mode, indicator, year, municipality, meta, view):
        # Errors go to the one handler (dashboard.deliver.errors): a notice in area-notice.
        lang = meta.get("lang") if isinstance(meta, dict) and meta.get("lang") in ("fi", "sv", "en") else "fi"
        return _mode_outputs(update_area(indicator, year, map_mode, municipality, meta, view), lang)

    # Indicator, year and municipality: drawn in the browser from the page's store.
    app.clientside_callback(
        ClientsideFunction("tilannekuva", "explorer"),
        *CLIENT_OUTPUTS,
        Input("area-indicator", "value"), Input("area-year", "value"), Input("area-municipality", "value"),
        State("area-data", "data"), State("area-mapmode", "value"), State("page-meta", "data"),
        State("area-bar", "figure"), State("area-trend", "figure"), State("area-country", "data"),
        prevent_initial_call=True,
    )

    # Click on the map or a bar selects the municipality (runs in the browser).
    app.clientside_callback(
        ClientsideFunction("tilannekuva", "selectMunicipality"),
        Output("area-municipality", "value"),
        Input("area-map", "clickData"), Input("area-bar", "clickData"),
        State("area-municipality", "value"),
        prevent_initial_call=True,
    )
    # Hover on either highlights the same municipality in both (Patch, no server round trip).
    app.clientside_callback(
        ClientsideFunction("tilannekuva", "linkHover"),
        Output("area-map", "figure", allow_duplicate=True), Output("area-bar", "figure", allow_duplicate=True),
        Input("area-map", "hoverData"), Input("area-bar", "hoverData"),
        State("area-municipality", "value"), State("area-bar", "figure"),
        prevent_initial_call=True,
    )
