"""The cache warm-up gunicorn runs before forking: every page and profile, never an exception."""
from __future__ import annotations

from dashboard.web.warm import LANGS, page_paths, warm
from tests.dashboard.data import REGISTRY


def test_wrm001_warm_renders_every_page_and_profile_in_every_language(dash_app):
    result = warm(dash_app)
    assert result["errors"] == 0, result
    assert result["pages"] == len(LANGS) * len(page_paths(REGISTRY))
    assert result["profiles"] == len(LANGS) * len(REGISTRY.county.municipality_codes)


def test_wrm002_an_empty_database_leaves_the_caches_cold_without_failing(empty_app):
    result = warm(empty_app)
    assert result.get("skipped") == "database not ready" and result["errors"] == 0
