"""Benchmark 6: a full meeting room: 100 clients without think time against gunicorn on 127.0.0.1.

Each client is a thread with its own keep-alive session that, with no pause, opens page shells
(GET), asks the callbacks a browser asks (the page router, the area map, a municipality profile)
and downloads exports (CSV and PNG slides) of the views the pages offer. The measured phase is
bounded in time after a short warm-up. The same scenario runs side by side in the same run against
the present code of ``main`` (``git archive`` of the commit into a temporary folder, its own copy of
the database at its schema) and against this tree, both under ``gunicorn --config gunicorn.conf.py``
with the same workers and threads. Errors: non-2xx/304 answers and exceptions (connection resets).

Targets (issue 11): p95 ≤ 500 ms and 0 errors for this tree; requests/s reported for both.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import dash_requests as dr
from benchmarks._common import PROJECT_ROOT, percentile, summary, target
from benchmarks.bench_load import Gunicorn, area_body, build_scenarios

P95_TARGET_MS = 500.0
CLIENTS = 100
#: Share of each kind of request (no think time between them).
MIX = (("page", 0.25), ("router", 0.25), ("area", 0.2), ("profile", 0.1), ("csv", 0.1), ("png", 0.1))


def _exports(tree) -> list[str]:
    return [s for s in dr.strings(tree) if s.startswith("/vienti/")]


def scenario(base_url: str, registry) -> tuple[dict, list[dict]]:
    import requests

    session = requests.Session()

    def post(path, body):
        r = session.post(base_url + path, json=body, timeout=120)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, None

    deps = session.get(base_url + "/_dash-dependencies", timeout=60).json()
    scen = build_scenarios(post, deps, registry, lambda path: session.get(base_url + path, timeout=60).text)
    links: list[str] = []
    for area in registry.agreement.areas:
        _, tree = dr.page_content(post, deps, f"/{area.slug}")
        links += _exports(tree)
    # Only links that answer: a broken link in a page is a bug to fix, not load to measure.
    scen["broken_links"] = []
    for fmt in ("csv", "png"):
        scen[fmt] = []
        for url in sorted({u for u in links if f".{fmt}?" in u})[:10]:
            status = session.get(base_url + url, timeout=120).status_code
            (scen[fmt] if status == 200 else scen["broken_links"]).append(url if status == 200 else f"{status} {url}")
    session.close()
    return scen, deps


def _request(rng: random.Random, scen: dict, deps: list[dict]) -> tuple[str, str, str, dict | None]:
    kinds, weights = zip(*MIX)
    kind = rng.choices(kinds, weights)[0]
    if kind in ("csv", "png") and not scen.get(kind):
        kind = "page"
    if kind == "profile" and not scen.get("profile"):
        kind = "router"
    if kind == "page":
        return kind, "GET", rng.choice(scen["pages"]), None
    if kind in ("csv", "png"):
        return kind, "GET", rng.choice(scen[kind]), None
    if kind == "router":
        cb = dr.find_callback(deps, "_pages_content", "children")
        return kind, "POST", dr.UPDATE_PATH, dr.request_body(
            cb, {"_pages_location.pathname": rng.choice(scen["pages"]), "_pages_location.search": ""},
            changed=["_pages_location.pathname", "_pages_location.search"])
    if kind == "profile":
        cb = dr.find_callback(deps, "profile-content", "children")
        return kind, "POST", dr.UPDATE_PATH, dr.request_body(
            cb, {"profile-municipality.value": rng.choice(scen["profile"]["municipalities"]),
                 "page-meta.data": scen["profile"]["meta"]})
    area = rng.choice(scen["areas"])
    cb = dr.find_callback(deps, "area-map", "figure")
    state = {"indicator": rng.choice(area["indicators"]), "year": None, "municipality": "",
             "mapmode": rng.choice(["geo", "tiles"])}
    return kind, "POST", dr.UPDATE_PATH, area_body(cb, area, state, "area-mapmode.value")


def _client(n: int, base: str, scen: dict, deps: list[dict], warm_end: float, end: float, out: list,
            lock: threading.Lock) -> None:
    import requests

    rng = random.Random(7000 + n)
    session = requests.Session()
    while time.monotonic() < end:
        kind, method, path, body = _request(rng, scen, deps)
        t0 = time.monotonic()
        error = None
        try:
            resp = session.request(method, base + path, json=body, timeout=60)
            if resp.status_code not in (200, 204, 304):
                error = f"HTTP {resp.status_code}"
        except Exception as exc:  # noqa: BLE001 - every failure counts
            error = type(exc).__name__
        elapsed = (time.monotonic() - t0) * 1000.0
        if t0 >= warm_end:
            with lock:
                out.append((kind, elapsed, error, t0))
    session.close()


def load(base: str, scen: dict, deps: list[dict], clients: int, duration_s: float, warmup_s: float) -> dict:
    samples: list = []
    lock = threading.Lock()
    start = time.monotonic()
    warm_end, end = start + warmup_s, start + warmup_s + duration_s
    threads = [threading.Thread(target=_client, args=(n, base, scen, deps, warm_end, end, samples, lock), daemon=True)
               for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration_s + warmup_s + 90)
    ms = [s[1] for s in samples]
    errors: dict[str, int] = {}
    for s in samples:
        if s[2]:
            errors[s[2]] = errors.get(s[2], 0) + 1
    by_kind = {k: {**summary([s[1] for s in samples if s[0] == k], digits=1),
                   "n": sum(1 for s in samples if s[0] == k)} for k, _ in MIX if any(s[0] == k for s in samples)}
    return {"requests": len(samples), "rps": round(len(samples) / duration_s, 1),
            "ms": {**summary(ms, digits=1), "p99": round(percentile(ms, 99) or 0, 1)},
            "errors": sum(errors.values()), "error_kinds": errors, "by_kind": by_kind}


#: The code before the shared HTTP cache (the state issue 11 measured: 80 requests/s, p95 2.9 s), at
#: its own schema revision: every run compares against the same baseline, not against itself.
BASELINE_REF = "0783427"


def present_code(workdir: Path, ref: str = BASELINE_REF) -> tuple[Path, str]:
    """The baseline code of ``ref`` unpacked into ``workdir`` (git archive; no worktree left behind)."""
    commit = subprocess.run(["git", "rev-parse", "--short=12", ref], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    target_dir = workdir / f"main-{commit}"
    target_dir.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=PROJECT_ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target_dir)], input=archive.stdout, check=True)
    vendor = PROJECT_ROOT / "assets" / "vendor"
    if vendor.is_dir():  # the generated plotly.js bundle (git-ignored) is served by both
        shutil.copytree(vendor, target_dir / "assets" / "vendor", dirs_exist_ok=True)
    return target_dir, commit


def _old_database(data, workdir: Path, revision: str) -> str:
    from data_pipeline.db.engine import make_engine
    from data_pipeline.db.migrate import downgrade

    src = Path(data.database_url.removeprefix("sqlite:///"))
    dst = workdir / "present.sqlite3"
    shutil.copyfile(src, dst)
    url = f"sqlite:///{dst}"
    engine = make_engine(url)
    downgrade(engine, revision)
    engine.dispose()
    return url


def run(data, clients: int = CLIENTS, duration_s: float = 20.0, warmup_s: float = 4.0, workers: int = 2,
        present_revision: str = "0002", compare: bool = True,
        redis_url: str | None = os.environ.get("TILANNEKUVA_BENCH_REDIS", "redis://127.0.0.1:6379/14")) -> dict:
    from data_pipeline.registry import load_registry

    registry = load_registry()
    results: dict = {}
    tmp = Path(tempfile.mkdtemp(prefix="tilannekuva-capacity-"))
    variants = []
    # Both servers get the same Redis (production has one); the present code uses it for rate limits only.
    redis = {"REDIS_URL": redis_url} if redis_url else {}
    if redis_url:
        import redis as redis_client

        redis_client.Redis.from_url(redis_url).flushdb()
    if compare:
        old_dir, commit = present_code(tmp)
        env = data.env(DATABASE_URL=_old_database(data, tmp, present_revision), PYTHONPATH=str(old_dir), **redis)
        variants.append((f"present (main {commit})", env, old_dir))
    variants.append(("this tree", data.env(**redis), PROJECT_ROOT))
    try:
        for name, env, cwd in variants:
            server = Gunicorn(env, workers, tmp / f"gunicorn-{len(results)}.log", cwd=cwd)
            try:
                server.wait_ready(timeout=120)
                scen, deps = scenario(server.url, registry)
                results[name] = {**load(server.url, scen, deps, clients, duration_s, warmup_s),
                                 "exports": {"csv": len(scen["csv"]), "png": len(scen["png"])},
                                 "broken_links": scen["broken_links"]}
            finally:
                results.setdefault(name, {})["gunicorn_exit"] = server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ours = results["this tree"]
    old = next((v for k, v in results.items() if k != "this tree"), None)
    targets = [
        target(f"{clients} clients, no think time: p95", ours["ms"]["p95"], P95_TARGET_MS, unit="ms"),
        target(f"{clients} clients, no think time: errors", ours["errors"], 0, unit="",
               note=", ".join(f"{k}: {v}" for k, v in ours["error_kinds"].items())),
    ]
    return {
        "benchmark": "capacity", "clients": clients, "duration_s": duration_s, "warmup_s": warmup_s,
        "workers": workers, "threads_per_worker": int(os.environ.get("GUNICORN_THREADS", "4")),
        "cpus": os.cpu_count(), "mix": dict(MIX), "variants": results,
        "rps": {k: v.get("rps") for k, v in results.items()},
        "speedup_rps": round(ours["rps"] / old["rps"], 2) if old and old.get("rps") else None,
        "targets": targets, "ok": all(t["met"] for t in targets),
    }
