"""Source connectors: fetch (or replay) → snapshot → parse.

Each connector module turns one provider's raw responses into validated observation frames; the
refresh (``data_pipeline.refresh``) loads them. Reading goes through :class:`Fetcher`, so the same
parsing code runs on a live response and on a recording:

* live: the request is made, the body is written with :func:`write_snapshot` (file + sidecar)
  *before* it is parsed, so a parse failure always leaves the offending response on disk;
* offline: the same relative path is read from the recording with :func:`read_snapshot`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests

from data_pipeline.http import HttpClient
from data_pipeline.snapshot import Snapshot, read_snapshot, write_snapshot


def full_url(url: str, params=None) -> str:
    """The URL with its query string, as recorded in sidecars and load runs."""
    if not params:
        return url
    return requests.Request("GET", url, params=params).prepare().url or url


@dataclass
class Fetcher:
    """Fetch-or-replay for one refresh.

    ``root`` is where snapshots are written (live) or read (offline). ``http`` is only used live.
    """

    root: Path
    offline: bool
    http: HttpClient | None = None

    def exists(self, relpath: str) -> bool:
        return (Path(self.root) / relpath).exists()

    def location(self, relpath: str, url: str, params=None) -> str:
        """What a load run records before anything is read: the URL live, the file offline."""
        return str(Path(self.root) / relpath) if self.offline else full_url(url, params)

    def get(self, relpath: str, url: str, *, params=None, source: str, licence: str) -> Snapshot:
        if self.offline:
            return read_snapshot(self.root, relpath)
        assert self.http is not None, "live fetch needs an HttpClient"
        body = self.http.get(url, params=params)
        query = _params_dict(params)
        return write_snapshot(
            self.root, relpath, body, source=source, url=full_url(url, params), query=query, licence=licence
        )

    def post(self, relpath: str, url: str, *, body: dict, source: str, licence: str) -> Snapshot:
        if self.offline:
            return read_snapshot(self.root, relpath)
        assert self.http is not None, "live fetch needs an HttpClient"
        content = self.http.post_json(url, body)
        return write_snapshot(self.root, relpath, content, source=source, url=url, query=body, licence=licence)


def _params_dict(params) -> dict | None:
    """Repeated query parameters (years=2000&years=2001) as {name: [values]} for the sidecar."""
    if params is None:
        return None
    items = params.items() if isinstance(params, dict) else params
    out: dict[str, list] = {}
    for k, v in items:
        out.setdefault(k, []).extend(v if isinstance(v, list | tuple) else [v])
    return out
