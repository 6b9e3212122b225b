"""The web edges under the real server (the Dockerfile's gunicorn command): X-Forwarded-Proto from the
trusted proxy (127.0.0.1, FORWARDED_ALLOW_IPS) turns HSTS on; the hostile URLs answer 4xx."""
from __future__ import annotations

import requests

from tests.test_serving import served  # noqa: F401 - the fixture


def test_esv001_hsts_behind_the_trusted_proxy_and_4xx_for_bad_input(served):  # noqa: F811
    base = served[0]
    plain = requests.get(base + "/", timeout=20)
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
    proxied = requests.get(base + "/", headers={"X-Forwarded-Proto": "https"}, timeout=20)
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    traversal = requests.get(base + "/_dash-component-suites/dash/..%2f..%2fapp.py", timeout=20)
    assert traversal.status_code == 404
    nested = requests.post(base + "/_dash-update-component", data="[" * 100_000 + "]" * 100_000,
                           headers={"Content-Type": "application/json"}, timeout=20)
    assert nested.status_code == 400
