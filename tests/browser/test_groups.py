"""Working-group views in Chromium: the agenda's filter on a prepared database, sorting, axe on the
new pages, the Atom feed, and the municipality profile at phone size (390×844)."""
from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, insert
from werkzeug.serving import make_server

from tests.browser.test_dashboard_browser import AXE, AXE_TAGS
from tests.dashboard.data import (
    COUNTRY,
    MUNIS,
    REGION,
    REGISTRY,
    build_database,
    write_geometry,
)

SCREENSHOTS = Path("/tmp/groups-shots")
YEARS = range(2020, 2025)
#: Unemployment (% , lower is better), hand-made so that the answer is known: the county flat at
#: 9.0; two municipalities worse and rising (on the agenda), one worse but flat, one better but
#: rising, one worse but falling, the rest similar and flat.
DESIGNED = {
    "109": [10.5, 11.0, 11.5, 12.0, 12.5],  # worse, worsening  → agenda
    "165": [9.5, 10.0, 10.5, 11.0, 11.5],   # worse, worsening  → agenda
    "061": [12.0] * 5,                      # worse, no change
    "082": [5.0, 5.5, 6.0, 6.5, 7.0],       # better, worsening
    "086": [14.0, 13.0, 12.0, 11.0, 10.0],  # worse, improving
}
EXPECTED_AGENDA = {"109", "165"}
#: population (test values shaped like the real ones) for the similar-municipality table
POPULATION = {"061": 16500, "082": 8600, "086": 8400, "103": 2200, "109": 68000, "165": 16200, "169": 5400,
              "433": 7900, "694": 28500, "834": 6000, "981": 2300}


@contextmanager
def served(root: Path):
    from dashboard import create_app
    from data_pipeline.db.schema import observation

    engine = build_database(root / "groups.sqlite3")
    with engine.begin() as conn:
        conn.execute(delete(observation).where(observation.c.indicator_key == "tyottomat_pct"))
        rows = []
        for code in [*MUNIS, REGION, COUNTRY]:
            for i, year in enumerate(YEARS):
                value = DESIGNED.get(code, [9.0] * 5)[i]
                rows.append({"indicator_key": "tyottomat_pct", "region_code": code, "period": str(year), "period_type": "Y",
                                 "year": year, "value": value, "sex": "total", "suppressed": False, "provisional": False,
                                 "synthetic": False, "load_run_id": 1})
        conn.execute(insert(observation), rows)
        conn.execute(insert(observation), [
            dict(indicator_key="vaesto", region_code=code, period="2024", period_type="Y", year=2024, value=float(n),
                 sex="total", suppressed=False, provisional=False, synthetic=False, load_run_id=1)
            for code, n in POPULATION.items()])
    write_geometry(root / "geo")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        engine.dispose()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with served(tmp_path_factory.mktemp("groups")) as url:
        yield url


def _page(browser, width=1366, height=900, bypass_csp=False):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fi-FI", bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def test_grp001_agenda_filter_returns_exactly_the_worse_and_worsening_municipalities(browser, base):
    context, page, errors = _page(browser)
    page.goto(base + "/tutkittavaa?painopiste=hyvinvointityo")
    expect(page.locator("main h1")).to_contain_text("Tutkittavaa")
    all_rows = page.locator("#agenda-table tbody tr[data-indicator='tyottomat_pct']")
    expect(all_rows.first).to_be_visible()
    assert all_rows.count() > len(EXPECTED_AGENDA)  # every municipality, the county and Finland
    # the user picks the filter in the form and submits it
    page.select_option("#agenda-filter", "tutkittavaa")
    page.get_by_role("button", name="Päivitä").click()
    page.wait_for_url("**nayta=tutkittavaa**")
    rows = page.locator("#agenda-table tbody tr[data-indicator='tyottomat_pct']")
    expect(rows.first).to_be_visible()
    regions = {rows.nth(i).get_attribute("data-region") for i in range(rows.count())}
    assert regions == EXPECTED_AGENDA
    # every row left in the table (any indicator) says both things in words, not only in colour
    every = page.locator("#agenda-table tbody tr")
    for i in range(every.count()):
        cells = every.nth(i).locator("td")
        assert cells.nth(3).inner_text().strip().endswith("heikompi")
        assert cells.nth(4).inner_text().strip().endswith("heikkenee")
    # each cell links to the area page's view of that indicator, area and year
    href = rows.first.locator("td").first.locator("a").get_attribute("href")
    assert href.startswith("/hyvinvointityo?") and "indikaattori=tyottomat_pct" in href and "vuosi=2024" in href
    assert errors == []
    context.close()


def test_grp002_agenda_sorts_by_a_header_link_and_says_so_with_aria_sort(browser, base):
    context, page, errors = _page(browser)
    page.goto(base + "/tutkittavaa?painopiste=hyvinvointityo")
    header = page.locator("#agenda-table thead th", has_text="Arvo")
    assert header.get_attribute("aria-sort") == "none"
    header.locator("a").click()
    page.wait_for_url("**jarjestys=arvo**")
    header = page.locator("#agenda-table thead th", has_text="Arvo")
    assert header.get_attribute("aria-sort") == "ascending"
    values = page.locator("#agenda-table tbody tr td:nth-child(4)").all_inner_texts()
    numbers = [float(v.replace("*", "").replace("\u2009", "").replace(" ", "").replace(",", ".")) for v in values
               if v.strip() and v.strip()[0].isdigit()]
    assert numbers == sorted(numbers)
    assert errors == []
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("path", ["/tutkittavaa?painopiste=hyvinvointityo&nayta=tutkittavaa", "/menetelma",
                                  "/kuntaprofiili?kunta=981", "/tutkittavaa?painopiste=asuminen&kieli=en",
                                  "/menetelma?kieli=sv", "/mika-muuttui?alkaen=2026-11-01", "/"])
def test_grp003_axe_finds_no_violations_on_the_new_pages(browser, base, path, width):
    context, page, _ = _page(browser, width=width, height=844 if width < 600 else 900, bypass_csp=True)
    page.goto(base + path)
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert len(result["passes"]) > 10
    problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    context.close()
    assert problems == []


def test_grp004_atom_feed_parses_and_lists_a_load(browser, base):
    context, page, _ = _page(browser)
    response = page.request.get(base + "/mika-muuttui.atom?alkaen=2026-11-01")
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert any(title.startswith("sotkanet: indicators") for title in titles)
    # the page lists the same load and links to the feed
    page.goto(base + "/mika-muuttui?alkaen=2026-11-01")
    expect(page.locator("main")).to_contain_text("sotkanet: indicators")
    expect(page.get_by_role("link", name="Atom-syöte")).to_be_visible()
    context.close()


def test_grp005_goal_cards_show_three_judgements_and_link_the_method(browser, base):
    context, page, errors = _page(browser)
    page.goto(base + "/asuminen")
    card = page.locator("#goal-asunnottomuus_vahenee")
    expect(card).to_be_visible()
    # three separate judgements: the target (the status badge), against the benchmark, the trend
    expect(card.locator(".goal-gauge__status")).to_contain_text("Tavoite: ")
    terms = card.locator(".goal-gauge__judgement dt").all_inner_texts()
    assert terms[0].startswith("Verrattuna") and terms[1] == "Suunta"
    card.get_by_role("link", name="Miten arvioidaan?").click()
    expect(page.locator("main h1")).to_have_text("Näin tavoitteita ja suuntia arvioidaan")
    assert errors == []
    context.close()


def test_grp006_profile_on_a_phone_shows_value_and_comparison_without_sideways_scrolling(browser, base):
    context, page, _errors = _page(browser, width=390, height=844)
    page.goto(base + "/kuntaprofiili?kunta=109")
    table = page.locator(".tk-table--profile").first
    expect(table).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "profile-390.png"))
    wrap = page.locator(".tk-table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # the value and the comparison of the first row are inside the screen width
    row = table.locator("tbody tr").first
    for cell in (row.locator("td").nth(1), row.locator("td").nth(4)):
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()


def test_grp007_profile_names_the_similar_municipalities_and_the_variables(browser, base):
    context, page, errors = _page(browser)
    page.goto(base + "/kuntaprofiili?kunta=981")  # Ypäjä
    table = page.locator("#similar-table")
    expect(table).to_be_visible()
    heads = table.locator("thead th").all_inner_texts()
    assert heads[1].startswith("Väkiluku") and heads[2].startswith("Työttömät %")
    names = table.locator("tbody th").all_inner_texts()
    assert names[0] == "Ypäjä" and len(names) == 6
    # the nearest in population and unemployment among the test values: Humppila (2,200; 9.0 %)
    assert names[1] == "Humppila"
    expect(page.locator(".tk-profile__similar")).to_contain_text("Forssa")  # its sub-region
    # changing the municipality rebuilds the table for the new one
    page.select_option("#profile-municipality", "109")
    expect(page.locator("#similar-table tbody th").first).to_have_text("Hämeenlinna")
    assert errors == []
    context.close()
