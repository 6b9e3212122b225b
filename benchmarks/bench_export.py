"""Benchmark 5: warm server-side chart export (PNG, slide preset) of a map and a bar chart.

Measured two ways after a warm-up (the kaleido browser is started by the first image):
the download route ``/vienti/<kind>.png?…&koko=dia`` through the app's Flask client — what a user
waits for: validation, the chart's data, the figure and the image — and
``dashboard.deliver.export.render_image`` alone on a chart built beforehand (the renderer's share).

Target (issue 4): ≤ 0.5 s median per image (the route; the renderer alone is reported beside it).
"""
from __future__ import annotations

import time
from urllib.parse import urlencode

from benchmarks._common import summary, target

TARGET_S = 0.5
KINDS = ("map", "bar")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _state(app) -> dict:
    """The view the map benchmark switches in (real recorded values), at its latest year."""
    from benchmarks.bench_map import choose_scenario

    scen = choose_scenario(app)
    return {"sivu": scen["area"], "indikaattori": scen["indicators"][0], "vuosi": str(scen["year"])}


def run(data, repeats: int = 10, warmup: int = 2) -> dict:
    from dashboard.core.state import validate_state
    from dashboard.data.context import current_context
    from dashboard.deliver import export
    from dashboard.draw.charts import build_chart

    app = data.create_app()
    client = app.server.test_client()
    params = _state(app)
    results: dict = {"view": params}
    targets = []
    for kind in KINDS:
        url = f"/vienti/{kind}.png?" + urlencode({**params, "koko": "dia"})
        route_s, sizes, failures = [], [], []
        for i in range(warmup + repeats):
            t0 = time.perf_counter()
            resp = client.get(url)
            dt = time.perf_counter() - t0
            ok = resp.status_code == 200 and resp.data.startswith(PNG_MAGIC)
            if not ok:
                failures.append(f"HTTP {resp.status_code}: {resp.data[:120]!r}")
            elif i >= warmup:
                route_s.append(dt)
                sizes.append(len(resp.data))
        with app.server.app_context():
            chart = build_chart(kind, validate_state(params, current_context()), data.engine())
        render_s = []
        for i in range(warmup + repeats):
            t0 = time.perf_counter()
            png = export.render_image(chart, "png", "slide", "fi")
            dt = time.perf_counter() - t0
            if i >= warmup and png.startswith(PNG_MAGIC):
                render_s.append(dt)
        route = summary(route_s, digits=3)
        results[kind] = {"url": url, "route_s": route, "render_s": summary(render_s, digits=3),
                         "png_bytes": summary(sizes, digits=0)["median"], "failures": failures[:5]}
        met_n = route["n"] >= repeats
        row = target(f"Export {kind} PNG (slide), route median", route["median"] if met_n else None, TARGET_S, unit="s",
                     note=f"render_image alone {results[kind]['render_s']['median']} s"
                     + (f"; {len(failures)} failed requests" if failures else ""))
        targets.append(row)
    return {"benchmark": "export", "repeats": repeats, "warmup": warmup, **results, "targets": targets,
            "ok": all(t["met"] for t in targets)}
