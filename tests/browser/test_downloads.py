"""Downloads as a communications officer gets them: every entry of a chart's "Lataa" menu and the
chart's own modebar buttons give a file with a meaningful Finnish name, the images carry the
title and a footer naming the source (read back from the SVG text and, for the PNG, by OCR of the
drawn pixels with Debian's tesseract), and the tables hold exactly the values shown."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_browser import wait_map

VIEW = "/asuminen?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2020"
MUNICIPALITIES = ("Forssa", "Hattula", "Hausjärvi", "Humppila", "Hämeenlinna", "Janakkala", "Jokioinen",
                  "Loppi", "Riihimäki", "Tammela", "Ypäjä")


def drawn_text(svg: bytes) -> str:
    """The words drawn in an SVG (its <text> elements, not <title>/<desc>)."""
    root = ET.fromstring(svg)
    words = [" ".join(el.itertext()) for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"]
    return " ".join(" ".join(words).split())


def ocr(png_path, crop_bottom: float) -> str:
    """Text that tesseract reads in the bottom ``crop_bottom`` share of the image (Finnish model)."""
    from PIL import Image

    assert shutil.which("tesseract"), "make test installs Debian's tesseract-ocr (make system-deps)"
    img = Image.open(png_path).convert("L")
    band = img.crop((0, round(img.height * (1 - crop_bottom)), img.width, img.height))
    out = png_path.with_suffix(".band.png")
    band.save(out)
    result = subprocess.run(["tesseract", str(out), "stdout", "-l", "fin", "--psm", "6"],
                            capture_output=True, text=True, timeout=120, check=True)
    return " ".join(result.stdout.split())


def source_name(page, chart_id: str) -> str:
    """The source as the page shows it under the chart ("Lähde: THL, Sotkanet …" → "THL"; the test
    database's invented values: "Synteettinen esimerkkiaineisto, …" → "Synteettinen esimerkkiaineisto")."""
    line = page.locator(f"#{chart_id}-source").inner_text()
    match = re.match(r"\s*(?:(?:Lähde|Källa|Source):\s*)?([^,;·(]+)", line)
    assert match, line
    return match.group(1).strip()


def download(page, link, tmp_path):
    with page.expect_download() as info:
        link.click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    target = tmp_path / dl.suggested_filename
    dl.save_as(target)
    return dl.suggested_filename, target


@pytest.fixture
def area_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)  # the first image export starts the server's Chromium
    page.goto(live_server + VIEW)
    wait_map(page)
    yield page
    context.close()


def test_dl001_every_menu_entry_downloads_a_named_file_with_title_and_source(area_page, tmp_path):
    from openpyxl import load_workbook
    from PIL import Image

    page = area_page
    source = source_name(page, "area-map")
    title = page.locator("#area-map-title").inner_text()
    page.click("#area-map-vienti summary")
    links = page.locator("#area-map-vienti a.export-menu__link")
    expect(links).to_have_count(8)
    files = {}
    for i in range(8):
        name, path = download(page, links.nth(i), tmp_path)
        files[name] = path
    names = sorted(files)
    stems = {re.sub(r"(-dia|-neliö|-linkki|-a4)?\.(png|svg|pdf|csv-metadata\.json|csv|xlsx)$", "", n) for n in names}
    assert len(stems) == 1, names  # one meaningful name per chart, by format and size only
    stem = stems.pop()
    assert "asunnottomat" in stem and "2020" in stem and re.fullmatch(r"[a-zåäö0-9-]+", stem), stem
    assert sorted(n[len(stem):] for n in names) == ["-a4.pdf", "-dia.png", "-linkki.png", "-neliö.png", ".csv",
                                                    ".csv-metadata.json", ".svg", ".xlsx"]
    assert Image.open(files[f"{stem}-linkki.png"]).size == (1200, 628)  # 1.91:1 link preview
    assert files[f"{stem}-a4.pdf"].read_bytes().startswith(b"%PDF")

    slide = Image.open(files[f"{stem}-dia.png"])
    assert slide.size == (3200, 1800)  # 16:9 for slides
    assert Image.open(files[f"{stem}-neliö.png"]).size == (1080, 1080)  # square for social media
    assert source in slide.text["Source"] and slide.text["Title"].startswith(title)

    svg = drawn_text(files[f"{stem}.svg"].read_bytes())
    assert title in svg and f"Lähde: {source}" in svg and "CC BY 4.0" in svg

    rows = list(csv.reader(io.StringIO(files[f"{stem}.csv"].read_text("utf-8-sig")), delimiter=";"))
    flat = " ".join(" ".join(r) for r in rows)
    assert all(m in flat for m in MUNICIPALITIES) and source in flat
    book = load_workbook(files[f"{stem}.xlsx"], read_only=True)
    cells = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert all(m in cells for m in MUNICIPALITIES) and source in cells


def test_dl002_png_footer_draws_the_source_in_pixels(area_page, tmp_path):
    page = area_page
    source = source_name(page, "area-trend")
    page.click("#area-trend-vienti summary")
    _name, path = download(page, page.locator("#area-trend-vienti a[data-format=png]").first, tmp_path)
    footer = ocr(path, crop_bottom=0.12)
    assert "Lähde" in footer and source.split()[0] in footer, footer
    assert "CC BY 4.0" in footer.replace("CCBY", "CC BY"), footer


@pytest.mark.parametrize("fmt,title", [("png", "Lataa kuva (PNG)"), ("svg", "Lataa vektorikuva (SVG)")])
def test_dl003_modebar_buttons_download_the_dressed_png_and_svg(area_page, tmp_path, fmt, title):
    page = area_page
    menu_name = page.locator(f"#area-bar-vienti a[data-format={fmt}]").first.get_attribute("href")
    page.hover("#area-bar .js-plotly-plot")
    button = page.locator(f"#area-bar .modebar-btn[data-title='{title}']")
    expect(button).to_be_visible()
    assert button.get_attribute("aria-label") == title
    name, path = download(page, button, tmp_path)
    assert name.endswith(f".{fmt}") and "asunnottomat" in name and "2020" in name, name
    assert menu_name.split("?")[0].endswith(f".{fmt}")
    data = path.read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG") and len(data) > 20_000
    else:
        text = drawn_text(data)
        assert page.locator("#area-bar-title").inner_text() in text and "Lähde:" in text


def test_dl004_modebar_is_keyboard_reachable_and_visible_on_focus(area_page):
    page = area_page
    button = page.locator("#area-trend .modebar-btn[data-title='Lataa kuva (PNG)']")
    button.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('data-title')") == "Lataa kuva (PNG)"
    # Shown while anything in the chart has focus (after plotly's 0.3 s fade-in); hidden otherwise.
    page.wait_for_function("() => getComputedStyle(document.activeElement.closest('.modebar-group')).opacity === '1'")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2, style
    page.locator("#area-indicator").focus()
    page.wait_for_function("() => getComputedStyle(document.querySelector("
                           "'#area-trend .modebar-group')).opacity === '0'")


def test_dl005_downloads_follow_the_view_switched_in_the_browser(area_page, tmp_path):
    page = area_page
    page.click("#area-next-year")
    expect(page.locator("#area-year-label")).to_have_text("2021")
    page.click("#area-map-vienti summary")
    name, path = download(page, page.locator("#area-map-vienti a[data-format=svg]"), tmp_path)
    assert "2021" in name and "2020" not in name, name
    assert "2021" in drawn_text(path.read_bytes())
