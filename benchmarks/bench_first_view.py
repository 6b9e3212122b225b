"""Benchmark 2: first view of the overview, the situation board and an area page, ours against the
same page on the stock plotly bundle.

The same app is served twice in this process: as built (the overview and the board draw their
sparklines as server-made SVG and load no plotly.js; chart pages load our 1.4 MB bundle), and
through :class:`benchmarks.textbook_spark.StockPlotly`, which serves the same pages the way a
Dash app does by default: every sparkline a ``dcc.Graph`` and plotly.js Dash's stock
``plotly.min.js`` that ``dcc.Graph`` lazy-loads. Nothing in the dashboard changes. Each load runs
in a fresh browser context (cold cache), the two variants alternate, and the clock (in the page,
``performance.now()`` since navigation start) stops in the first animation frame in which the
page content is there and every graph on it is drawn.

Also recorded per variant: bytes transferred, whether the stock bundle was requested, page errors
(a custom bundle that throws while loading makes Dash fetch the stock one anyway).

Targets (issues 4 and 13): overview and board first view ≤ 0.8 s and ≥ 2× faster than stock.
"""
from __future__ import annotations

from benchmarks._browser import NetworkTracker, chromium, fresh_page, served
from benchmarks._common import PROJECT_ROOT, ratio, summary, target
from benchmarks.textbook_spark import StockPlotly

BUNDLE = PROJECT_ROOT / "assets" / "vendor" / "plotly-tilannekuva.min.js"
FIRST_VIEW_TARGET_S = 0.8
SPEEDUP_TARGET = 2.0
STOCK_URL_PART = "plotly/package_data/plotly.min.js"

#: Runs before any page script: polls every frame until the page is drawn, records the time.
READY_INIT_JS = """
(() => {
  const ready = () => {
    const sel = window.__tkReadySelector || "#main";
    const content = document.querySelector(sel);
    if (!content) return false;
    const wrappers = Array.from(document.querySelectorAll(".dash-graph"));
    return wrappers.every((w) => {
      const gd = w.querySelector(".js-plotly-plot");
      if (!gd || !gd._fullLayout || !gd._fullData || !gd.querySelector(".main-svg")) return false;
      const types = new Set(gd._fullData.map((t) => t.type));
      if (types.has("choropleth") && !gd.querySelector(".choroplethlocation")) return false;
      if (types.has("bar") && !gd.querySelector(".bars .point")) return false;
      if (types.has("scatter") && !gd.querySelector(".scatterlayer .trace")) return false;
      return true;
    });
  };
  window.__tkReady = null;
  const poll = () => {
    if (window.__tkReady === null && ready()) {
      window.__tkReady = performance.now();
      window.__tkGraphs = document.querySelectorAll(".dash-graph").length;
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""

#: Page path -> CSS selector of its drawn content.
PAGES = {"overview": ("/", ".tk-overview .tk-card"), "board": ("/?esitys=1", ".tk-board .tk-board__goal"),
         "area": (None, ".tk-area .tk-graph--map")}


def make_apps(data):
    """(ours as built, the same pages on the stock plotly bundle) as WSGI apps."""
    custom = data.create_app()
    return custom.server, StockPlotly(custom.server)


def load_once(browser, url: str, selector: str) -> dict:
    with fresh_page(browser) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        net = NetworkTracker(page)
        net.record()
        page.add_init_script(f"window.__tkReadySelector = {selector!r};\n" + READY_INIT_JS)
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__tkReady !== null", timeout=60000, polling=50)
        ready_ms = page.evaluate("() => window.__tkReady")
        graphs = page.evaluate("() => window.__tkGraphs")
        net.wait_idle(quiet_ms=300)
        responses = net.stop()
        wire = 0
        urls = []
        callback_ms = 0.0
        for resp in responses:
            try:
                sizes = resp.request.sizes()
                timing = resp.request.timing
            except Exception:  # noqa: BLE001 - a response that closed before its sizes are known is not counted
                continue
            wire += sizes.get("responseBodySize", 0) + sizes.get("responseHeadersSize", 0)
            urls.append(resp.url)
            if "_dash-update-component" in resp.url and timing.get("responseEnd", -1) >= 0:
                # Time the server spent on the page's callbacks (request sent -> last byte).
                callback_ms += timing["responseEnd"] - max(timing.get("requestStart", 0), 0)
    return {
        "s": ready_ms / 1000.0, "graphs": graphs, "wire_bytes": wire, "requests": len(urls),
        "callback_s": callback_ms / 1000.0,
        "stock_bundle_loaded": any(STOCK_URL_PART in u for u in urls),
        "custom_bundle_loaded": any("plotly-tilannekuva" in u for u in urls),
        "page_errors": errors,
    }


def _variant_summary(runs: list[dict]) -> dict:
    return {
        "s": summary([r["s"] for r in runs], digits=3),
        "graphs": runs[0]["graphs"] if runs else None,
        "callback_s": summary([r["callback_s"] for r in runs], digits=3)["median"],
        "requests": summary([r["requests"] for r in runs], digits=0)["median"],
        "wire_bytes": summary([r["wire_bytes"] for r in runs], digits=0)["median"],
        "stock_bundle_loaded": any(r["stock_bundle_loaded"] for r in runs),
        "custom_bundle_loaded": any(r["custom_bundle_loaded"] for r in runs),
        "page_errors": sorted({e for r in runs for e in r["page_errors"]})[:5],
    }


def run(data, repeats: int = 7, warmup: int = 1, area_slug: str | None = None) -> dict:
    """``repeats`` cold loads per variant and page, alternating variants (after ``warmup`` loads)."""
    if not BUNDLE.is_file():
        raise RuntimeError(f"{BUNDLE} is missing: run `make frontend`")
    custom, stock = make_apps(data)
    if area_slug is None:
        from dashboard.data.context import current_context

        with custom.app_context():
            area_slug = current_context().registry.agreement.areas[0].slug
    pages = {"overview": PAGES["overview"], "board": PAGES["board"], "area": (f"/{area_slug}", PAGES["area"][1])}
    results: dict = {}
    with served(custom) as c_srv, served(stock) as s_srv, chromium() as browser:
        for name, (path, selector) in pages.items():
            runs: dict[str, list] = {"custom": [], "stock": []}
            for i in range(warmup + repeats):
                for variant, srv in (("custom", c_srv), ("stock", s_srv)) if i % 2 == 0 else (("stock", s_srv), ("custom", c_srv)):
                    r = load_once(browser, srv.url + path, selector)
                    if i >= warmup:
                        runs[variant].append(r)
            results[name] = {"path": path, "custom": _variant_summary(runs["custom"]), "stock": _variant_summary(runs["stock"])}
            results[name]["speedup"] = ratio(results[name]["stock"]["s"]["median"], results[name]["custom"]["s"]["median"], 2)
    notes = []
    if any(r["custom"]["stock_bundle_loaded"] for r in results.values()):
        notes.append("with our bundle the stock plotly.min.js was still requested")
    errors = [e for r in results.values() for e in r["custom"]["page_errors"]]
    if errors:
        notes.append("page errors: " + "; ".join(errors))
    if not results["overview"]["stock"]["graphs"]:
        notes.append("the stock overview drew no graphs")
    targets = []
    for name, label in (("overview", "Overview"), ("board", "Situation board")):
        r = results[name]
        targets += [
            target(f"{label} first view, ours (median)", r["custom"]["s"]["median"], FIRST_VIEW_TARGET_S, unit="s"),
            target(f"{label} first view speed-up vs stock plotly bundle", r["speedup"], SPEEDUP_TARGET, kind="min",
                   unit="×", note="; ".join(notes)),
        ]
    return {
        "benchmark": "first_view", "repeats": repeats, "warmup": warmup,
        "bundle_bytes": BUNDLE.stat().st_size,
        "pages": results, "targets": targets, "ok": all(t["met"] for t in targets),
    }
