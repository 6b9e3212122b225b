"""Embeds in a real browser: a page on another origin (a second local port) frames the chart and it
renders, while a non-embed page framed from the same origin is refused; axe finds no WCAG 2.1 AA
violations on the embed page."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import flask
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import served_test_app

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EMBED = "/upotus/map?sivu=asuminen&indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2024"


@pytest.fixture(scope="module")
def two_origins(tmp_path_factory):
    """(dashboard URL, other site URL): the other site's pages frame the dashboard's pages; the
    dashboard lets only that site frame its embeds."""
    target: dict[str, str] = {}
    other = flask.Flask("muu_sivusto")

    def framing(path: str, title: str) -> str:
        return (f'<!DOCTYPE html><html lang="fi"><head><link rel="icon" href="data:,"><title>{title}</title></head><body><main><h1>{title}</h1>'
                f'<iframe id="kehys" src="{target["base"]}{path}" title="{title}" width="900" height="640">'
                "</iframe></main></body></html>")

    other.add_url_rule("/upotus.html", "embed", lambda: framing(EMBED, "Kunnan sivu"))
    other.add_url_rule("/sivu.html", "page", lambda: framing("/asuminen", "Kehystetty sivu"))
    server = make_server("127.0.0.1", 0, other, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    other_base = f"http://127.0.0.1:{server.server_port}"
    try:
        with served_test_app(tmp_path_factory.mktemp("upotus")) as (app, base):
            app.server.config["TILANNEKUVA_EMBED_ANCESTORS"] = (other_base,)
            target["base"] = base
            yield base, other_base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_be001_another_origin_embeds_the_chart_and_it_renders(browser, two_origins):
    _, other = two_origins
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(other + "/upotus.html")
    frame = page.frame_locator("#kehys")
    expect(frame.locator("h1")).to_contain_text("Asunnottomat yksinäiset")
    expect(frame.locator("html")).to_have_attribute("data-rendered", "1", timeout=20_000)
    expect(frame.locator("#tk-embed-chart .main-svg").first).to_be_visible()
    # The map draws its municipalities and its legend.
    assert frame.locator("#tk-embed-chart .legend .traces").count() >= 3
    # the test database's invented values name no statistical authority (tests/dashboard/data.py)
    expect(frame.locator(".tk-embed__source")).to_contain_text("Synteettinen esimerkkiaineisto")
    back = frame.locator(".tk-embed__back a")
    assert back.get_attribute("href").startswith("/asuminen?") and back.get_attribute("target") == "_blank"
    assert errors == [], errors
    context.close()


def test_be002_a_non_embed_page_framed_from_that_origin_is_refused(browser, two_origins):
    base, other = two_origins
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(other + "/sivu.html")
    page.wait_for_load_state("load")
    child = next(f for f in page.frames if f is not page.main_frame)
    # Chromium replaces a refused frame with its own error page: no dashboard content arrives.
    page.wait_for_timeout(500)
    assert not child.url.startswith(base + "/asuminen") or child.locator("#tk-app").count() == 0
    assert child.locator("main h1").count() == 0
    assert any("frame-ancestors 'self'" in m for m in refusals), refusals
    context.close()


def test_be003_axe_finds_no_violations_on_the_embed_page(browser, two_origins):
    base, _ = two_origins
    assert AXE.exists(), "npm ci installs axe-core (make test does)"
    for path in (EMBED, "/upotus/trend?indikaattori=tyottomat_pct&kunta=109&kieli=sv"):
        context = browser.new_context(bypass_csp=True, viewport={"width": 1000, "height": 800})
        page = context.new_page()
        page.goto(base + path)
        expect(page.locator("html")).to_have_attribute("data-rendered", "1", timeout=20_000)
        page.locator(".tk-embed__table summary").click()  # the table open too
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert len(result["passes"]) > 10
        problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        context.close()
        assert problems == [], (path, problems)


def test_be004_upota_code_follows_the_view_switched_in_the_browser(browser, two_origins):
    """The area explorer switches views without the server; the menu's iframe code and image
    fallback follow, and the code's page shows the switched view."""
    base, _ = two_origins
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(base + "/asuminen?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2020")
    expect(page.locator("#area-map-vienti summary")).to_be_visible()
    page.select_option("#area-indicator", "tehostettu_palveluasuminen_65_pct")
    expect(page.locator("#area-map-title")).to_contain_text("ehostet")
    page.click("#area-map-vienti summary")  # an opened menu asks the server for the view's code
    expect(page.locator("#area-map-upotus-koodi")).to_have_value(re.compile("tehostettu_palveluasuminen_65_pct"))
    code = page.locator("#area-map-upotus-koodi").input_value()
    assert "indikaattori=tehostettu_palveluasuminen_65_pct" in code, code
    assert "koko=" not in code and 'title="' in code
    title = page.locator("#area-map-title").inner_text().strip()
    assert f'title="{title} – Yhteinen tilannekuva"' in code.replace("&amp;", "&"), code
    fallback = page.locator("#area-map-upotus-kuva").get_attribute("href")
    assert "tehostettu_palveluasuminen_65_pct" in fallback and fallback.startswith("/vienti/map.png?")
    src = code.split('src="')[1].split('"')[0].replace("&amp;", "&")
    page.goto(src)
    expect(page.locator("h1")).to_have_text(title)
    context.close()
