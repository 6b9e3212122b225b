"""The alt-text panel in Chromium: it shows the text of the current view, copies it, follows an
indicator switch while open, sends nothing while closed, and axe finds no violation with it open."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_dashboard_browser import axe_page, axe_violations, wait_map

HOMELESS = "asunnottomat_yksinaiset_per1000"
SERVICE = "tehostettu_palveluasuminen_65_pct"


def test_bra001_panel_shows_copies_and_follows_the_view(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + f"/asuminen?indikaattori={HOMELESS}&vuosi=2020")
    wait_map(page)
    panel = page.locator("#area-map-alt")
    short = page.locator("#area-map-alt-short")
    expect(short).to_be_hidden()
    page.click("#area-map-alt-open")
    expect(panel).to_have_attribute("open", "")
    expect(short).to_contain_text("Suurin Humppila 1,34, pienin Forssa 0,73.")
    expect(short).to_contain_text("tilastovuosi 2020")
    assert len(short.inner_text()) <= 250
    page.click("#area-map-alt button.alt-panel__copy >> nth=0")
    expect(page.locator("#area-map-alt-status")).to_have_text("Kopioitu")
    assert page.evaluate("() => navigator.clipboard.readText()") == short.inner_text()

    # Another indicator while the panel is open: the text follows (asked from the server).
    with page.expect_response(lambda r: "_dash-update-component" in r.url):
        page.select_option("#area-indicator", SERVICE)
    expect(short).not_to_contain_text("Humppila 1,34")
    expect(short).to_contain_text("Kartta: Ikääntyneiden tehostetun palveluasumisen")  # the new indicator's title
    expect(page.locator("#area-map-alt-long")).to_contain_text("Kunnat suurimmasta pienimpään")

    # A closed panel sends nothing: the switch stays in the browser.
    page.click("#area-map-alt-open")
    expect(panel).not_to_have_attribute("open", "")
    page.wait_for_load_state("networkidle")  # what the closing click itself sent has been answered
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "_dash-update-component" in r.url else None)
    page.select_option("#area-indicator", HOMELESS)
    page.wait_for_timeout(800)
    assert sent == []
    context.close()


def test_bra002_axe_finds_no_violations_with_the_panel_open(browser, live_server):
    context, page = axe_page(browser, live_server, f"/asuminen?indikaattori={HOMELESS}&vuosi=2020")
    page.click("#area-bar-alt-open")
    expect(page.locator("#area-bar-alt-short")).to_be_visible()
    expect(page.locator("#area-bar-alt-long")).to_be_visible()
    problems = axe_violations(page)
    context.close()
    assert problems == []


def test_bra003_keyboard_opens_the_panel_and_copies_with_a_visible_focus(browser, live_server):
    from tests.browser.test_dashboard_browser import FOCUSED, assert_focus_visible, tab_to

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + f"/asuminen?indikaattori={HOMELESS}&vuosi=2020")
    wait_map(page)
    page.locator("#area-map-vienti summary").focus()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "summary@area-map-alt"  # right after the download menu
    assert_focus_visible(page, "alt-text panel")
    page.keyboard.press("Enter")
    expect(page.locator("#area-map-alt")).to_have_attribute("open", "")
    tab_to(page, "button@area-map-alt", limit=3)
    assert_focus_visible(page, "copy button")
    page.keyboard.press("Enter")
    expect(page.locator("#area-map-alt-status")).to_have_text("Kopioitu")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.locator("#area-map-alt-short").inner_text()
    context.close()


def test_bra004_embed_page_long_description_opens_and_axe_finds_nothing(browser, live_server):
    context = browser.new_context(bypass_csp=True, viewport={"width": 800, "height": 700})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + f"/upotus/map?sivu=asuminen&indikaattori={HOMELESS}&vuosi=2020")
    expect(page.locator("#tk-embed-alt")).to_contain_text("Suurin Humppila 1,34, pienin Forssa 0,73.")
    expect(page.locator("figure.tk-embed__figure")).to_have_attribute("aria-describedby", "tk-embed-alt")
    page.click(".tk-embed__description summary")
    expect(page.locator("#tk-embed-long")).to_be_visible()
    expect(page.locator("#tk-embed-long")).to_contain_text("Kunnat suurimmasta pienimpään")
    problems = axe_violations(page)
    context.close()
    assert problems == []
