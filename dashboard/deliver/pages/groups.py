"""Working-group pages: the method page (``/menetelma``), Tutkittavaa (``/tutkittavaa``) and Mikä
muuttui (``/mika-muuttui``), plus their Flask routes (the agenda's CSV/XLSX, the Atom feed).

Server-rendered: the agenda's controls are a plain GET form and its sort headers plain links, so
every view is a URL, works without JavaScript and stays under the strict CSP.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import dash
from dash import dcc, html

from dashboard.core.format import number
from dashboard.core.i18n import normalise_lang, t
from dashboard.deliver import agenda
from dashboard.deliver.components import page_href, table_wrap
from dashboard.deliver.pages.base import Built, render
from dashboard.draw.gauges import JUDGEMENT_SYMBOL, METHOD_PATH
from dashboard.judge.compare import SYMBOLS

log = logging.getLogger(__name__)
AGENDA_PATH = "/tutkittavaa"
CHANGES_PATH = "/mika-muuttui"
FEED_PATH = "/mika-muuttui.atom"
AGENDA_EXPORT = "/tutkittavaa/vienti.<fmt>"


# --- method page ------------------------------------------------------------------------------


def build_method(ctx, state, parsed) -> Built:
    lang = state.lang
    sections = []
    for part, items in (("target", 4), ("trend", 3), ("bench", 1), ("homeless", 1)):
        sections.append(html.Section(
            [html.H2(t(f"method.{part}_h", lang), id=f"method-{part}")]
            + [html.P(t(f"method.{part}_{i}", lang)) for i in range(1, items + 1)],
            className="tk-section tk-prose", **{"aria-labelledby": f"method-{part}"}))
    sections.append(html.Section([html.H2(t("similar.title", lang), id="method-similar"), html.P(t("similar.method", lang))],
                                 className="tk-section tk-prose", **{"aria-labelledby": "method-similar"}))
    content = html.Div([html.H1(t("method.title", lang), className="tk-h1"),
                        html.P(t("method.lead", lang), className="tk-lead"), *sections], className="tk-method")
    return Built(content=content, title=t("method.title", lang))


def method_layout(**query):
    return render(page="overview", path=METHOD_PATH, active="", query=query, build=build_method, needs_data=False,
                  default_title_key="method.title")


# --- Tutkittavaa ------------------------------------------------------------------------------


def agenda_params(query: dict, registry, problems: list | None = None) -> dict:
    """The agenda's own URL parameters, each checked against its whitelist; an invalid value falls
    back to the default and is reported in ``problems`` as (parameter, value shown)."""
    areas = [a.key for a in registry.agreement.areas]

    def one(name, allowed, default):
        value = query.get(name)
        if isinstance(value, (list, tuple)):
            value = value[0] if len(value) == 1 else repr(list(value))
        if value is None or value == "":
            return default
        if isinstance(value, str) and value in allowed:
            return value
        if problems is not None:
            problems.append((name, "".join(ch for ch in str(value) if ch.isprintable())[:40]))
        return default

    return {
        "painopiste": one("painopiste", areas, areas[0]),
        "vertailu": one("vertailu", agenda.BENCHMARKS, "maakunta"),
        "nayta": one("nayta", agenda.FILTERS, "kaikki"),
        "jarjestys": one("jarjestys", agenda.SORT_KEYS, "indikaattori"),
        "laskeva": one("laskeva", ("0", "1"), "0"),
    }


def _bench_name(registry, benchmark: str, lang: str) -> str:
    c = registry.county
    return (c.country if benchmark == "koko_maa" else c.region).name.get(lang)


def _agenda_href(state, params: dict, **changes) -> str:
    return page_href(AGENDA_PATH, state, **{**params, **changes})


def _area_slug(registry, key: str) -> str:
    return next(a.slug for a in registry.agreement.areas if a.key == key)


def _form(registry, state, params: dict, lang: str):
    """A GET form: priority area, benchmark, filter; the language and forum mode ride along hidden."""
    areas = [html.Option(a.short.get(lang), value=a.key, selected=a.key == params["painopiste"])
             for a in registry.agreement.areas]
    bench = [html.Option(_bench_name(registry, b, lang), value=b, selected=b == params["vertailu"])
             for b in agenda.BENCHMARKS]
    show = [html.Option(t(f"agenda.filter_{'all' if f == 'kaikki' else 'agenda'}", lang), value=f,
                        selected=f == params["nayta"]) for f in agenda.FILTERS]
    hidden = []
    if lang != "fi":
        hidden.append(dcc.Input(type="hidden", name="kieli", value=lang))
    if state.forum:
        hidden.append(dcc.Input(type="hidden", name="esitys", value="1"))

    def field(idx, label, options, name):
        return html.Div([html.Label(t(label, lang), htmlFor=idx, className="tk-label"),
                         html.Select(options, id=idx, name=name, className="tk-select form-select")],
                        className="tk-control")

    return html.Form([
        field("agenda-area", "agenda.area", areas, "painopiste"),
        field("agenda-benchmark", "agenda.benchmark", bench, "vertailu"),
        field("agenda-filter", "agenda.filter", show, "nayta"),
        *hidden,
        html.Button(t("agenda.apply", lang), type="submit", className="tk-button tk-agenda__apply"),
    ], method="get", action=AGENDA_PATH, className="tk-agenda__form")


def _sort_header(state, params: dict, key: str, label: str, lang: str, numeric: bool = False):
    current = params["jarjestys"] == key
    descending = params["laskeva"] == "1"
    sort = ("descending" if descending else "ascending") if current else "none"
    next_desc = "0" if current and descending else ("1" if current else "0")
    arrow = ("▼" if descending else "▲") if current else "↕"
    link = html.A([label, html.Span(" " + arrow, **{"aria-hidden": "true"})],
                  href=_agenda_href(state, params, jarjestys=key, laskeva=next_desc),
                  title=t("agenda.sort_by", lang, column=label))
    return html.Th(link, scope="col", className="is-num" if numeric else None, **{"aria-sort": sort})


def _verdict_cell(verdict: str, lang: str, bench_name: str):
    if verdict == "benchmark":
        return html.Span(t("agenda.is_benchmark", lang), className="tk-muted")
    return html.Span([html.Span(SYMBOLS.get(verdict, "–"), **{"aria-hidden": "true"}), " ", t(f"compare.{verdict}", lang)],
                     className=f"tk-v tk-v--{verdict}")


def _trend_cell(trend: str, lang: str):
    return html.Span([html.Span(JUDGEMENT_SYMBOL[trend], **{"aria-hidden": "true"}), " ", t(f"progress.trend.{trend}", lang)],
                     className=f"tk-v tk-v--{trend}")


def build_agenda(ctx, state, parsed, query: dict | None = None) -> Built:
    registry = ctx.registry
    lang = state.lang
    problems: list = []
    params = agenda_params(query or {}, registry, problems)
    area = next(a for a in registry.agreement.areas if a.key == params["painopiste"])
    bench_name = _bench_name(registry, params["vertailu"], lang)
    rows = agenda.agenda_rows(ctx.engine, registry, area.key, params["vertailu"], lang)
    shown = agenda.select_rows(rows, only_agenda=params["nayta"] == "tutkittavaa", sort=params["jarjestys"],
                               descending=params["laskeva"] == "1")
    slug = _area_slug(registry, area.key)
    labels = {k: t(f"agenda.col_{k}", lang) for k in ("region", "year", "value", "compare", "trend")}
    body = []
    for r in shown:
        view = page_href(f"/{slug}", state, indikaattori=r.indicator, kunta=r.region, vuosi=r.year)
        cls = "is-agenda" if r.on_agenda else None
        body.append(html.Tr([
            html.Th(html.A([r.indicator_title, html.Span(" " + r.unit, className="tk-unit")], href=view), scope="row"),
            html.Td(html.A(r.region_name, href=view), **{"data-label": labels["region"]}),
            html.Td(html.A(str(r.year), href=view), className="is-num", **{"data-label": labels["year"]}),
            html.Td(html.A(r.value_text + (" *" if r.synthetic else ""), href=view), className="is-num",
                    **{"data-label": labels["value"]}),
            html.Td(html.A(_verdict_cell(r.verdict, lang, bench_name), href=view), **{"data-label": labels["compare"]}),
            html.Td(html.A(_trend_cell(r.trend, lang), href=view), **{"data-label": labels["trend"]}),
        ], className=cls, **{"data-region": r.region, "data-indicator": r.indicator}))
    caption = t("agenda.caption", lang, area=area.short.get(lang), benchmark=bench_name)
    head = html.Thead(html.Tr([
        _sort_header(state, params, "indikaattori", t("agenda.col_indicator", lang), lang),
        _sort_header(state, params, "alue", t("agenda.col_region", lang), lang),
        html.Th(t("agenda.col_year", lang), scope="col", className="is-num"),
        _sort_header(state, params, "arvo", t("agenda.col_value", lang), lang, numeric=True),
        _sort_header(state, params, "vertailu", t("agenda.col_compare", lang), lang),
        _sort_header(state, params, "suunta", t("agenda.col_trend", lang), lang),
    ]))
    table = (table_wrap(html.Table([html.Caption(caption), head, html.Tbody(body)],
                                   className="tk-table tk-agenda__table", id="agenda-table"), lang)
             if shown else html.P(t("agenda.empty", lang), className="tk-hint", id="agenda-empty"))
    exports = html.P([t("agenda.export", lang), ": ",
                      html.A("CSV", href=page_href(f"{AGENDA_PATH}/vienti.csv", state, **params), download=""), " ",
                      html.A("XLSX", href=page_href(f"{AGENDA_PATH}/vienti.xlsx", state, **params), download="")
    ] + [" · ", html.A(t("agenda.method", lang), href=page_href(METHOD_PATH, state))], className="tk-agenda__exports")
    content = html.Div([
        html.H1(t("agenda.title", lang, area=area.short.get(lang)), className="tk-h1"),
        html.P(t("agenda.lead", lang), className="tk-lead"),
        *[html.P(t("agenda.bad_param", lang, name=name, value=value), className="tk-notice tk-notice--warning",
                 role="alert") for name, value in problems],
        _form(registry, state, params, lang),
        html.P(t("agenda.count", lang, n=len(shown)), className="tk-hint", role="status", id="agenda-count"),
        exports,
        table,
    ], className="tk-agenda")
    return Built(content=content, title=t("agenda.title", lang, area=area.short.get(lang)),
                 synthetic=any(r.synthetic for r in shown))


def agenda_layout(**query):
    return render(page="overview", path=AGENDA_PATH, active="agenda", query=query,
                  build=lambda ctx, state, parsed: build_agenda(ctx, state, parsed, query), default_title_key="agenda.nav")


def _sources(registry, area_key: str, lang: str) -> str:
    """The providers of the area's indicators, as the source line of the export."""
    names = []
    for ind in registry.indicators_for_area(area_key):
        provider = registry.sources.providers.get(ind.source.kind)
        name = provider.name.get(lang) if provider is not None else None
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def agenda_chart(ctx, params: dict, lang: str):
    """The agenda as a :class:`dashboard.draw.charts.ChartData` table, exported like every table."""
    from dashboard.draw.charts import ChartData

    registry = ctx.registry
    area = next(a for a in registry.agreement.areas if a.key == params["painopiste"])
    rows = agenda.select_rows(agenda.agenda_rows(ctx.engine, registry, area.key, params["vertailu"], lang),
                              only_agenda=params["nayta"] == "tutkittavaa", sort=params["jarjestys"],
                              descending=params["laskeva"] == "1")
    bench_name = _bench_name(registry, params["vertailu"], lang)
    labels = {"indicator": t("agenda.col_indicator", lang), "unit": t("agenda.col_unit", lang),
              "region": t("agenda.col_region", lang), "year": t("agenda.col_year", lang), "value": t("agenda.col_value", lang),
              "compare": f"{t('agenda.col_compare', lang)}: {bench_name}", "trend": t("agenda.col_trend", lang)}

    def words(kind, code):
        if kind == "compare":
            return t("agenda.is_benchmark", lang) if code == "benchmark" else t(f"compare.{code}", lang)
        return t(f"progress.trend.{code}", lang)

    frame = agenda.as_frame(rows, labels, words)
    title = t("agenda.title", lang, area=area.short.get(lang))
    suffix = "-tutkittavaa" if params["nayta"] == "tutkittavaa" else ""
    return ChartData(kind="table", figure={}, table=frame, title=title,
                     subtitle=t("agenda.caption", lang, area=area.short.get(lang), benchmark=bench_name), unit="",
                     source=_sources(registry, area.key, lang), data_date=date.today().isoformat(),
                     synthetic=any(r.synthetic for r in rows), filename_stem=f"{registry.county.key}-{area.key}-tutkittavaa{suffix}")


# --- Mikä muuttui -----------------------------------------------------------------------------


def parse_since(value, today: date | None = None) -> tuple[date, bool]:
    """``alkaen`` as a date; (30 days ago, False) when missing or not YYYY-MM-DD."""
    today = today or date.today()
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else None
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value), True
        except ValueError:
            return today - timedelta(days=30), False
    return today - timedelta(days=30), True


def build_changes(ctx, state, parsed, query: dict | None = None) -> Built:
    from dashboard.data import changes

    lang = state.lang
    query = query or {}
    since, ok = parse_since(query.get("alkaen"))
    feed = changes.what_changed(ctx.engine, ctx.registry, since, lang)
    notices = [] if ok else [html.P(t("changes.bad_date", lang, value=str(query.get("alkaen"))[:40]),
                                    className="tk-notice tk-notice--warning", role="alert")]
    loads = [html.Li(t("changes.load_item", lang, source=i.source, dataset=i.dataset, rows=i.rows)
                     + f" — {i.when.date().isoformat()}") for i in feed.loads]
    goals = [html.Li(t("changes.goal_item", lang, goal=i.wording, before=i.before, after=i.after)) for i in feed.goals]
    hidden = [dcc.Input(type="hidden", name="kieli", value=lang)] if lang != "fi" else []
    content = html.Div([
        html.H1(t("changes.title", lang), className="tk-h1"),
        html.P(t("changes.lead", lang), className="tk-lead"),
        *notices,
        html.Form([html.Div([html.Label(t("changes.since", lang), htmlFor="changes-since", className="tk-label"),
                             dcc.Input(type="text", id="changes-since", name="alkaen", value=since.isoformat(),
                                       pattern=r"\d{4}-\d{2}-\d{2}", placeholder="2026-11-01", className="form-control",
                                       debounce=True)], className="tk-control"),
                   *hidden, html.Button(t("changes.apply", lang), type="submit", className="tk-button")],
                  method="get", action=CHANGES_PATH, className="tk-agenda__form"),
        html.P(html.A(t("changes.feed", lang), href=page_href(FEED_PATH, state, alkaen=since.isoformat()))),
        html.Section([html.H2(t("changes.loads_h", lang), id="changes-loads"),
                      html.Ul(loads, className="tk-changes__list") if loads else html.P(t("changes.no_loads", lang))],
                     className="tk-section", **{"aria-labelledby": "changes-loads"}),
        html.Section([html.H2(t("changes.goals_h", lang), id="changes-goals"),
                      html.Ul(goals, className="tk-changes__list") if goals else html.P(t("changes.no_goals", lang))],
                     className="tk-section", **{"aria-labelledby": "changes-goals"}),
    ], className="tk-changes")
    return Built(content=content, title=t("changes.title", lang))


def changes_layout(**query):
    return render(page="overview", path=CHANGES_PATH, active="changes", query=query,
                  build=lambda ctx, state, parsed: build_changes(ctx, state, parsed, query), default_title_key="changes.title")


# --- registration -----------------------------------------------------------------------------


def register(registry) -> None:
    dash.register_page("dashboard.deliver.pages.menetelma", path=METHOD_PATH, name="Menetelmä", title="Menetelmä",
                       layout=method_layout, order=35)
    dash.register_page("dashboard.deliver.pages.tutkittavaa", path=AGENDA_PATH, name="Tutkittavaa", title="Tutkittavaa",
                       layout=agenda_layout, order=15)
    dash.register_page("dashboard.deliver.pages.mika_muuttui", path=CHANGES_PATH, name="Mikä muuttui", title="Mikä muuttui",
                       layout=changes_layout, order=16)


def register_routes(server) -> None:
    """The agenda's CSV/XLSX and the Atom feed of what changed."""
    from flask import Response, request

    from dashboard.data.context import current_context
    from dashboard.deliver import export
    from dashboard.deliver.export_routes import content_disposition

    def agenda_export(fmt: str):
        lang = normalise_lang(request.args.get("kieli"))
        if fmt not in ("csv", "xlsx"):
            return Response(t("export.errors.bad_kind", lang, value=fmt[:20]), status=400, mimetype="text/plain")
        ctx = current_context()
        problems: list = []
        params = agenda_params(request.args.to_dict(flat=False), ctx.registry, problems)
        if problems:
            name, value = problems[0]
            return Response(t("agenda.bad_param", lang, name=name, value=value), status=400, mimetype="text/plain")
        chart = agenda_chart(ctx, params, lang)
        resp = Response(export.table_export(chart, fmt, lang), status=200, mimetype=export.MIME[fmt].split(";")[0])
        resp.headers["Content-Type"] = export.MIME[fmt]
        resp.headers["Content-Disposition"] = content_disposition(export.export_filename(chart.filename_stem, fmt))
        resp.headers["X-Content-Type-Options"] = "nosniff"
        return resp

    def atom_feed():
        from dashboard.data import changes

        lang = normalise_lang(request.args.get("kieli"))
        since, _ = parse_since(request.args.get("alkaen"))
        ctx = current_context()
        body = changes.atom(changes.what_changed(ctx.engine, ctx.registry, since, lang), request.url_root, lang)
        return Response(body, status=200, mimetype="application/atom+xml")

    server.add_url_rule(AGENDA_EXPORT, "tutkittavaa_vienti", agenda_export, methods=["GET"])
    server.add_url_rule(FEED_PATH, "mika_muuttui_atom", atom_feed, methods=["GET"])


# --- similar municipalities on the profile ----------------------------------------------------


def similar_section(ctx, code: str, state):
    """The municipality's comparison sets: its sub-region and its similar municipalities with the
    variables they were found by (dashboard.data.similar); nothing when the variables are not loaded."""
    from dashboard.data import model, queries, similar

    lang = state.lang
    registry = ctx.registry
    table, years = queries.memo(ctx.engine, "similar_table", (model.registry_key(registry),),
                                lambda: similar.table_from_db(ctx.engine))
    if code not in table or len(table) < 2:
        return None
    sets = similar.comparison_sets(registry.county, code, table)
    neighbours = similar.nearest(table, code)
    # Neighbours come from the whole country: their names from the region table.
    shown = tuple(dict.fromkeys([code, *sets["subregion"], *(n.code for n in neighbours)]))
    national = {r["code"]: r.get(f"name_{lang}") or r["name_fi"] for r in queries.api_regions(ctx.engine, shown)}

    def name(c):
        return national.get(c) or model.region_name(registry, c, lang)

    def cells(values):
        return [html.Td(number(10 ** values["population_log10"], 0, lang), className="is-num"),
                html.Td(number(values["unemployment_pct"], 1, lang), className="is-num")]

    head = html.Thead(html.Tr([html.Th(t("similar.col_municipality", lang), scope="col"),
                               html.Th(t("similar.col_population", lang, year=years["population_log10"]), scope="col", className="is-num"),
                               html.Th(t("similar.col_unemployment", lang, year=years["unemployment_pct"]), scope="col", className="is-num"),
                               html.Th(t("similar.col_distance", lang), scope="col", className="is-num")]))
    rows = [html.Tr([html.Th(name(code), scope="row"), *cells(table[code]), html.Td("–", className="is-num")],
                    className="is-self")]
    rows += [html.Tr([html.Th(html.A(name(n.code), href=page_href("/kuntaprofiili", state, kunta=n.code))
                              if n.code in registry.county.municipality_codes else name(n.code), scope="row"),
                      *cells(n.values), html.Td(number(n.distance, 2, lang), className="is-num")]) for n in neighbours]
    caption = t("similar.caption", lang, name=name(code))
    sub = ", ".join(name(c) for c in sets["subregion"]) or "–"
    return html.Section([
        html.H2(t("similar.title", lang), id="profile-similar"),
        html.P(t("similar.subregion", lang, names=sub)),
        table_wrap(html.Table([html.Caption(caption), head, html.Tbody(rows)], className="tk-table", id="similar-table"), lang),
        html.P(t("similar.method", lang), className="tk-hint"),
    ], className="tk-section tk-profile__similar", **{"aria-labelledby": "profile-similar"})
