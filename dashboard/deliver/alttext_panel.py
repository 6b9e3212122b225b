"""The explorer's panels that ask the server when opened: the alt-text panel beside each chart's
download menu (the short text and the long description of :mod:`dashboard.draw.alttext`, each
with a copy button), the charts' tables behind "Näytä taulukkona" and the download menu's
iframe code ("Upota").

The area explorer switches indicator, year and municipality in the browser from its store, with
no request. Its panels stay current without putting texts in that store: a text exists per
indicator × year × chart (the trend also per municipality) and language, several hundred
kilobytes for an area, while the whole store is kept small so the page's first view stays fast.
The same holds for the tables (a table per view, half the store's size if carried) and the
embed code (a text per view). So a panel
asks the server only when the user opens it (or when the view changes while it is open): a
clientside glue function (``tilannekuva_panel`` in ``assets/tilannekuva.js``) passes the view of the chart's SVG download link —
which the explorer keeps current — to a server callback, which validates it like a download
(:func:`dashboard.core.state.validate_state`) and answers with the chart's texts or table from
:func:`dashboard.draw.charts.build_chart` (cached per data version). A closed panel costs nothing
and a switch stays request-free. Pages whose views do not change in the browser (the indicator
page, the status sections) get their texts in the page itself.

Copying uses the page's one copy glue (``data-tk-copy`` in ``assets/tilannekuva.js``): a real
``<button>``, so it works from the keyboard.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from dash import ClientsideFunction, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from werkzeug.datastructures import MultiDict

from dashboard.core.i18n import t
from dashboard.core.state import InvalidState, validate_state
from dashboard.data.context import current_context
from dashboard.deliver import export_routes
from dashboard.deliver.components import notice
from dashboard.draw.charts import EXPLORER_KINDS, build_chart

#: The explorer's charts whose panels follow the view in the browser: (chart id, kind).
LIVE = tuple((f"area-{kind}", kind) for kind in EXPLORER_KINDS)
#: The download link whose href carries the chart's current view.
VIEW_LINK = "svg"


def _copy(target: str, status: str, label: str, lang: str) -> html.Button:
    return html.Button(label, type="button", className="alt-panel__copy",
                       **{"data-tk-copy": status, "data-tk-copy-from": target,
                          "data-tk-copied": t("alt.panel.copied", lang)})


def alt_panel(chart_id: str, chart, lang: str, *, live: bool = False) -> html.Details:
    """``<details>`` "Vaihtoehtoinen teksti" with the chart's short and long texts and copy buttons.

    Ids: ``<chart_id>-alt`` (the panel), ``-alt-short`` / ``-alt-long`` (the texts), ``-alt-notice``.
    ``live``: the texts follow the explorer's view (see the module docstring)."""
    short_id, long_id, status_id = f"{chart_id}-alt-short", f"{chart_id}-alt-long", f"{chart_id}-alt-status"
    body = html.Div(
        [
            html.H4(t("alt.panel.short", lang), className="alt-panel__label", id=f"{chart_id}-alt-short-h"),
            html.P(chart.alt_short, id=short_id, className="alt-panel__text",
                   **{"aria-labelledby": f"{chart_id}-alt-short-h"}),
            _copy(short_id, status_id, t("alt.panel.copy_short", lang), lang),
            html.H4(t("alt.panel.long", lang), className="alt-panel__label", id=f"{chart_id}-alt-long-h"),
            html.P(chart.alt_long, id=long_id, className="alt-panel__text alt-panel__text--long",
                   **{"aria-labelledby": f"{chart_id}-alt-long-h"}),
            _copy(long_id, status_id, t("alt.panel.copy_long", lang), lang),
            html.Span(id=status_id, className="alt-panel__status", role="status"),
            html.Div(id=f"{chart_id}-alt-notice"),
            dcc.Store(id=f"{chart_id}-alt-view") if live else None,
        ],
        className="alt-panel__body", role="group", **{"aria-label": t("alt.panel.label", lang)},
    )
    return html.Details(
        [html.Summary(t("alt.panel.summary", lang), id=f"{chart_id}-alt-open", className="alt-panel__summary"), body],
        id=f"{chart_id}-alt", className="alt-panel",
    )


def state_for(kind: str, href: str):
    """The view of the chart ``kind``'s download link ``href``.

    The link is read exactly as the download route reads it (whitelisted parameters, strict view
    state); anything else raises :class:`InvalidState` or ``export_routes.BadRequest``."""
    if not isinstance(href, str):
        raise InvalidState("kind", "invalid_kind", href)
    parts = urlsplit(href)
    expected = f"{export_routes.ROUTE_PREFIX}/{kind}.{VIEW_LINK}"
    if parts.path != expected:
        raise InvalidState("kind", "invalid_kind", parts.path[:40])
    _kind, _fmt, _preset, params = export_routes.parse_request(f"{kind}.{VIEW_LINK}",
                                                               MultiDict(parse_qsl(parts.query, keep_blank_values=True)))
    return validate_state(params, current_context())


def texts_for(kind: str, href: str) -> tuple[str, str]:
    """The short and long text of the chart ``kind`` in the view of its download link ``href``."""
    chart = build_chart(kind, state_for(kind, href))
    return chart.alt_short, chart.alt_long


#: The explorer's tables that follow the view: (panel id, id of the table's place, chart id, kind).
LIVE_TABLES = (("area-map-table-panel", "area-map-table-body", "area-bar", "bar"),
               ("area-trend-table-panel", "area-trend-table-body", "area-trend", "trend"))


def _glue(app, panel: str, chart_id: str) -> None:
    """Glue only: hands the link's view on when the panel is opened or is open (assets/tilannekuva.js)."""
    app.clientside_callback(
        ClientsideFunction("tilannekuva_panel", "request"),
        Output(f"{panel}-view", "data"),
        Input(f"{panel}-open", "n_clicks"), Input(f"{chart_id}-vienti-{VIEW_LINK}", "href"),
        State(panel, "id"),
        prevent_initial_call=True,
    )


def register_callbacks(app) -> None:
    for chart_id, kind in LIVE:
        _glue(app, f"{chart_id}-alt", chart_id)

        def update(href, _meta, kind=kind):
            # Errors go to the one handler (dashboard.deliver.errors): a notice in <id>-alt-notice.
            try:
                short, long = texts_for(kind, href)
            except export_routes.BadRequest as exc:  # its message is Finnish and safe to show
                return no_update, no_update, notice(str(exc), "warning")
            return short, long, None

        app.callback(
            Output(f"{chart_id}-alt-short", "children"), Output(f"{chart_id}-alt-long", "children"),
            Output(f"{chart_id}-alt-notice", "children"),
            Input(f"{chart_id}-alt-view", "data"), State("page-meta", "data"),
            prevent_initial_call=True,
        )(update)
    for panel, body, chart_id, kind in LIVE_TABLES:
        _glue(app, panel, chart_id)

        def table(href, kind=kind):
            from dashboard.deliver.components import chart_table

            if not isinstance(href, str):  # no view to show: a request the page never sends
                raise PreventUpdate
            try:
                state = state_for(kind, href)
            except export_routes.BadRequest:  # a link the page made: the table shown stays
                return no_update
            return chart_table(build_chart(kind, state), state.lang)  # in the view's own language

        app.callback(Output(body, "children"), Input(f"{panel}-view", "data"), prevent_initial_call=True)(table)
    for chart_id, kind in LIVE:  # the download menu's "Upota": the iframe code of the view shown
        _glue(app, f"{chart_id}-vienti", chart_id)

        def embed(href, kind=kind):
            from dashboard.deliver.api.embed import embed_code

            if not isinstance(href, str):  # no view to word: a request the page never sends
                raise PreventUpdate
            try:
                return list(embed_code(kind, state_for(kind, href)))
            except export_routes.BadRequest:  # a link the page made: the code shown stays
                return no_update, no_update

        app.callback(Output(f"{chart_id}-upotus-koodi", "value"), Output(f"{chart_id}-upotus-kuva", "href"),
                     Input(f"{chart_id}-vienti-view", "data"), prevent_initial_call=True)(embed)
