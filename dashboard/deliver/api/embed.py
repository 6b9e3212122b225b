"""``/upotus/<kind>?<view state>``: one chart for another site's page (an iframe).

The view state is read with :func:`dashboard.core.state.validate_state` (the strict parser the export
routes use) and the chart built by :func:`dashboard.draw.charts.build_chart`, so an embed shows exactly
the values, suppression, title, legend, source and data date of the full view. The page is
server-rendered HTML with the figure as a JSON data block drawn by a static script
(``static/embed.js``, the local plotly bundle: no inline script under the strict CSP) and a text
table that works without JavaScript. It is built once per view and data version, carries an ETag
and answers 304, so embeds are cheap.

Which sites may frame it is configuration: ``TILANNEKUVA_EMBED_ANCESTORS`` (a space- or
comma-separated list of CSP sources) becomes the embed pages' ``frame-ancestors``
(``dashboard/security.py``); every other page keeps ``frame-ancestors 'self'``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from dashboard.core.i18n import normalise_lang, t
from dashboard.data import queries

log = logging.getLogger(__name__)

PREFIX = "/upotus"
STATIC_PREFIX = f"{PREFIX}/static"
PLOTLY_SRC = "/assets/vendor/plotly-tilannekuva.min.js"
CACHE_CONTROL = "public, max-age=300"
#: Height of the iframe the embed code suggests (px).
FRAME_HEIGHT = 600
CONFIG_KEY = "TILANNEKUVA_EMBED_ANCESTORS"
#: A CSP host source (scheme, host with an optional leading wildcard, optional port) or a scheme.
_SOURCE_RE = re.compile(r"^(?:https?://(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?/?|https:|'self'|\*)$", re.IGNORECASE)

bp = Blueprint("upotus", __name__, url_prefix=PREFIX, template_folder="templates",
               static_folder="static", static_url_path="/static")


#: Static files are fingerprinted (``?v=<content hash>``), so browsers keep them for a week
#: instead of asking again on every embed load.
bp.get_send_file_max_age = lambda filename: 7 * 24 * 3600  # type: ignore[method-assign]


def _fingerprint() -> str:
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "static"
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


ASSET_VERSION = _fingerprint()


class EmbedConfigError(ValueError):
    """``TILANNEKUVA_EMBED_ANCESTORS`` holds something that is not a CSP source."""


def frame_ancestors(value: str | None) -> tuple[str, ...]:
    """The configured sites that may frame embeds, validated (a bad entry stops the start)."""
    sources = tuple(s for s in re.split(r"[\s,]+", value or "") if s)
    bad = [s for s in sources if not _SOURCE_RE.match(s)]
    if bad:
        raise EmbedConfigError(
            f"{CONFIG_KEY}: ”{bad[0]}” ei ole sallittu lähde (esim. https://www.hameenlinna.fi, "
            "https://*.forssa.fi tai *)")
    return sources


def is_embed(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


# --- URLs and the menu entry ------------------------------------------------------------------


def _state_params(state) -> dict[str, str]:
    from dashboard.deliver.export_routes import _state_params as params

    return params(state)


def embed_href(kind: str, state) -> str:
    query = urlencode(_state_params(state))
    return f"{PREFIX}/{kind}" + (f"?{query}" if query else "")


def full_view_href(state) -> str:
    """The page the chart comes from, with the same view state."""
    from dashboard.data.context import current_context

    registry = current_context().registry
    if state.page == "indicator" and state.indicator:
        path = f"/indikaattori/{state.indicator}"
    elif state.page == "profile":
        path = "/kuntaprofiili"
    else:
        area = next((a for a in registry.agreement.areas if a.key == state.page), None)
        path = f"/{area.slug}" if area else "/"
    query = urlencode(state.query())
    return path + (f"?{query}" if query else "")


def iframe_code(src: str, title: str, lang: str) -> str:
    """The ``<iframe>`` a site pastes (with a title attribute for screen readers)."""
    from markupsafe import escape

    return (f'<iframe src="{escape(src)}" title="{escape(t("embed.frame_title", lang, title=title))}" '
            f'width="100%" height="{FRAME_HEIGHT}" style="border:0" loading="lazy"></iframe>')


def embed_code(kind: str, state) -> tuple[str, str]:
    """The iframe code of the chart ``kind`` in ``state`` and its static PNG fallback link."""
    from dashboard.draw.charts import build_chart

    lang = normalise_lang(getattr(state, "lang", "fi"))
    try:
        origin = request.host_url
    except RuntimeError:  # outside a request (tests building layouts)
        origin = ""
    try:
        title = build_chart(kind, state).title
    except queries.DataUnavailable:  # no data at hand (a menu built without a database): a general title
        title = t("embed.menu_entry", lang)
    code = iframe_code(origin.rstrip("/") + embed_href(kind, state), title, lang)
    return code, f"/vienti/{kind}.png?" + urlencode({**_state_params(state), "koko": "dia"})


def menu_item(chart_id: str, kind: str, state):
    """The "Upota" entry of a chart's download menu: the iframe code in a read-only text box and a
    static PNG fallback link (``/vienti/<kind>.png``). Plain HTML: no script needed to copy it. In the
    area explorer, whose views change in the browser, an opened menu asks the server for the code
    of the view shown (dashboard/deliver/alttext_panel.py)."""
    from dash import html

    lang = normalise_lang(getattr(state, "lang", "fi"))
    code_id = f"{chart_id}-upotus-koodi"
    code, png = embed_code(kind, state)
    # A plain list item (no nested <details>): the menu's own summary stays its only one.
    return html.Li(
        [
            html.Span(t("embed.menu_entry", lang), className="export-menu__embed-title"),
            html.Label(t("embed.code_label", lang), htmlFor=code_id, className="export-menu__embed-label"),
            html.Textarea(code, id=code_id, readOnly=True, rows=4, className="export-menu__embed-code"),
            html.A(t("embed.image_link", lang), href=png, id=f"{chart_id}-upotus-kuva",
                   className="export-menu__embed-link"),
        ],
        id=f"{chart_id}-upotus",
        className="export-menu__item export-menu__embed",
    )


# --- the page ---------------------------------------------------------------------------------


def _cell(value, decimals: int | None, lang: str) -> str:
    """A table cell as on screen: numbers with the column's decimals (the export's rule), whole
    numbers such as years without a thousands separator."""
    import pandas as pd

    from dashboard.core.format import EN_DASH, number

    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return EN_DASH
    if decimals is None or isinstance(value, bool):
        return str(value)
    return str(round(float(value))) if decimals == 0 else number(float(value), decimals, lang)


def _figure_json(chart, lang: str) -> str:
    from plotly.utils import PlotlyJSONEncoder

    from dashboard.deliver.export import graph_config

    config = {**graph_config(chart, lang), "displayModeBar": False, "responsive": True}
    layout = dict(chart.figure.get("layout") or {})
    layout.pop("width", None)
    layout["autosize"] = True
    text = json.dumps({"data": chart.figure.get("data") or [], "layout": layout, "config": config},
                      cls=PlotlyJSONEncoder, ensure_ascii=False)
    # A JSON data block must not be able to close its <script> element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(kind: str, state) -> str:
    from dashboard.core.format import date_text
    from dashboard.deliver.export import _numeric_columns
    from dashboard.draw.charts import build_chart

    lang = state.lang
    chart = build_chart(kind, state)
    table = chart.table
    header = [str(c) for c in table.columns]
    numeric = _numeric_columns(table)
    rows = [[_cell(v, numeric.get(c), lang) for c, v in zip(table.columns, rec)]
            for rec in table.itertuples(index=False, name=None)]
    years = chart.extra.get("years") or []
    data_year = chart.extra.get("year") or (max(years) if years else None)
    return render_template(
        "embed.html", lang=lang, error=None, title=chart.title, subtitle=chart.subtitle,
        frame_title=t("embed.frame_title", lang, title=chart.title), figure_json=_figure_json(chart, lang),
        alt=chart.alt_short or chart.summary or chart.title, alt_long=chart.alt_long,
        show_description=t("alt.embed_long", lang), synthetic=t("embed.synthetic", lang) if chart.synthetic else "",
        show_table=t("embed.show_table", lang), table_caption=t("embed.table_caption", lang), header=header,
        rows=rows, source=chart.source, data_year_label=t("embed.data_year", lang), data_year=data_year,
        data_date_label=t("embed.data_date", lang), data_date=date_text(chart.data_date, lang) if chart.data_date else "",
        open_full=t("embed.open_full", lang), full_href=full_view_href(state), static_prefix=STATIC_PREFIX,
        plotly_src=PLOTLY_SRC, asset_version=ASSET_VERSION,
    )


def _error_page(message: str, lang: str, status: int) -> Response:
    body = render_template("embed.html", lang=lang, error=message, error_title=t("embed.error_title", lang),
                           frame_title=t("embed.error_title", lang), static_prefix=STATIC_PREFIX, asset_version=ASSET_VERSION,
                           full_href="/", open_full=t("embed.open_full", lang))
    resp = Response(body, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    if status == 503:
        resp.headers["Retry-After"] = "30"
    return resp


@bp.get("/<kind>")
def embed(kind: str):
    from dashboard.core.state import InvalidState, validate_state
    from dashboard.data.context import current_context
    from dashboard.deliver.export_routes import MAX_PARAM_LENGTH, STATE_PARAMS
    from dashboard.draw.charts import KINDS, DataUnavailable

    lang = normalise_lang(request.args.get("kieli"))
    params = request.args.to_dict(flat=False)
    for name, values in params.items():
        if name not in STATE_PARAMS or any(len(v) > MAX_PARAM_LENGTH for v in values):
            return _error_page(t("export.errors.bad_parameter", lang, value=_shown(name)), lang, 400)
    if kind not in KINDS:
        return _error_page(t("errors.invalid_kind", lang, value=_shown(kind)), lang, 404)
    engine = current_context().engine
    try:
        version = queries.data_version(engine)
    except DataUnavailable:
        return _error_page(t("export.errors.data_unavailable", lang), lang, 503)
    raw = f"embed|{queries.version_tag(version)}|{request.path}|{request.query_string.decode('latin-1')}"
    etag = hashlib.sha256(raw.encode()).hexdigest()[:32]
    from dashboard.deliver.api.v1 import client_has

    if client_has(etag):
        resp = Response(status=304)
    else:
        try:
            state = validate_state(params, current_context())
            body = queries.memo(engine, "embed_page", (current_context().registry.county.key, kind, state),
                                lambda: _page(kind, state))
        except InvalidState as exc:
            return _error_page(exc.text(lang), lang, 400)
        except DataUnavailable:
            log.warning("embed %s: database unavailable", kind, exc_info=True)
            return _error_page(t("export.errors.data_unavailable", lang), lang, 503)
        except (LookupError, ValueError, TypeError):
            log.info("embed %s rejected", kind, exc_info=True)
            return _error_page(t("export.errors.build_failed", lang), lang, 400)
        resp = Response(body, mimetype="text/html")
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = CACHE_CONTROL
    return resp


def _shown(value) -> str:
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= 40 else text[:39] + "…"


def register(server) -> None:
    """Mount ``/upotus/`` and read which sites may frame it (``TILANNEKUVA_EMBED_ANCESTORS``)."""
    if CONFIG_KEY not in server.config:
        server.config[CONFIG_KEY] = frame_ancestors(os.environ.get(CONFIG_KEY))
    else:
        value = server.config[CONFIG_KEY]
        server.config[CONFIG_KEY] = frame_ancestors(value if isinstance(value, str) else " ".join(value))
    server.register_blueprint(bp)
