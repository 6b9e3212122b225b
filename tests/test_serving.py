"""The production serving command, run here exactly as the Docker image runs it.

docker cannot run on this machine, so the test reads the image's ``CMD`` (and ``ENV``) from the
Dockerfile instead of repeating them, and runs that command against a temporary SQLite database
on a free port: the migrations must run, gunicorn must serve with as many workers as
WEB_CONCURRENCY says, ``/health`` must be OK, a page and callbacks must answer, and SIGTERM must
stop it cleanly.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from benchmarks import dash_requests as dr

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def dockerfile_cmd(text: str) -> list[str]:
    """The last CMD of the final stage, exec form (JSON array) or shell form."""
    cmds = [m.group(1).strip() for m in re.finditer(r"^CMD\s+(.+)$", text, re.M)]
    assert cmds, "the Dockerfile has no CMD"
    cmd = cmds[-1]
    if cmd.startswith("["):
        return json.loads(cmd)
    return ["/bin/sh", "-c", cmd]


def dockerfile_env(text: str) -> dict[str, str]:
    """ENV of the final stage (``ENV A=1 B=2`` with backslash continuations)."""
    final = text.split("\nFROM ")[-1]
    joined = re.sub(r"\\\n\s*", " ", final)
    env: dict[str, str] = {}
    for m in re.finditer(r"^ENV\s+(.+)$", joined, re.M):
        for item in shlex.split(m.group(1)):
            if "=" in item:
                k, v = item.split("=", 1)
                env[k] = v
    return env


def test_srv001_dockerfile_parsing():
    text = 'FROM a AS b\nENV X=1\nFROM python\nENV A=1 \\\n    B="two words"\nCMD ["sh", "-c", "run && exec serve"]\n'
    assert dockerfile_cmd(text) == ["sh", "-c", "run && exec serve"]
    assert dockerfile_env(text) == {"A": "1", "B": "two words"}
    assert dockerfile_cmd("FROM x\nCMD gunicorn app:app\n") == ["/bin/sh", "-c", "gunicorn app:app"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …; comm may contain spaces, so split after the last ')'.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


@pytest.fixture
def served(tmp_path):
    """The Dockerfile's CMD running here: (base URL, process, database path, workers)."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    cmd = dockerfile_cmd(text)
    assert any("gunicorn" in part for part in cmd), cmd
    db = tmp_path / "var" / "served.sqlite3"
    port = _free_port()
    workers = 3
    env = dict(os.environ)
    env.update(dockerfile_env(text))
    env.update({
        # Container paths and addresses replaced by this machine's; everything else as in the image.
        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers),
        "DATABASE_URL": f"sqlite:///{db}", "TILANNEKUVA_GEO_DIR": str(tmp_path / "geo"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    })
    env.pop("TILANNEKUVA_OFFLINE_DIR", None)
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"exited {proc.returncode}: {(tmp_path / 'serve.log').read_text()[-2000:]}"
            try:
                requests.get(base + "/health", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            pytest.fail(f"no answer within 120 s: {(tmp_path / 'serve.log').read_text()[-2000:]}")
        yield base, proc, db, workers, tmp_path / "serve.log"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


def test_srv002_docker_cmd_migrates_serves_with_env_workers_and_stops_cleanly(served):
    base, proc, db, workers, log_path = served
    session = requests.Session()

    # Migrations ran before gunicorn started: the schema is there and current.
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"alembic_version", "observation", "load_run"} <= tables
    health = session.get(base + "/health", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["ok"] is True and body["database"] == {"reachable": True, "schema_current": True}

    # gunicorn: the master (the CMD's shell exec'd into it) and WEB_CONCURRENCY workers.
    assert _wait_for(lambda: len(_children(proc.pid)) == workers), _children(proc.pid)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert "gunicorn" in log.lower() and f"127.0.0.1:{base.rsplit(':', 1)[1]}" in log

    # A page (HTML shell with our CSP) and callbacks answer.
    page = session.get(base + "/asuminen", timeout=10)
    assert page.status_code == 200 and "<html lang=\"fi\">" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    deps = session.get(base + "/_dash-dependencies", timeout=10).json()

    def post(path, body):
        r = session.post(base + path, json=body, timeout=30)
        return r.status_code, r.json() if r.headers.get("Content-Type", "").startswith("application/json") else None

    # The database is empty: the page says how to load data (a readable state, not an error).
    status, tree = dr.page_content(post, deps, "/asuminen")
    assert status == 200 and tree is not None
    assert "make run" in json.dumps(tree, ensure_ascii=False)

    # Data loaded while it runs: the same workers now draw the explorer and answer its callback.
    from tests.dashboard.data import build_database

    build_database(db).dispose()
    status, tree = dr.page_content(post, deps, "/asuminen")
    assert status == 200 and dr.find_props(tree, "area-map") is not None
    cb = dr.find_callback(deps, "area-map", "figure")
    values = {"area-indicator.value": "tehostettu_palveluasuminen_65_pct", "area-year.value": None,
              "area-mapmode.value": "geo", "area-municipality.value": "",
              "page-meta.data": dr.find_props(tree, "page-meta")["data"],
              "view-state.data": dr.find_props(tree, "view-state")["data"]}
    status, doc = post(dr.UPDATE_PATH, dr.request_body(cb, values, changed=["area-indicator.value"]))
    assert status == 200 and "area-map" in doc["response"]

    # SIGTERM: graceful stop, exit status 0, no worker left behind.
    children = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert _wait_for(lambda: not any(Path(f"/proc/{c}").exists() for c in children), timeout=10)


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
