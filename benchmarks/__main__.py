"""``python -m benchmarks`` (``make bench``): run the five benchmarks of issue 4 and write the report.

    python -m benchmarks [--only NAME[,NAME]] [--quick] [--offline DIR] [--out DIR] [--keep]

One database is bootstrapped from the recorded responses per run and shared by the benchmarks
that read the dashboard (the refresh benchmark builds its own fresh databases, as it measures
loading them). A full run writes benchmarks/results/latest.{json,md} and README-section.md; runs
with ``--only`` or ``--quick`` write to ``--out`` if given, otherwise only print. Exit status 0
when every target is met, 1 when one is missed or a benchmark failed to run.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
import traceback
from pathlib import Path

from benchmarks import report
from benchmarks._common import BenchSetupError, build_bench_data, default_offline_dir, machine_info, target

RESULTS_DIR = Path(__file__).resolve().parent / "results"
NAMES = ("map", "first_view", "export", "load", "refresh", "capacity", "country_map", "meeting_pdf")

#: (full, quick) settings per benchmark
SETTINGS = {
    "map": ({"switches": 20, "warmup": 2}, {"switches": 10, "warmup": 1}),
    "country_map": ({"switches": 20, "warmup": 2}, {"switches": 10, "warmup": 1}),
    "first_view": ({"repeats": 7, "warmup": 1}, {"repeats": 3, "warmup": 1}),
    "export": ({"repeats": 10, "warmup": 2}, {"repeats": 10, "warmup": 1}),
    "load": ({"users": 50, "duration_s": 30.0, "warmup_s": 5.0}, {"users": 50, "duration_s": 10.0, "warmup_s": 3.0}),
    "refresh": ({"repeats": 3}, {"repeats": 1}),
    "meeting_pdf": ({"repeats": 5, "warmup": 1}, {"repeats": 2, "warmup": 1}),
    "capacity": ({"clients": 100, "duration_s": 20.0, "warmup_s": 4.0}, {"clients": 100, "duration_s": 8.0, "warmup_s": 2.0}),
}


def refresh_result(offline_dir: Path, repeats: int) -> dict:
    """benchmarks.bench_refresh (issue 2's benchmark) with target rows for the report."""
    from benchmarks import bench_refresh

    result = bench_refresh.run(offline_dir, repeats=repeats)
    full, noop = result["full"], result["noop"]
    failures = result["backends"][0].get("failures") or []
    rows = [
        target("Full offline refresh (median)", full["median_s"], bench_refresh.FULL_TARGET_S, unit="s",
               note=f"{full['rows_written']:,} rows" + ("" if full["met"] or full["median_s"] > bench_refresh.FULL_TARGET_S
                                                       else "; a dataset failed")),
        target("No-op refresh (median)", noop["median_s"], bench_refresh.NOOP_TARGET_S, unit="s"),
        target("Rows written by the no-op refresh", noop["rows_written"], 0),
    ]
    rows[0]["met"] = rows[0]["met"] and full["met"]
    rows[1]["met"] = rows[1]["met"] and noop["met"]
    if failures:
        rows[0]["note"] += f"; not loaded: {len(failures)} dataset(s)"
    result["targets"] = rows
    return result


def run_one(name: str, data, offline_dir: Path, quick: bool) -> dict:
    settings = SETTINGS[name][1 if quick else 0]
    if name == "map":
        from benchmarks import bench_map

        return bench_map.run(data, **settings)
    if name == "country_map":
        from benchmarks import bench_country_map

        return bench_country_map.run(data, **settings)
    if name == "first_view":
        from benchmarks import bench_first_view

        return bench_first_view.run(data, **settings)
    if name == "export":
        from benchmarks import bench_export

        return bench_export.run(data, **settings)
    if name == "load":
        from benchmarks import bench_load

        return bench_load.run(data, **settings)
    if name == "refresh":
        return refresh_result(offline_dir, **settings)
    if name == "meeting_pdf":
        from benchmarks import bench_meeting_pdf

        return bench_meeting_pdf.run(data, **settings)
    if name == "capacity":
        from benchmarks import bench_capacity

        return bench_capacity.run(data, **settings)
    raise ValueError(name)


def parse_only(text: str | None) -> list[str]:
    if not text:
        return list(NAMES)
    names = [n.strip().replace("-", "_") for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    return names


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--only", type=parse_only, default=None, metavar="NAME[,NAME]",
                   help=f"run only these ({', '.join(NAMES)})")
    p.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    p.add_argument("--offline", type=Path, default=None, help="recorded responses (default TILANNEKUVA_OFFLINE_DIR)")
    p.add_argument("--out", type=Path, default=None, help="where to write the report (full runs: benchmarks/results)")
    p.add_argument("--keep", action="store_true", help="keep the temporary benchmark database")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    names = args.only or list(NAMES)
    partial = args.only is not None and set(names) != set(NAMES)
    out_dir = args.out or (None if (partial or args.quick) else RESULTS_DIR)
    offline_dir = args.offline or default_offline_dir()

    machine = machine_info()
    started = time.monotonic()
    data = None
    results: dict = {}
    try:
        if any(n != "refresh" for n in names):
            print("bootstrapping the benchmark database from the recording …", file=sys.stderr, flush=True)
            try:
                data = build_bench_data(offline_dir)
            except BenchSetupError as exc:
                print(f"benchmarks: {exc}", file=sys.stderr)
                return 2
        for name in names:
            print(f"running {name} …", file=sys.stderr, flush=True)
            t0 = time.monotonic()
            try:
                results[name] = run_one(name, data, offline_dir, args.quick)
            except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
                traceback.print_exc()
                results[name] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            results[name]["duration_s_total"] = round(time.monotonic() - t0, 1)
            print(f"  {name} done in {results[name]['duration_s_total']:.0f} s", file=sys.stderr, flush=True)
    finally:
        if data is not None and not args.keep:
            shutil.rmtree(data.workdir, ignore_errors=True)
        elif data is not None:
            print(f"benchmark database kept in {data.workdir}", file=sys.stderr)

    try:
        import os

        machine["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    doc = {
        "machine": machine, "quick": args.quick, "only": names if partial else None,
        "offline_dir": str(offline_dir), "wall_time_s": round(time.monotonic() - started, 1),
        "benchmarks": results,
    }
    rows = report.all_targets(doc)
    doc["summary"] = {"targets": len(rows), "met": sum(1 for r in rows if r["met"]),
                      "missed": [f"{r['benchmark']}: {r['name']}" for r in rows if not r["met"]]}
    print(report.render_markdown(doc))
    if out_dir is not None:
        paths = report.write(doc, out_dir)
        print(f"written: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
    return 0 if not doc["summary"]["missed"] else 1


if __name__ == "__main__":
    sys.exit(main())
