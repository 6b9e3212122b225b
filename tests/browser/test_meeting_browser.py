"""Forum meetings in Chromium: the situation board on a projector's screen (1920×1080 and 1280×720:
every goal inside the viewport, 24 px text at 1920 wide, a one-line synthetic banner), the
clicker's keys on the board and through a three-slide sequence, a pinned view that keeps the old
value after a refresh changed it, axe on the board and a slide, and screenshot baselines of the
board at both sizes (compared like tests/browser/test_screenshots.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.core.format import number
from dashboard.data.context import EXTENSION_KEY
from tests.browser.conftest import served_test_app
from tests.browser.test_dashboard_browser import axe_violations, wait_map
from tests.dashboard.data import REGISTRY
from tests.meeting.helpers import (
    CODE,
    KEY,
    NEW_VALUE,
    YEAR,
    moment_between_writes,
    refresh_changes_a_value,
)

SEQUENCE = """\
title: Strateginen foorumi 12/2026
date: 2026-12-10
slides:
  - title: Sopimuksen tavoitteet
    view: /
  - title: Asunnottomat kunnittain
    view: /asuminen?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2022
  - title: Henkeen kohdistuneet rikokset
    view: /indikaattori/rikokset_henki_terveys_per1000
"""
SIZES = [(1920, 1080), (1280, 720)]
GOALS = len(REGISTRY.goals)


@pytest.fixture(scope="module")
def meeting_app(tmp_path_factory):
    """(app, base URL) of an app of its own (a test changes its data) with one saved sequence."""
    root = tmp_path_factory.mktemp("meeting")
    folder = root / "kokoukset"
    folder.mkdir()
    (folder / "foorumi.yaml").write_text(SEQUENCE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TILANNEKUVA_MEETINGS_DIR", str(folder))
        with served_test_app(root) as served:
            yield served


@pytest.fixture
def screen(browser):
    contexts = []

    def open_page(width: int, height: int, *, bypass_csp: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI",
                                      timezone_id="Europe/Helsinki", reduced_motion="reduce", bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return page, errors

    yield open_page
    for context in contexts:
        context.close()


def open_board(page, base: str) -> None:
    page.goto(base + "/?esitys=1")
    expect(page.locator(".tk-board__goal")).to_have_count(GOALS)
    page.wait_for_load_state("networkidle")
    page.evaluate("async () => { await document.fonts.ready; }")


@pytest.mark.parametrize("width, height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_mb001_the_board_shows_every_goal_on_one_screen(meeting_app, screen, width, height):
    page, errors = screen(width, height)
    open_board(page, meeting_app[1])
    boxes = page.evaluate("() => [...document.querySelectorAll('.tk-board__goal')].map(e => {"
                          " const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })")
    assert len(boxes) == GOALS
    for left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, (left, top, right, bottom)
    assert page.evaluate("() => document.documentElement.scrollHeight") <= height
    # Grouped by priority area, each goal with its status in words and a symbol, value and target.
    expect(page.locator(".tk-board__area")).to_have_count(len(REGISTRY.agreement.areas))
    first = page.locator(".tk-board__goal").first
    expect(first.locator(".tk-board__status")).to_have_text(re.compile(r"^\S+\s*\w.+:$"))
    expect(first.locator(".tk-board__figures")).to_contain_text("Viimeisin")
    # Readable from 5 m: 24 px at 1920 wide; the banner is one line and still says it.
    if width == 1920:
        sizes = page.evaluate("() => [...document.querySelectorAll('.tk-board__name, .tk-board__figures, .tk-board__status')]"
                              ".map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert min(sizes) >= 24, min(sizes)
    banner = page.locator(".tk-banner--synthetic")
    expect(banner).to_contain_text("synteettistä")
    height_px, line = banner.evaluate("e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)"
                                      " || parseFloat(getComputedStyle(e).fontSize) * 1.5]")
    assert height_px < 2.2 * line
    # Forum mode keeps a visible way between the priority areas.
    for area in REGISTRY.agreement.areas:
        expect(page.locator(".tk-nav").get_by_role("link", name=area.short.fi)).to_be_visible()
    assert not errors, errors


def test_mb002_clicker_keys_move_between_goals_and_enter_opens_the_goal_map(meeting_app, screen):
    page, errors = screen(1920, 1080)
    open_board(page, meeting_app[1])
    page.keyboard.press("PageDown")
    expect(page.locator(".tk-board__goal").nth(0)).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    expect(page.locator(".tk-board__goal").nth(2)).to_be_focused()
    page.keyboard.press("PageUp")
    expect(page.locator(".tk-board__goal").nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    first_goal = REGISTRY.goals[0]
    expect(page.locator(".tk-board__goal").nth(0)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/asuminen\?.*indikaattori={first_goal.indicator}"))
    wait_map(page)
    assert "esitys=1" in page.url
    assert not errors, errors


def test_mb003_the_clicker_steps_through_a_three_slide_sequence(meeting_app, screen):
    page, errors = screen(1920, 1080)
    page.goto(meeting_app[1] + "/kokous/foorumi?dia=1")
    titles = ["Sopimuksen tavoitteet", "Asunnottomat kunnittain", "Henkeen kohdistuneet rikokset"]

    def shows(n: int) -> None:
        expect(page.locator("#meeting-slide-number")).to_have_text(f"Dia {n} / 3")
        expect(page.locator("#meeting-slide-title")).to_have_text(titles[n - 1])
        expect(page).to_have_url(re.compile(rf"/kokous/foorumi\?dia={n}$"))
        source = page.locator("#meeting-slide-source")
        expect(source).to_be_in_viewport()
        if n > 1:  # a chart's slide names its source (the test database's: synthetic) and data date
            expect(source).to_contain_text("Synteettinen esimerkkiaineisto")
            expect(source).to_contain_text("Tiedot ladattu")

    shows(1)
    expect(page.locator("body")).to_have_class(re.compile("tk-forum-on"))
    expect(page.locator(".tk-board__goal")).to_have_count(GOALS)
    page.keyboard.press("PageDown")
    shows(2)
    page.keyboard.press("ArrowRight")
    shows(3)
    page.keyboard.press("PageDown")  # the last slide stays
    shows(3)
    page.keyboard.press("PageUp")
    shows(2)
    page.keyboard.press("ArrowLeft")
    shows(1)
    # No controls in the way: no selects, sliders or download menus on a slide.
    assert page.locator("main select, main [role=slider], main details.export-menu").count() == 0
    assert not errors, errors


def _hameenlinna_text(page) -> str:
    page.locator("#area-map-table-body").locator("xpath=ancestor::details").first.locator("summary").click()
    row = page.locator("#area-map-table-body tr", has_text="Hämeenlinna").first
    expect(row).to_be_visible()
    return row.inner_text()


def test_mb004_a_pinned_view_shows_the_old_value_after_a_refresh_changed_it(meeting_app, screen):
    app, base = meeting_app
    engine = app.server.extensions[EXTENSION_KEY].engine
    as_of = moment_between_writes()
    old = refresh_changes_a_value(engine)
    view = f"/asuminen?indikaattori={KEY}&vuosi={YEAR}&kunta={CODE}"
    decimals = REGISTRY.indicators[KEY].decimals
    page, errors = screen(1366, 900)
    page.goto(base + view + f"&tilanne={as_of}")
    wait_map(page)
    expect(page.locator(".tk-pinned")).to_contain_text("tilanne ")
    pinned_row = _hameenlinna_text(page)
    assert number(old, decimals, "fi") in pinned_row and number(NEW_VALUE, decimals, "fi") not in pinned_row
    expect(page.locator("#area-map-source")).to_contain_text("tilanne ")
    # Stepping the year in the browser keeps the view pinned (the URL too).
    page.locator("#area-prev-year").click()
    expect(page.locator("#area-year-label")).to_have_text(str(YEAR - 1))
    expect(page).to_have_url(re.compile(rf"vuosi={YEAR - 1}.*tilanne=|tilanne=.*vuosi={YEAR - 1}"))
    expect(page.locator(".tk-pinned")).to_be_visible()
    page.goto(base + view)
    wait_map(page)
    assert number(NEW_VALUE, decimals, "fi") in _hameenlinna_text(page)
    expect(page.locator(".tk-pinned")).to_have_count(0)
    assert not errors, errors


@pytest.mark.parametrize("path", ["/?esitys=1", "/kokous/foorumi?dia=2", "/kokous/foorumi?dia=1", "/", "/kokous"])
def test_mb005_axe_finds_no_violations_on_the_board_and_in_a_sequence(meeting_app, screen, path):
    page, _errors = screen(1920, 1080, bypass_csp=True)
    page.goto(meeting_app[1] + path)
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_mb006_paper_gets_the_url_date_and_sources_and_no_controls_or_hints(meeting_app, screen):
    page, errors = screen(1366, 900)
    base = meeting_app[1]
    page.goto(base + f"/asuminen?indikaattori={KEY}&vuosi=2020")
    wait_map(page)
    expect(page.locator(".tk-print-meta")).to_be_hidden()  # on screen: not there
    page.emulate_media(media="print")
    meta = page.locator(".tk-print-meta")
    expect(meta).to_be_visible()
    expect(meta).to_contain_text(f"Näkymän osoite: {base}/asuminen?indikaattori={KEY}&vuosi=2020")
    expect(meta).to_contain_text("Tulostettu ")
    expect(meta).to_contain_text("lisenssi CC BY 4.0")
    expect(page.locator("#area-map-source")).to_be_visible()  # each chart's own source line stays
    for hidden in (".tk-controls", ".tk-nav", ".tk-hint", "details.export-menu", ".tk-forum-toggle"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    assert page.get_by_text("Valitse kunta napsauttamalla").first.is_hidden()
    assert not errors, errors


def test_mb007_the_board_and_overview_load_no_plotly_and_a_chart_reached_later_gets_our_bundle(meeting_app, screen):
    """The first views draw their sparklines as SVG: no plotly.js at all. Following a link to an area
    page in the same session draws its map with our bundle, never Dash's stock plotly.min.js."""
    page, errors = screen(1366, 900)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    base = meeting_app[1]
    open_board(page, base)
    page.goto(base + "/")
    expect(page.locator(".tk-spark__graph").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "plotly" in u], [u for u in requested if "plotly" in u]
    page.locator(".tk-board__area-title a").first.click()  # client-side: no new page load
    wait_map(page)
    plotly = [u for u in requested if "plotly" in u]
    assert plotly and all("plotly-tilannekuva" in u for u in plotly), plotly
    assert not errors, errors
