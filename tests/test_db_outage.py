"""The database goes away and comes back while the dashboard keeps running (real PostgreSQL).

The app reaches PostgreSQL through a TCP forwarder this test controls. Stopping the forwarder
closes its port and cuts the open connections (what a database restart or network outage looks
like to the app). While it is down, pages and callbacks must answer with the app's readable
error state — no traceback, no HTTP 500 — and ``/health`` must say the database is unreachable.
When the forwarder listens again on the same port, the same running app must recover by itself.
The app is served over real HTTP (werkzeug in a thread), so the whole stack is exercised.
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
import requests
from sqlalchemy import insert, select

from benchmarks import dash_requests as dr
from dashboard.core.i18n import t
from tests.dashboard.data import REGISTRY, build_database, write_geometry

pytestmark = pytest.mark.postgres

PG_HOST, PG_PORT = "127.0.0.1", 5432


class TcpForwarder:
    """127.0.0.1:<port> -> PostgreSQL, with stop() (port closed, connections cut) and start()."""

    def __init__(self, target=(PG_HOST, PG_PORT)) -> None:
        self.target = target
        self.port = None
        self._listener = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(32)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # listener closed by stop()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            with self._lock:
                self._conns.difference_update((src, dst))

    def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):  # shutdown wakes the thread blocked in accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            conns = list(self._conns)
            self._conns.clear()
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def refuses(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return True
        return False


def fill_postgres(pg_url: str, tmp_path) -> None:
    """The dashboard test data (tests/dashboard/data.py), copied from SQLite into PostgreSQL."""
    from data_pipeline.db.engine import make_engine
    from data_pipeline.db.migrate import upgrade
    from data_pipeline.db.schema import load_run, manual_entry, observation
    from data_pipeline.sync import sync_registry

    source = build_database(tmp_path / "source.sqlite3")
    target = make_engine(pg_url)
    try:
        upgrade(target)
        with source.connect() as src, target.begin() as dst:
            sync_registry(dst, REGISTRY)
            for table in (load_run, observation, manual_entry):
                rows = [dict(r._mapping) for r in src.execute(select(table))]
                if "id" in table.c and table is not load_run:
                    rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
                if rows:
                    dst.execute(insert(table), rows)
    finally:
        source.dispose()
        target.dispose()


@pytest.fixture
def outage_app(pg_url, tmp_path):
    """(base URL, forwarder) of the dashboard served over HTTP on a database behind the forwarder."""
    from werkzeug.serving import make_server

    from dashboard import create_app
    from data_pipeline.db.engine import make_engine

    fill_postgres(pg_url, tmp_path)
    forwarder = TcpForwarder()
    forwarder.start()
    proxied = pg_url.replace(f"@{PG_HOST}:{PG_PORT}/", f"@127.0.0.1:{forwarder.port}/")
    assert proxied != pg_url
    engine = make_engine(proxied)
    write_geometry(tmp_path / "geo")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", forwarder
    finally:
        server.shutdown()
        server.server_close()
        forwarder.stop()
        engine.dispose()


def _texts(tree) -> str:
    return " ".join(s for s in _strings(tree))


def _strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


class Http:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.deps = self.session.get(base + "/_dash-dependencies", timeout=30).json()

    def post(self, path, body):
        resp = self.session.post(self.base + path, json=body, timeout=30)
        assert "Traceback" not in resp.text
        try:
            return resp.status_code, resp.json()
        except ValueError:
            return resp.status_code, None

    def page(self, path: str) -> tuple[int, object]:
        return dr.page_content(self.post, self.deps, path)

    def explorer(self, tree, indicator: str | None = None) -> tuple[int, object]:
        """The explorer callback as the browser posts it after picking ``indicator``."""
        cb = dr.find_callback(self.deps, "area-map", "figure")
        ind = dr.find_props(tree, "area-indicator")
        values = {
            "area-indicator.value": indicator or ind["value"], "area-year.value": None, "area-mapmode.value": "geo",
            "area-municipality.value": "", "page-meta.data": dr.find_props(tree, "page-meta")["data"],
            "view-state.data": dr.find_props(tree, "view-state")["data"],
        }
        return self.post(dr.UPDATE_PATH, dr.request_body(cb, values, changed=["area-indicator.value"]))

    def health(self) -> tuple[int, dict]:
        resp = self.session.get(self.base + "/health", timeout=30)
        return resp.status_code, resp.json()


def _wait(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.25)
    return last


def test_out001_database_outage_is_a_readable_state_and_the_app_recovers_without_restart(outage_app):
    base, forwarder = outage_app
    http = Http(base)
    area = next(a for a in REGISTRY.agreement.areas if a.key == "asuminen")
    db_title = t("dberror.title", "fi")
    db_body = t("dberror.body", "fi")

    # 1. Up: health, the page with its explorer, a callback.
    status, health = http.health()
    assert status == 200 and health["ok"] is True and health["database"]["reachable"] is True
    status, tree = http.page(f"/{area.slug}")
    assert status == 200 and dr.find_props(tree, "area-map") is not None
    # Two indicators of the test data with values (tests/dashboard/data.py SERIES).
    indicators = ["asunnottomat_yksinaiset_per1000", "tehostettu_palveluasuminen_65_pct"]
    assert set(indicators) <= set(dr.option_values(dr.find_props(tree, "area-indicator")))
    status, doc = http.explorer(tree, indicators[0])
    assert status == 200 and "area-map" in doc["response"]
    page_up = tree

    # 2. Down: the port is closed and the open connections are cut.
    forwarder.stop()
    assert forwarder.refuses()
    status, health = http.health()
    assert status == 503
    assert health["ok"] is False and health["database"]["reachable"] is False
    for path in ("/", f"/{area.slug}", "/kuntaprofiili"):
        status, tree = http.page(path)
        assert status == 200, f"{path}: HTTP {status}"
        text = _texts(tree)
        assert db_title in text, f"{path} does not say the database is unreachable: {text[:200]}"
        assert dr.find_props(tree, "area-map") is None
    index = http.session.get(base + f"/{area.slug}", timeout=30)
    assert index.status_code == 200 and "Traceback" not in index.text
    status, doc = http.explorer(page_up, indicators[-1])
    assert status == 200, f"explorer during the outage: HTTP {status}"
    notice = doc["response"].get("area-notice", {}).get("children")
    assert notice and "tk-notice--error" in notice["props"]["className"] and db_body in _texts(notice)
    assert set(doc["response"]) == {"area-notice"}

    # 3. Back: the same app serves again, without a restart.
    forwarder.start()
    assert not forwarder.refuses()
    recovered = _wait(lambda: http.health()[0] == 200)
    assert recovered, f"/health still failing after the database came back: {http.health()}"
    assert http.health()[1]["database"] == {"reachable": True, "schema_current": True}
    status, tree = http.page(f"/{area.slug}")
    assert status == 200 and dr.find_props(tree, "area-map") is not None and db_title not in _texts(tree)
    status, doc = http.explorer(tree, indicators[-1])
    assert status == 200 and "area-map" in doc["response"] and "area-notice" not in {
        k for k, v in doc["response"].items() if v.get("children")}


def test_out002_export_during_an_outage_is_a_temporary_error_not_500(outage_app):
    """A download asked for while the database is down is "try again later" (503 + Retry-After,
    Finnish text), like the renderer being busy — not an internal server error."""
    base, forwarder = outage_app
    session = requests.Session()
    url = base + "/vienti/bar.csv?sivu=asuminen&indikaattori=asunnottomat_yksinaiset_per1000"
    assert session.get(url, timeout=30).status_code == 200
    forwarder.stop()
    resp = session.get(url, timeout=30)
    assert resp.status_code == 503, f"HTTP {resp.status_code}: {resp.text[:200]}"
    assert resp.headers.get("Retry-After")
    assert resp.text.strip() and "Traceback" not in resp.text
    forwarder.start()
    assert _wait(lambda: session.get(url, timeout=30).status_code == 200), "export did not recover"
