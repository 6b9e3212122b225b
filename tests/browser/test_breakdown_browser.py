"""Breakdowns and the HYTE coefficient's parts in Chromium (issue 12 items 6 and 7): the toggle is
reached and used with the keyboard, switches the series the explorer draws and stays in the URL
while the year changes in the browser; it goes away for an indicator without breakdowns; axe finds
no WCAG 2.1 AA violations on the changed views."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from data_pipeline.manual import load_manual_files
from tests.browser.conftest import served_test_app
from tests.browser.test_dashboard_browser import axe_page, axe_violations, query, wait_map, wait_query
from tests.dashboard.data import REGISTRY
from tests.dashboard.test_breakdown import add_breakdowns

PARTS = Path(__file__).resolve().parents[1] / "fixtures" / "manual" / "hyte_kerroin_osat.csv"


def _prepare(engine):
    add_breakdowns(engine)
    load_manual_files(engine, [PARTS], registry=REGISTRY)


@pytest.fixture(scope="module")
def brk_server(tmp_path_factory):
    with served_test_app(tmp_path_factory.mktemp("brk-browser"), prepare=_prepare) as (_app, base):
        yield base


def test_bbr001_keyboard_toggle_switches_the_series_and_stays_in_the_url(page, brk_server):
    page.set_default_timeout(15_000)
    page.goto(brk_server + "/hyvinvointityo?indikaattori=tyottomat_pct&vuosi=2020")
    wait_map(page)
    expect(page.locator("#area-breakdown-total")).to_have_attribute("aria-current", "true")
    expect(page.locator("#area-map-title")).not_to_contain_text("naiset")
    # keyboard: Tab from the link before it onto "naiset", Enter opens that view
    page.focus("#area-breakdown-male")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "area-breakdown-female"
    page.keyboard.press("Enter")
    wait_map(page)
    expect(page.locator("#area-breakdown-female")).to_have_attribute("aria-current", "true")
    expect(page.locator("#area-map-title")).to_contain_text("Työttömät, % työvoimasta – naiset")
    expect(page.locator("#area-bar-title")).to_contain_text("– naiset")
    assert query(page)["jako"] == "naiset" and query(page)["vuosi"] == "2020"
    # a year step is drawn in the browser from the store, which holds the women's series
    page.click("#area-prev-year")
    expect(page.locator("#area-year-label")).to_have_text("2019")
    wait_query(page, vuosi=2019, jako="naiset")
    expect(page.locator("#area-map-title")).to_contain_text("– naiset")
    expect(page.locator("#area-breakdown-female")).to_have_attribute("aria-current", "true")
    assert "vuosi=2019" in page.get_attribute("#area-breakdown-male", "href")
    # an indicator without breakdowns: no toggle, no jako in the URL
    page.select_option("#area-indicator", "toimeentulotuki_pct")
    expect(page.locator("#area-breakdown")).to_have_count(0)
    wait_query(page, indikaattori="toimeentulotuki_pct")
    assert "jako" not in query(page)
    # back to the first indicator: its toggle again, drawn in the browser from the store, with
    # women still chosen (the store's series) and the same links the server renders for this view
    page.select_option("#area-indicator", "tyottomat_pct")
    expect(page.locator("#area-breakdown-female")).to_have_attribute("aria-current", "true")
    wait_query(page, indikaattori="tyottomat_pct", jako="naiset")
    drawn = page.eval_on_selector_all("#area-breakdown a", "as => as.map(a => [a.id, a.textContent, a.getAttribute('href'), a.getAttribute('aria-current'), a.className])")
    url = page.evaluate("() => location.pathname + location.search")
    page.goto(brk_server + url)
    wait_map(page)
    served = page.eval_on_selector_all("#area-breakdown a", "as => as.map(a => [a.id, a.textContent, a.getAttribute('href'), a.getAttribute('aria-current'), a.className])")
    assert drawn == served and len(drawn) == 4


@pytest.mark.parametrize("path", [
    "/hyvinvointityo?indikaattori=tyottomat_pct&jako=naiset",
    "/hyvinvointityo?indikaattori=tyottomat_pct&kunta=109&esitys=1",
    "/hyvinvointityo?indikaattori=tyottomat_pct&jako=ika_18_24&kieli=sv",
    "/indikaattori/tyottomat_pct?jako=miehet",
    "/indikaattori/tyottomat_pct?kieli=en",
])
def test_bbr002_axe_finds_no_violations_on_toggle_and_parts(browser, brk_server, path):
    context, page = axe_page(browser, brk_server, path)
    if path.startswith("/hyvinvointityo"):
        expect(page.locator("#parts-hyte_kerroin table").first).to_be_visible()
    expect(page.locator(".tk-breakdown").first).to_be_visible()
    problems = axe_violations(page)
    context.close()
    assert problems == []
