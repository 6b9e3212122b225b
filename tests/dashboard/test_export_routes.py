"""Download routes through the Flask test client, and the per-chart download menu."""
from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

try:  # tests/dashboard is a package (tests.dashboard.…) or a plain folder on sys.path
    from .export_fixtures import line_chart, map_chart, png_size, warm_renderer, write_geojson
except ImportError:
    from export_fixtures import line_chart, map_chart, png_size, warm_renderer, write_geojson  # noqa: F401 - pytest fixtures, used by name

from dashboard.core.state import InvalidState, ViewState
from dashboard.deliver import export
from dashboard.deliver.export_routes import download_links, download_menu, register_export_routes


@pytest.fixture
def app(engine, registry, tmp_path):
    """A bare Flask server with the app context (registry + migrated SQLite) and the export routes."""
    from dashboard.data.context import AppContext, install

    geo = write_geojson(tmp_path)
    calls = []

    def build(kind, state):
        calls.append((kind, state))
        if kind == "trend":
            return line_chart(synthetic=True)
        if kind == "map":
            return map_chart(geo)
        if kind == "bar":
            chart = line_chart()
            chart.figure = {}
            return chart
        if kind == "status_map":
            raise InvalidState("kind", "kind_not_for_indicator", kind)
        if kind == "rounds":
            raise LookupError("no such series")
        raise RuntimeError("unexpected")

    server = Flask("vienti-test")
    install(server, AppContext(registry=registry, engine=engine, geo_dir=tmp_path))
    register_export_routes(server, build_chart=build)
    server.calls = calls
    return server


@pytest.fixture
def client(app):
    return app.test_client()


FINNISH_WORDS = {"ei", "tuntematon", "tuntematonta", "virheellinen", "kelpaa", "sovi", "epäonnistui", "annettu",
                 "yritä", "voi", "voitu", "sallitut", "anna"}


def _is_finnish_plain_text(resp) -> bool:
    """A short plain-text message in Finnish (recognised by common Finnish words), no markup."""
    text = resp.get_data(as_text=True)
    words = {w.strip(".,:;()”\"").lower() for w in text.split()}
    return (resp.headers["Content-Type"] == "text/plain; charset=utf-8" and bool(words & FINNISH_WORDS)
            and len(text) < 300)


def test_rte001_png_presets_return_images_with_meaningful_names(client, warm_renderer):
    slide = client.get("/vienti/trend.png?indikaattori=asunnottomat_yksinaiset_per1000&kunta=109")
    assert slide.status_code == 200 and slide.mimetype == "image/png"
    assert png_size(slide.data) == (3200, 1800)
    cd = slide.headers["Content-Disposition"]
    assert cd.startswith('attachment; filename="kanta-hame-asunnottomat-2023-dia.png"')
    assert "filename*=UTF-8''kanta-h%C3%A4me-asunnottomat-2023-dia.png" in cd
    square = client.get("/vienti/trend.png?koko=nelio")
    assert square.status_code == 200 and png_size(square.data) == (1080, 1080)
    assert "neli%C3%B6.png" in square.headers["Content-Disposition"]
    assert client.get("/vienti/trend.png?koko=neliö").status_code == 200


def test_rte002_svg_csv_xlsx_and_map(client, warm_renderer):
    svg = client.get("/vienti/trend.svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    assert b"synteettinen esimerkkiaineisto" in svg.data
    assert 'filename="kanta-hame-asunnottomat-2023.svg"' in svg.headers["Content-Disposition"]
    csv = client.get("/vienti/trend.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.data.startswith(b"\xef\xbb\xbfOtsikko;")
    xlsx = client.get("/vienti/trend.xlsx?kieli=sv")
    assert xlsx.status_code == 200 and xlsx.mimetype == export.MIME["xlsx"]
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(xlsx.data)).active["A1"].value == "Rubrik"
    kartta = client.get("/vienti/map.png?koko=nelio")
    assert kartta.status_code == 200 and png_size(kartta.data) == (1080, 1080)
    assert kartta.headers["X-Content-Type-Options"] == "nosniff"


def test_rte003_validated_state_reaches_build_chart(client, app):
    resp = client.get("/vienti/trend.csv?sivu=asuminen&indikaattori=asunnottomat_yksinaiset_per1000"
                      "&kunta=109&kieli=en&esitys=1&kartta=ruudut")
    assert resp.status_code == 200
    kind, state = app.calls[-1]
    assert kind == "trend" and isinstance(state, ViewState)
    assert (state.page, state.indicator, state.municipality, state.lang, state.forum, state.map_mode) == (
        "asuminen", "asunnottomat_yksinaiset_per1000", "109", "en", True, "tiles")
    assert b"Title;" in resp.data  # the table's header block follows the state's language


@pytest.mark.parametrize(
    "url",
    [
        "/vienti/trend.gif",
        "/vienti/trend",
        "/vienti/Trend.png",
        "/vienti/../../etc/passwd.png",
        "/vienti/%3Cscript%3E.png",
        "/vienti/trend.png?koko=banneri",
        "/vienti/trend.png?koko=dia&koko=nelio",
        "/vienti/trend.png?tuntematon=1",
        "/vienti/trend.csv?indikaattori=x%27%3B%20DROP%20TABLE%20observation%3B--",
        "/vienti/trend.csv?indikaattori=ei_ole_olemassa",
        "/vienti/trend.csv?kunta=%3Cscript%3Ealert(1)%3C/script%3E",
        "/vienti/trend.csv?kunta=091",
        "/vienti/trend.csv?vuosi=20x4",
        "/vienti/trend.csv?vuosi=2024&vuosi=2025",
        "/vienti/trend.csv?kieli=de",
        "/vienti/trend.csv?esitys=kenties",
        "/vienti/trend.csv?sivu=javascript:alert(1)",
        "/vienti/trend.csv?indikaattori=" + "a" * 500,
        "/vienti/status_map.png",
        "/vienti/rounds.csv",
        "/vienti/bar.png",
    ],
)
def test_rte004_bad_input_is_400_with_a_finnish_message(client, url):
    resp = client.get(url)
    assert resp.status_code == 400, (url, resp.status_code, resp.get_data(as_text=True))
    assert _is_finnish_plain_text(resp), resp.get_data(as_text=True)
    assert "Traceback" not in resp.get_data(as_text=True)


def test_rte005_renderer_failure_is_503_and_unexpected_error_is_a_clean_500(client, monkeypatch):
    def broken(*args, **kwargs):
        raise export.ExportUnavailable("browser died")

    monkeypatch.setattr(export, "render_image", broken)
    resp = client.get("/vienti/trend.png")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "30"
    assert "Yritä hetken kuluttua uudelleen" in resp.get_data(as_text=True)
    assert client.get("/vienti/trend.csv").status_code == 200  # tables need no browser
    crash = client.get("/vienti/kaatuu.csv")
    assert crash.status_code == 500 and "Vienti epäonnistui" in crash.get_data(as_text=True)
    assert "RuntimeError" not in crash.get_data(as_text=True)


def test_rte009_database_outage_is_503_with_retry_after(engine, registry, tmp_path):
    """build_chart's DataUnavailable (and a database error inside a query, which the query layer
    turns into DataUnavailable) is "try again later", never a 500."""
    from sqlalchemy.exc import OperationalError

    from dashboard.data import queries
    from dashboard.data.context import AppContext, install
    from dashboard.deliver import errors as error_handlers
    from dashboard.draw.charts import DataUnavailable

    def down():
        raise OperationalError("SELECT 1", {}, Exception("down"))

    errors = iter([lambda: (_ for _ in ()).throw(DataUnavailable("OperationalError")),
                   lambda: queries.memo(engine, "outage-test", (), down)])

    def build(kind, state):
        next(errors)()

    server = Flask("vienti-outage")
    install(server, AppContext(registry=registry, engine=engine, geo_dir=tmp_path))
    register_export_routes(server, build_chart=build)
    error_handlers.register(server)  # as create_app does: the one handler answers an outage
    client = server.test_client()
    for url in ("/vienti/bar.csv", "/vienti/map.png"):
        resp = client.get(url)
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "30"
        text = resp.get_data(as_text=True)
        assert "Yritä hetken kuluttua uudelleen" in text and "Traceback" not in text


def test_rte006_download_links_carry_the_state_and_the_size(client):
    state = ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", municipality="109", lang="fi")
    links = download_links("trend", state)
    assert [link["key"] for link in links] == ["png-dia", "png-nelio", "png-linkki", "svg", "pdf-a4", "csv", "csvw",
                                               "xlsx"]
    assert [link["label"] for link in links] == [
        "PNG dialle (16:9)", "PNG someen (neliö)", "PNG linkin esikuvaksi (1,91:1)", "SVG (vektorikuva)",
        "PDF A4-sivulle (pysty)", "CSV (Excel)", "CSV:n kuvaus (CSVW, JSON)", "XLSX (Excel)"]
    first = urlsplit(links[0]["href"])
    assert first.path == "/vienti/trend.png"
    assert parse_qs(first.query) == {"sivu": ["asuminen"], "indikaattori": ["asunnottomat_yksinaiset_per1000"],
                                     "kunta": ["109"], "koko": ["dia"]}
    assert parse_qs(urlsplit(links[1]["href"]).query)["koko"] == ["nelio"]
    assert parse_qs(urlsplit(links[2]["href"]).query)["koko"] == ["linkki"]
    assert urlsplit(links[4]["href"]).path == "/vienti/trend.pdf" and "koko=a4" in links[4]["href"]
    assert urlsplit(links[6]["href"]).path == "/vienti/trend.csv-metadata.json"
    assert "koko" not in links[5]["href"]
    for link in links:  # every link the menu offers is accepted by the route
        if link["format"] in ("csv", "xlsx", "csv-metadata.json"):
            assert client.get(link["href"]).status_code == 200, link["href"]
    english = download_links("map", ViewState(lang="en"))
    assert english[0]["label"] == "PNG for slides (16:9)" and english[0]["href"] == "/vienti/map.png?kieli=en&koko=dia"


def test_rte007_download_menu_is_an_accessible_details_list():
    menu = download_menu("kartta", "map", ViewState(indicator="asunnottomat_yksinaiset_per1000"))
    assert type(menu).__name__ == "Details" and menu.id == "kartta-vienti"
    summary, listing = menu.children
    assert type(summary).__name__ == "Summary"
    assert [c.children for c in summary.children][1] == "Lataa"
    *items, embed = listing.children
    assert embed.id == "kartta-upotus"  # "Upota": the iframe code (tests/dashboard/test_embed.py)
    anchors = [li.children for li in items]
    assert [a.id for a in anchors] == ["kartta-vienti-png-dia", "kartta-vienti-png-nelio", "kartta-vienti-png-linkki",
                                       "kartta-vienti-svg", "kartta-vienti-pdf-a4", "kartta-vienti-csv",
                                       "kartta-vienti-csvw", "kartta-vienti-xlsx"]
    assert all(a.download == "" and a.href.startswith("/vienti/map.") for a in anchors)
    assert anchors[0].children == "PNG dialle (16:9)"
    assert listing.to_plotly_json()["props"]["aria-label"].startswith("Lataa kuvaaja")


# --- with the real dashboard.draw.charts.build_chart and dashboard.core.state.validate_state --------------


@pytest.fixture(scope="module")
def real_client(tmp_path_factory):
    """The export routes with their default (lazy) build_chart on the dashboard's test database."""
    try:
        from .data import REGISTRY, build_database, write_geometry
    except ImportError:
        from data import REGISTRY, build_database, write_geometry
    from dashboard.data.context import AppContext, install

    folder = tmp_path_factory.mktemp("vienti")
    engine = build_database(folder / "db.sqlite3")
    write_geometry(folder / "geo")
    server = Flask("vienti-real")
    install(server, AppContext(registry=REGISTRY, engine=engine, geo_dir=folder / "geo"))
    register_export_routes(server)
    yield server.test_client()
    engine.dispose()


def test_rte008_real_charts_export_end_to_end(real_client, warm_renderer):
    ind = "indikaattori=asunnottomat_yksinaiset_per1000"
    kartta = real_client.get(f"/vienti/map.png?{ind}&koko=nelio")
    assert kartta.status_code == 200, kartta.get_data(as_text=True)
    assert png_size(kartta.data) == (1080, 1080)
    name = kartta.headers["Content-Disposition"]
    assert "-neli%C3%B6.png" in name and "asunnottomat" in name
    svg = real_client.get(f"/vienti/trend.svg?{ind}&kunta=109")
    assert svg.status_code == 200
    text = svg.get_data(as_text=True)
    drawn = text.split("</desc>", 1)[1]  # the footer drawn once; <title>/<desc> repeat it as metadata
    line = "Synteettinen esimerkkiaineisto, ei tilastolähdettä"
    assert line in drawn and drawn.count(line) == 1 and "THL" not in drawn
    csv = real_client.get(f"/vienti/map.csv?{ind}")
    assert csv.status_code == 200
    body = csv.data.decode("utf-8-sig").split("\r\n\r\n", 1)[1].strip().split("\r\n")
    assert len(body) == 1 + 11  # header row + the eleven municipalities shown on the map
    status = real_client.get("/vienti/status_map.xlsx?indikaattori=varautumissopimus_voimassa")
    assert status.status_code == 200 and status.mimetype == export.MIME["xlsx"]
    wrong_kind = real_client.get(f"/vienti/rounds.png?{ind}")
    assert wrong_kind.status_code == 400 and _is_finnish_plain_text(wrong_kind)
    unknown_kind = real_client.get(f"/vienti/piirakka.png?{ind}")
    assert unknown_kind.status_code == 400 and "Tuntematon kuvaaja" in unknown_kind.get_data(as_text=True)


def test_rte020_errors_speak_the_language_of_the_view(client):
    sv = client.get("/vienti/trend.gif?kieli=sv")
    assert sv.status_code == 400 and sv.get_data(as_text=True).startswith("Okänt filformat: gif.")
    en = client.get("/vienti/trend.png?kieli=en&koko=huge")
    assert en.status_code == 400 and en.get_data(as_text=True).startswith("Unknown image size: huge.")
    fi = client.get("/vienti/trend.gif?kieli=xx")  # an unknown language falls back to Finnish
    assert fi.status_code == 400 and _is_finnish_plain_text(fi)


def test_rte021_csv_links_its_csvw_description_and_the_sidecar_names_that_csv(client):
    import json

    query = "indikaattori=asunnottomat_yksinaiset_per1000&kunta=109"
    csv = client.get(f"/vienti/trend.csv?{query}")
    assert csv.status_code == 200
    link = csv.headers["Link"]
    assert link == f'</vienti/trend.csv-metadata.json?{query}>; rel="describedby"; type="application/csvm+json"'
    meta = client.get(link[1:link.index(">")])
    assert meta.status_code == 200 and meta.headers["Content-Type"] == "application/csvm+json"
    assert "csv-metadata.json" in meta.headers["Content-Disposition"]
    doc = json.loads(meta.data)
    assert doc["url"] == f"/vienti/trend.csv?{query}"
    assert [c["titles"] for c in doc["tableSchema"]["columns"]] == ["Alue", "Vuosi", "Arvo", "Asukkaita"]
    assert client.get(f"/vienti/trend.json?{query}").status_code == 400


def test_rte022_link_preview_and_a4_pdf_downloads(client, warm_renderer):
    link = client.get("/vienti/trend.png?koko=linkki")
    assert link.status_code == 200 and png_size(link.data) == (1200, 628)
    assert "-linkki.png" in link.headers["Content-Disposition"]
    pdf = client.get("/vienti/trend.pdf?koko=a4")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "-a4.pdf" in pdf.headers["Content-Disposition"]


def test_rte023_real_xlsx_is_named_after_the_indicator_with_notes_from_the_registry(real_client):
    from openpyxl import load_workbook

    from dashboard.deliver.export import sheet_name
    from tests.dashboard.data import REGISTRY

    key = "asunnottomat_yksinaiset_per1000"
    resp = real_client.get(f"/vienti/map.xlsx?indikaattori={key}&kunta=061")
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.data))
    indicator = REGISTRY.indicators[key]
    assert book.sheetnames == [sheet_name(indicator.title.fi), "Huomiot"]
    assert len(book.sheetnames[0]) <= 31 and not book.sheetnames[0].startswith("kanta-hame")
    assert book.properties.creator == "Tilannekuva" and book.properties.title.startswith(indicator.title.fi)
    notes = {r[0]: r[1] for r in book["Huomiot"].iter_rows(values_only=True) if r[0]}
    assert notes["Määritelmä"] == indicator.description.fi and notes["Lisenssi"].startswith("CC BY 4.0")
    assert "Valittu kunta: Forssa" in notes["Valinnat"]
