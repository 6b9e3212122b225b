"""Truthful data as the browser's explorer draws it (assets/tilannekuva.js applies what Python
put in the page's store): a series break is a labelled marker on the area page's trend — after an
indicator switch in the browser, in forum mode at forum font size — and in the trend's exported
SVG; a cited value (published figure) names its citation in the map's and the bar's tooltip when
the browser steps onto its year."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import served_test_app
from tests.browser.test_dashboard_browser import wait_map
from tests.browser.test_downloads import download, drawn_text

BREAK = "katkos 2017: perustoimeentulotuki Kelaan"
AKX = "julkaistu luku: github:akx/yle-kuntavaalit-2017-data data/83/"

BREAK_NOTES = """
() => {
  const gd = document.querySelector('#area-trend .js-plotly-plot');
  const notes = (gd.layout.annotations || []).filter(a => a.name === 'break');
  const shapes = (gd.layout.shapes || []).filter(s => s.name === 'break');
  const drawn = Array.from(gd.querySelectorAll('.annotation-text')).map(el => el.textContent);
  return {notes: notes.map(a => [a.text, a.font.size]), shapes: shapes.map(s => s.x0), drawn: drawn};
}
"""


def _trend_settled(page, indicator: str):
    page.wait_for_function(
        "key => new URLSearchParams(location.search).get('indikaattori') === key"
        " && document.querySelector('#area-trend .js-plotly-plot')", arg=indicator)
    page.wait_for_timeout(500)


@pytest.fixture
def area_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_trb001_explorer_trend_draws_the_declared_break_and_its_svg_export_carries_it(area_page, live_server, tmp_path):
    page = area_page
    page.goto(live_server + "/hyvinvointityo?indikaattori=tyottomat_pct")
    wait_map(page)
    assert page.evaluate(BREAK_NOTES)["notes"] == []  # unemployment declares no break
    # Switched in the browser: the explorer draws the marker Python put in the store.
    page.select_option("#area-indicator", "toimeentulotuki_pct")
    _trend_settled(page, "toimeentulotuki_pct")
    marks = page.evaluate(BREAK_NOTES)
    assert marks["notes"] == [[BREAK, 11]] and marks["shapes"] == [2016.5]
    assert BREAK in marks["drawn"]
    page.click("#area-trend-vienti summary")
    name, path = download(page, page.locator("#area-trend-vienti a[data-format=svg]"), tmp_path)
    assert "toimeentulotuki" in name
    assert BREAK in drawn_text(path.read_bytes())
    # Back to an indicator without a break: the marker goes.
    page.select_option("#area-indicator", "tyottomat_pct")
    _trend_settled(page, "tyottomat_pct")
    assert page.evaluate(BREAK_NOTES) == {"notes": [], "shapes": [], "drawn": []}


def test_trb002_forum_mode_draws_the_break_label_at_forum_size(area_page, live_server):
    page = area_page
    page.goto(live_server + "/hyvinvointityo?esitys=1&indikaattori=tyottomat_pct")
    wait_map(page)
    page.select_option("#area-indicator", "toimeentulotuki_pct")
    _trend_settled(page, "toimeentulotuki_pct")
    assert page.evaluate(BREAK_NOTES)["notes"] == [[BREAK, 15.4]]  # 11 × charts.FORUM_FONT_SCALE
    # The server's render of the same URL agrees.
    page.goto(live_server + "/hyvinvointityo?esitys=1&indikaattori=toimeentulotuki_pct")
    wait_map(page)
    assert page.evaluate(BREAK_NOTES)["notes"] == [[BREAK, 15.4]]


@pytest.fixture(scope="module")
def real_server(tmp_path_factory, offline_dir, facts_file):
    """The app on the real recording and the published figures."""
    loaded = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with served_test_app(tmp_path_factory.mktemp("truth-real"), real=(offline_dir, facts_file, loaded)) as (_app, url):
        yield url


HOVER = """
([id, curve, point]) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: point}]);
  return Array.from(gd.querySelectorAll('.hoverlayer .hovertext')).map(el => el.textContent).join(' ');
}
"""


def test_trb003_a_cited_value_names_its_citation_in_the_tooltip_the_browser_draws(browser, real_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(real_server + "/hyvinvointityo?indikaattori=aanestysaktiivisuus_kuntavaalit_pct&vuosi=2012")
        wait_map(page)
        # The map's tooltip reads its note from customdata (hovertemplate ``%{customdata[1]}``).
        note = ("() => { const d = document.querySelector('#area-map .js-plotly-plot').data[0];"
                " return [d.hovertemplate, d.customdata[d.locations.indexOf('109')]]; }")
        template, cell = page.evaluate(note)
        assert "%{customdata[1]}" in template and cell == ["57,3", ""]  # 2012 is Sotkanet's: no citation line
        page.click("#area-next-year")  # the browser steps onto 2017, a published figure
        expect(page.locator("#area-year-label")).to_have_text("2017")
        page.wait_for_timeout(400)
        _template, cell = page.evaluate(note)
        assert cell[0] == "57,3" and cell[1].startswith(AKX + "Hämeenlinna.json")
        bar_index = page.evaluate(
            "() => document.querySelector('#area-bar .js-plotly-plot').data[0].customdata.findIndex(c => c[0] === '109')")
        bar_hover = page.evaluate(HOVER, ["area-bar", 0, bar_index])
        assert "Hämeenlinna" in bar_hover and AKX + "Hämeenlinna.json" in bar_hover
    finally:
        context.close()
