"""Benchmark 1: switching the map's indicator or year, our area page against the textbook Dash map.

Both apps run side by side in this process (threaded werkzeug on 127.0.0.1), both are driven by
the same headless Chromium through the same sequence of (indicator, year) states. A switch is one
user event: choosing an indicator in the select, or a year (our page: the previous/next-year
button; the textbook app: its year select). The clock is read in the page: it starts at that
event's own ``timeStamp`` (when the browser created the event, so page code that reacts to the
event before the stopwatch's listener is inside the measurement) and stops in the first animation
frame in which the map graph's ``_fullData[0]`` (values and hover texts) differs from before, i.e.
when plotly.js has drawn the new values.

Bytes per update: every response the switch triggers that comes over the network — callback
answers and anything else (a response the browser serves from its own cache costs no bytes on the
network and is listed, not counted) — decoded body bytes, and sizes on the wire
(``request.sizes()``). The callback answers alone are reported beside them. When a switch
triggers no network response at all (0 B), the ratio is computed against 1 B (a lower bound) and
the report says so.

Targets (issue 4): ours ≤ 150 ms median, ≥ 5× faster than the textbook map, ≥ 100× fewer bytes
per update (decoded network response bytes).
"""
from __future__ import annotations

from benchmarks._browser import NetworkTracker, chromium, console_errors, fresh_page, served
from benchmarks._common import ratio, summary, target

MEDIAN_TARGET_MS = 150.0
SPEEDUP_TARGET = 5.0
BYTES_TARGET = 100.0
OUR_GRAPH = "#area-map .js-plotly-plot"
TEXTBOOK_GRAPH = "#textbook-map .js-plotly-plot"
SWITCH_TIMEOUT_MS = 15000
SETTLE_MS = 300

#: Installs the in-page stopwatch; returns nothing. Argument: the graph's CSS selector.
ARM_JS = """
(sel) => {
  const gd = document.querySelector(sel);
  const fp = () => {
    const t = gd && gd._fullData && gd._fullData[0];
    return t ? JSON.stringify([t.z, t.customdata, t.locations, t.text]) : "";
  };
  const b = window.__tkBench = {t0: null, t1: null, before: fp(), error: null};
  // event.timeStamp: when the event was created (same clock as performance.now()), whatever
  // listeners of the page run before this one.
  const start = (e) => {
    if (b.t0 === null) b.t0 = e.timeStamp;
    window.removeEventListener("change", start, true);
    window.removeEventListener("click", start, true);
  };
  window.addEventListener("change", start, true);
  window.addEventListener("click", start, true);
  const poll = () => {
    if (b.t0 !== null && fp() !== b.before) { b.t1 = performance.now(); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}
"""
DRAWN_JS = """
(sel) => {
  const gd = document.querySelector(sel);
  return !!(gd && gd._fullData && gd._fullData.length && gd.querySelectorAll('.choroplethlocation').length);
}
"""


# --- choosing what to switch ------------------------------------------------------------------


def best_scenario(registry, years_of, missing: str) -> dict:
    """The area, indicators and year to switch between (benchmarks 1 and 7): the most explorer
    indicators, then the latest year, such that ``years_of(key)`` (the years a switch can show)
    holds that year and the year before; every switch then changes the map. ``missing``: the
    error's text when no area has two such indicators."""
    from dashboard.deliver.explorer import explorer_indicators

    best = None
    for area in registry.agreement.areas:
        keys = [i.key for i in explorer_indicators(registry, area.key)]
        usable = {k: years_of(k) for k in keys}
        for year in sorted({y for ys in usable.values() for y in ys}, reverse=True):
            chosen = [k for k in keys if {year, year - 1} <= usable[k]]
            score = (len(chosen), year)
            if len(chosen) >= 2 and (best is None or score > best[0]):
                best = (score, area, chosen, year)
    if best is None:
        raise RuntimeError(missing)
    _score, area, chosen, year = best
    return {"area": area.key, "slug": area.slug, "indicators": chosen[:8], "year": year,
            "titles": {k: registry.indicators[k].title.fi for k in chosen}}


def choose_scenario(app) -> dict:
    """:func:`best_scenario` over real (not synthetic) municipal values of the county."""
    from sqlalchemy import select

    from dashboard.data.context import current_context
    from data_pipeline.db.schema import observation

    with app.server.app_context():
        ctx = current_context()
        registry = ctx.registry
        munis = registry.county.municipality_codes
        with ctx.engine.connect() as conn:
            def real_years(key: str) -> set[int]:
                rows = conn.execute(select(observation.c.year).distinct().where(
                    observation.c.indicator_key == key, observation.c.region_code.in_(munis),
                    observation.c.value.is_not(None), observation.c.synthetic.is_(False))).fetchall()
                return {int(r[0]) for r in rows if r[0] is not None} & set(ctx.years_for(key))

            scenario = best_scenario(registry, real_years,
                                     "no area has two indicators with real values in two consecutive years")
        return scenario | {"names": {m.code: m.name.fi for m in registry.county.municipalities}, "codes": list(munis)}


def switch_plan(indicators: list[str], year: int, switches: int) -> list[tuple[str, str, int]]:
    """(action, indicator, year) per switch: alternately the next indicator and the other year."""
    plan, ind_i, y = [], 0, year
    for n in range(switches):
        if n % 2 == 0:
            ind_i = (ind_i + 1) % len(indicators)
            plan.append(("indicator", indicators[ind_i], y))
        else:
            y = year - 1 if y == year else year
            plan.append(("year", indicators[ind_i], y))
    return plan


# --- one app ------------------------------------------------------------------------------------


def _collect(responses: list) -> dict:
    """Sizes of the responses a switch triggered: callback responses, and everything."""
    out = {"requests": 0, "dash_requests": 0, "decoded": 0, "wire": 0, "all_decoded": 0, "all_wire": 0,
           "request_bytes": 0, "map_bytes": 0, "callback_ms": 0.0, "other": [], "net_requests": 0, "net_decoded": 0,
           "net_wire": 0, "cached": []}
    for resp in responses:
        try:
            body = resp.body()
            sizes = resp.request.sizes()
        except Exception:  # noqa: BLE001 - a response that vanished with its page
            continue
        wire = sizes.get("responseBodySize", 0) + sizes.get("responseHeadersSize", 0)
        out["requests"] += 1
        out["all_decoded"] += len(body)
        out["all_wire"] += wire
        if wire > 0:  # over the network (a response served from the browser's cache reports 0)
            out["net_requests"] += 1
            out["net_decoded"] += len(body)
            out["net_wire"] += wire
        else:
            out["cached"].append(resp.url.split("?")[0].split("/", 3)[-1])
        if "_dash-update-component" in resp.url:
            out["dash_requests"] += 1
            out["decoded"] += len(body)
            out["wire"] += wire
            out["request_bytes"] += sizes.get("requestBodySize", 0) + sizes.get("requestHeadersSize", 0)
            out["map_bytes"] += _map_share(body)
            timing = resp.request.timing
            if timing.get("responseEnd", -1) >= 0:
                # Request sent -> last byte: the server's share of the switch.
                out["callback_ms"] += timing["responseEnd"] - max(timing.get("requestStart", 0), 0)
        else:
            out["other"].append(resp.url.split("?")[0].split("/", 3)[-1])
    return out


def _map_share(body: bytes) -> int:
    """Bytes of the map graph's ``figure`` inside a callback response (0 when it has none)."""
    import json

    try:
        doc = json.loads(body)
    except ValueError:
        return 0
    total = 0
    for comp_id, props in (doc.get("response") or {}).items():
        if comp_id in ("area-map", "textbook-map") and isinstance(props, dict) and "figure" in props:
            total += len(json.dumps(props["figure"], separators=(",", ":")))
    return total


def _switch(page, net, graph: str, action) -> dict:
    """Perform one switch and return its duration (ms) and the responses it triggered."""
    net.wait_idle()
    page.evaluate(ARM_JS, graph)
    net.record()
    try:
        action()
        page.wait_for_function("() => window.__tkBench && window.__tkBench.t1 !== null", timeout=SWITCH_TIMEOUT_MS,
                               polling=50)
        bench = page.evaluate("() => window.__tkBench")
        # Let follow-up requests (chained callbacks) finish before counting bytes.
        net.wait_idle(quiet_ms=SETTLE_MS)
    finally:
        responses = net.stop()
    return {"ms": bench["t1"] - bench["t0"], **_collect(responses)}


def _our_state(page) -> tuple[str, str]:
    return tuple(page.evaluate(
        "() => [document.getElementById('area-indicator').value, document.getElementById('area-year-label').textContent]"))


def _run(browser, url: str, graph: str, plan: list, warmup: int, action, check=None) -> dict:
    """Drive one app through ``plan``: ``action(page, kind, key, year)`` returns the user event of a
    switch, ``check(page, key, year)`` (optional) returns a failure text when the page shows
    another view than asked. The first ``warmup`` switches are not counted."""
    samples, failures = [], []
    with fresh_page(browser) as page:
        errors = console_errors(page)
        net = NetworkTracker(page)
        page.goto(url)
        page.wait_for_function(DRAWN_JS, arg=graph, timeout=60000)
        net.wait_idle()
        for n, (kind, key, year) in enumerate(plan):
            try:
                result = _switch(page, net, graph, action(page, kind, key, year))
            except Exception as exc:  # noqa: BLE001 - recorded, never hidden
                failures.append(f"switch {n} ({kind} {key} {year}): {type(exc).__name__}: {str(exc)[:200]}")
                continue
            problem = check(page, key, year) if check else None
            if problem:
                failures.append(f"switch {n}: {problem}")
            if n >= warmup:
                samples.append(result)
        return {"samples": samples, "failures": failures, "console_errors": errors[:10]}


def run_ours(browser, start: str, plan: list, warmup: int, check_drawn=None) -> dict:
    """Our area page from ``start``: the indicator select, and the previous/next-year buttons (the
    slider's keys). ``check_drawn(page)`` (optional) returns a failure text when the asked view is
    shown but its map is not ready as the benchmark needs it."""
    def action(page, kind, key, year):
        if kind == "indicator":
            return lambda: page.select_option("#area-indicator", key)
        button = "#area-prev-year" if year < int(_our_state(page)[1]) else "#area-next-year"
        return lambda: page.click(button)

    def check(page, key, year):
        state = _our_state(page)
        if state != (key, str(year)):
            return f"expected {key} {year}, page shows {state[0]} {state[1]}"
        return check_drawn(page) if check_drawn else None

    return _run(browser, start, OUR_GRAPH, plan, warmup, action, check)


def run_textbook(browser, url: str, plan: list, warmup: int) -> dict:
    """The textbook app: its indicator and year selects."""
    def action(page, kind, key, year):
        if kind == "indicator":
            return lambda: page.select_option("#textbook-indicator", key)
        return lambda: page.select_option("#textbook-year", str(year))

    return _run(browser, url + "/", TEXTBOOK_GRAPH, plan, warmup, action)


def measure(data, scenario_of, geometry: str, switches: int, warmup: int, query: str = "",
            check_drawn=None) -> tuple[dict, dict, dict, dict]:
    """Both apps through the same switch plan (benchmarks 1 and 7): ``scenario_of(app)`` chooses
    what to switch, ``geometry`` is the textbook map's boundary file, ``query`` is added to our
    page's address and ``check_drawn(page, scenario)`` is :func:`run_ours`'s. Returns the
    scenario, both runs and :func:`compare_runs` of them."""
    from benchmarks.textbook_map import create_textbook_app

    ours = data.create_app()
    scenario = scenario_of(ours)
    plan = switch_plan(scenario["indicators"], scenario["year"], switches + warmup)
    textbook = create_textbook_app(data.engine(), data.geo_dir / "build" / geometry, scenario["indicators"],
                                   scenario["codes"], names=scenario["names"], titles=scenario["titles"],
                                   year=scenario["year"])
    path = f"/{scenario['slug']}?indikaattori={scenario['indicators'][0]}&vuosi={scenario['year']}{query}"
    drawn = (lambda page: check_drawn(page, scenario)) if check_drawn else None
    with served(ours.server) as ours_srv, served(textbook.server) as text_srv, chromium() as browser:
        ours_run = run_ours(browser, ours_srv.url + path, plan, warmup, drawn)
        text_run = run_textbook(browser, text_srv.url, plan, warmup)
    return scenario, ours_run, text_run, compare_runs(ours_run, text_run)


def _sizes(samples: list[dict]) -> dict:
    def med(field):
        return summary([s[field] for s in samples], digits=1)["median"]

    other = sorted({u for s in samples for u in s["other"]})
    cached = sorted({u for s in samples for u in s["cached"]})
    return {"other_requests": other, "cached_responses": cached, "net_decoded_bytes": med("net_decoded"),
            "net_wire_bytes": med("net_wire"), "net_requests": med("net_requests"),
            "decoded_bytes": med("decoded"), "wire_bytes": med("wire"),
            "all_decoded_bytes": med("all_decoded"), "all_wire_bytes": med("all_wire"), "request_bytes": med("request_bytes"),
            "map_figure_bytes": med("map_bytes"), "requests": med("requests"), "dash_requests": med("dash_requests"),
            "callback_ms": med("callback_ms")}


def _bytes_note(ours: dict, textbook: dict) -> str:
    o, t = ours["net_decoded_bytes"], textbook["net_decoded_bytes"]
    if o is None or t is None:
        return ""
    if o == 0:
        return f"ours 0 B (no network response; ratio against 1 B, a lower bound), textbook {t / 1000:.1f} KB"
    return (f"ours {o / 1000:.1f} KB (callback answers {ours['decoded_bytes'] / 1000:.1f} KB, map figure "
            f"{ours['map_figure_bytes'] / 1000:.1f} KB), textbook {t / 1000:.1f} KB")


def compare_runs(ours_run: dict, text_run: dict) -> dict:
    """Both apps' switches side by side: medians, bytes, speed-up and bytes ratio (also benchmark 7's)."""
    ours_ms = summary([s["ms"] for s in ours_run["samples"]], digits=1)
    text_ms = summary([s["ms"] for s in text_run["samples"]], digits=1)
    ours_sizes = _sizes(ours_run["samples"])
    text_sizes = _sizes(text_run["samples"])
    ours_net = ours_sizes["net_decoded_bytes"]
    enough = ours_ms["n"] >= 10 and text_ms["n"] >= 10
    return {
        "ours_ms": ours_ms, "text_ms": text_ms, "ours_sizes": ours_sizes, "text_sizes": text_sizes,
        "speedup": ratio(text_ms["median"], ours_ms["median"], 3),
        # No network bytes at all: the ratio against 1 B is a lower bound of "how many times fewer".
        "fewer": ratio(text_sizes["net_decoded_bytes"], max(ours_net, 1.0) if ours_net is not None else None, 3),
        "enough": enough, "note": "" if enough else f"only {ours_ms['n']}/{text_ms['n']} switches measured",
    }


def result(name: str, scenario: dict, switches: int, warmup: int, ours_run: dict, text_run: dict, m: dict,
           targets: list) -> dict:
    """The benchmark's JSON result (benchmarks 1 and 7 alike)."""
    ours_sizes, text_sizes = m["ours_sizes"], m["text_sizes"]
    return {
        "benchmark": name, "scenario": scenario, "switches": switches, "warmup": warmup,
        "ours": {"ms": m["ours_ms"], **ours_sizes, "failures": ours_run["failures"],
                 "console_errors": ours_run["console_errors"]},
        "textbook": {"ms": m["text_ms"], **text_sizes, "failures": text_run["failures"],
                     "console_errors": text_run["console_errors"]},
        "speedup": m["speedup"],
        "bytes_ratio_network": m["fewer"],
        "bytes_ratio_decoded": ratio(text_sizes["decoded_bytes"], ours_sizes["decoded_bytes"], 3),
        "bytes_ratio_wire": ratio(text_sizes["wire_bytes"], ours_sizes["wire_bytes"], 3),
        "bytes_ratio_map_figure": ratio(text_sizes["map_figure_bytes"], ours_sizes["map_figure_bytes"], 3),
        "targets": targets,
        "ok": all(t["met"] for t in targets),
    }


def run(data, switches: int = 20, warmup: int = 2) -> dict:
    """Measure ``switches`` map switches in each app (after ``warmup`` unmeasured ones)."""
    scenario, ours_run, text_run, m = measure(data, choose_scenario, "county.json", switches, warmup)
    ours_ms, speedup, fewer, enough, note = m["ours_ms"], m["speedup"], m["fewer"], m["enough"], m["note"]
    ours_sizes, text_sizes = m["ours_sizes"], m["text_sizes"]
    targets = [
        target("Map switch, ours (median)", ours_ms["median"], MEDIAN_TARGET_MS, unit="ms", note=note),
        target("Map switch speed-up vs textbook", speedup, SPEEDUP_TARGET, kind="min", unit="×"),
        target("Bytes per update, textbook / ours (decoded, all network responses)", fewer, BYTES_TARGET, kind="min",
               unit="×", note=_bytes_note(ours_sizes, text_sizes)),
    ]
    if not enough:
        for t in targets:
            t["met"] = False
    return result("map_switch", {k: scenario[k] for k in ("area", "slug", "indicators", "year")},
                  switches, warmup, ours_run, text_run, m, targets)
