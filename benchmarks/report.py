"""The benchmark report: one JSON document, its Markdown rendering, and the README section.

Rendering is pure (dict in, text out) so it is unit-tested without running anything.
"""
from __future__ import annotations

import json
from pathlib import Path

TITLES = {
    "map": "1. Map indicator/year switch (headless Chromium)",
    "first_view": "2. First view of the overview, the situation board and an area page (ours vs the stock plotly.js)",
    "refresh": "3. Offline refresh of all municipalities",
    "load": "4. 50 simulated users against gunicorn",
    "export": "5. Warm server-side chart export",
    "capacity": "6. 100 clients without think time against gunicorn (this tree vs present main)",
    "country_map": "7. Whole-country map indicator/year switch, 309 municipalities (headless Chromium)",
    "meeting_pdf": "8. PDF pre-read of a ten-slide meeting sequence",
}
ORDER = ("map", "first_view", "refresh", "load", "export", "capacity", "country_map", "meeting_pdf")
RERUN = """```sh
make bench                                  # all eight, writes benchmarks/results/latest.{json,md}
.venv/bin/python -m benchmarks --only map   # one benchmark (map, first_view, refresh, load, export, capacity,
                                            #   country_map, meeting_pdf)
.venv/bin/python -m benchmarks --quick      # smoke run with fewer repeats (not written to results/)
```
Needs the recorded responses (`TILANNEKUVA_OFFLINE_DIR`, default `../shared/data/snapshot`), Debian's
`chromium` and the custom plotly.js bundle (`make frontend`). Each run bootstraps its own temporary
SQLite database from the recording; comparisons are measured side by side in the same run."""


def fmt(value, unit: str = "") -> str:
    """A measured value for a table cell: '–' when missing, units attached."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "B":
        return fmt_bytes(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else (f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}")
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "×" else f"{text} {unit}"


def fmt_bytes(n) -> str:
    if n is None:
        return "–"
    n = float(n)
    for unit, size in (("MB", 1_000_000), ("KB", 1000)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


def _target_text(row: dict) -> str:
    sign = "≤" if row["kind"] == "max" else "≥"
    return f"{sign} {fmt(row['target'], row.get('unit', ''))}"


def all_targets(report: dict) -> list[dict]:
    """Every target row with the benchmark it belongs to, in report order; a benchmark that failed
    to run contributes one row that is not met."""
    rows = []
    for name in ORDER:
        result = report.get("benchmarks", {}).get(name)
        if result is None:
            continue
        if "error" in result:
            rows.append({"benchmark": name, "name": TITLES[name].split(". ", 1)[1], "measured": None, "target": None,
                         "kind": "max", "unit": "", "met": False, "note": f"did not run: {result['error']}"})
            continue
        for row in result.get("targets", []):
            rows.append({"benchmark": name, **row})
    return rows


def targets_table(report: dict) -> str:
    lines = ["| # | Measure | Measured | Target | Met |", "|---|---|---|---|---|"]
    for row in all_targets(report):
        number = TITLES[row["benchmark"]].split(".", 1)[0]
        measured = fmt(row["measured"], row.get("unit", ""))
        tgt = _target_text(row) if row["target"] is not None else "–"
        met = "**yes**" if row["met"] else "**NO**"
        note = f" ({row['note']})" if row.get("note") else ""
        lines.append(f"| {number} | {row['name']}{note} | {measured} | {tgt} | {met} |")
    return "\n".join(lines)


def machine_lines(machine: dict) -> list[str]:
    keys = [("date", "Date (UTC)"), ("loadavg_1_5_15", "Load average at start (1/5/15 min)"),
            ("loadavg_end", "Load average at end (1/5/15 min)"), ("cpus", "CPUs"), ("cpu_model", "CPU"), ("memory_gb", "Memory (GB)"),
            ("platform", "OS"), ("python", "Python"), ("chromium", "Chromium"), ("dash", "Dash"), ("plotly", "plotly"),
            ("kaleido", "kaleido"), ("gunicorn", "gunicorn"), ("sqlalchemy", "SQLAlchemy"), ("playwright", "Playwright"),
            ("git_commit", "Commit")]
    return [f"- {label}: {machine.get(k) if machine.get(k) is not None else '–'}" for k, label in keys]


def _details_map(r: dict) -> list[str]:
    o, t = r["ours"], r["textbook"]
    out = [
        f"Scenario: page `/{r['scenario']['slug']}`, {len(r['scenario']['indicators'])} indicators with recorded "
        f"values, years {r['scenario']['year'] - 1}/{r['scenario']['year']}; {o['ms']['n']} measured switches per app "
        f"after {r['warmup']} warm-up switches, alternately indicator and year.",
        "",
        "| | ours | textbook | ratio |", "|---|---|---|---|",
        f"| switch median | {fmt(o['ms']['median'], 'ms')} | {fmt(t['ms']['median'], 'ms')} | {fmt(r['speedup'], '×')} |",
        f"| switch p95 | {fmt(o['ms']['p95'], 'ms')} | {fmt(t['ms']['p95'], 'ms')} | |",
        f"| of which the callback request (median) | {fmt(o.get('callback_ms'), 'ms')} | {fmt(t.get('callback_ms'), 'ms')} | |",
        f"| network responses per switch, decoded | {fmt(o.get('net_decoded_bytes'), 'B')} | "
        f"{fmt(t.get('net_decoded_bytes'), 'B')} | {fmt(r.get('bytes_ratio_network'), '×')}"
        f"{' (against 1 B)' if o.get('net_decoded_bytes') == 0 else ''} |",
        f"| network responses per switch, on the wire | {fmt(o.get('net_wire_bytes'), 'B')} | "
        f"{fmt(t.get('net_wire_bytes'), 'B')} | |",
        f"| network requests per switch | {fmt(o.get('net_requests'))} | {fmt(t.get('net_requests'))} | |",
        f"| callback response, decoded | {fmt(o['decoded_bytes'], 'B')} | {fmt(t['decoded_bytes'], 'B')} | {fmt(r['bytes_ratio_decoded'], '×')} |",
        f"| callback response, on the wire | {fmt(o['wire_bytes'], 'B')} | {fmt(t['wire_bytes'], 'B')} | {fmt(r['bytes_ratio_wire'], '×')} |",
        f"| of which the map figure | {fmt(o['map_figure_bytes'], 'B')} | {fmt(t['map_figure_bytes'], 'B')} | {fmt(r['bytes_ratio_map_figure'], '×')} |",
        f"| all responses per switch (incl. browser cache), decoded | {fmt(o.get('all_decoded_bytes'), 'B')} | "
        f"{fmt(t.get('all_decoded_bytes'), 'B')} | |",
        f"| requests per switch (incl. browser cache) | {fmt(o['requests'])} | {fmt(t['requests'])} | |",
    ]
    for who, res in (("ours", o), ("textbook", t)):
        if res.get("other_requests"):
            out.append(f"\nOther requests a switch triggered ({who}): " + ", ".join(f"`{u}`" for u in res["other_requests"]))
        if res.get("cached_responses"):
            out.append(f"\nServed from the browser's cache, not counted ({who}): "
                       + ", ".join(f"`{u}`" for u in res["cached_responses"]))
        if res["failures"]:
            out.append(f"\nFailures ({who}, {len(res['failures'])}): " + "; ".join(res["failures"][:3]))
        if res["console_errors"]:
            out.append(f"\nConsole errors ({who}): " + "; ".join(f"`{e}`" for e in res["console_errors"][:3]))
    return out


def _details_first_view(r: dict) -> list[str]:
    out = [f"Cold loads in fresh browser contexts, {r['repeats']} per variant and page, variants alternating. "
           f"Custom bundle: {fmt_bytes(r['bundle_bytes'])} (stock `plotly.min.js` 4.8 MB).", "",
           "| page | variant | median | p95 | graphs | callbacks (server) | transferred | stock bundle requested | page errors |",
           "|---|---|---|---|---|---|---|---|---|"]
    for _name, page in r["pages"].items():
        for variant in ("custom", "stock"):
            v = page[variant]
            out.append(f"| `{page['path']}` | {variant} | {fmt(v['s']['median'], 's')} | {fmt(v['s']['p95'], 's')} | "
                       f"{v['graphs']} | {fmt(v.get('callback_s'), 's')} | {fmt_bytes(v['wire_bytes'])} | "
                       f"{fmt(v['stock_bundle_loaded'])} | {'; '.join(v['page_errors']) or '–'} |")
        out.append(f"| `{page['path']}` | speed-up | {fmt(page['speedup'], '×')} | | | | | | |")
    return out


def _details_refresh(r: dict) -> list[str]:
    out = ["| backend | full median | rows written | no-op median | rows written by no-op |", "|---|---|---|---|---|"]
    for b in r.get("backends", []):
        out.append(f"| {b['backend']} | {fmt(b['full']['median_s'], 's')} | {fmt(b['full']['rows_written'])} | "
                   f"{fmt(b['noop']['median_s'], 's')} | {fmt(b['noop']['rows_written'])} |")
    out.append(f"\n{r.get('repeats')} fresh database(s) per backend.")
    for b in r.get("backends", []):
        if b.get("failures"):
            out.append(f"\nDatasets not loaded ({b['backend']}): " + "; ".join(b["failures"][:5]))
    return out


def _details_load(r: dict) -> list[str]:
    out = [f"{r['users']} users, {r['duration_s']:.0f} s measured after {r['warmup_s']:.0f} s warm-up, think time "
           f"{r['think_s'][0]}–{r['think_s'][1]} s; gunicorn {r['workers']} workers × {r['threads_per_worker']} threads. "
           f"{r['requests']} requests, {fmt(r['throughput_rps'])} req/s.", "",
           "| action | n | p50 | p95 | p99 | errors |", "|---|---|---|---|---|---|",
           f"| all | {r['ms']['n']} | {fmt(r['ms']['median'], 'ms')} | {fmt(r['ms']['p95'], 'ms')} | {fmt(r['ms']['p99'], 'ms')} | {r['errors']} |"]
    for kind, s in r["by_action"].items():
        out.append(f"| {kind} | {s['n']} | {fmt(s['median'], 'ms')} | {fmt(s['p95'], 'ms')} | {fmt(s['p99'], 'ms')} | {s['errors']} |")
    if r.get("error_kinds"):
        out.append("\nErrors: " + ", ".join(f"{k}: {v}" for k, v in r["error_kinds"].items()))
    return out


def _details_export(r: dict) -> list[str]:
    out = [f"View: `{json.dumps(r['view'], ensure_ascii=False)}`; {r['repeats']} images each after {r['warmup']} warm-up.", "",
           "| chart | route median | route p95 | render_image median | PNG size |", "|---|---|---|---|---|"]
    for kind in ("map", "bar"):
        if kind in r:
            k = r[kind]
            out.append(f"| {kind} | {fmt(k['route_s']['median'], 's')} | {fmt(k['route_s']['p95'], 's')} | "
                       f"{fmt(k['render_s']['median'], 's')} | {fmt_bytes(k['png_bytes'])} |")
    return out


def _details_capacity(r: dict) -> list[str]:
    out = [f"{r['clients']} clients without think time, {r['duration_s']:.0f} s measured after {r['warmup_s']:.0f} s warm-up; "
           f"gunicorn {r['workers']} workers × {r['threads_per_worker']} threads on {r['cpus']} CPUs; mix "
           + ", ".join(f"{k} {v:.0%}" for k, v in r["mix"].items()) + ".", "",
           "| Code | req/s | median | p95 | p99 | errors |", "|---|---|---|---|---|---|"]
    for name, v in r["variants"].items():
        if "ms" in v:
            out.append(f"| {name} | {fmt(v['rps'])} | {fmt(v['ms']['median'])} ms | {fmt(v['ms']['p95'])} ms | "
                       f"{fmt(v['ms']['p99'])} ms | {v['errors']} {v['error_kinds'] or ''} |")
    return out


def _details_meeting_pdf(r: dict) -> list[str]:
    cold, warm = r["cold"], r["warm"]
    return [f"{r['slides']} slides, {r['repeats']} repeats: cold caches median {fmt(cold['s']['median'])} s "
            f"(min {fmt(cold['s']['min'])}, max {fmt(cold['s']['max'])}; server CPU {fmt(cold['cpu_s'])} s, "
            f"{fmt(cold['pdf_bytes'] / 1000)} kB); pinned and asked again {fmt(warm['s']['median'])} s."]


DETAILS = {"meeting_pdf": _details_meeting_pdf, "capacity": _details_capacity, "map": _details_map, "country_map": _details_map, "first_view": _details_first_view, "refresh": _details_refresh,
           "load": _details_load, "export": _details_export}


def render_markdown(report: dict) -> str:
    rows = all_targets(report)
    met = sum(1 for r in rows if r["met"])
    lines = [
        "# Tilannekuva benchmarks",
        "",
        f"{met} of {len(rows)} targets met" + (" (quick smoke run: fewer repeats)" if report.get("quick") else "") + ".",
        "",
        targets_table(report),
        "",
        "## Machine",
        "",
        *machine_lines(report.get("machine", {})),
    ]
    for name in ORDER:
        result = report.get("benchmarks", {}).get(name)
        if result is None:
            continue
        lines += ["", f"## {TITLES[name]}", ""]
        if "error" in result:
            lines.append(f"Did not run: `{result['error']}`")
            continue
        try:
            lines += DETAILS[name](result)
        except (KeyError, TypeError) as exc:  # a partial result still gets its target rows above
            lines.append(f"(details unavailable: {type(exc).__name__}: {exc})")
        if result.get("duration_s_total") is not None:
            lines.append(f"\nBenchmark wall time: {result['duration_s_total']:.0f} s.")
    lines += ["", "## How to rerun", "", RERUN, ""]
    return "\n".join(lines)


def render_readme_section(report: dict) -> str:
    """The README's "Suorituskyky / Performance" section: the figures and how to rerun."""
    machine = report.get("machine", {})
    rows = all_targets(report)
    met = sum(1 for r in rows if r["met"])
    return "\n".join([
        "## Suorituskyky / Performance",
        "",
        "Mitattu komennolla `make bench` (ei osa testejä). Vertailut mitataan rinnakkain samassa ajossa; "
        "luvut ovat mediaaneja. / Measured with `make bench` (not part of the tests); comparisons run side by "
        "side in the same run; figures are medians.",
        "",
        f"Latest run: {machine.get('date', '–')}, {machine.get('cpus', '–')} CPUs, Python {machine.get('python', '–')}, "
        f"{machine.get('chromium', 'Chromium –')}, Dash {machine.get('dash', '–')}, plotly {machine.get('plotly', '–')} "
        f"(commit {machine.get('git_commit', '–')}). {met} of {len(rows)} targets met; details in "
        "[benchmarks/results/latest.md](benchmarks/results/latest.md).",
        "",
        targets_table(report),
        "",
        "### How to rerun",
        "",
        RERUN,
        "",
    ])


def write(report: dict, out_dir: Path) -> dict[str, Path]:
    """latest.json, latest.md and README-section.md in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "latest.json", "md": out_dir / "latest.md", "readme": out_dir / "README-section.md"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["readme"].write_text(render_readme_section(report), encoding="utf-8")
    return paths
