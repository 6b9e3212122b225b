"""Web edges: no URL answers 500 for bad input, HSTS only over HTTPS, readable file modes."""
from __future__ import annotations

import stat

import pytest

from data_pipeline.snapshot import atomic_write

HOSTILE_GETS = [
    "/_dash-component-suites/dash/..%2f..%2fapp.py",
    "/_dash-component-suites/dash/..%2F..%2F..%2Fetc%2Fpasswd",
    "/_dash-component-suites/dash/deps/nothing.js",
    "/_dash-component-suites/not_a_package/x.js",
    "/_dash-component-suites/dash/%00.js",
    "/assets/..%2f..%2fapp.py",
    "/geo/..%2f..%2fapp.py",
    "/vienti/kartta.exe",
    "/indikaattori/" + "x" * 5000,
]


@pytest.mark.parametrize("path", HOSTILE_GETS)
def test_edg001_hostile_urls_get_4xx_or_a_page_never_500(client, path):
    resp = client.get(path)
    assert resp.status_code < 500, (path, resp.status_code)
    assert b"app.py" not in resp.data or resp.status_code == 200 and b"create_app" not in resp.data


def test_edg002_traversal_into_component_suites_is_404_with_a_sentence(client):
    resp = client.get("/_dash-component-suites/dash/..%2f..%2fapp.py")
    assert resp.status_code == 404 and "ei löydy" in resp.get_json()["error"]


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"output": ' + "{\"a\": " * 50_000 + "1" + "}" * 50_001,
    '{"output": "x", "inputs": [' + "[" * 100_000,
])
def test_edg003_deeply_nested_json_on_the_callback_endpoint_is_400(client, body):
    resp = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert resp.status_code == 400 and "error" in resp.get_json()


def test_edg004_hsts_only_when_the_request_arrived_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    # the header alone, without a trusted proxy in front (gunicorn's FORWARDED_ALLOW_IPS), changes nothing
    assert "Strict-Transport-Security" not in client.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    secure = client.get("/", base_url="https://tilannekuva.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_edg005_written_files_and_folders_are_readable_by_the_web_server(tmp_path, monkeypatch):
    import os

    old = os.umask(0o077)  # a strict umask, as on many servers
    try:
        atomic_write(tmp_path / "geo" / "build" / "kunnat.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "geo" / "build" / "kunnat.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "geo" / "build").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "geo").stat().st_mode) == 0o755


def test_edg006_a_real_fault_still_answers_500_and_is_logged(dash_app, caplog, monkeypatch):
    server = dash_app.server
    monkeypatch.setitem(server.view_functions, "health", lambda: 1 / 0)
    resp = server.test_client().get("/health")
    assert resp.status_code == 500 and "ZeroDivisionError" not in resp.get_data(as_text=True)
    assert any("ZeroDivisionError" in (r.exc_text or "") or r.exc_info for r in caplog.records)
