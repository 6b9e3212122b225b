"""Benchmark 4: 50 simulated users on the dashboard's callbacks against gunicorn on 127.0.0.1.

gunicorn is started exactly as in production (``gunicorn --config gunicorn.conf.py app:app``) on
the benchmark database, with a fixed worker count (WEB_CONCURRENCY = 2 × CPUs). Each user is a
thread with its own keep-alive HTTP session that opens a page (Dash Pages' routing callback) and
then switches what it looks at — indicator, year, municipality on an area page, municipality on
the profile page — posting ``/_dash-update-component`` requests as the browser builds them (from
``/_dash-dependencies`` and the rendered page, see benchmarks/dash_requests.py), with a think time
between actions. A warm-up phase is not counted; the measured phase is bounded in time. Errors are
non-200 answers, exceptions, and callback answers that carry the app's "invalid input" notice (a
valid request must never be rejected).

Area pages draw indicator, year and municipality switches in the browser from the values the page
carries, so a browser sends no request for them; the one explorer request left is the map-type
switch, which recomputes the map of the user's current view. So that the server is loaded at least
as before, every area action of a simulated user still sends one request: the user's view changes
as the browser's would (an indicator keeps its year when it has data then, else its latest year —
the years come from the page's store), and the map-type callback is posted with that view, the
map type toggled.

Target (issue 4): p95 ≤ 300 ms with 0 errors.
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks import dash_requests as dr
from benchmarks._common import PROJECT_ROOT, percentile, summary, target

P95_TARGET_MS = 300.0
USERS = 50
#: Share of each action in a user's session (page views are the routing callback).
ACTIONS = (("page", 0.15), ("indicator", 0.35), ("year", 0.25), ("municipality", 0.15), ("profile", 0.10))
INVALID_MARKERS = ("tk-notice--warning", "tk-notice--error")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn --config gunicorn.conf.py app:app`` as a subprocess on 127.0.0.1."""

    def __init__(self, env: dict, workers: int, log_path: Path, port: int | None = None, cwd: Path = PROJECT_ROOT) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = log_path
        env = dict(env, HOST="127.0.0.1", PORT=str(self.port), WEB_CONCURRENCY=str(workers))
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"],
            cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.tail()}")
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /health within {timeout:.0f} s: {self.tail()}")

    def tail(self, n: int = 2000) -> str:
        self._log.flush()
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return self.proc.returncode


# --- what users click -------------------------------------------------------------------------


def build_scenarios(post: dr.Post, deps: list[dict], registry, get=None) -> dict:
    """Per page: the rendered state a browser would hold (page-meta, view-state, options). ``get``
    fetches a page's explorer store by its URL (older code carried the store itself)."""
    areas = []
    for area in registry.agreement.areas:
        status, tree = dr.page_content(post, deps, f"/{area.slug}")
        if status != 200 or tree is None:
            raise RuntimeError(f"page /{area.slug} did not render ({status})")
        indicators = [v for v in dr.option_values(dr.find_props(tree, "area-indicator")) if v]
        if not indicators:
            continue
        year_props = dr.find_props(tree, "area-year") or {}
        years = sorted(int(y) for y in (year_props.get("marks") or {}))
        store = (dr.find_props(tree, "area-data") or {}).get("data")
        if store and store.startswith("/"):
            store = get(store) if get else None
        years_by_indicator = {k: v["years"] for k, v in json.loads(store)["ind"].items()} if store else {}
        areas.append({
            "years_by_indicator": years_by_indicator,
            "slug": area.slug,
            "meta": (dr.find_props(tree, "page-meta") or {}).get("data"),
            "view": (dr.find_props(tree, "view-state") or {}).get("data"),
            "indicator": dr.find_props(tree, "area-indicator").get("value"),
            "indicators": indicators,
            "year": year_props.get("value"),
            "years": years,
            "mapmode": (dr.find_props(tree, "area-mapmode") or {}).get("value", "geo"),
            "municipalities": dr.option_values(dr.find_props(tree, "area-municipality")),
        })
    status, tree = dr.page_content(post, deps, "/kuntaprofiili")
    profile = None
    if status == 200 and tree is not None and dr.find_props(tree, "profile-municipality"):
        profile = {"meta": (dr.find_props(tree, "page-meta") or {}).get("data"),
                   "municipalities": [v for v in dr.option_values(dr.find_props(tree, "profile-municipality")) if v]}
    pages = ["/", *[f"/{a.slug}" for a in registry.agreement.areas], "/kuntaprofiili", "/tietolahteet"]
    return {"areas": areas, "profile": profile, "pages": pages}


def area_body(cb: dict, area: dict, state: dict, changed: str) -> dict:
    values = {
        "area-indicator.value": state["indicator"], "area-year.value": state["year"],
        "area-mapmode.value": state.get("mapmode", area["mapmode"]), "area-municipality.value": state["municipality"],
        "page-meta.data": area["meta"], "view-state.data": area["view"],
    }
    return dr.request_body(cb, values, changed=[changed])


def browser_side_switch(user: dict, kind: str, rng: random.Random) -> None:
    """What the area page's browser code does with an indicator, year or municipality switch."""
    area, state = user["area"], user["state"]
    by_indicator = area.get("years_by_indicator") or {}
    if kind == "indicator":
        state["indicator"] = rng.choice([k for k in area["indicators"] if k != state["indicator"]] or area["indicators"])
        years = by_indicator.get(state["indicator"], user["years"])
        user["years"] = list(years)
        if state["year"] not in years:
            state["year"] = years[-1] if years else None
    elif kind == "year":
        years = [y for y in user["years"] if y != state["year"]] or user["years"]
        state["year"] = rng.choice(years) if years else state["year"]
    else:
        state["municipality"] = rng.choice(area["municipalities"])


def next_request(rng: random.Random, scen: dict, deps: list[dict], user: dict) -> tuple[str, dict]:
    """The user's next action and its request body; the user's state follows the action."""
    kinds, weights = zip(*ACTIONS)
    kind = rng.choices(kinds, weights)[0]
    if kind == "profile" and scen["profile"] is None:
        kind = "indicator"
    if kind == "page":
        cb = dr.find_callback(deps, "_pages_content", "children")
        path = rng.choice(scen["pages"])
        return kind, dr.request_body(cb, {"_pages_location.pathname": path, "_pages_location.search": ""},
                                     changed=["_pages_location.pathname", "_pages_location.search"])
    if kind == "profile":
        cb = dr.find_callback(deps, "profile-content", "children")
        code = rng.choice(scen["profile"]["municipalities"])
        return kind, dr.request_body(cb, {"profile-municipality.value": code, "page-meta.data": scen["profile"]["meta"]})
    area = user["area"]
    state = user["state"]
    cb = dr.find_callback(deps, "area-map", "figure")
    inputs = {dr.prop_id(i) for i in cb["inputs"]}
    if "area-indicator.value" in inputs:
        # A server-side explorer: the switch itself is the request (as the browser would post it).
        if kind == "indicator":
            state["indicator"] = rng.choice([k for k in area["indicators"] if k != state["indicator"]] or area["indicators"])
            changed = "area-indicator.value"
        elif kind == "year":
            # Like the slider: only the years the current indicator has (the last answer's marks).
            years = [y for y in user["years"] if y != state["year"]] or user["years"]
            state["year"] = rng.choice(years) if years else state["year"]
            changed = "area-year.value"
        else:
            state["municipality"] = rng.choice(area["municipalities"])
            changed = "area-municipality.value"
        return kind, area_body(cb, area, state, changed)
    # The switch is drawn in the browser; the remaining explorer request (map type) is posted with
    # the user's new view, so every area action still costs the server one request.
    browser_side_switch(user, kind, rng)
    state["mapmode"] = "tiles" if state.get("mapmode", area["mapmode"]) == "geo" else "geo"
    return kind, area_body(cb, area, state, "area-mapmode.value")


def follow_answer(user: dict, doc: dict) -> None:
    """Update the user's controls from the callback's answer, as the browser's would change."""
    response = (doc or {}).get("response") or {}
    year = response.get("area-year") or {}
    marks = year.get("marks")
    if isinstance(marks, dict):
        user["years"] = sorted(int(k) for k in marks)
    if "value" in year:
        user["state"]["year"] = year["value"]
    indicator = response.get("area-indicator") or {}
    if isinstance(indicator.get("value"), str):
        user["state"]["indicator"] = indicator["value"]


def _user_loop(n: int, base_url: str, scen: dict, deps: list[dict], start: float, warm_end: float, end: float,
               think: tuple[float, float], out: list, lock: threading.Lock) -> None:
    import requests

    rng = random.Random(1000 + n)
    session = requests.Session()
    area = scen["areas"][n % len(scen["areas"])]
    user = {"area": area, "years": list(area["years"]),
            "state": {"indicator": area["indicator"], "year": area["year"], "municipality": ""}}
    # Users arrive spread over the first second.
    time.sleep(max(0.0, start + rng.random() - time.monotonic()))
    while time.monotonic() < end:
        kind, body = next_request(rng, scen, deps, user)
        t0 = time.monotonic()
        error = None
        try:
            resp = session.post(base_url + dr.UPDATE_PATH, json=body, timeout=60)
            elapsed = time.monotonic() - t0
            if resp.status_code != 200 and resp.status_code != 204:
                error = f"HTTP {resp.status_code}"
            elif kind != "page" and any(m in resp.text for m in INVALID_MARKERS):
                error = "app reported an error notice for a valid request"
            elif kind in ("indicator", "year", "municipality") and resp.status_code == 200:
                follow_answer(user, resp.json())
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            elapsed = time.monotonic() - t0
            error = type(exc).__name__
        if t0 >= warm_end:
            with lock:
                out.append((kind, elapsed * 1000.0, error, t0))
        time.sleep(rng.uniform(*think))
    session.close()


def run_users(base_url: str, scen: dict, deps: list[dict], users: int, duration_s: float, warmup_s: float,
              think: tuple[float, float]) -> list:
    samples: list = []
    lock = threading.Lock()
    start = time.monotonic()
    warm_end = start + warmup_s
    end = warm_end + duration_s
    threads = [threading.Thread(target=_user_loop, args=(n, base_url, scen, deps, start, warm_end, end, think, samples, lock),
                                daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration_s + warmup_s + 120)
    return samples


def run(data, users: int = USERS, duration_s: float = 30.0, warmup_s: float = 5.0,
        think: tuple[float, float] = (0.5, 1.5), workers: int | None = None) -> dict:
    import requests

    from data_pipeline.registry import load_registry

    workers = workers or 2 * (os.cpu_count() or 1)
    server = Gunicorn(data.env(), workers, data.workdir / "gunicorn-load.log")
    try:
        server.wait_ready()
        session = requests.Session()

        def post(path, body):
            r = session.post(server.url + path, json=body, timeout=60)
            try:
                return r.status_code, r.json()
            except ValueError:
                return r.status_code, None

        deps = session.get(server.url + "/_dash-dependencies", timeout=30).json()
        scen = build_scenarios(post, deps, load_registry(), lambda path: session.get(server.url + path, timeout=60).text)
        samples = run_users(server.url, scen, deps, users, duration_s, warmup_s, think)
    finally:
        code = server.stop()
    ms = [s[1] for s in samples]
    errors = [s for s in samples if s[2]]
    by_kind = {}
    for kind, _w in ACTIONS:
        sub = [s[1] for s in samples if s[0] == kind]
        if sub:
            by_kind[kind] = {**summary(sub, digits=1), "p99": round(percentile(sub, 99), 1),
                             "errors": sum(1 for s in samples if s[0] == kind and s[2])}
    span = (max(s[3] for s in samples) - min(s[3] for s in samples)) if len(samples) > 1 else duration_s
    stats = summary(ms, digits=1)
    p99 = percentile(ms, 99)
    error_kinds: dict[str, int] = {}
    for s in errors:
        error_kinds[s[2]] = error_kinds.get(s[2], 0) + 1
    targets = [
        target("50 users: callback p95", stats["p95"], P95_TARGET_MS, unit="ms"),
        target("50 users: errors", len(errors), 0, unit="", note=", ".join(f"{k}: {v}" for k, v in error_kinds.items())),
    ]
    return {
        "benchmark": "load",
        "users": users, "duration_s": duration_s, "warmup_s": warmup_s, "think_s": list(think),
        "workers": workers, "threads_per_worker": int(os.environ.get("GUNICORN_THREADS", "4")),
        "requests": len(samples), "throughput_rps": round(len(samples) / span, 1) if span else None,
        "ms": {**stats, "p99": round(p99, 1) if p99 is not None else None}, "by_action": by_kind,
        "errors": len(errors), "error_kinds": error_kinds, "gunicorn_exit": code,
        "targets": targets, "ok": all(t["met"] for t in targets),
    }
