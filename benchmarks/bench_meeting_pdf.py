"""Benchmark 7: the PDF pre-read of a ten-slide meeting sequence (issue 13).

The sequence: the situation board, every priority area's page with its first two indicators
(maps, status maps, round grids) and an indicator page (trend), on the recorded data. Measured
through the route ``/kokous/<name>.pdf`` with the Flask test client after one warm-up (which
starts the chart renderer): **cold** — the data caches emptied before each download, what the
first download after a data refresh costs (every chart rendered, every goal evaluated); **warm** —
the same sequence pinned to a moment, downloaded again (its charts are kept per data version).

Also recorded: the CPU time the server process spent per download (``time.process_time``; the
chart renderer's browser is a process of its own), a figure a loaded machine does not inflate.

Target: ≤ 3 s median for the cold download of ten slides.
"""
from __future__ import annotations

import os
import time
from datetime import date

import yaml

from benchmarks._common import summary, target

TARGET_S = 3.0
SLIDES = 10


def sequence_text(registry, as_of: str | None = None) -> str:
    """Ten slides over the registry's own pages (no names of this county written here)."""
    slides = [{"title": "Tilannekuvataulu", "view": "/"}]
    for area in registry.agreement.areas:
        for ind in registry.indicators_for_area(area.key)[:2]:
            slides.append({"title": ind.title.fi[:190], "view": f"/{area.slug}?indikaattori={ind.key}"})
    first = next(i for i in registry.indicators.values() if i.source.kind != "manual")
    slides.append({"title": first.title.fi[:190], "view": f"/indikaattori/{first.key}"})
    doc = {"title": "Suorituskykytesti", "date": date.today().isoformat(), "slides": slides[:SLIDES]}
    if as_of:
        doc["as_of"] = as_of
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def run(data, repeats: int = 5, warmup: int = 1) -> dict:
    from dashboard.data import queries
    from dashboard.data.context import current_context
    from dashboard.deliver.meeting.pdf import now_as_of

    folder = data.workdir / "kokoukset"
    folder.mkdir(exist_ok=True)
    os.environ["TILANNEKUVA_MEETINGS_DIR"] = str(folder)
    app = data.create_app()
    client = app.server.test_client()
    with app.server.app_context():
        registry = current_context().registry
    (folder / "kymmenen.yaml").write_text(sequence_text(registry), encoding="utf-8")
    (folder / "kiinnitetty.yaml").write_text(sequence_text(registry, now_as_of()), encoding="utf-8")
    results, failures = {}, []
    for mode, slug in (("cold", "kymmenen"), ("warm", "kiinnitetty")):
        times, sizes, cpu = [], [], []
        for i in range(warmup + repeats):
            if mode == "cold":
                queries.clear_cache()
            t0, c0 = time.perf_counter(), time.process_time()
            resp = client.get(f"/kokous/{slug}.pdf")
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if resp.status_code != 200 or not resp.data.startswith(b"%PDF"):
                failures.append(f"{mode}: HTTP {resp.status_code}: {resp.data[:120]!r}")
            elif i >= warmup:
                times.append(dt)
                cpu.append(dc)
                sizes.append(len(resp.data))
        results[mode] = {"s": summary(times, digits=3), "cpu_s": summary(cpu, digits=3)["median"],
                         "pdf_bytes": summary(sizes, digits=0)["median"]}
    cold = results["cold"]["s"]
    targets = [target(f"Meeting PDF, {SLIDES} slides, cold caches (median)", cold["median"] if cold["n"] else None,
                      TARGET_S, unit="s", note=f"server CPU {results['cold']['cpu_s']} s; "
                      f"warm (pinned, asked again) {results['warm']['s']['median']} s"
                      + (f"; {len(failures)} failed" if failures else ""))]
    return {"benchmark": "meeting_pdf", "repeats": repeats, "warmup": warmup, "slides": SLIDES, **results,
            "failures": failures[:5], "targets": targets, "ok": all(t["met"] for t in targets)}
