"""Browser tests: the real app on a free local port (werkzeug in a thread) against the dashboard
test database, driven by Playwright with Debian's Chromium (``playwright install`` is never needed).

Playwright runs for this package only (module-scoped ``browser`` / ``page`` fixtures that override
pytest-playwright's session-wide ones): a sync Playwright left running for the whole session keeps
an asyncio loop alive, and later tests that start their own ``sync_playwright()`` would fail.

Every test page records console errors, failed requests and any request to a non-local host; the
``watched_page`` fixture fails the test if any occurred.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from benchmarks._browser import CHROMIUM_ARGS as BENCH_CHROMIUM_ARGS
from benchmarks._common import chromium_path
from tests.dashboard.data import REGISTRY, build_database, write_geometry

# The same Debian Chromium and switches as the benchmarks (benchmarks/_browser.py), without a GPU.
CHROMIUM = chromium_path() or "/usr/bin/chromium"
CHROMIUM_ARGS = [*BENCH_CHROMIUM_ARGS, "--disable-gpu"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI")
    yield context.new_page()
    context.close()


@contextmanager
def served_test_app(root: Path, *, real: tuple[Path, Path, object] | None = None, real_geometry: bool = False,
                    prepare=None):
    """(app, base URL): a fresh app on the test database and hand-made geometry in ``root``,
    served by werkzeug in a thread on a free port; closed (server, socket, engine) on exit.

    ``real`` = (recording, published figures, load time): the database of real recorded values
    instead (``tests.dashboard.real_data``), every load run pinned to the load time.
    ``real_geometry``: the recorded boundaries (county and every municipality of Finland), built by
    the pipeline's boundaries refresh, instead of the hand-made squares (needs ``real``).
    ``prepare(engine)`` adds what a test needs to the database before the app starts."""
    from dashboard import create_app

    if real is not None:
        from tests.dashboard.real_data import build_real_database

        offline_dir, facts_file, loaded_at = real
        engine = build_real_database(root / "app.sqlite3", offline_dir, facts_file, loaded_at=loaded_at)
    else:
        engine = build_database(root / "app.sqlite3")
    if prepare is not None:
        prepare(engine)
    if real_geometry and real is not None:
        from data_pipeline.refresh import run_refresh
        from data_pipeline.settings import Settings

        url = f"sqlite:///{root / 'app.sqlite3'}"
        settings = Settings.from_env({"DATABASE_URL": url, "TILANNEKUVA_SNAPSHOT_DIR": str(root / "snapshot"),
                                      "TILANNEKUVA_GEO_DIR": str(root / "geo")})
        report = run_refresh(engine, settings, sources=("boundaries",), offline_dir=real[0])
        assert report.ok, report.render()
    else:
        write_geometry(root / "geo")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        engine.dispose()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """(app, base URL): the app serving the test database and hand-made geometry."""
    with served_test_app(tmp_path_factory.mktemp("browser")) as served:
        yield served


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the app serving the test database and hand-made geometry."""
    return live_app[1]


@dataclass
class Watch:
    base: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"console: {m}" for m in self.console_errors] + [f"failed: {u}" for u in self.failed] + [
            f"external: {u}" for u in self.external]


@pytest.fixture
def watched_page(page, live_server):
    """The Playwright page with console/network watching; fails the test on any problem."""
    watch = Watch(live_server)
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    # (a fetch the browser itself cancels when the page is left, net::ERR_ABORTED, is no failure)
    page.on("requestfailed", lambda r: watch.failed.append(r.url) if r.failure != "net::ERR_ABORTED" else None)
    page.on("request", lambda r: watch.external.append(r.url)
            if not r.url.startswith((live_server, "data:", "blob:", "about:")) else None)
    page.set_default_timeout(15_000)
    yield page, watch
    assert not watch.problems(), watch.problems()
