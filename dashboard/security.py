"""Response headers (Content Security Policy and friends) and the ``/health`` endpoint.

CSP: scripts only from the app itself plus the hashes of Dash's own inline scripts
(``app.csp_hashes()``: the renderer bootstrap and string clientside callbacks such as the Pages
title updater, which Dash registers on the first request — so the hashes are recomputed whenever
the set of inline scripts grows). No ``unsafe-inline`` or ``unsafe-eval`` for scripts; all our JS
lives in ``assets/*.js``. Styles allow inline (plotly.js and React set style attributes), images
allow data:/blob: (plotly's image export), workers allow blob:.
"""
from __future__ import annotations

import threading

from flask import jsonify

_lock = threading.Lock()


def csp_header(hashes: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def register(app, ctx) -> None:
    server = app.server
    cache: dict = {"n": -1, "header": ""}

    def current_csp() -> str:
        n = len(app._inline_scripts)  # noqa: SLF001 - grows when Dash registers inline callbacks
        with _lock:
            if cache["n"] != n:
                hashes = list(app.csp_hashes())
                cache["header"] = csp_header(hashes)
                cache["n"] = len(app._inline_scripts)  # noqa: SLF001
            return cache["header"]

    @server.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = current_csp()
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response

    @server.route("/health")
    def health():
        status = ctx.status()
        body = {
            "ok": bool(status.reachable and status.schema_current),
            "database": {"reachable": status.reachable, "schema_current": status.schema_current},
            "data": {"observations": status.observations, "empty": status.observations == 0},
            "latest_load": status.latest_load,
        }
        if status.error:
            body["database"]["error"] = status.error
        resp = jsonify(body)
        resp.status_code = 200 if body["ok"] else 503
        resp.headers["Cache-Control"] = "no-store"
        return resp
