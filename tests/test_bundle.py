"""The custom plotly.js bundle matches the plotly.js that plotly.py ships and has the traces we draw."""
from __future__ import annotations

import json
import re
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "assets" / "vendor" / "plotly-tilannekuva.min.js"
STOCK = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
#: Trace types the dashboard may use; figure builders are checked against this list in tests/dashboard.
BUNDLED_TRACES = {"scatter", "bar", "choropleth", "scattergeo"}


def _version(text: str) -> str:
    m = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:2000])
    assert m, "no plotly.js version banner"
    return m.group(1)


def test_bun001_npm_version_matches_plotly_py():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["plotly.js"]
    assert pinned == _version(STOCK.read_text(encoding="utf-8", errors="ignore"))


def test_bun002_bundle_is_built_and_much_smaller_than_stock():
    assert BUNDLE.exists(), "run `make frontend` (make test does) to build the bundle"
    text = BUNDLE.read_text(encoding="utf-8", errors="ignore")
    assert "window.Plotly" in text or "Plotly=" in text
    assert BUNDLE.stat().st_size < STOCK.stat().st_size / 2


def test_bun003_entry_registers_exactly_the_allowed_traces():
    entry = (ROOT / "dashboard" / "bundle" / "plotly-entry.js").read_text()
    registered = set(re.findall(r"plotly\.js/lib/([a-z]+)'\)", entry)) - {"core"}
    assert registered == BUNDLED_TRACES - {"scatter"}  # scatter is part of plotly.js core
