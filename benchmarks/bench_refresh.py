"""Benchmark of the offline refresh: a full load into a fresh database, then the no-op re-run.

Targets (issue 2): the full offline refresh of every municipality takes at most 60 s and the
no-op refresh right after it at most 5 s while writing 0 rows, on the project's 2-core machine.

    python -m benchmarks.bench_refresh [--repeats 3] [--offline DIR] [--postgres ADMIN_URL]

prints the result as JSON. ``--postgres`` also measures a throwaway database on that server.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from data_pipeline.refresh import run_refresh
from data_pipeline.settings import PROJECT_ROOT, Settings

FULL_TARGET_S = 60.0
NOOP_TARGET_S = 5.0


def default_offline_dir() -> Path:
    return Path(os.environ.get("TILANNEKUVA_OFFLINE_DIR") or PROJECT_ROOT.parent / "shared" / "data" / "snapshot")


def _once(url: str, offline_dir: Path, work: Path) -> dict:
    """One fresh database: migrate, full refresh, no-op refresh."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        settings = Settings.from_env(
            {"DATABASE_URL": url, "TILANNEKUVA_SNAPSHOT_DIR": str(work / "snapshot"), "TILANNEKUVA_GEO_DIR": str(work / "geo")}
        )
        started = time.perf_counter()
        full = run_refresh(engine, settings, offline_dir=offline_dir)
        full_s = time.perf_counter() - started
        started = time.perf_counter()
        noop = run_refresh(engine, settings, offline_dir=offline_dir)
        noop_s = time.perf_counter() - started
    finally:
        engine.dispose()
    return {
        "full_s": full_s, "full_written": full.written, "full_ok": full.ok,
        "noop_s": noop_s, "noop_written": noop.written, "noop_unchanged": noop.unchanged, "noop_ok": noop.ok,
        "failures": [r.line() for r in (*full.results, *noop.results) if r.status not in ("success", "no_data", "skipped")],
    }


def _summarise(backend: str, runs: list[dict]) -> dict:
    full_med = statistics.median(r["full_s"] for r in runs)
    noop_med = statistics.median(r["noop_s"] for r in runs)
    written = runs[0]["full_written"]
    noop_written = max(r["noop_written"] for r in runs)
    result = {
        "backend": backend,
        "full": {
            "median_s": round(full_med, 3), "runs_s": [round(r["full_s"], 3) for r in runs],
            "rows_written": written, "rows_per_s": round(written / full_med) if full_med else None,
            "target_s": FULL_TARGET_S, "met": full_med <= FULL_TARGET_S and all(r["full_ok"] for r in runs),
        },
        "noop": {
            "median_s": round(noop_med, 3), "runs_s": [round(r["noop_s"], 3) for r in runs],
            "rows_written": noop_written, "rows_unchanged": runs[0]["noop_unchanged"],
            "rows_per_s": round(runs[0]["noop_unchanged"] / noop_med) if noop_med else None,
            "target_s": NOOP_TARGET_S, "met": noop_med <= NOOP_TARGET_S and noop_written == 0 and all(r["noop_ok"] for r in runs),
        },
        "failures": sorted({f for r in runs for f in r["failures"]}),
    }
    result["ok"] = result["full"]["met"] and result["noop"]["met"]
    return result


def run(offline_dir: Path, repeats: int = 3, postgres_admin_url: str | None = None) -> dict:
    """Measure full and no-op offline refreshes (medians of ``repeats`` fresh databases)."""
    offline_dir = Path(offline_dir)
    backends = []
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        runs = []
        for i in range(repeats):
            work = Path(tmp) / f"sqlite-{i}"
            work.mkdir()
            runs.append(_once(f"sqlite:///{work / 'bench.sqlite3'}", offline_dir, work))
        backends.append(_summarise("sqlite", runs))
        if postgres_admin_url:
            admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
            runs = []
            try:
                for i in range(repeats):
                    name = f"tilannekuva_bench_{uuid.uuid4().hex[:10]}"
                    with admin.connect() as conn:
                        conn.execute(text(f'CREATE DATABASE "{name}"'))
                    try:
                        work = Path(tmp) / f"pg-{i}"
                        work.mkdir()
                        runs.append(_once(postgres_admin_url.rsplit("/", 1)[0] + f"/{name}", offline_dir, work))
                    finally:
                        with admin.connect() as conn:
                            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            finally:
                admin.dispose()
            backends.append(_summarise("postgresql", runs))
    sqlite = backends[0]
    return {
        "benchmark": "refresh",
        "offline_dir": str(offline_dir),
        "repeats": repeats,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        # The SQLite figures are the headline (the default database); other backends follow.
        "full": sqlite["full"],
        "noop": sqlite["noop"],
        "backends": backends,
        "ok": all(b["ok"] for b in backends),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_refresh", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--offline", type=Path, default=None, help="recorded responses (default ../shared/data/snapshot)")
    p.add_argument("--postgres", metavar="ADMIN_URL", help="also measure PostgreSQL (creates a throwaway database)")
    args = p.parse_args(argv)
    result = run(args.offline or default_offline_dir(), repeats=args.repeats, postgres_admin_url=args.postgres)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
