"""Shared pieces of the benchmarks: statistics, the one benchmark database per run, machine details.

Statistics are pure functions (tested in tests/test_benchmarks_harness.py); everything that needs
the database or a browser lives in the benchmark modules.
"""
from __future__ import annotations

import contextlib
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --- statistics -------------------------------------------------------------------------------


def percentile(values, q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    data = sorted(float(v) for v in values)
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    pos = (len(data) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    if lo == hi:
        return data[lo]
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def median(values) -> float | None:
    data = [float(v) for v in values]
    return statistics.median(data) if data else None


def summary(values, *, digits: int = 4) -> dict:
    """n, median, p95, min, max of a list of samples (None fields when empty)."""
    data = [float(v) for v in values]

    def r(x):
        return None if x is None else round(x, digits)

    return {
        "n": len(data),
        "median": r(median(data)),
        "p95": r(percentile(data, 95)),
        "min": r(min(data)) if data else None,
        "max": r(max(data)) if data else None,
    }


def ratio(numerator, denominator, digits: int = 2) -> float | None:
    """numerator / denominator, None when either is missing or the denominator is 0."""
    if numerator is None or denominator in (None, 0):
        return None
    return round(float(numerator) / float(denominator), digits)


def target(name: str, measured, limit, *, kind: str = "max", unit: str = "", note: str = "") -> dict:
    """One target row: ``kind`` 'max' means measured <= limit, 'min' means measured >= limit.

    A missing measurement never counts as met.
    """
    if kind not in ("max", "min"):
        raise ValueError(kind)
    met = measured is not None and (measured <= limit if kind == "max" else measured >= limit)
    row = {"name": name, "measured": measured, "target": limit, "kind": kind, "unit": unit, "met": bool(met)}
    if note:
        row["note"] = note
    return row


# --- machine ----------------------------------------------------------------------------------


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - a missing package is reported as None
        return None


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def chromium_version() -> str | None:
    path = chromium_path()
    if not path:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip().splitlines()[-1] if out.strip() else None


def machine_info() -> dict:
    """What the figures depend on: CPUs, Python, browser and library versions, date."""
    mem = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu_model = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    commit = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadavg_1_5_15": load,
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": mem,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "chromium": chromium_version(),
        "dash": _version("dash"),
        "plotly": _version("plotly"),
        "dash_bootstrap_components": _version("dash-bootstrap-components"),
        "kaleido": _version("kaleido"),
        "gunicorn": _version("gunicorn"),
        "sqlalchemy": _version("SQLAlchemy"),
        "playwright": _version("playwright"),
        "git_commit": commit,
    }


# --- the benchmark database -------------------------------------------------------------------


def default_offline_dir() -> Path:
    return Path(os.environ.get("TILANNEKUVA_OFFLINE_DIR") or PROJECT_ROOT.parent / "shared" / "data" / "snapshot")


@dataclass
class BenchData:
    """A bootstrapped database (recording + labelled demo values) and its geometry folder."""

    workdir: Path
    database_url: str
    geo_dir: Path
    offline_dir: Path

    def env(self, **extra: str) -> dict:
        """Environment for a subprocess (gunicorn) that must use this database and geometry."""
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.database_url,
            "TILANNEKUVA_GEO_DIR": str(self.geo_dir),
            "TILANNEKUVA_OFFLINE_DIR": str(self.offline_dir),
            "TILANNEKUVA_SNAPSHOT_DIR": str(self.workdir / "snapshot"),
            "PYTHONPATH": os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p),
        })
        env.update(extra)
        return env

    def engine(self):
        from data_pipeline.db.engine import make_engine

        return make_engine(self.database_url)

    def create_app(self):
        """Our dashboard on this database and geometry (same factory gunicorn uses)."""
        from dashboard import create_app

        return create_app(engine=self.engine(), geo_dir=self.geo_dir)


class BenchSetupError(RuntimeError):
    """The benchmark database could not be prepared (no recording, a failed bootstrap)."""


def build_bench_data(offline_dir: Path | None = None, workdir: Path | None = None) -> BenchData:
    """Bootstrap a temporary SQLite database from the recording, exactly as ``make run`` would.

    Runs ``python -m data_pipeline bootstrap`` in a subprocess so the settings it reads come from
    the environment given here, not from this process.
    """
    offline_dir = Path(offline_dir or default_offline_dir())
    if not (offline_dir / "sotkanet").is_dir():
        raise BenchSetupError(f"recorded snapshot not found at {offline_dir}: set TILANNEKUVA_OFFLINE_DIR")
    workdir = Path(workdir or tempfile.mkdtemp(prefix="tilannekuva-bench-"))
    data = BenchData(workdir=workdir, database_url=f"sqlite:///{workdir / 'bench.sqlite3'}", geo_dir=workdir / "geo",
                     offline_dir=offline_dir)
    data.geo_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "data_pipeline", "--quiet", "bootstrap"], cwd=PROJECT_ROOT,
                          env=data.env(), capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise BenchSetupError(f"bootstrap failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    if not (data.geo_dir / "build" / "county.json").is_file():
        raise BenchSetupError(f"bootstrap wrote no geometry into {data.geo_dir / 'build'}")
    return data
