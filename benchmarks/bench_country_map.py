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

from benchmarks._common import target
from benchmarks.bench_map import OUR_GRAPH, _bytes_note, best_scenario, measure, result

MEDIAN_TARGET_MS = 50.0
SPEEDUP_TARGET = 10.0
BYTES_TARGET = 1000.0


def choose_scenario(app) -> dict:
    """:func:`~benchmarks.bench_map.best_scenario` over the years whose values cover the whole
    country (``dashboard.data.model.country_years``)."""
    from dashboard.data import model
    from dashboard.data.context import current_context

    with app.server.app_context():
        ctx = current_context()
        codes = tuple(ctx.geo.country_codes())
        if len(codes) < 300:
            raise RuntimeError(f"the whole-country geometry has {len(codes)} municipalities (municipalities.json missing?)")
        scenario = best_scenario(
            ctx.registry, lambda k: set(model.country_years(ctx.engine, ctx.registry, k, codes)) & set(ctx.years_for(k)),
            "no area has two indicators covering the whole country in two consecutive years")
        return scenario | {"names": {code: n["fi"] for code, n in ctx.geo.names().items()}, "codes": list(codes)}


def _all_drawn(page, scenario: dict) -> str | None:
    """A failure text when the map has not every municipality of the country."""
    n = page.evaluate(f"() => document.querySelector('{OUR_GRAPH}')._fullData[0].locations.length")
    return None if n == len(scenario["codes"]) else f"the map has {n} municipalities, not {len(scenario['codes'])}"


def run(data, switches: int = 20, warmup: int = 2) -> dict:
    """Measure ``switches`` whole-country map switches in each app (after ``warmup`` unmeasured ones)."""
    scenario, ours_run, text_run, m = measure(data, choose_scenario, "municipalities.json", switches, warmup,
                                              query="&kartta=suomi", check_drawn=_all_drawn)
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
