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

from flask import jsonify, request

from dashboard.deliver.api.embed import is_embed

_lock = threading.Lock()


def csp_header(hashes: list[str], frame_ancestors: tuple[str, ...] = ("'self'",)) -> str:
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
        "frame-ancestors": list(frame_ancestors),
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def _is_prop(item) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), (str, dict))
            and isinstance(item.get("property"), str))


def envelope_problem(body, callback_map) -> str | None:
    """Why a ``/_dash-update-component`` body is not one dash-renderer would send, or None.

    Dash answers such bodies with an HTTP 500 from deep inside its dispatcher; a malformed request
    is the client's error, so it is refused with a 400 before Dash sees it.
    """
    if not isinstance(body, dict):
        return "body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    spec = callback_map[output]
    outputs = body.get("outputs")
    if not (isinstance(outputs, dict) and _is_prop(outputs)) and not (
            isinstance(outputs, list) and outputs and all(_is_prop(o) for o in outputs)):
        return "outputs must describe the callback's outputs"
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or len(inputs) != len(spec.get("inputs", [])) or not all(
            _is_prop(i) or (isinstance(i, list) and all(_is_prop(x) for x in i)) for i in inputs):
        return "inputs do not match the callback"
    state = body.get("state", [])
    if not isinstance(state, list) or len(state) != len(spec.get("state", [])) or not all(
            _is_prop(i) or (isinstance(i, list) and all(_is_prop(x) for x in i)) for i in state):
        return "state does not match the callback"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    for item in inputs:
        # Dash Pages' router strips the pathname without checking it: it must be a string.
        if isinstance(item, dict) and item.get("id") == "_pages_location":
            value = item.get("value")
            if item.get("property") == "pathname" and not isinstance(value, str):
                return "pathname must be a string"
            if item.get("property") == "search" and value is not None and not isinstance(value, str):
                return "search must be a string"
    return None


def register(app, ctx) -> None:
    server = app.server
    cache: dict = {"n": -1, "header": ""}

    def current_csp(ancestors: tuple[str, ...] = ()) -> str:
        n = len(app._inline_scripts)  # grows when Dash registers inline callbacks
        with _lock:
            if cache["n"] != n:
                cache["hashes"] = list(app.csp_hashes())
                cache["header"] = csp_header(cache["hashes"])
                cache["embed"] = {}
                cache["n"] = len(app._inline_scripts)
            if not ancestors:
                return cache["header"]
            if ancestors not in cache["embed"]:
                cache["embed"][ancestors] = csp_header(cache["hashes"], ("'self'", *ancestors))
            return cache["embed"][ancestors]

    @server.before_request
    def refuse_malformed_callbacks():
        if request.method == "POST" and request.path.endswith("/_dash-update-component"):
            problem = envelope_problem(request.get_json(silent=True), app.callback_map)
            if problem:
                resp = jsonify({"error": problem})
                resp.status_code = 400
                return resp
        return None

    @server.after_request
    def headers(response):
        # Embed pages (/upotus/) may be framed by the sites TILANNEKUVA_EMBED_ANCESTORS lists; every
        # other page only by the site itself.
        ancestors = tuple(server.config.get("TILANNEKUVA_EMBED_ANCESTORS") or ()) if is_embed(request.path) else ()
        response.headers["Content-Security-Policy"] = current_csp(ancestors)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if not ancestors:
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if request.path.endswith("/_favicon.ico") and response.status_code == 200:
            # Dash serves its icon without caching headers, so the browser asked for it again on
            # every URL change (history.pushState); the URL carries Dash's version (?v=…).
            response.headers["Cache-Control"] = "public, max-age=604800"
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
