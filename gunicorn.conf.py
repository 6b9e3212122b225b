"""gunicorn settings for production (used by the Dockerfile): `gunicorn --config gunicorn.conf.py app:app`.

Workers from WEB_CONCURRENCY (default 2), bind from HOST/PORT. `preload_app` loads the registry and
geometry metadata once before forking; callbacks are I/O-light, so a few threads per worker help.
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
