"""The cache warm-up gunicorn runs before forking: every page and profile, never an exception."""
from __future__ import annotations

import shutil

import pytest

from dashboard.web.warm import LANGS, page_paths, warm
from tests.dashboard.data import REGISTRY


def test_wrm001_warm_renders_every_page_and_profile_in_every_language(dash_app):
    result = warm(dash_app)
    assert result["errors"] == 0, result
    assert result["pages"] == len(LANGS) * len(page_paths(REGISTRY))
    assert result["profiles"] == len(LANGS) * len(REGISTRY.county.municipality_codes)
    assert result["country"] == 0  # no whole-country geometry: that map cannot be chosen
    # a page carries only its store's URL: the warm-up fetched the stores themselves
    assert result["stores"] == len(LANGS) * len(REGISTRY.agreement.areas)
    from dashboard.data.context import current_context
    from dashboard.deliver import explorer

    with dash_app.server.app_context():
        urls = [explorer.store_url(current_context(), a.key, lang) for a in REGISTRY.agreement.areas for lang in LANGS]
    client = dash_app.server.test_client()
    original, explorer.payload = explorer.payload, None  # a recomputation would fail here
    try:
        for url in urls:
            resp = client.get(url)
            assert resp.status_code == 200 and resp.data.startswith(b'{"v":'), url
    finally:
        explorer.payload = original


def test_wrm002_an_empty_database_leaves_the_caches_cold_without_failing(empty_app):
    result = warm(empty_app)
    assert result.get("skipped") == "database not ready" and result["errors"] == 0


@pytest.fixture(scope="module")
def country_app(dash_env, tmp_path_factory):
    """The test database with whole-country geometry too (the county's squares stand for Finland)."""
    from dashboard import create_app

    engine, geo_dir = dash_env
    root = tmp_path_factory.mktemp("warm-country")
    shutil.copytree(geo_dir, root, dirs_exist_ok=True)
    shutil.copy(root / "build" / "county.json", root / "build" / "municipalities.json")
    return create_app(engine=engine, registry=REGISTRY, geo_dir=root)


def test_wrm003_warm_builds_the_whole_country_store_of_every_area_page_in_every_language(country_app, monkeypatch):
    from dashboard.data.context import current_context
    from dashboard.deliver import explorer

    result = warm(country_app)
    assert result["errors"] == 0, result
    assert result["country"] == len(LANGS) * len(REGISTRY.agreement.areas)

    def recompute(*_args):
        raise AssertionError("the whole-country store was not warmed")

    monkeypatch.setattr(explorer, "country_payload", recompute)
    with country_app.server.app_context():
        ctx = current_context()
        assert "country" in ctx.geo.modes()
        for lang in LANGS:
            for area in REGISTRY.agreement.areas:
                assert explorer.country_json(ctx, area.key, lang).startswith('{"v":')
