"""Warm the downloads of every area page's first view into the shared response cache.

Why: the morning a meeting room opens one link, everybody's "Lataa" menu points at the same few
files; a PNG costs a headless-browser render (a quarter of a second warm, seconds cold). gunicorn's
master renders them once before forking (``gunicorn.conf.py`` ``when_ready``, after
``dashboard.web.warm``) through the app itself, so they land in the response cache
(``dashboard.web.httpcache``: Redis when configured, else the master's memory the workers inherit).
The image renderer is stopped afterwards: its browser and event-loop thread must not be inherited
by the forked workers (each starts its own on its first image). Failures are logged, never raised.
"""
from __future__ import annotations

import logging
import time

from dashboard.web.warm import _body, _callback, page_paths, release_connections

log = logging.getLogger(__name__)

#: Which downloads are warmed (the image formats and tables people take to slides).
FORMATS = (".png", ".csv")


def _links(node, out: list[str]) -> list[str]:
    if isinstance(node, str):
        if node.startswith("/vienti/") and node.split("?")[0].endswith(FORMATS):
            out.append(node)
    elif isinstance(node, dict):
        for v in node.values():
            _links(v, out)
    elif isinstance(node, list):
        for v in node:
            _links(v, out)
    return out


def warm_exports(dash_app, limit: int = 48) -> dict:
    from dashboard.data.context import current_context
    from dashboard.deliver import export

    started = time.monotonic()
    done = {"exports": 0, "errors": 0}
    server = dash_app.server
    client = server.test_client()
    try:
        with server.app_context():
            ctx = current_context()
            if not ctx.status().ready:
                return {**done, "skipped": "database not ready"}
            registry = ctx.registry
        deps = client.get("/_dash-dependencies").get_json()
        router = _callback(deps, "_pages_content.children")
        links: list[str] = []
        for path in page_paths(registry):
            resp = client.post("/_dash-update-component", json=_body(
                router, {"_pages_location.pathname": path, "_pages_location.search": ""},
                ["_pages_location.pathname", "_pages_location.search"]))
            if resp.status_code == 200:
                _links(resp.get_json(), links)
        for url in list(dict.fromkeys(links))[:limit]:
            done["exports" if client.get(url).status_code == 200 else "errors"] += 1
    except Exception:
        log.warning("export warm-up failed", exc_info=True)
        done["errors"] += 1
    finally:
        export.RENDERER.stop()  # no browser or loop thread may be inherited by the workers
        release_connections(server)
    done["seconds"] = round(time.monotonic() - started, 1)
    return done
