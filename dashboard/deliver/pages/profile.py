"""Kuntaprofiili: every indicator for one municipality, grouped by priority area.

Per indicator: the municipality's latest value, the county region and the whole country in the
same year, better / similar / worse than the county region (blue ▲ / grey ● / orange ▼, always with
the word), and the recent direction. The rules are written out on the page (``compare.rule``,
``trend.rule``) and in :mod:`dashboard.judge.compare`.
"""
from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard.core.i18n import t
from dashboard.core.state import InvalidState, ViewState, check_comparison, check_lang, check_region
from dashboard.data import model
from dashboard.data.context import current_context
from dashboard.deliver.components import page_href, synthetic_banner, table_wrap
from dashboard.deliver.pages.base import Built, render
from dashboard.deliver.pages.groups import similar_section
from dashboard.draw.charts import manual_rule
from dashboard.judge.compare import SYMBOLS, comparable, compare_indicator, trend

log = logging.getLogger(__name__)
MODULE = "dashboard.deliver.pages.profile"


def _value_at(series, year):
    if year in series.years:
        i = series.years.index(year)
        return series.values[i], series.texts[i], series.synthetic[i]
    return None, "–", False


def profile_rows(ctx, code: str, lang: str, forum: bool = False, comparison: str = "maakunta") -> tuple[list, bool]:
    """(sections per area, any synthetic); built once per data version, municipality, language and
    comparison (the components are shared between responses and never modified)."""
    from dashboard.data import queries

    return queries.memo(ctx.engine, "profile", (model.registry_key(ctx.registry), code, lang, forum, comparison),
                        lambda: _profile_rows(ctx, code, lang, forum, comparison))


def _profile_rows(ctx, code: str, lang: str, forum: bool = False, comparison: str = "maakunta") -> tuple[list, bool]:
    from dashboard.data.benchmarks import benchmark

    link_state = ViewState(page="indicator", lang=lang, forum=forum)  # links keep language and forum mode
    registry = ctx.registry
    county = registry.county
    # the columns: the municipality, the benchmark of the chosen comparison (the county region by
    # default), the whole country (the county region when the whole country is the benchmark)
    bench_name = county.region.name.get(lang)
    other_name = county.country.name.get(lang)

    def vs_label() -> str:
        if bench_name == county.region.name.get(lang):
            return t("profile.vs_county", lang)
        return t("table.vs_county", lang, county=bench_name)
    sections, synthetic_any = [], False
    for area in registry.agreement.areas:
        rows, counts = [], {"better": 0, "similar": 0, "worse": 0, "compared": 0}
        for ind in registry.indicators_for_area(area.key):
            if manual_rule(registry, ind) == "status":
                continue
            muni_s, region_s, welfare_s, country_s = model.series(
                ctx.engine, registry, ind.key, [code, county.region.code, county.welfare_area.code, county.country.code], lang)
            has_years = {county.region.code: bool(region_s.years)}
            if model.reference_code(registry, ind, has_years.get) != county.region.code:
                region_s = welfare_s
            bench = benchmark(ctx.engine, registry, ind.key, comparison, code, lang)
            if bench is not None:
                if bench.code == county.country.code:
                    region_s, country_s = bench.series, region_s
                    other_name = county.region.name.get(lang)
                else:
                    region_s = bench.series
                bench_name = bench.name
            known = [(y, st) for y, st in zip(muni_s.years, muni_s.statuses) if st != "missing"]
            region_only = not known
            base = region_s if region_only else muni_s
            base_known = [y for y, st in zip(base.years, base.statuses) if st != "missing"]
            if not base_known:
                continue
            year = base_known[-1]
            m_val, m_txt, m_syn = _value_at(muni_s, year)
            r_val, r_txt, r_syn = _value_at(region_s, year)
            c_val, c_txt, c_syn = _value_at(country_s, year)
            verdict = "none" if region_only else compare_indicator(ind, m_val, r_val)
            if verdict in counts:
                counts[verdict] += 1
            if verdict in ("better", "similar", "worse"):
                counts["compared"] += 1
            tr = trend(base.years, base.values, ind.direction, [b.year for b in ind.series_breaks])
            syn = m_syn or r_syn or c_syn
            synthetic_any = synthetic_any or syn
            star = lambda txt, s: txt + (" *" if s else "")
            label = lambda text: {"data-label": text}  # the column name a phone shows beside the value
            name = model.region_name(registry, code, lang)
            rows.append(html.Tr([
                html.Th([dcc.Link(ind.title.get(lang), href=page_href(f"/indikaattori/{ind.key}", link_state)),
                         html.Span(ind.unit.text(lang), className="tk-unit")], scope="row"),
                html.Td(str(year), className="is-num", **label(t("profile.year", lang))),
                html.Td(t("profile.region_only", lang) if region_only else star(m_txt, m_syn), className="is-num tk-strong",
                        **label(name)),
                html.Td(star(r_txt, r_syn), className="is-num", **label(bench_name)),
                html.Td(star(c_txt, c_syn), className="is-num", **label(other_name)),
                html.Td(_badge(verdict, lang) if comparable(ind) and not region_only else html.Span("–", className="tk-muted"),
                        **label(vs_label())),
                html.Td([html.Span(tr.arrow, className=f"tk-trend tk-trend--{tr.judgement}", **{"aria-hidden": "true"}), " ",
                         t(f"trend.{tr.key}", lang)], **label(t("profile.trend", lang))),
            ]))
        heading_id = f"profile-{area.key}"
        name = model.region_name(registry, code, lang)
        body = [html.H2(area.short.get(lang), id=heading_id)]
        if rows:
            body.append(html.P(t("profile.summary", lang, better=counts["better"], similar=counts["similar"],
                                 worse=counts["worse"], county=bench_name, compared=counts["compared"]),
                               className="tk-profile__summary"))
            body.append(table_wrap(html.Table([
                html.Caption(f"{name}: {area.short.get(lang)}", className="tk-visually-hidden"),
                html.Thead(html.Tr([
                    html.Th(t("profile.indicator", lang), scope="col"), html.Th(t("profile.year", lang), scope="col", className="is-num"),
                    html.Th(name, scope="col", className="is-num"),
                    html.Th(bench_name, scope="col", className="is-num"),
                    html.Th(other_name, scope="col", className="is-num"),
                    html.Th(vs_label(), scope="col"), html.Th(t("profile.trend", lang), scope="col"),
                ])),
                html.Tbody(rows),
            ], className="tk-table tk-table--profile"), lang))
        else:
            body.append(html.P(t("profile.no_indicators", lang), className="tk-hint"))
        sections.append(html.Section(body, className="tk-section tk-profile__area", **{"aria-labelledby": heading_id}))
    return sections, synthetic_any


def _badge(verdict: str, lang: str) -> html.Span:
    return html.Span([html.Span(SYMBOLS[verdict], className="tk-badge__symbol", **{"aria-hidden": "true"}),
                      t(f"compare.{verdict}", lang)], className=f"tk-badge tk-badge--{verdict}")


def _rules(lang: str) -> html.Details:
    return html.Details([html.Summary(t("profile.how", lang)), html.P(t("compare.rule", lang)), html.P(t("trend.rule", lang))],
                        className="tk-details tk-details--plain")


def build(ctx, state: ViewState, parsed) -> Built:
    registry = ctx.registry
    lang = state.lang
    munis = model.municipalities_sorted(registry, lang)
    code = state.municipality if state.municipality in registry.county.municipality_codes else munis[0].code
    sections, synthetic = profile_rows(ctx, code, lang, state.forum, state.comparison)
    content = html.Div([
        html.H1(t("profile.title", lang), className="tk-h1"),
        html.P(t("profile.lead", lang), className="tk-lead"),
        html.Div([
            html.Label(t("profile.choose", lang), htmlFor="profile-municipality", className="tk-label"),
            dbc.Select(id="profile-municipality", options=[{"label": m.name.get(lang), "value": m.code} for m in munis],
                       value=code, class_name="tk-select"),
        ], className="tk-control tk-control--inline"),
        html.Div(comparison_block(ctx, state.replace(municipality=code, page="profile")), id="profile-comparison"),
        _rules(lang),
        html.Div(id="profile-notice", role="status"),
        dcc.Loading(html.Div([*sections, similar_section(ctx, code, state)], id="profile-content"), type="dot",
                    delay_show=400),
    ], className="tk-profile")
    return Built(content=content, title=t("profile.title", lang), synthetic=synthetic,
                 view={"page": "profile", "query": state.replace(municipality=code, page="profile").query()})


def comparison_block(ctx, state) -> list:
    """The comparison picker and its benchmark in words (dashboard/deliver/comparison.py)."""
    from dashboard.deliver import comparison

    return [comparison.picker(ctx.registry, state, "/kuntaprofiili", "profile"), comparison.note(ctx, state, state.municipality)]


def layout(**query):
    return render(page="profile", path="/kuntaprofiili", active="profile", query=query, build=build,
                  default_title_key="profile.title")


def register(registry) -> None:
    dash.register_page(MODULE, path="/kuntaprofiili", name="Kuntaprofiili", title="Kuntaprofiili", layout=layout, order=10)


def register_callbacks(app) -> None:
    @app.callback(
        Output("profile-content", "children"), Output("view-state", "data", allow_duplicate=True),
        Output("tk-banner", "children", allow_duplicate=True), Output("profile-notice", "children"),
        Output("profile-comparison", "children"),
        Input("profile-municipality", "value"), State("page-meta", "data"),
        prevent_initial_call=True,
    )
    def change(code, meta):
        meta = meta if isinstance(meta, dict) else {}
        forum = meta.get("forum") is True
        ctx = current_context()
        # Errors go to the one handler (dashboard.deliver.errors): a notice in profile-notice.
        lang = check_lang(meta.get("lang"))  # an unknown language is a notice, in Finnish
        muni = check_region(code, ctx.registry, municipalities_only=True)
        if muni is None:
            raise InvalidState("municipality", "invalid_region", code)
        comparison = check_comparison(meta.get("comparison"))
        sections, synthetic = profile_rows(ctx, muni, lang, forum, comparison)
        state = ViewState(page="profile", municipality=muni, lang=lang, forum=forum, comparison=comparison)
        return ([*sections, similar_section(ctx, muni, state)],
                {"path": "/kuntaprofiili", "query": state.query(), "push": True, "page": "profile"},
                synthetic_banner(lang) if synthetic else None, None, comparison_block(ctx, state))


__all__ = ["register", "register_callbacks"]
