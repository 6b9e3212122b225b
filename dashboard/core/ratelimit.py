"""One Flask-Limiter for the whole server (login attempts, the open API).

Storage is Redis when ``REDIS_URL`` is set, so every gunicorn worker and every app instance count
the same requests; otherwise memory (one process: development and tests). Routes opt in with
``@limiter.limit(...)``; nothing is limited by default, so public pages stay cheap.
"""
from __future__ import annotations

import os

import flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="moving-window",
                  headers_enabled=True)


def storage_uri(env: dict[str, str] | None = None) -> str:
    """``REDIS_URL`` when configured, else process memory."""
    env = os.environ if env is None else env
    return env.get("REDIS_URL") or "memory://"


def init_app(server: flask.Flask) -> None:
    server.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri())
    # An unreachable Redis must not take the site down: limits then fall back to memory.
    server.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(server)
