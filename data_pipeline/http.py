"""HTTP for the live connectors: a User-Agent, timeouts, and retries with exponential backoff."""
from __future__ import annotations

import time
from typing import Any

import requests

from data_pipeline.errors import SourceUnavailable

RETRY_STATUS = {429, 500, 502, 503, 504}


class HttpClient:
    """A small wrapper around ``requests.Session``; tests inject a fake ``session``."""

    def __init__(
        self,
        user_agent: str,
        *,
        retries: int = 4,
        backoff: float = 1.5,
        timeout: float = 60.0,
        session: Any | None = None,
        sleep=time.sleep,
    ) -> None:
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.requests_made = 0

    def request(self, method: str, url: str, *, params=None, json_body=None) -> bytes:
        """Return the response body; retry network errors and 429/5xx, then raise SourceUnavailable."""
        last: str = ""
        for attempt in range(self.retries + 1):
            self.requests_made += 1
            try:
                resp = self.session.request(method, url, params=params, json=json_body, timeout=self.timeout)
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code < 400:
                    return resp.content
                last = f"HTTP {resp.status_code}"
                if resp.status_code not in RETRY_STATUS:
                    break
                retry_after = resp.headers.get("Retry-After", "")
                if retry_after.isdigit() and attempt < self.retries:
                    self.sleep(min(float(retry_after), 60.0))
                    continue
            if attempt < self.retries:
                self.sleep(self.backoff * (2**attempt))
        raise SourceUnavailable(f"{method} {url} failed: {last}")

    def get(self, url: str, params=None) -> bytes:
        return self.request("GET", url, params=params)

    def post_json(self, url: str, body) -> bytes:
        return self.request("POST", url, json_body=body)
