"""gunicorn settings for production (used by the Dockerfile): `gunicorn --config gunicorn.conf.py app:app`.

Workers from WEB_CONCURRENCY (default 2), bind from HOST/PORT. `preload_app` loads the app once
before forking, and `when_ready` warms its caches there (every page in every language, the area
pages' stores with the whole-country map's, all profiles: dashboard/web/warm.py, ~10 s once), so
workers start with the data in memory (copy-on-write) instead of their first users waiting; a
database that is not ready leaves the caches cold. Callbacks are short and CPU-bound (cached data, JSON), so a few
threads per worker suffice.
"""
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Idle keep-alive connections stay open 30 s (gunicorn's 2 s closed connections that busy clients
# were about to reuse: the resets of issue 11's 100-client test).
keepalive = 30


def when_ready(server):
    """Warm the caches in the master before the workers are forked (see the module docstring)."""
    from dashboard.web.warm import warm
    from dashboard.web.warm_exports import warm_exports

    result = warm(server.app.wsgi())
    server.log.info("caches warmed: %s", result)
    server.log.info("downloads warmed: %s", warm_exports(server.app.wsgi()))
