"""One error handler for pages and callbacks (dashboard.deliver.errors): a page whose building fails,
a page whose layout function fails and a callback that fails all show a plain-language block in the
view's language, are logged once, and the failure is never kept by the HTTP cache."""
from __future__ import annotations

import json
import logging

import dash
import pytest

from dashboard.data.queries import DataUnavailable
from dashboard.deliver.pages import area
from tests.dashboard.conftest import DashClient, render_page
from tests.dashboard.test_callbacks import mode_switch


def _boom(*_args, **_kwargs):
    raise RuntimeError("boom: secret internal detail")


@pytest.fixture()
def private_client(dash_app):
    """A client with a cookie: its answers bypass the shared HTTP cache, so each call really renders."""
    client = dash_app.server.test_client()
    client.set_cookie("tk-test", "1")
    return DashClient(client)


def _errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_err001_a_page_that_fails_to_build_shows_a_finnish_block_in_its_frame(private_client, monkeypatch, caplog):
    monkeypatch.setattr(area, "build_chart", _boom)
    caplog.set_level(logging.INFO)
    resp = render_page(private_client, "/asuminen")
    assert resp.status_code == 200
    text = json.dumps(resp.get_json(), ensure_ascii=False)
    assert "Näkymää ei voitu näyttää" in text and "Virhe on kirjattu" in text
    assert "Tietolähteet" in text  # the page frame (navigation) is still there
    assert "boom" not in text and "Traceback" not in text
    assert len(_errors(caplog)) == 1 and "boom" in str(_errors(caplog)[0].exc_info[1])


def test_err002_a_layout_function_that_fails_goes_through_the_same_handler(private_client, monkeypatch, caplog):
    page = next(p for p in dash.page_registry.values() if p["path"] == "/tietolahteet")
    monkeypatch.setitem(page, "layout", _boom)
    caplog.set_level(logging.INFO)
    resp = render_page(private_client, "/tietolahteet", "?kieli=sv")
    assert resp.status_code == 200
    content = resp.get_json()["response"]["_pages_content"]["children"]
    text = json.dumps(content, ensure_ascii=False)
    assert "Vyn kunde inte visas" in text and "boom" not in text
    assert len(_errors(caplog)) == 1
    fi = json.dumps(render_page(private_client, "/tietolahteet").get_json(), ensure_ascii=False)
    assert "Näkymää ei voitu näyttää" in fi


def test_err003_a_failed_callback_answers_with_a_notice_logged_once(dash_client, monkeypatch, caplog):
    monkeypatch.setattr(area, "update_area", _boom)
    caplog.set_level(logging.INFO)
    resp = mode_switch(dash_client, municipality="061")
    assert resp.status_code == 200
    out = resp.get_json()["response"]
    assert set(out) == {"area-notice"}  # every other output stays as it is
    text = json.dumps(out, ensure_ascii=False)
    assert "Virhe on kirjattu" in text and "boom" not in text
    assert len(_errors(caplog)) == 1


def test_err004_a_database_outage_while_building_says_try_again(private_client, monkeypatch):
    def unavailable(*_args, **_kwargs):
        raise DataUnavailable("connection refused")

    monkeypatch.setattr(area, "build_chart", unavailable)
    text = json.dumps(render_page(private_client, "/asuminen").get_json(), ensure_ascii=False)
    assert "Tietokantaan ei saada yhteyttä" in text and "connection refused" not in text


def test_err005_a_failure_is_not_replayed_by_the_http_cache(dash_client, monkeypatch):
    search = "?kunta=165&kieli=en"  # only this test asks for this view
    with monkeypatch.context() as patch:
        patch.setattr(area, "build_chart", _boom)
        failed = render_page(dash_client, "/asuminen", search)
        assert "The view could not be shown" in failed.get_data(as_text=True)
        assert failed.headers["Cache-Control"] == "no-store" and "X-Cache" not in failed.headers
    again = render_page(dash_client, "/asuminen", search)
    assert "The view could not be shown" not in again.get_data(as_text=True)
    assert again.status_code == 200 and again.headers.get("X-Cache") == "miss"
