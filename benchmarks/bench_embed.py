"""Embed loads per second: ``python -m benchmarks.bench_embed [--users 100] [--seconds 10]``.

Serves the dashboard test database under gunicorn on 127.0.0.1 (2 workers x 4 threads, as the
Docker image) and has ``--users`` concurrent clients load embed pages (``/upotus/…``, a mix of
map, bar and trend views) for ``--seconds``; each client fetches the page's fingerprinted static
script and stylesheet once, as a browser would (the plotly bundle is Dash's cached asset). Prints loads/s, latency
percentiles and errors. Issue 14's target: 100 embed loads/s without errors.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

URLS = [
    "/upotus/map?sivu=asuminen&indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2024",
    "/upotus/map?sivu=hyvinvointityo&indikaattori=toimeentulotuki_pct",
    "/upotus/bar?indikaattori=tyottomat_pct&vuosi=2020",
    "/upotus/trend?indikaattori=tyottomat_pct&kunta=109",
    "/upotus/trend?indikaattori=toimeentulotuki_pct&kunta=061&kieli=sv",
]


def make_app():
    """gunicorn factory: the dashboard on the database in ``TK_BENCH_DB`` (see :func:`main`)."""
    from dashboard import create_app
    from data_pipeline.db.engine import make_engine
    from tests.dashboard.data import REGISTRY

    root = Path(os.environ["TK_BENCH_DB"]).parent
    return create_app(engine=make_engine(f"sqlite:///{os.environ['TK_BENCH_DB']}"), registry=REGISTRY,
                      geo_dir=root / "geo").server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(users: int, seconds: float) -> dict:
    import requests

    from tests.dashboard.data import build_database, write_geometry

    root = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    build_database(root / "bench.sqlite3").dispose()
    write_geometry(root / "geo")
    (root / "gunicorn_bench.conf.py").write_text("# no hooks: the benchmark's own app factory\n")
    port = _free_port()
    env = {**os.environ, "TK_BENCH_DB": str(root / "bench.sqlite3")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(root / "gunicorn_bench.conf.py"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "benchmarks.bench_embed:make_app()"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + URLS[0], timeout=30).status_code == 200:
                    break
            except requests.ConnectionError:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        for url in URLS:  # both workers build each page once
            for _ in range(4):
                requests.get(base + url, timeout=30)
        lock = threading.Lock()
        latencies: list[float] = []
        errors: list[str] = []
        stop = time.perf_counter() + seconds

        def client(i: int) -> None:
            """A reader's browser: the static files once (fingerprinted, cached for a week), then
            embed pages (each a new view, no If-None-Match: a first visit to that page)."""
            session = requests.Session()
            page = session.get(base + URLS[0], timeout=30)
            for asset in re.findall(r'(?:src|href)="(/upotus/static/[^"]+)"', page.text):
                session.get(base + asset, timeout=30).raise_for_status()
            n = i
            while time.perf_counter() < stop:
                url = URLS[n % len(URLS)]
                n += 1
                t0 = time.perf_counter()
                try:
                    page = session.get(base + url, timeout=30)
                    ok = page.status_code == 200 and "tk-embed-figure" in page.text
                    problem = page.status_code
                except requests.RequestException as exc:
                    ok, problem = False, type(exc).__name__
                elapsed = time.perf_counter() - t0
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors.append(str(problem)[:80])

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=users) as pool:
            list(pool.map(client, range(users)))
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    return {"users": users, "seconds": round(wall, 1), "loads": len(latencies), "errors": len(errors),
            "loads_per_s": round(len(latencies) / wall, 1), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
            "error_samples": sorted(set(errors))[:5]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = run(args.users, args.seconds)
    print(result)
    return 0 if result["errors"] == 0 and result["loads_per_s"] >= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
