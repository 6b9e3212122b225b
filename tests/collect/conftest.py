"""Collection-area fixtures: an app on a migrated database with one account per role."""
from __future__ import annotations

import re

import pytest

from tests.dashboard.data import REGISTRY, build_database

PASSWORD = "oikea-salasana-123"
USERS = {
    "admin": {"display_name": "Ylläpitäjä Ylli", "role": "yllapitaja"},
    "koordi": {"display_name": "Koordinaattori Kaisa", "role": "koordinaattori", "scope": ["turvallisuus"]},
    "asuntokoordi": {"display_name": "Asumisen koordinaattori", "role": "koordinaattori", "scope": ["asuntomarkkinat"]},
    "hml": {"display_name": "Hämeenlinnan ilmoittaja", "role": "ilmoittaja", "organisation": "hameenlinna"},
    "forssa": {"display_name": "Forssan ilmoittaja", "role": "ilmoittaja", "organisation": "forssa"},
    "suljettu": {"display_name": "Suljettu tunnus", "role": "ilmoittaja", "organisation": "hameenlinna"},
}


@pytest.fixture(scope="module")
def collect_env(tmp_path_factory):
    from dashboard import create_app
    from data_pipeline import collect

    root = tmp_path_factory.mktemp("collect")
    engine = build_database(root / "collect.sqlite3", with_data=False)
    with engine.begin() as conn:
        for name, spec in USERS.items():
            spec = dict(spec)
            if spec.get("scope") == ["asuntomarkkinat"]:
                spec["scope"] = ["asunnottomuus"]
            collect.add_user(conn, REGISTRY, username=name, password=PASSWORD, **spec)
        collect.set_disabled(conn, "suljettu", True)
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
    app.server.config["TESTING"] = True
    yield app, engine
    engine.dispose()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/tiedonkeruu/kirjaudu")
    return client.post("/tiedonkeruu/kirjaudu", data={"tunnus": username, "salasana": password,
                                                      "csrf_token": csrf_of(page.get_data(as_text=True))})


def post(client, path: str, data: dict, page: str | None = None, **kw):
    """POST with the CSRF token of ``page`` (default: the path itself)."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_of(html)}, **kw)
