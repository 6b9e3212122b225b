"""The comparison picker in Chromium (issue 12 item 3): choosing what a municipality is compared with
changes the benchmark on the map (its summary), the bar chart (reference line), the table (the
comparison column) and in a downloaded CSV; a municipality switch forms the set of the new one;
the similar municipalities and their variables are shown; axe finds nothing with the picker.

The database is the working groups' prepared one (tests/browser/test_groups.py): unemployment
2020–2024 with a known answer, the county flat at 9.0, and populations for every municipality."""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_browser import axe_page, axe_violations, wait_map
from tests.browser.test_downloads import download
from tests.browser.test_groups import served

VIEW = "/hyvinvointityo?indikaattori=tyottomat_pct&vuosi=2024&kunta=981"
#: Forssan seutukunta 2024: Forssa 12.0 (16,500 inhabitants), the four others 9.0 (15,900):
#: population-weighted (12·16500 + 9·15900) / 32400 = 10.53
SUB_REGION = "Forssan seutukunta 10,5"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with served(tmp_path_factory.mktemp("compare")) as url:
        yield url


@pytest.fixture
def page(browser, base):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + VIEW)
    wait_map(page)
    yield page
    context.close()
    assert errors == []


def bar_names(page) -> list[str]:
    return page.evaluate("() => document.querySelector('#area-bar .js-plotly-plot').data.map(d => d.name || '')")


def table_row(page, name: str):
    details = page.locator("#area-map-table details")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    return page.locator("#area-map-table-body tr", has=page.locator(f"text='{name}'")).first


def test_cmp001_choosing_a_comparison_changes_map_bar_table_and_export(page, base, tmp_path):
    # the county region is the default benchmark
    assert "Kanta-Häme 9,0" in bar_names(page)
    expect(page.locator("#area-map-summary")).to_contain_text("Kanta-Häme: 9,0")
    expect(page.locator("#area-map-table thead")).to_contain_text("Verrattuna: Kanta-Häme")
    expect(table_row(page, "Humppila")).to_contain_text("samaa tasoa", ignore_case=True)  # 9.0 against 9.0

    # the picker is a labelled group of links, chosen with the keyboard
    picker = page.get_by_role("group", name="Vertailukohde")
    expect(picker).to_be_visible()
    expect(picker.get_by_role("link", name="Kanta-Häme")).to_have_attribute("aria-current", "true")
    picker.get_by_role("link", name="Kunnan seutukunta").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**vertailu=seutukunta**")
    wait_map(page)

    assert SUB_REGION in bar_names(page) and "Kanta-Häme 9,0" not in bar_names(page)
    expect(page.locator("#area-map-summary")).to_contain_text("Forssan seutukunta: 10,5")
    expect(page.locator("#area-map-subtitle")).to_contain_text("Vertailukohde: Forssan seutukunta")
    expect(page.locator("#comparison-members")).to_contain_text("Forssa, Humppila, Jokioinen, Tammela, Ypäjä")
    expect(page.locator("#area-map-table thead")).to_contain_text("Verrattuna: Forssan seutukunta")
    expect(table_row(page, "Humppila")).to_contain_text("parempi", ignore_case=True)  # 9.0 against 10.5, lower is better
    expect(table_row(page, "Forssa")).to_contain_text("heikompi", ignore_case=True)  # 12.0 against 10.5

    # the downloaded table names the benchmark in its header and its comparison column
    page.click("#area-bar-vienti summary")
    name, path = download(page, page.locator("#area-bar-vienti a[data-format=csv]"), tmp_path)
    assert "vs-forssan-seutukunta" in name, name
    text = path.read_text(encoding="utf-8-sig")
    assert "Vertailukohde: Forssan seutukunta" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(r for r in rows if "Verrattuna: Forssan seutukunta" in r)
    col = header.index("Verrattuna: Forssan seutukunta")
    by_region = {r[header.index("Alue")]: r for r in rows[rows.index(header) + 1:] if len(r) == len(header)}
    assert by_region["Humppila"][col].lower() == "parempi" and by_region["Forssa"][col].lower() == "heikompi"
    assert by_region["Forssan seutukunta"][header.index("Näytetty arvo")] == "10,5"

    # the whole country: the county region stays as the second reference
    page.get_by_role("group", name="Vertailukohde").get_by_role("link", name="Koko maa").click()
    page.wait_for_url("**vertailu=koko-maa**")
    wait_map(page)
    names = bar_names(page)
    assert any(n.startswith("Koko maa") for n in names) and "Kanta-Häme 9,0" in names


def test_cmp002_similar_municipalities_follow_the_chosen_municipality(page, base):
    page.get_by_role("group", name="Vertailukohde").get_by_role("link", name="Samankaltaiset kunnat").click()
    page.wait_for_url("**vertailu=samankaltaiset**")
    wait_map(page)
    members = page.locator("#comparison-members")
    expect(members).to_contain_text("Vertailukohde: Samankaltaiset kunnat (5). Joukkoon kuuluvat:")
    first = members.inner_text()
    assert any(n.startswith("Samankaltaiset kunnat (5)") for n in bar_names(page))
    # another municipality: the server forms its set (the page is loaded again)
    page.select_option("#area-municipality", "109")
    page.wait_for_url("**kunta=109**")
    wait_map(page)
    assert "vertailu=samankaltaiset" in page.url
    expect(members).not_to_have_text(first)
    expect(members).not_to_contain_text("Hämeenlinna,")  # never its own member
    # the list and the variables it was found by, on the profile
    page.locator(".tk-cmp__note a", has_text="kuntaprofiili").click()
    page.wait_for_url("**/kuntaprofiili**")
    table = page.locator("#similar-table")
    expect(table).to_contain_text("Väkiluku 2024")
    expect(table).to_contain_text("Työttömät % 2024")
    expect(page.locator(".tk-table--profile thead").first).to_contain_text("Verrattuna: Samankaltaiset kunnat (5)")


@pytest.mark.parametrize("path", [VIEW + "&vertailu=seutukunta", "/kuntaprofiili?kunta=981&vertailu=naapurit",
                                  "/hyvinvointityo?vertailu=samankaltaiset&kieli=sv&esitys=1"])
def test_cmp003_axe_finds_no_violations_with_the_picker(browser, base, path):
    context, page = axe_page(browser, base, path)
    expect(page.get_by_role("group", name=("Jämförs med" if "kieli=sv" in path else "Vertailukohde"))).to_be_visible()
    problems = axe_violations(page)
    context.close()
    assert problems == []
