"""Headless Debian Chromium through Playwright, and a WSGI app served on 127.0.0.1 in a thread.

``playwright install`` cannot work offline; Playwright drives the system Chromium instead.
Every measurement that needs a cold cache opens a fresh browser context.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from benchmarks._common import chromium_path

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions", "--mute-audio",
]
VIEWPORT = {"width": 1366, "height": 900}


class ServedApp:
    """A WSGI app on a free port of 127.0.0.1 (threaded werkzeug server) until ``stop()``."""

    def __init__(self, wsgi_app) -> None:
        import logging

        from werkzeug.serving import make_server

        # One access-log line per request would drown the report.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"bench-server-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextmanager
def served(wsgi_app):
    server = ServedApp(wsgi_app)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium():
    """A launched headless Chromium (the Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def fresh_page(browser):
    """A page in a new context: empty cache, no cookies, fixed viewport and locale."""
    context = browser.new_context(viewport=VIEWPORT, locale="fi-FI", service_workers="block")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def console_errors(page) -> list[str]:
    """Collect console errors and page errors of ``page`` into the returned (live) list."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


class NetworkTracker:
    """Requests in flight on a page, and the responses seen, to wait for quiet and count bytes.

    Playwright delivers events only while the script is inside a Playwright call, so waiting
    uses ``page.wait_for_timeout`` (which pumps events), never ``time.sleep``.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.inflight: set = set()
        self.responses: list = []
        self.recording = False
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)
        page.on("response", self._response)

    def _start(self, request) -> None:
        self.inflight.add(request)

    def _end(self, request) -> None:
        self.inflight.discard(request)

    def _response(self, response) -> None:
        if self.recording:
            self.responses.append(response)

    def record(self) -> None:
        self.responses = []
        self.recording = True

    def stop(self) -> list:
        self.recording = False
        return list(self.responses)

    def wait_idle(self, quiet_ms: int = 250, timeout_ms: int = 30000) -> bool:
        """Wait until no request has been in flight for ``quiet_ms``; False on timeout."""
        waited, quiet = 0, 0
        step = 25
        while waited < timeout_ms:
            self.page.wait_for_timeout(step)
            waited += step
            quiet = quiet + step if not self.inflight else 0
            if quiet >= quiet_ms:
                return True
        return False
