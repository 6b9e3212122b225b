"""HTTP caching of public answers, keyed by the data version.

Why: every anonymous user of one data version gets the same page shell, layout, callback answer and
export for the same request; a meeting room of 100 people opening one link at once should cost one
computation, not 100. So for the public, deterministic endpoints (Dash's page shell, ``/_dash-layout``,
``/_dash-dependencies``, ``/_dash-update-component``, the ``/vienti/`` downloads and the explorer's
stores ``/data/explorer/``):

* the key is (data version, code version, method, full path with query, body); a new load run
  (``dashboard.data.queries.data_version``) changes every key, so nothing stale is ever served;
* ETag = that key: a browser revalidating (``If-None-Match``) gets 304 before anything is computed,
  with ``Cache-Control: no-cache`` (always revalidate: the data version may change any minute);
* the answer itself is kept in a cache shared by every worker (Flask-Caching: Redis when
  ``REDIS_URL`` is set, process memory otherwise), so a repeat is a lookup;
* with Redis, each worker also keeps the answers it served last in its own memory (:class:`LocalTier`,
  an LRU bounded in bytes, ``TILANNEKUVA_LOCAL_CACHE_MB``): a key names one immutable answer, so this copy is never
  stale, and a repeat costs no Redis round trip. Under 100 clients on 2 CPUs that round trip (waiting
  for Redis to be scheduled, unpickling up to a PNG's 400 kB) was most of a hit's time and the tail.

Requests that carry cookies or an ``Authorization`` header (a logged-in partner) are never cached or
answered from the cache, nor are answers that set a cookie, are not 200, say ``no-store`` or carry a
failure worded by ``dashboard.deliver.errors`` (a page or callback that failed this time).
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import threading

from cachetools import LRUCache
from flask import Flask, Response, g, request
from flask_caching import Cache

from dashboard.deliver.errors import request_failed

log = logging.getLogger(__name__)

#: Endpoints whose answers depend only on the request and the data version.
CACHED_ENDPOINTS = {"/", "/<path:path>", "/_dash-layout", "/_dash-dependencies", "/_dash-update-component", "vienti",
                    "explorer_store"}
#: Headers of a stored answer that are replayed (the rest, e.g. CSP, is added per response).
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-Content-Type-Options")
TIMEOUT_S = 3600
MAX_BODY = 8 * 1024 * 1024
#: Stored answers of these types are also kept gzip-compressed, so a hit costs no compression.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")

cache = Cache()


class LocalTier:
    """This worker's copy of the answers it served last; thread-safe, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._lru: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=self._size)
        self._lock = threading.Lock()

    @staticmethod
    def _size(stored: tuple) -> int:
        _status, body, packed, _headers = stored
        return len(body) + len(packed or b"") + 512

    def get(self, key: str):
        with self._lock:
            return self._lru.get(key)

    def put(self, key: str, stored: tuple) -> None:
        if self._size(stored) > self._lru.maxsize:
            return
        with self._lock:
            self._lru[key] = stored


def local_cache_bytes(env: dict[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    return int(float(env.get("TILANNEKUVA_LOCAL_CACHE_MB", "64")) * 1024 * 1024)



def cache_config(env: dict[str, str] | None = None) -> dict:
    env = os.environ if env is None else env
    if env.get("REDIS_URL"):
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": env["REDIS_URL"], "CACHE_KEY_PREFIX": "tk:http:",
                "CACHE_DEFAULT_TIMEOUT": TIMEOUT_S}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 4000, "CACHE_DEFAULT_TIMEOUT": TIMEOUT_S}


def _cacheable_request() -> bool:
    if request.method not in ("GET", "HEAD", "POST"):
        return False
    if request.url_rule is None or request.url_rule.endpoint not in CACHED_ENDPOINTS:
        return False
    if request.method == "POST" and request.url_rule.endpoint != "/_dash-update-component":
        return False
    if request.cookies or request.authorization is not None or request.headers.get("Authorization"):
        return False
    return (request.content_length or 0) <= MAX_BODY


def request_key(version) -> str:
    from data_pipeline.load import code_version

    digest = hashlib.sha256()
    for part in (repr(version), code_version(), "GET" if request.method == "HEAD" else request.method,
                 request.full_path):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    if request.method == "POST":
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()[:40]


def _etag_matches(etag: str) -> bool:
    return request.if_none_match.contains_weak(etag) or request.if_none_match.star_tag


def register(server: Flask, ctx) -> None:
    config = cache_config()
    cache.init_app(server, config=config)
    # Process memory already is the shared cache without Redis: a second copy would only cost memory.
    local = LocalTier(local_cache_bytes()) if config["CACHE_TYPE"] == "RedisCache" else None
    server.extensions["tk_local_cache"] = local

    @server.before_request
    def answer_from_cache():
        g.tk_cache_key = None
        if not _cacheable_request():
            return None
        try:
            from dashboard.data import queries

            key = request_key(queries.data_version(ctx.engine))
        except Exception:  # noqa: BLE001 - database down: compute as usual (the page says why)
            return None
        g.tk_cache_key = key
        etag = f'W/"{key}"'
        if request.method != "POST" and _etag_matches(key):
            resp = Response(status=304)
            resp.headers["ETag"] = etag
            resp.headers["Cache-Control"] = "no-cache"
            return resp
        stored = local.get(key) if local is not None else None
        if stored is None:
            try:
                stored = cache.get(key)
            except Exception:
                log.warning("response cache unavailable", exc_info=True)
                stored = None
            if stored is None:
                return None
            if local is not None:
                local.put(key, stored)
        status, body, packed, headers = stored
        if packed is not None and "gzip" in (request.headers.get("Accept-Encoding") or ""):
            resp = Response(packed, status=status)
            resp.headers["Content-Encoding"] = "gzip"  # Flask-Compress leaves encoded answers alone
        else:
            resp = Response(body, status=status)
        resp.headers["Vary"] = "Accept-Encoding"
        for name, value in headers:
            resp.headers[name] = value
        resp.headers["ETag"] = etag
        resp.headers.setdefault("Cache-Control", "no-cache")
        resp.headers["X-Cache"] = "hit"
        g.tk_cache_key = None  # already stored
        return resp

    @server.after_request
    def store_in_cache(response: Response):
        key = getattr(g, "tk_cache_key", None)
        if key and request_failed():  # a failure is worded for now, never replayed
            response.headers["Cache-Control"] = "no-store"
            return response
        if not key or response.status_code != 200 or response.direct_passthrough or response.is_streamed:
            return response
        if "Set-Cookie" in response.headers or "no-store" in (response.headers.get("Cache-Control") or ""):
            return response
        if response.headers.get("Content-Encoding"):
            return response
        body = response.get_data()
        if len(body) > MAX_BODY:
            return response
        headers = [(h, response.headers[h]) for h in (*KEPT_HEADERS, "Cache-Control") if h in response.headers]
        packed = None
        if len(body) >= 500 and (response.mimetype or "").startswith(COMPRESSIBLE):
            packed = gzip.compress(body, compresslevel=6, mtime=0)
        stored = (200, body, packed, headers)
        if local is not None:
            local.put(key, stored)
        try:
            cache.set(key, stored)
        except Exception:
            log.warning("response cache unavailable", exc_info=True)
        response.headers["ETag"] = f'W/"{key}"'
        response.headers.setdefault("Cache-Control", "no-cache")
        response.headers["X-Cache"] = "miss"
        return response
