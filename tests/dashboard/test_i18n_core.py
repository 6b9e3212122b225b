"""UI strings: every core key in all three languages, every key the code asks for exists."""
from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

from dashboard.core.i18n import I18N_DIR, LANGS, _flatten, catalogue

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
MY_MODULES = [p for p in DASHBOARD.rglob("*.py") if p.name not in ("goals.py", "gauges.py", "export.py", "export_routes.py", "i18n.py")]


def core(lang: str) -> dict[str, str]:
    return _flatten(yaml.safe_load((I18N_DIR / f"core.{lang}.yaml").read_text(encoding="utf-8")))


def test_i18n001_every_core_key_exists_in_every_language():
    keys = {lang: set(core(lang)) for lang in LANGS}
    for lang in LANGS:
        assert keys[lang] == keys["fi"], (lang, sorted(keys["fi"] ^ keys[lang])[:10])


def test_i18n002_placeholders_agree_between_languages():
    fmt = string.Formatter()
    fi = core("fi")
    for lang in ("sv", "en"):
        other = core(lang)
        for key, text in fi.items():
            names = {f for _, f, _, _ in fmt.parse(text) if f}
            assert names == {f for _, f, _, _ in fmt.parse(other[key]) if f}, (lang, key)


def test_i18n003_every_literal_key_the_code_uses_is_defined():
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
    known = set(catalogue("fi"))
    missing = []
    for path in MY_MODULES:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in known:
                missing.append(f"{path.name}: {key}")
    assert not missing, missing


def test_i18n004_computed_keys_exist_for_every_value_they_can_take():
    known = set(catalogue("fi"))
    for suffix in ("better", "worse", "similar", "higher", "lower", "none"):
        assert f"compare.{suffix}" in known
    for suffix in ("up_better", "up_worse", "up_neutral", "down_better", "down_worse", "down_neutral", "flat", "unknown"):
        assert f"trend.{suffix}" in known
    for code in ("not_started", "in_preparation", "in_negotiation", "signed", "in_force", "under_review", "renewed",
                 "expired", "not_needed"):
        assert f"status.varautumissopimukset.{code}" in known
    for code in ("not_requested", "requested", "submitted", "submitted_late", "not_submitted", "not_applicable"):
        assert f"status.turvallisuuskuva.{code}" in known
    for cadence in ("year", "half_year", "quarter", "month", "survey_2y", "on_change"):
        assert f"cadence.{cadence}" in known
    for reason in ("invalid_lang", "invalid_forum", "invalid_map_mode", "invalid_indicator", "indicator_not_in_area",
                   "invalid_region", "invalid_year", "year_out_of_range", "year_without_data", "no_years",
                   "invalid_page", "repeated_parameter", "invalid_kind", "kind_not_for_indicator"):
        assert f"errors.{reason}" in known
