"""Benchmark 7 (issue 12, item 4): an indicator/year switch on the whole-country map (every
municipality of Finland, 309 in the 2024 boundaries) against the textbook Dash map on the same
geometry (``px.choropleth`` with every polygon inline, rebuilt on every change).

The measurement is benchmark 1's (:mod:`benchmarks.bench_map`): the same in-page stopwatch from
the user event's timestamp to the first frame in which the map's drawn values differ, the same
byte accounting (decoded network responses a switch triggers; none gives a ratio against 1 B, a
lower bound), both apps side by side in the same run, driven by the same headless Chromium
through the same (indicator, year) plan. Our page starts with ``kartta=suomi``: the whole-country
classes of the area's indicators come with the map-type switch (``area-country``), so a switch is
drawn in the browser with no request.

Targets: ours ≤ 50 ms median, ≥ 10× faster than the textbook map, ≥ 1,000× fewer bytes per update.

    .venv/bin/python -m benchmarks --only country_map
"""
from __future__ import annotations

from benchmarks._browser import chromium, served
from benchmarks._common import target
from benchmarks.bench_map import (
    OUR_GRAPH,
    TEXTBOOK_GRAPH,
    _bytes_note,
    _our_state,
    _run,
    compare_runs,
    result,
    switch_plan,
)

MEDIAN_TARGET_MS = 50.0
SPEEDUP_TARGET = 10.0
BYTES_TARGET = 1000.0


def choose_scenario(app) -> dict:
    """The area and indicators to switch between: the most explorer indicators whose values cover
    the whole country (``dashboard.data.model.country_years``) in two consecutive years."""
    from dashboard.data import model
    from dashboard.data.context import current_context
    from dashboard.deliver.explorer import explorer_indicators

    with app.server.app_context():
        ctx = current_context()
        registry = ctx.registry
        codes = tuple(ctx.geo.country_codes())
        if len(codes) < 300:
            raise RuntimeError(f"the whole-country geometry has {len(codes)} municipalities (municipalities.json missing?)")
        names = {code: n["fi"] for code, n in ctx.geo.names().items()}
        best = None
        for area in registry.agreement.areas:
            keys = [i.key for i in explorer_indicators(registry, area.key)]
            covered = {k: set(model.country_years(ctx.engine, registry, k, codes)) & set(ctx.years_for(k)) for k in keys}
            for year in sorted({y for ys in covered.values() for y in ys}, reverse=True):
                chosen = [k for k in keys if {year, year - 1} <= covered[k]]
                score = (len(chosen), year)
                if len(chosen) >= 2 and (best is None or score > best[0]):
                    best = (score, area, chosen, year)
        if best is None:
            raise RuntimeError("no area has two indicators covering the whole country in two consecutive years")
        _score, area, chosen, year = best
        return {"area": area.key, "slug": area.slug, "indicators": chosen[:8], "year": year,
                "titles": {k: registry.indicators[k].title.fi for k in chosen}, "names": names, "codes": list(codes)}


def run_ours(browser, url: str, scenario: dict, plan: list, warmup: int) -> dict:
    """Our area page on the whole-country map: the indicator select and the year buttons."""
    def action(page, kind, key, year):
        if kind == "indicator":
            return lambda: page.select_option("#area-indicator", key)
        button = "#area-prev-year" if year < int(_our_state(page)[1]) else "#area-next-year"
        return lambda: page.click(button)

    def check(page, key, year):
        state = _our_state(page)
        if state != (key, str(year)):
            return f"expected {key} {year}, page shows {state[0]} {state[1]}"
        n = page.evaluate(f"() => document.querySelector('{OUR_GRAPH}')._fullData[0].locations.length")
        return None if n == len(scenario["codes"]) else f"the map has {n} municipalities, not {len(scenario['codes'])}"

    start = (f"{url}/{scenario['slug']}?indikaattori={scenario['indicators'][0]}&vuosi={scenario['year']}"
             "&kartta=suomi")
    return _run(browser, start, OUR_GRAPH, plan, warmup, action, check)


def run_textbook(browser, url: str, plan: list, warmup: int) -> dict:
    def action(page, kind, key, year):
        if kind == "indicator":
            return lambda: page.select_option("#textbook-indicator", key)
        return lambda: page.select_option("#textbook-year", str(year))

    return _run(browser, url + "/", TEXTBOOK_GRAPH, plan, warmup, action)


def run(data, switches: int = 20, warmup: int = 2) -> dict:
    """Measure ``switches`` whole-country map switches in each app (after ``warmup`` unmeasured ones)."""
    from benchmarks.textbook_map import create_textbook_app

    ours = data.create_app()
    scenario = choose_scenario(ours)
    plan = switch_plan(scenario["indicators"], scenario["year"], switches + warmup)
    textbook = create_textbook_app(data.engine(), data.geo_dir / "build" / "municipalities.json",
                                   scenario["indicators"], scenario["codes"], names=scenario["names"],
                                   titles=scenario["titles"], year=scenario["year"])
    with served(ours.server) as ours_srv, served(textbook.server) as text_srv, chromium() as browser:
        ours_run = run_ours(browser, ours_srv.url, scenario, plan, warmup)
        text_run = run_textbook(browser, text_srv.url, plan, warmup)

    m = compare_runs(ours_run, text_run)
    ours_ms, speedup, fewer, enough, note = m["ours_ms"], m["speedup"], m["fewer"], m["enough"], m["note"]
    ours_sizes, text_sizes = m["ours_sizes"], m["text_sizes"]
    targets = [
        target("Whole-country map switch, ours (median)", ours_ms["median"], MEDIAN_TARGET_MS, unit="ms",
               note=note or f"{len(scenario['codes'])} municipalities"),
        target("Whole-country map switch speed-up vs textbook", speedup, SPEEDUP_TARGET, kind="min", unit="×"),
        target("Whole-country map bytes per update, textbook / ours", fewer, BYTES_TARGET, kind="min", unit="×",
               note=_bytes_note(ours_sizes, text_sizes)),
    ]
    if not enough or ours_run["failures"]:
        for t in targets:
            t["met"] = False
    scenario_out = {k: scenario[k] for k in ("area", "slug", "indicators", "year")} | {"municipalities": len(scenario["codes"])}
    return result("country_map_switch", scenario_out, switches, warmup, ours_run, text_run, m, targets)
