"""The same pages on the stock plotly bundle: the baseline of the first-view benchmark (issue 13).

Our overview and situation board draw their sparklines as server-made SVG and load no plotly.js;
the page is measured against itself drawn the way a Dash app does by default: each sparkline a
``dcc.Graph`` (the same lines, colours and size, rebuilt from our SVG's points) and plotly.js
being Dash's stock ``plotly.min.js`` (4.8 MB, lazy-loaded by dcc.Graph). A WSGI middleware around
the app does both, so nothing in the dashboard changes: it leaves out our bundle's ``<script>``
and ``<meta name="tk-plotly-bundle">`` from the HTML shell, and replaces every sparkline ``Img``
in the layout JSON with a Graph.
"""
from __future__ import annotations

import base64
import gzip
import json
import re

from dashboard.core.tokens import TRANSPARENT

SPARK_CLASSES = ("tk-spark__graph", "tk-board__spark")
_BUNDLE_TAGS = re.compile(rb'<meta name="tk-plotly-bundle"[^>]*>|<script src="[^"]*plotly-tilannekuva[^"]*"></script>')
_POLYLINE = re.compile(r'<polyline fill="none" stroke="([^"]+)"([^>]*?)points="([^"]+)"/>')
_CIRCLE = re.compile(r'<circle cx="([^"]+)" cy="([^"]+)" r="([^"]+)" fill="([^"]+)"/>')
_SIZE = re.compile(r'width="(\d+)" height="(\d+)"')


def spark_graph(src: str, class_name: str) -> dict:
    """A dcc.Graph (as layout JSON) drawing the lines of a sparkline SVG data URI."""
    svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
    width, height = (int(v) for v in _SIZE.search(svg).groups())
    data = []
    for color, attrs, points in _POLYLINE.findall(svg):
        xy = [tuple(float(v) for v in p.split(",")) for p in points.split()]
        dotted = "stroke-dasharray" in attrs
        data.append({"type": "scatter", "mode": "lines", "x": [x for x, _ in xy], "y": [-y for _, y in xy],
                     "line": {"color": color, "width": 1.5 if dotted else 2, "dash": "dot" if dotted else "solid"},
                     "hoverinfo": "skip", "showlegend": False})
    for cx, cy, r, fill in _CIRCLE.findall(svg):
        data.append({"type": "scatter", "mode": "markers", "x": [float(cx)], "y": [-float(cy)],
                     "marker": {"color": fill, "size": 2 * float(r)}, "hoverinfo": "skip", "showlegend": False})
    axis = {"visible": False, "fixedrange": True}
    figure = {"data": data, "layout": {
        "width": width, "height": height, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": TRANSPARENT, "plot_bgcolor": TRANSPARENT, "showlegend": False,
        "xaxis": {**axis, "range": [0, width]}, "yaxis": {**axis, "range": [-height, 0]}, "hovermode": False}}
    return {"type": "Graph", "namespace": "dash_core_components", "props": {
        "figure": figure, "className": class_name, "style": {"width": f"{width}px", "height": f"{height}px"},
        "config": {"staticPlot": True, "displayModeBar": False, "responsive": False}}}


def _rewrite(node):
    if isinstance(node, list):
        return [_rewrite(x) for x in node]
    if not isinstance(node, dict):
        return node
    props = node.get("props")
    if node.get("type") == "Img" and isinstance(props, dict) and props.get("className") in SPARK_CLASSES \
            and str(props.get("src", "")).startswith("data:image/svg+xml;base64,"):
        return spark_graph(props["src"], props["className"])
    return {k: _rewrite(v) for k, v in node.items()}


class StockPlotly:
    """WSGI middleware: the wrapped app's pages on Dash's stock plotly.js, sparklines as graphs."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(("/assets/", "/_dash-component-suites/", "/_dash-dependencies", "/_favicon")):
            return self.app(environ, start_response)
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            environ = {**environ, "HTTP_ACCEPT_ENCODING": "gzip"}  # one encoding to rewrite (not br)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        headers = captured["headers"]
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        gz = any(k.lower() == "content-encoding" and "gzip" in v for k, v in headers)
        if captured["status"].startswith("200") and ("text/html" in kind or "application/json" in kind):
            raw = gzip.decompress(body) if gz else body
            if "text/html" in kind:
                raw = _BUNDLE_TAGS.sub(b"", raw)
            elif b"tk-spark__graph" in raw or b"tk-board__spark" in raw:
                raw = json.dumps(_rewrite(json.loads(raw))).encode("utf-8")
            body = gzip.compress(raw, 6) if gz else raw
            headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "etag")]
            headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]
