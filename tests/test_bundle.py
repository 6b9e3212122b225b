"""The custom plotly.js bundle matches the plotly.js that plotly.py ships and has the traces we draw."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import plotly
import pytest

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


@pytest.mark.browser
def test_bun004_bundle_runs_in_chromium_and_draws_every_trace_type():
    """A clean build must run in a real browser (esbuild needs `global` defined) and register our traces."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        topo = ROOT / "assets" / "topo"
        page.route("http://topo.test/**", lambda route: route.fulfill(path=str(topo / route.request.url.rsplit("/", 1)[1])))
        page.set_content('<div id="g" style="width:400px;height:300px"></div>')
        page.add_script_tag(path=str(BUNDLE))
        drawn = page.evaluate(
            """async () => {
                const traces = [
                  {type: 'bar', x: ['a'], y: [1]},
                  {type: 'scatter', x: [1, 2], y: [2, 1]},
                  {type: 'choropleth', locations: ['FIN'], z: [1], geo: 'geo'},
                  {type: 'scattergeo', lon: [25], lat: [61], geo: 'geo'},
                ];
                await Plotly.newPlot('g', traces, {geo: {visible: false}}, {topojsonURL: 'http://topo.test/'});
                const el = document.getElementById('g');
                // Country names resolve through the index that is built on first use
                // (dashboard/bundle/country-lookup-lazy.js), plotly's own extra codes included.
                // The base map is a hand-made topology (our local ones are empty), put where plotly
                // keeps the topologies it has fetched.
                const square = (x, y) => [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]];
                const topo = {type: 'Topology', arcs: [square(25, 61), square(79, 35)], objects: {
                  countries: {type: 'GeometryCollection', geometries: [
                    {type: 'Polygon', arcs: [[0]], id: 'FIN'}, {type: 'Polygon', arcs: [[1]], id: 'XAC'}]},
                  ...Object.fromEntries(['coastlines', 'land', 'ocean', 'lakes', 'rivers', 'subunits'].map(
                    k => [k, {type: 'GeometryCollection', geometries: []}]))}};
                window.PlotlyGeoAssets.topojson.world_110m = topo;
                const named = document.createElement('div');
                document.body.appendChild(named);
                await Plotly.newPlot(named, [{type: 'choropleth', locationmode: 'country names',
                  locations: ['Finland', 'SUOMI', 'finland', 'Aksai Chin', 'Atlantis'], z: [1, 2, 3, 4, 5]}],
                  {geo: {projection: {type: 'mercator'}}},
                  {topojsonURL: 'http://topo.test/'});
                const found = named.calcdata[0].filter(d => d.geojson).map(d => d.loc);
                return {version: Plotly.version, types: el._fullData.map(t => t.type), found};
            }"""
        )
        browser.close()
    assert not errors, errors
    assert drawn["version"] == _version(STOCK.read_text(encoding="utf-8", errors="ignore"))
    assert drawn["types"] == ["bar", "scatter", "choropleth", "scattergeo"]
    assert drawn["found"] == ["Finland", "SUOMI", "finland", "Aksai Chin"]  # "Atlantis" is not in the index


def test_bnd_assets_javascript_is_a_third_of_issue_9s():
    """Python decides, the browser applies (issue 9): the JavaScript in assets/ stays at most a third
    of the 58,098 bytes it had when the explorer was written twice (commit 0783427)."""
    from pathlib import Path

    assets = Path(__file__).resolve().parents[1] / "assets"
    total = sum(p.stat().st_size for p in assets.glob("*.js"))
    assert total <= 58_098 / 3, total
