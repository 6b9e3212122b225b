"""Layout building blocks shared by the pages: the page frame (skip link, header with navigation,
language switch and forum toggle, main landmark, footer), accessible data tables, chart blocks,
notices and the empty / error states.

Tables are plain semantic HTML (``caption``, ``th scope``): the accessible alternative to every
chart, readable by screen readers and keyboard users (Dash DataTable is not, dash-table #644).
"""
from __future__ import annotations

import math
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard.core.i18n import LANGS, t
from dashboard.core.state import ViewState
from dashboard.deliver.export import graph_config

#: The presentation clicker's keys (and the arrow keys): what presses "next" and "previous".
NEXT_KEYS = "PageDown ArrowRight ArrowDown Space"
PREV_KEYS = "PageUp ArrowLeft ArrowUp"


def keys(names: str | None) -> dict:
    """The attribute that makes these keys press an element (``assets/tilannekuva.js``: outside form
    fields, without modifiers). Python decides which element answers which key on each page."""
    return {"data-tk-keys": names} if names else {}


#: The attribute of a focus ring: the next and previous keys move the focus along the elements that
#: carry it (in page order), as a presentation clicker does between the board's goals.
RING = {"data-tk-ring": f"{NEXT_KEYS}|{PREV_KEYS}"}


def page_href(path: str, state: ViewState, **params) -> str:
    """A link that keeps the language and forum mode (and optional view parameters)."""
    query = {}
    if state.lang != "fi":
        query["kieli"] = state.lang
    if state.forum:
        query["esitys"] = "1"
    query.update({k: v for k, v in params.items() if v not in (None, "")})
    return path + ("?" + urlencode(query) if query else "")


def _nav(registry, state: ViewState, active: str) -> html.Nav:
    lang = state.lang
    items = [("overview", "/", t("nav.overview", lang))]
    for area in registry.agreement.areas:
        items.append((area.key, f"/{area.slug}", area.short.get(lang)))
    items += [("profile", "/kuntaprofiili", t("nav.profile", lang))]
    links = []
    for key, path, label in items:
        current = key == active
        # dcc.Link takes no aria attributes: the current page is named in hidden text instead.
        text = [label, html.Span(" " + t("nav.current", lang), className="tk-visually-hidden")] if current else label
        links.append(html.Li(
            dcc.Link(text, href=page_href(path, state), className="tk-nav__link" + (" is-current" if current else "")),
            className="tk-nav__item",
        ))
    return html.Nav(html.Ul(links, className="tk-nav__list"), className="tk-nav", **{"aria-label": t("nav.main", lang)})


def _lang_switch(state: ViewState, path: str, query: dict) -> html.Div:
    links = []
    for code in LANGS:
        q = {k: v for k, v in query.items() if k != "kieli"}
        if code != "fi":
            q["kieli"] = code
        href = path + ("?" + urlencode(q) if q else "")
        current = code == state.lang
        links.append(html.Li(html.A(
            t(f"lang.{code}", code), href=href, lang=code, hrefLang=code,
            className="tk-lang__link" + (" is-current" if current else ""),
            # the browser keeps the link on the view shown (assets/tilannekuva.js refreshViewLinks)
            **{"data-tk-param": "kieli", "data-tk-value": "" if code == "fi" else code,
               **({"aria-current": "true"} if current else {})},
        )))
    return html.Div(
        [html.Span(t("lang.label", state.lang), className="tk-visually-hidden", id="tk-lang-label"),
         html.Ul(links, className="tk-lang__list", **{"aria-labelledby": "tk-lang-label"})],
        className="tk-lang",
    )


def _forum_toggle(state: ViewState, path: str, query: dict) -> html.A:
    q = {k: v for k, v in query.items() if k != "esitys"}
    if not state.forum:
        q["esitys"] = "1"
    href = path + ("?" + urlencode(q) if q else "")
    return html.A(
        t("forum.leave" if state.forum else "forum.enter", state.lang), href=href,
        className="tk-forum-toggle" + (" is-on" if state.forum else ""),
        **{"data-tk-param": "esitys", "data-tk-value": "" if state.forum else "1"},
    )


def frame(registry, state: ViewState, *, active: str, path: str, title: str, content, view: dict | None = None,
          synthetic: bool = False, notices: list | None = None) -> html.Div:
    """The whole page around ``content``; ``view`` is the view-state the URL carries."""
    lang = state.lang
    county = registry.county
    query = state.query()
    agreement = county.agreement
    meta = {
        "lang": lang, "forum": state.forum, "page": state.page, "as_of": state.as_of,
        "comparison": state.comparison,
        "title": t("app.page_title", lang, page=title, county=county.name.get(lang)),
    }
    return html.Div(
        [
            dcc.Store(id="page-meta", data=meta),
            dcc.Store(id="view-state", data={"path": path, "query": query, "push": False, **(view or {})}),
            html.A(t("nav.skip", lang), href="#main", className="tk-skip"),
            html.Header(
                [
                    html.Div(
                        [
                            dcc.Link(
                                [html.Span(t("app.name", lang), className="tk-brand__name"),
                                 html.Span(county.name.get(lang), className="tk-brand__county")],
                                href=page_href("/", state), className="tk-brand",
                            ),
                            html.Div([
                                *[dcc.Link(t(label, lang), href=page_href(href, state),
                                           className="tk-header__link" + (" is-current" if active == key else ""))
                                  for key, href, label in (("agenda", "/tutkittavaa", "agenda.nav"),
                                                           ("changes", "/mika-muuttui", "changes.title"))],
                                dcc.Link(t("nav.sources", lang), href=page_href("/tietolahteet", state),
                                         className="tk-header__link" + (" is-current" if active == "sources" else "")),
                                _lang_switch(state, path, query), _forum_toggle(state, path, query),
                            ], className="tk-header__tools"),
                        ],
                        className="tk-header__bar tk-container",
                    ),
                    html.Div(_nav(registry, state, active), className="tk-container"),
                ],
                className="tk-header",
            ),
            html.Main(
                [
                    html.Div(id="tk-banner", children=synthetic_banner(lang) if synthetic else None, role="status"),
                    *([pinned_notice(state, path)] if state.as_of else []),
                    *(notices or []),
                    content,
                ],
                id="main", className="tk-main tk-container", tabIndex="-1",
            ),
            _print_meta(state, path, lang),
            html.Footer(
                html.Div(
                    [
                        html.P(t("footer.data", lang)),
                        html.P(t("footer.agreement", lang, agreement=getattr(agreement, lang), version=agreement.version)),
                        html.Ul([
                            html.Li(dcc.Link(t("footer.sources", lang), href=page_href("/tietolahteet", state))),
                            html.Li(dcc.Link(t("footer.accessibility", lang), href=page_href("/saavutettavuus", state))),
                        ], className="tk-footer__links"),
                    ],
                    className="tk-container",
                ),
                className="tk-footer",
            ),
        ],
        className="tk-page" + (" tk-forum forum" if state.forum else ""),
        lang=lang,
    )


def _print_meta(state: ViewState, path: str, lang: str) -> html.Div:
    """Paper only (assets/print.css): the view's URL, the day it was printed and the sources."""
    from datetime import date

    import flask

    from dashboard.core.format import date_text

    try:
        host = flask.request.host_url.rstrip("/")
    except RuntimeError:  # outside a request
        host = ""
    url = host + path + state.query_string(forum=False)
    return html.Div([html.P(t("print.url", lang, url=url)),
                     html.P(t("print.date", lang, date=date_text(date.today().isoformat(), lang))),
                     html.P(t("footer.data", lang))], className="tk-print-meta", **{"aria-hidden": "true"})


def pinned_notice(state: ViewState, path: str) -> html.Div:
    """A pinned view says so at the top, with a link to the same view with today's values."""
    from dashboard.core.pin import as_of_text

    live = path + state.query_string(as_of=None)
    return html.Div([html.Strong(as_of_text(state.as_of, state.lang)), " ", t("meeting.pin.notice", state.lang), " ",
                     html.A(t("meeting.pin.live", state.lang), href=live, className="tk-pinned__live")],
                    className="tk-notice tk-pinned", role="status")


def synthetic_banner(lang: str) -> html.Div:
    return html.Div(
        [html.Strong(t("banner.synthetic", lang)), " ", html.Span(t("banner.synthetic_detail", lang))],
        className="tk-banner tk-banner--synthetic",
    )


def notice(text: str, kind: str = "info") -> html.Div:
    return html.Div(text, className=f"tk-notice tk-notice--{kind}", role="alert" if kind == "error" else "status")


def invalid_notices(problems, lang: str) -> list:
    if not problems:
        return []
    return [html.Div(
        [html.P(t("notice.invalid", lang)), html.Ul([html.Li(p.text(lang)) for p in problems])],
        className="tk-notice tk-notice--warning", role="status",
    )]


# --- tables -----------------------------------------------------------------------------------


def _cell_text(value, lang: str) -> str:
    from dashboard.core.format import EN_DASH, number

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EN_DASH
    if isinstance(value, float):
        return number(value, 0 if value.is_integer() else 2, lang)
    return str(value)


def data_table(frame: pd.DataFrame, caption: str, lang: str, *, columns: list[str] | None = None,
               row_header: str | None = None, numeric: set[str] | None = None, table_id: str | None = None,
               class_name: str = "") -> html.Table:
    """A semantic table: caption, column headers ``scope=col``, the first column as row header."""
    cols = columns or list(frame.columns)
    if not cols or frame.empty:
        return html.P([html.Strong(caption + ": "), t("table.no_values", lang)], className="tk-hint")
    row_header = row_header or cols[0]
    numeric = numeric or set()
    num = {"className": "is-num"}  # props only where needed: tables are a large part of each update

    def attrs(c):
        return num if c in numeric else {}

    head = html.Thead(html.Tr([html.Th(c, scope="col", **attrs(c)) for c in cols]))
    body_rows = []
    columns_data = [frame[c].tolist() for c in cols]
    for values in zip(*columns_data):
        cells = []
        for c, value in zip(cols, values):
            text = _cell_text(value, lang)
            cells.append(html.Th(text, scope="row", **attrs(c)) if c == row_header else html.Td(text, **attrs(c)))
        body_rows.append(html.Tr(cells))
    attrs = {"id": table_id} if table_id else {}
    return html.Table([html.Caption(caption), head, html.Tbody(body_rows)], className=f"tk-table {class_name}".strip(), **attrs)


def chart_table(chart, lang: str, drop: tuple[str, ...] = ()) -> html.Table:
    """The table of a :class:`ChartData` as shown: the formatted values ("< 5", "0,52 *"), not the raw
    floats and codes that the CSV/XLSX downloads carry as well."""
    frame = chart.table
    cols = chart.extra.get("display_columns") or [c for c in frame.columns if c not in drop]
    cols = [c for c in cols if c in frame.columns]
    shown = t("table.shown", lang)
    numeric = {c for c in cols if c.endswith(shown) or c == t("table.rank", lang)}
    return data_table(frame, chart.title + (f" ({chart.subtitle})" if chart.subtitle else ""), lang, columns=cols,
                      numeric=numeric)


def _caption_text(table) -> str:
    children = getattr(table, "children", None)
    first = children[0] if isinstance(children, list) and children else None
    if isinstance(first, html.Caption):
        return first.children if isinstance(first.children, str) else ""
    if isinstance(first, html.Strong):  # data_table's "no values" paragraph
        return str(first.children).rstrip(": ")
    return ""


def table_wrap(table, lang: str, label: str | None = None, *, body_id: str | None = None) -> html.Div:
    """The box around a table that scrolls sideways when the table is wider than the screen. It
    takes keyboard focus (a named region), so the hidden columns can be scrolled into view without
    a mouse (WCAG 2.1.1; axe ``scrollable-region-focusable``). ``label`` names the region; by
    default the table's caption."""
    name = label or _caption_text(table)
    return html.Div(table, className="tk-table-wrap", tabIndex="0", role="region",
                    **{"aria-label": t("table.region_label", lang, name=name) if name else t("table.region_label_plain", lang)},
                    **({"id": body_id} if body_id else {}))


def details_table(table, lang: str, summary_key: str = "table.show", open_: bool = False,
                  body_id: str | None = None, label: str | None = None, panel_id: str | None = None) -> html.Details:
    """A table behind a "show as a table" disclosure; ``body_id`` names the element around the
    table (a callback can replace the table without touching the disclosure's open state), so a
    table that follows the view needs a ``label`` that holds for every view. ``panel_id``: the
    disclosure's id (its summary is ``<panel_id>-open``: dashboard.deliver.alttext_panel)."""
    body = table_wrap(table, lang, label, body_id=body_id)
    summary = html.Summary(t(summary_key, lang), **({"id": f"{panel_id}-open"} if panel_id else {}))
    return html.Details([summary, body], className="tk-details", open=open_, **({"id": panel_id} if panel_id else {}))


# --- chart blocks -----------------------------------------------------------------------------


def graph(graph_id: str, chart, lang: str, *, class_name: str = "", clear_on_unhover: bool = False,
          figure: dict | None = None) -> dcc.Graph:
    """The chart, as wide as its container and as tall as the figure says (explicit height: a
    responsive graph takes its height from CSS, and a mismatch would clip the source line).
    ``figure``: what the page draws when it differs from the chart's own (the map's screen figure)."""
    figure = chart.figure if figure is None else figure
    height = figure.get("layout", {}).get("height") or 450
    return dcc.Graph(
        id=graph_id, figure=figure, config=graph_config(chart, lang),
        className=f"tk-graph {class_name}".strip(), clear_on_unhover=clear_on_unhover, responsive=True,
        style={"height": f"{height}px"},
    )


def map_legend(items, lang: str, legend_id: str | None = None) -> html.Ul:
    """The map's legend as HTML: a swatch and the class in words per entry (colour is never the
    only cue: the class and the value are also written on the map and in the table)."""
    return html.Ul(
        [html.Li([html.Span(className="tk-legend__swatch", style={"background": color}, **{"aria-hidden": "true"}),
                  html.Span(label, className="tk-legend__label")], className="tk-legend__item")
         for label, color in items],
        className="tk-legend", **({"id": legend_id} if legend_id else {}), **{"aria-label": t("map.legend", lang)},
    )


def figure_block(graph_component, chart, *, lang: str, download=None, table=None, class_name: str = "",
                 heading_level: int = 3, legend=None) -> html.Figure:
    """``<figure>``: title and subtitle (HTML heading), download menu, the chart, a text summary
    and the source line as ``<figcaption>``, and optionally the table. Ids derive from the graph id
    (``<id>-title``, ``<id>-subtitle``, ``<id>-summary``, ``<id>-source``) so callbacks can update them."""
    gid = graph_component.id
    heading = {2: html.H2, 3: html.H3, 4: html.H4}[heading_level]
    return html.Figure(
        [
            html.Div(
                [
                    html.Div([heading(chart.title, id=f"{gid}-title", className="tk-figure__title"),
                              html.P(chart.subtitle, id=f"{gid}-subtitle", className="tk-figure__subtitle")],
                             className="tk-figure__heading"),
                    html.Div(download, className="tk-figure__tools") if download is not None else None,
                ],
                className="tk-figure__head",
            ),
            legend,
            graph_component,
            html.Figcaption(
                [html.P(chart.summary, id=f"{gid}-summary", className="tk-figure__summary"),
                 html.P(source_text(chart, lang), id=f"{gid}-source", className="tk-source")],
                className="tk-figure__caption",
            ),
            html.Div(table, className="tk-figure__table") if table is not None else None,
        ],
        className=f"tk-figure {class_name}".strip(),
        **{"aria-labelledby": f"{gid}-title", "aria-describedby": f"{gid}-summary"},
    )


def source_text(chart, lang: str) -> str:
    from dashboard.core.format import date_text

    parts = [chart.source]
    if chart.data_date:
        parts.append(t("chart.data_date", lang, date=date_text(chart.data_date, lang)))
    if (getattr(chart, "extra", None) or {}).get("as_of"):  # a pinned view (dashboard.core.pin)
        from dashboard.core.pin import as_of_text

        parts.append(as_of_text(chart.extra["as_of"], lang))
    if chart.synthetic:
        parts.append(t("chart.synthetic_note", lang))
    return " · ".join(parts)


# --- states -----------------------------------------------------------------------------------


def empty_state(lang: str, schema: bool = False) -> html.Section:
    """No data (or an old schema): how to load it, in plain words, never a traceback."""
    commands = [("make run", t("empty.make", lang)), ("python -m data_pipeline refresh", t("empty.refresh", lang))]
    if schema:
        commands.insert(0, ("python -m data_pipeline migrate", t("empty.migrate", lang)))
    return html.Section(
        [
            html.H1(t("empty.schema_title" if schema else "empty.title", lang)),
            html.P(t("empty.schema_body" if schema else "empty.body", lang)),
            html.Dl([item for cmd, text in commands for item in (html.Dt(html.Code(cmd)), html.Dd(text))],
                    className="tk-commands"),
            html.P(t("empty.after", lang)),
        ],
        className="tk-state tk-state--empty",
    )


def db_error_state(lang: str) -> html.Section:
    return html.Section(
        [html.H1(t("dberror.title", lang)), html.P(t("dberror.body", lang)), html.P(t("dberror.contact", lang))],
        className="tk-state tk-state--error", role="alert",
    )
