"""The whole-country map (issue 12, item 4): every municipality of the recorded 2024 boundaries is
drawn with a value, the county is outlined, the map type is a keyboard-usable toggle kept in the URL,
indicator and year switches are drawn from the store without a request, and axe finds nothing."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import served_test_app
from tests.browser.test_dashboard_browser import AXE, AXE_TAGS

LOADED_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
#: Sotkanet 181 (unemployed, % of the labour force): every municipality of the 2021 division.
VIEW = "/hyvinvointityo?indikaattori=tyottomat_pct&vuosi=2021"


@pytest.fixture(scope="module")
def country_app(tmp_path_factory, offline_dir, facts_file):
    """The app on the real recording and the real boundaries (county and all of Finland)."""
    root = tmp_path_factory.mktemp("country")
    with served_test_app(root, real=(offline_dir, facts_file, LOADED_AT), real_geometry=True) as (app, url):
        yield url, app


def boundary_codes(offline_dir: Path) -> set[str]:
    doc = json.loads((offline_dir / "geo" / "kunta4500k_2024.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["kunta"] for f in doc["features"]}


def drawn(page) -> dict:
    """What the map graph drew: its locations, how many have a value class (not a "no data" or
    hidden class), the number of SVG paths of the fill trace, and the outline trace's locations."""
    return page.evaluate("""() => {
      const gd = document.querySelector('#area-map .js-plotly-plot');
      const fill = gd._fullData[0];
      const classes = document.querySelectorAll('#area-map-legend li').length;
      const layers = gd.querySelectorAll('.choroplethlayer .trace');
      return {locations: fill.locations, z: fill.z, paths: layers[0].querySelectorAll('.choroplethlocation').length,
              outline: gd._fullData[3].locations, texts: fill.customdata.map(c => c[0]), classes: classes};
    }""")


def wait_country(page):
    page.wait_for_function(
        "() => { const g = document.querySelector('#area-map .js-plotly-plot');"
        " return g && g._fullData && g._fullData[0].locations.length > 300"
        " && g.querySelectorAll('.choroplethlocation').length > 300; }", timeout=60_000)


def test_cm001_whole_country_map_draws_every_municipality_of_the_boundaries_with_a_value(browser, country_app,
                                                                                         offline_dir):
    url, _app = country_app
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(30_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + VIEW + "&kartta=suomi")
    wait_country(page)
    d = drawn(page)
    codes = boundary_codes(offline_dir)
    assert len(codes) == 309
    assert set(d["locations"]) == codes and len(d["locations"]) == 309
    assert d["paths"] == 309
    # every one with a value: a number in its hover text, and no "ei tietoa" class
    assert all(any(ch.isdigit() for ch in text) for text in d["texts"]), [t for t in d["texts"] if not any(c.isdigit() for c in t)]
    assert d["outline"] == ["MK05"]
    legend = page.locator("#area-map-legend").inner_text()
    assert "parempi" in legend and "heikompi" in legend and "ei tietoa" not in legend
    expect(page.locator("#area-map-summary")).to_contain_text("309 kuntaa")
    assert errors == []
    page.close()


def test_cm002_toggle_by_keyboard_keeps_url_and_switches_are_drawn_without_a_request(browser, country_app):
    url, app = country_app
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(url + VIEW)
    page.wait_for_function("() => { const g = document.querySelector('#area-map .js-plotly-plot');"
                           " return g && g._fullData && g._fullData[0].locations.length === 11; }")
    radio = page.get_by_role("radio", name="koko maa (kaikki kunnat)")
    page.get_by_role("radio", name="ruutukartta (yhtä suuret ruudut)").focus()
    page.keyboard.press("ArrowDown")  # radios of one group: the arrow key moves the choice
    expect(radio).to_be_checked()
    wait_country(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('kartta') === 'suomi'")
    before = drawn(page)
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "_dash-update-component" in r.url else None)
    page.click("#area-prev-year")
    page.wait_for_function("() => new URLSearchParams(location.search).get('vuosi') === '2020'")
    after = drawn(page)
    assert len(after["locations"]) == 309 and after["texts"] != before["texts"]
    assert requests == []
    # what the browser drew from the store is what the server draws for that view
    from dashboard.core.state import ViewState
    from dashboard.draw.charts import build_chart

    with app.server.test_request_context():
        server = build_chart("map", ViewState(page="hyvinvointityo", indicator="tyottomat_pct", year=2020,
                                              map_mode="country"))
    fill = server.figure["data"][0]
    assert after["locations"] == fill["locations"] and after["z"] == fill["z"]
    assert after["texts"] == [c[0] for c in fill["customdata"]]
    legend = page.locator("#area-map-legend li").all_inner_texts()
    from dashboard.draw.figures.map import legend_items

    assert [x.strip() for x in legend] == [label for label, _c in legend_items(server.figure)]
    assert page.locator("#area-map-summary").inner_text() == server.summary
    bar = page.evaluate("() => document.querySelector('#area-bar .js-plotly-plot').data[0].marker.color")
    server_bar = build_bar(app)
    assert bar == server_bar
    page.close()
    # Swedish and English name the toggle
    for lang, name in (("sv", "hela landet (alla kommuner)"), ("en", "whole country (all municipalities)")):
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(url + VIEW + f"&kartta=suomi&kieli={lang}")
        expect(page.get_by_role("radio", name=name)).to_be_checked(timeout=30_000)
        page.close()


def build_bar(app) -> list:
    from dashboard.core.state import ViewState
    from dashboard.draw.charts import build_chart

    with app.server.test_request_context():
        chart = build_chart("bar", ViewState(page="hyvinvointityo", indicator="tyottomat_pct", year=2020,
                                             map_mode="country"))
    return chart.figure["data"][0]["marker"]["color"]


def test_cm003_axe_finds_no_violations_with_the_country_map_on(browser, country_app):
    url, _app = country_app
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url + VIEW + "&kartta=suomi")
    wait_country(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert len(result["passes"]) > 10
    problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    context.close()
    assert problems == []
