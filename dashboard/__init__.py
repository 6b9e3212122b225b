"""Tilannekuva dashboard: the Dash app factory.

``create_app(engine=None, registry=None)`` builds a Dash Pages app around the registries and a
database engine. Everything the browser loads is served by the app itself (no CDN: styles, scripts,
plotly.js, the empty base-map topojson, the geometry); every response carries a strict Content
Security Policy whose script hashes come from ``app.csp_hashes()``.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import dash
import flask
from dash import ClientsideFunction, Input, Output, dcc, html

from dashboard.core import ratelimit, tokens
from dashboard.data import geo
from dashboard.data.context import AppContext, install
from dashboard.deliver import api, collect, errors, pages
from dashboard.deliver import explorer as explorer_data
from dashboard.deliver.export_routes import register_export_routes
from dashboard.deliver.meeting import routes as meeting_routes
from dashboard.deliver.pages.groups import register_routes as register_group_routes
from dashboard.web import edges, httpcache, security

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT_ROOT / "assets"

INDEX = """<!DOCTYPE html>
<html lang="fi">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<div class="tk-scripts">
{%config%}
{%scripts%}
{%renderer%}
</div>
</body>
</html>"""


def create_app(engine=None, registry=None, *, geo_dir: Path | str | None = None) -> dash.Dash:
    """The dashboard app. Defaults: ``DATABASE_URL``'s engine, the ``TILANNEKUVA_COUNTY`` registry,
    geometry from ``TILANNEKUVA_GEO_DIR``."""
    from data_pipeline.settings import get_settings

    settings = get_settings()
    if registry is None:
        from data_pipeline.registry import load_registry

        registry = load_registry()
    if engine is None:
        from data_pipeline.db.engine import get_engine

        engine = get_engine()
    ctx = AppContext(registry=registry, engine=engine, geo_dir=Path(geo_dir) if geo_dir else Path(settings.geo_dir))

    server = flask.Flask("tilannekuva")
    # Flask-Compress reads its MIME list when Dash initialises it: geometry and callback JSON too.
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html", "text/css", "text/plain", "text/csv", "application/javascript", "text/javascript",
        "application/json", "application/geo+json", "image/svg+xml",
    ]
    server.config["COMPRESS_MIN_SIZE"] = 500
    install(server, ctx)

    app = dash.Dash(
        "tilannekuva",
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title=f"Yhteinen tilannekuva – {registry.county.name.fi}",
        update_title=None,
        on_error=errors.callback_error,  # one handler for every server callback
        compress=True,
        serve_locally=True,
        suppress_callback_exceptions=True,
        include_assets_files=True,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "description", "content": f"Yhteinen tilannekuva: {registry.county.agreement.fi}"},
            {"name": "theme-color", "content": tokens.ACCENT},
        ],
        routing_callback_inputs={"_popstate": Input("tk-popstate", "data")},
    )
    app.index_string = INDEX
    # The plotly.js bundle is not one of the scripts every page loads: _localise_index adds it to
    # the pages that draw a chart, and names it for dcc.Graph's lazy load everywhere else.
    app.config.assets_ignore = PLOTLY_BUNDLE_IGNORE
    _localise_index(app, registry)
    # Never call home for version checks or dev-tools assets.
    app.config.update({"show_undo_redo": False})

    pages.register_pages(registry)
    app.layout = html.Div(
        [
            dcc.Store(id="tk-popstate"),
            dash.page_container,
            html.Div(id="tk-sink-meta", hidden=True),
            html.Div(id="tk-sink-url", hidden=True),
        ],
        id="tk-app",
    )
    pages.register_callbacks(app)
    # The document's language, title and forum class follow the page (clientside, assets JS).
    app.clientside_callback(ClientsideFunction("tilannekuva", "applyMeta"),
                            Output("tk-sink-meta", "title"), Input("page-meta", "data"))
    # The URL follows the view state (history.pushState; initial renders replace instead).
    app.clientside_callback(ClientsideFunction("tilannekuva", "syncUrl"),
                            Output("tk-sink-url", "title"), Input("view-state", "data"))

    geo.register_routes(server, lambda: ctx.geo)
    explorer_data.register_routes(server, lambda: ctx)
    security.register(app, ctx)
    edges.register(server)
    httpcache.register(server, ctx)
    ratelimit.init_app(server)
    register_export_routes(server)
    errors.register(server)
    collect.register(server)  # the authenticated collection area /tiedonkeruu
    api.register(server)  # the open data API /api/v1/ and embeds /upotus/
    meeting_routes.register(server)  # meeting sequences /kokous/ and their PDF pre-reads
    register_group_routes(server)  # the agenda's CSV/XLSX, the Atom feed of what changed
    return app


#: Dash's core-js + regenerator bundle; the browsers Dash 4 supports need only the regenerator
#: runtime, which assets/vendor/00-regenerator-runtime.min.js provides (dashboard/bundle/).
#: The custom plotly.js bundle (dashboard/bundle/), served from assets/ but not on every page.
PLOTLY_BUNDLE = "vendor/plotly-tilannekuva.min.js"
PLOTLY_BUNDLE_IGNORE = r"^plotly-tilannekuva\.min\.js$"
_POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\s*')


def _localise_index(app, registry) -> None:
    """Serve the HTML shell with the page's language (``?kieli=``) before any script runs, so the
    document is never announced in the wrong language; the client keeps it in sync afterwards.
    Dash's polyfill bundle is left out when our regenerator runtime is there to replace it, and
    what the renderer needs next is preloaded (first view, benchmarks/bench_first_view.py).

    plotly.js (1.4 MB) is loaded only by the pages that open with a chart; on every other page
    (the overview and the board draw their sparklines as server-made SVG) the bundle's URL is
    named in a ``<meta>`` that assets/00-global-shim.js hands to dcc.Graph, so a chart reached
    later in the session loads our bundle, never Dash's stock one."""
    original = app.interpolate_index
    prefix = app.config.requests_pathname_prefix or "/"
    # Pages that open with a chart: the area pages, the indicator pages and the meeting player
    # (the overview's and the board's sparklines are server-made SVG, dashboard/draw/figures/spark.py).
    chart_pages = (*(f"/{a.slug}" for a in registry.agreement.areas), "/indikaattori/", "/kokous/")
    bundle_file = ASSETS / PLOTLY_BUNDLE
    bundle_url = app.get_asset_url(PLOTLY_BUNDLE) + (
        f"?m={int(bundle_file.stat().st_mtime)}" if bundle_file.is_file() else "")
    bundle_meta = f'<meta name="tk-plotly-bundle" content="{bundle_url}">' if bundle_file.is_file() else ""
    bundle_script = f'<script src="{bundle_url}"></script>' if bundle_file.is_file() else ""
    # What the renderer asks for only after every script has run, the browser fetches while the
    # scripts still load: the layout and callback list (every page), and dcc.Graph's code chunk
    # (pages with charts; Dash requests it once React has rendered a graph).
    preload = [f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}_dash-layout">',
               f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{prefix}_dash-dependencies">']
    graph_chunk = f'<link rel="preload" as="script" href="{prefix}_dash-component-suites/dash/dcc/async-graph.js">'

    def interpolate_index(**kwargs):
        page = original(**kwargs)
        if "00-regenerator-runtime" in kwargs.get("scripts", ""):  # our runtime is served: no polyfill
            page = _POLYFILL_TAG.sub("", page, count=1)
        try:
            path, lang = flask.request.path, flask.request.args.get("kieli")
        except RuntimeError:  # outside a request
            path, lang = "", None
        charts = path.startswith(chart_pages)
        head = preload + ([graph_chunk] if charts else []) + ([bundle_meta] if bundle_meta else [])
        page = page.replace("</head>", "\n".join(head) + "\n</head>", 1)
        if charts and bundle_script:
            page = page.replace('<div class="tk-scripts">', '<div class="tk-scripts">\n' + bundle_script, 1)
        if lang in ("sv", "en"):
            page = page.replace('<html lang="fi">', f'<html lang="{lang}">', 1)
        return page

    app.interpolate_index = interpolate_index


__all__ = ["create_app"]
