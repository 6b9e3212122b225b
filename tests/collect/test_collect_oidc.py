"""Single sign-on against a local OpenID provider that the test starts itself."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from data_pipeline import collect
from tests.collect.oidc_provider import Provider
from tests.dashboard.data import REGISTRY, build_database


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    from dashboard import create_app

    with Provider() as provider:
        mp = pytest.MonkeyPatch()
        mp.setenv("TILANNEKUVA_OIDC_METADATA_URL", provider.metadata_url)
        mp.setenv("TILANNEKUVA_OIDC_CLIENT_ID", provider.client_id)
        mp.setenv("TILANNEKUVA_OIDC_CLIENT_SECRET", provider.client_secret)
        mp.setenv("TILANNEKUVA_OIDC_ORG_CLAIM", "org")
        mp.setenv("TILANNEKUVA_OIDC_ROLE_CLAIM", "tk_role")
        root = tmp_path_factory.mktemp("sso")
        engine = build_database(root / "sso.sqlite3", with_data=False)
        app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
        mp.undo()
        yield app, engine, provider
        engine.dispose()


def _sso_login(client, provider):
    start = client.get("/tiedonkeruu/sso")
    assert start.status_code == 302 and start.headers["Location"].startswith(provider.issuer)
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    target = urlsplit(back.headers["Location"])
    return client.get(f"{target.path}?{target.query}")


def test_oidc001_first_login_creates_the_account_from_the_claims(sso):
    app, engine, provider = sso
    provider.claims = {"sub": "abc-1", "email": "riikka@riihimaki.fi", "name": "Riikka R", "org": "riihimaki",
                       "tk_role": "ilmoittaja"}
    client = app.server.test_client()
    assert "kertakirjautumisella" in client.get("/tiedonkeruu/kirjaudu").get_data(as_text=True)
    resp = _sso_login(client, provider)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/tiedonkeruu/")
    assert "Riikka R" in client.get("/tiedonkeruu/").get_data(as_text=True)
    with engine.connect() as conn:
        user = collect.get_user(conn, username="riikka@riihimaki.fi")
    assert (user["oidc_subject"], user["organisation"], user["role"], user["password_hash"]) == \
        ("abc-1", "riihimaki", "ilmoittaja", None)
    # The same subject next time: the same account.
    again = app.server.test_client()
    assert _sso_login(again, provider).status_code == 302
    with engine.connect() as conn:
        assert len([u for u in collect.list_users(conn) if u["oidc_subject"] == "abc-1"]) == 1


def test_oidc002_unknown_role_or_organisation_is_refused(sso):
    app, engine, provider = sso
    provider.claims = {"sub": "bad-1", "email": "x@example.fi", "org": "atlantis", "tk_role": "ilmoittaja"}
    client = app.server.test_client()
    assert _sso_login(client, provider).status_code == 403
    assert client.get("/tiedonkeruu/").status_code == 302
    with engine.connect() as conn:
        assert collect.get_user(conn, username="x@example.fi") is None


def test_oidc003_a_disabled_account_cannot_log_in_by_sso(sso):
    app, engine, provider = sso
    provider.claims = {"sub": "dis-1", "email": "d@forssa.fi", "org": "forssa", "tk_role": "ilmoittaja"}
    assert _sso_login(app.server.test_client(), provider).status_code == 302
    with engine.begin() as conn:
        collect.set_disabled(conn, "d@forssa.fi", True)
    client = app.server.test_client()
    assert _sso_login(client, provider).status_code == 403
    assert client.get("/tiedonkeruu/").status_code == 302


def test_oidc004_a_forged_state_is_refused(sso):
    app, _, provider = sso
    provider.claims = {"sub": "abc-1", "org": "riihimaki", "tk_role": "ilmoittaja"}
    client = app.server.test_client()
    assert client.get("/tiedonkeruu/sso/paluu?code=x&state=forged").status_code == 403
