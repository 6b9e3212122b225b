"""The dashboard in Chromium: pages load cleanly, the map draws every municipality with its value,
controls update map, bar, trend and table, URLs restore and navigate views, language and forum
mode work from the keyboard."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

PAGES = [
    "/", "/asuminen", "/tietojohtaminen", "/turvallisuus", "/hyvinvointityo", "/kuntaprofiili",
    "/indikaattori/asunnottomat_yksinaiset_per1000", "/tietolahteet", "/saavutettavuus",
]


def query(page) -> dict:
    """The query of the document's current URL (``page.url`` lags behind history.pushState)."""
    return {k: v[0] for k, v in parse_qs(page.evaluate("() => location.search").lstrip("?")).items()}


def wait_query(page, **expected):
    """Wait until the URL carries ``expected`` (the URL follows the view right after each update)."""
    page.wait_for_function(
        "exp => { const q = new URLSearchParams(location.search);"
        " return Object.entries(exp).every(([k, v]) => q.get(k) === v); }",
        arg={k: str(v) for k, v in expected.items()},
    )


def wait_map(page, count: int = 11):
    page.wait_for_function(
        "n => { const g = document.querySelector('#area-map .js-plotly-plot');"
        " return g && g._fullData && g._fullData[0].locations.length === n"
        " && document.querySelectorAll('#area-map .choroplethlocation').length >= n; }",
        arg=count,
    )


def map_labels(page) -> list[str]:
    return page.evaluate("() => document.querySelector('#area-map .js-plotly-plot')._fullData[2].text")


@pytest.mark.parametrize("path", PAGES)
def test_br001_every_page_loads_without_console_errors_or_outside_requests(watched_page, live_server, path):
    page, _watch = watched_page
    page.goto(live_server + path)
    expect(page.locator("main h1").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.wait_for_load_state("networkidle")
    if path in ("/asuminen", "/turvallisuus"):
        wait_map(page)


def test_br002_map_shows_all_eleven_municipalities_with_values(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2020")
    wait_map(page)
    labels = map_labels(page)
    assert len(labels) == 11
    assert all(re.search(r"<br>\d+,\d{2}", t) for t in labels), labels
    assert page.locator("#area-map .scatterlayer .trace.scattergeo text").count() == 11  # drawn, not only in data
    expect(page.locator("#area-map-table table caption")).to_contain_text("2020")


def test_br003_changing_indicator_and_year_updates_map_bar_trend_and_table(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?vuosi=2020")
    wait_map(page)
    before = map_labels(page)
    page.click("#area-map-table summary")  # the map's table is open, the trend's stays closed
    page.select_option("#area-indicator", "tehostettu_palveluasuminen_65_pct")
    expect(page.locator("#area-map-title")).to_contain_text("tehostetun palveluasumisen")
    expect(page.locator("#area-bar-title")).to_contain_text("tehostetun palveluasumisen")
    expect(page.locator("#area-trend-title")).to_contain_text("tehostetun palveluasumisen")
    expect(page.locator("#area-map-table table caption")).to_contain_text("tehostetun palveluasumisen")
    # A table behind a closed disclosure is brought up to date when it is opened.
    page.click("#area-trend-table summary")
    expect(page.locator("#area-trend-table table caption")).to_contain_text("tehostetun palveluasumisen")
    page.wait_for_function("b => JSON.stringify(document.querySelector('#area-map .js-plotly-plot')._fullData[2].text) !== b",
                           arg=__import__("json").dumps(before))
    wait_query(page, indikaattori="tehostettu_palveluasuminen_65_pct")
    # Year: the previous-year button (keyboard-reachable) steps back.
    page.click("#area-prev-year")
    expect(page.locator("#area-year-label")).to_have_text("2019")
    expect(page.locator("#area-map-subtitle")).to_contain_text("2019")
    expect(page.locator("#area-bar-subtitle")).to_contain_text("2019")
    expect(page.locator("#area-map-table table caption")).to_contain_text("2019")
    wait_query(page, vuosi=2019, indikaattori="tehostettu_palveluasuminen_65_pct")


def test_br004_url_restores_the_view(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?indikaattori=tehostettu_palveluasuminen_65_pct&vuosi=2018&kunta=694&kartta=ruudut")
    wait_map(page)
    expect(page.locator("#area-indicator")).to_have_value("tehostettu_palveluasuminen_65_pct")
    expect(page.locator("#area-year-label")).to_have_text("2018")
    expect(page.locator("#area-municipality")).to_have_value("694")
    expect(page.locator("#area-mapmode input[value=tiles]")).to_be_checked()
    expect(page.locator("#area-trend-title")).to_contain_text("tehostetun")
    assert page.evaluate("() => document.querySelector('#area-map .js-plotly-plot')._fullData[0].geojson").startswith("/geo/tiles.json")
    assert "Riihimäki" in page.evaluate("() => document.querySelector('#area-trend .js-plotly-plot').data.map(t => t.name).join('|')")


def test_br005_back_and_forward_restore_earlier_views(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?vuosi=2020")
    wait_map(page)
    page.click("#area-next-year")
    expect(page.locator("#area-year-label")).to_have_text("2021")
    wait_query(page, vuosi=2021)
    page.click("#area-next-year")
    expect(page.locator("#area-year-label")).to_have_text("2022")
    wait_query(page, vuosi=2022)
    page.go_back()
    expect(page.locator("#area-year-label")).to_have_text("2021")
    page.go_back()
    expect(page.locator("#area-year-label")).to_have_text("2020")
    page.go_forward()
    expect(page.locator("#area-year-label")).to_have_text("2021")
    wait_query(page, vuosi=2021)


def test_br006_language_switch_changes_labels_and_keeps_the_view(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?vuosi=2020")
    wait_map(page)
    page.click("#area-next-year")
    expect(page.locator("#area-year-label")).to_have_text("2021")
    wait_query(page, vuosi=2021)
    page.get_by_role("link", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#explore-h")).to_have_text("Indikatorerna på kartan")
    expect(page.locator("#area-year-label")).to_have_text("2021")
    assert query(page).get("kieli") == "sv" and query(page).get("vuosi") == "2021"
    page.get_by_role("link", name="English").click()
    expect(page.locator("#explore-h")).to_have_text("Indicators on the map")


def test_br007_forum_mode_arrow_keys_step_year_and_indicator(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?esitys=1&vuosi=2020")
    wait_map(page)
    expect(page.locator("body")).to_have_class(re.compile("tk-forum-on"))
    page.locator("#main").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#area-year-label")).to_have_text("2021")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#area-year-label")).to_have_text("2019")
    first = page.locator("#area-indicator").input_value()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#area-indicator")).not_to_have_value(first)
    wait_query(page, esitys=1)


def test_br008_click_on_a_bar_selects_the_municipality_and_hover_links_map_and_bar(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen?vuosi=2020")
    wait_map(page)
    first_bar = page.locator("#area-bar .trace.bars .point").first
    first_bar.scroll_into_view_if_needed()
    box = first_bar.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 20, y)
    page.mouse.move(x, y, steps=4)  # plotly's drag layer receives the pointer, as for a user
    page.wait_for_function("() => document.querySelector('#area-map .js-plotly-plot')._fullData[1].locations.length === 1")
    code = page.evaluate("() => document.querySelector('#area-map .js-plotly-plot')._fullData[1].locations[0]")
    first_code = page.evaluate("() => document.querySelector('#area-bar .js-plotly-plot').data[0].customdata[0][0]")
    assert code == first_code
    page.mouse.click(x, y)
    expect(page.locator("#area-municipality")).to_have_value(first_code)
    wait_query(page, kunta=first_code)


def test_br009_keyboard_reaches_the_controls_in_order(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen")
    wait_map(page)
    page.locator("#area-prev-ind").focus()
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.id || document.activeElement.getAttribute('role') || document.activeElement.tagName"))
    expected = ["area-indicator", "area-next-ind", "area-prev-year", "slider", "area-next-year"]
    assert all(e in order for e in expected), order
    assert [order.index(e) for e in expected] == sorted(order.index(e) for e in expected), order  # in this order
    focused = page.locator("[role=slider]")
    assert focused.get_attribute("aria-labelledby") == "area-year-heading"


# What has keyboard focus, in words a test can name: the skip link, an id, the slider, or a
# disclosure's summary / a table region by the nearest id around it.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return 'body';
  if (e.classList.contains('tk-skip')) return 'skip';
  if (e.getAttribute('role') === 'slider') return 'slider';
  const owner = e.parentElement && e.parentElement.closest('[id]');
  if (e.tagName === 'SUMMARY') return 'summary@' + (owner ? owner.id : '');
  if (e.classList.contains('export-menu__link')) return 'download-link@' + (owner ? owner.id : '');
  if (e.id) return e.id;
  return e.tagName.toLowerCase() + '@' + (owner ? owner.id : '');
}"""

# The focus indicator of the focused element: an outline at least 2 px wide whose colour has at
# least 3:1 contrast against the background around the element (WCAG 2.4.7 and 1.4.11), and the
# element on screen.
FOCUS_RING = """async () => {
  const e = document.activeElement;
  await Promise.all(e.getAnimations().map(a => a.finished));  // the ring as drawn, not mid-transition
  const s = getComputedStyle(e);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const v = rgb(c).slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = 'rgb(255, 255, 255)';
  for (let p = e.parentElement; p; p = p.parentElement) {
    const b = getComputedStyle(p).backgroundColor, a = rgb(b);
    if (a.length === 3 || (a.length === 4 && a[3] === 1)) { bg = b; break; }
  }
  const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x); return (h + 0.05) / (l + 0.05); };
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const r = e.getBoundingClientRect();
  return {outline: outline, width: parseFloat(s.outlineWidth), contrast: ratio(s.outlineColor, bg), shadow: s.boxShadow,
          focusVisible: e.matches(':focus-visible'),
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
}"""


def assert_focus_visible(page, what: str):
    ring = page.evaluate(FOCUS_RING)
    assert ring["focusVisible"] and ring["onScreen"], (what, ring)
    assert ring["outline"] and ring["width"] >= 2 and ring["contrast"] >= 3, (what, ring)


def tab_to(page, target: str, limit: int = 40) -> list[str]:
    """Press Tab until ``target`` has focus; the focus stops passed on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if seen[-1] == target:
            return seen
    raise AssertionError(f"Tab never reached {target}: {seen}")


def test_br009b_tab_alone_reaches_picker_slider_table_and_download_menu_with_visible_focus(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen")
    wait_map(page)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "skip"  # the skip link is the first stop and shows itself
    assert_focus_visible(page, "skip link")
    expect(page.locator(".tk-skip")).to_have_attribute("href", "#main")
    # Tab alone, in order: indicator picker, year slider, the map's download menu, the map's table.
    path = tab_to(page, "area-indicator")
    assert "area-prev-ind" in path and "slider" not in path, path
    assert_focus_visible(page, "indicator picker")
    path = tab_to(page, "slider")
    assert "area-prev-year" in path and "area-municipality" not in path, path
    assert_focus_visible(page, "year slider")
    year = int(page.locator("#area-year-label").inner_text())
    page.keyboard.press("ArrowLeft")  # an arrow key on the slider steps one year, not a fraction of one
    expect(page.locator("#area-year-label")).to_have_text(str(year - 1))
    expect(page.locator("[role=slider]")).to_have_attribute("aria-valuenow", str(year - 1))
    wait_query(page, vuosi=year - 1)
    assert page.evaluate(FOCUSED) == "slider"
    path = tab_to(page, "summary@area-map-vienti")
    assert "area-municipality" in path and "summary@area-map-table-panel" not in path, path
    assert_focus_visible(page, "map download menu")
    # Enter opens the menu, its links take Tab in turn (each with a visible focus), Escape closes
    # it and gives focus back to its summary.
    menu = page.locator("#area-map-dl details.export-menu")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    links = menu.locator(".export-menu__link")
    assert links.count() >= 2
    for i in range(links.count()):
        page.keyboard.press("Tab")
        assert links.nth(i).evaluate("el => el === document.activeElement"), (i, page.evaluate(FOCUSED))
        assert_focus_visible(page, f"download link {i}")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert page.evaluate(FOCUSED) == "summary@area-map-vienti"
    # The map's table: its disclosure is a Tab stop, Enter opens it, and the table (which may
    # scroll sideways on a narrow screen) is the next stop, named for the keyboard.
    path = tab_to(page, "summary@area-map-table-panel")
    assert_focus_visible(page, "map table disclosure")
    page.keyboard.press("Enter")
    expect(page.locator("#area-map-table details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "area-map-table-body"
    expect(page.locator("#area-map-table-body")).to_have_attribute("role", "region")
    expect(page.locator("#area-map-table-body")).to_have_attribute("aria-label", re.compile("Taulukko: "))
    assert_focus_visible(page, "map table")
    # Then the trend's download menu, further down.
    tab_to(page, "summary@area-trend-vienti")
    assert_focus_visible(page, "trend download menu")


def test_br009d_forum_mode_keyboard_focus_is_the_wider_ring_on_every_control(watched_page, live_server):
    """Forum mode (a shared screen seen from afar): the focus ring is 4 px, the slider's too."""
    page, _ = watched_page
    page.goto(live_server + "/asuminen?esitys=1")
    wait_map(page)
    expect(page.locator("body")).to_have_class(re.compile("tk-forum-on"))
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "skip"
    for target in ("area-indicator", "slider", "area-next-year"):
        tab_to(page, target)
        assert_focus_visible(page, target)
        assert page.evaluate(FOCUS_RING)["width"] >= 4, target


def test_br009c_skip_link_moves_focus_to_the_main_content(watched_page, live_server):
    page, _ = watched_page
    page.goto(live_server + "/asuminen")
    wait_map(page)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "skip"
    box = page.locator(".tk-skip").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0  # shown on screen while it has focus
    callbacks = []
    page.on("request", lambda r: callbacks.append(r.post_data) if "_dash-update-component" in r.url else None)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    page.keyboard.press("Tab")  # the next stop is inside the main content, past the header and navigation
    inside = "() => document.getElementById('main').contains(document.activeElement) && document.activeElement.id !== 'main'"
    assert page.evaluate(inside), page.evaluate(FOCUSED)
    stop = page.evaluate(FOCUSED)
    # The "#main" fragment changes no view: the page is not rendered again, so nothing pulls the
    # focus back to main a moment later (a router re-render did, ~0.5 s after the link).
    page.wait_for_timeout(1200)
    assert page.evaluate(inside) and page.evaluate(FOCUSED) == stop
    assert callbacks == []  # the fragment reached neither the router nor any other callback
    page.go_back()  # back to the view without the fragment: still the same page, not rendered again
    expect(page.locator("#area-year-label")).to_be_visible()
    page.wait_for_timeout(500)
    assert callbacks == [] and page.evaluate("() => location.hash") == ""


AXE = __import__("pathlib").Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def with_query(path: str, extra: str) -> str:
    return path + ("&" if "?" in path else "?") + extra if extra else path


# Every page, the profile of one municipality and the map as tiles; each in Finnish and in forum
# mode; a few in Swedish and English, and the views the old list checked.
AXE_PAGES = PAGES + ["/kuntaprofiili?kunta=109", "/asuminen?kartta=ruudut"]
AXE_CASES = [with_query(p, mode) for p in AXE_PAGES for mode in ("", "esitys=1")] + [
    "/?kieli=sv", "/asuminen?kieli=sv", "/asuminen?kieli=en", "/kuntaprofiili?kunta=109&kieli=en",
    "/indikaattori/asunnottomat_yksinaiset_per1000?kieli=en", "/asuminen?kunta=109", "/asuminen?esitys=1&kieli=sv",
]


def axe_page(browser, live_server, path: str, width: int = 1366):
    """A page in its own context: axe is injected as an inline script, which the app's CSP rightly
    forbids (bypass_csp). Waits for the page (and its map) to be drawn."""
    assert AXE.exists(), "npm ci installs axe-core (make test does)"
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server + path)
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    if page.locator("#area-map").count():
        wait_map(page)
    return context, page


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert len(result["passes"]) > 10  # axe looked at the page
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.mark.parametrize("path", AXE_CASES)
def test_br010_axe_finds_no_wcag_aa_violations(browser, live_server, path):
    context, page = axe_page(browser, live_server, path)
    if "esitys=1" in path:
        expect(page.locator("body")).to_have_class(re.compile("tk-forum-on"))
    lang = dict(kieli.split("=") for kieli in urlparse(path).query.split("&") if kieli.startswith("kieli=")).get("kieli", "fi")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    problems = axe_violations(page)
    context.close()
    assert problems == []


@pytest.mark.parametrize("width", [1366, 360])
@pytest.mark.parametrize("path", ["/asuminen", "/turvallisuus", "/indikaattori/asunnottomat_yksinaiset_per1000"])
def test_br010b_axe_passes_with_tables_and_a_download_menu_open(browser, live_server, path, width):
    """Opened "show as a table" disclosures (filled by the browser) and an open download menu, on a
    wide and on a phone-sized screen, where wide tables scroll sideways."""
    context, page = axe_page(browser, live_server, path, width)
    summaries = page.locator("details.tk-details > summary")  # the indicator page shows its table as is
    for i in range(summaries.count()):
        summaries.nth(i).click()
    expect(page.locator(".tk-table-wrap table").first).to_be_visible()
    if path == "/asuminen":
        expect(page.locator("#area-map-table-body table caption")).to_be_visible()
        expect(page.locator("#area-trend-table-body table caption")).to_be_visible()
    menu = page.locator("details.export-menu").first
    menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
    expect(menu.locator(".export-menu__link").first).to_be_visible()
    problems = axe_violations(page)
    context.close()
    assert problems == []


def test_br011_copy_link_puts_the_current_view_on_the_clipboard(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(live_server + "/asuminen?vuosi=2020&kunta=109")
    wait_map(page)
    page.click("#area-copy-link")
    expect(page.locator("#area-copy-status")).to_have_text("Linkki kopioitu")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "vuosi=2020" in copied and "kunta=109" in copied and copied.startswith(live_server + "/asuminen")
    context.close()
