"""The app over HTTP: health, security headers, geometry route, pages through the Pages router,
empty / unreachable database states and recovery without a restart."""
from __future__ import annotations

import gzip
import json
import re
import shutil

import pytest
from sqlalchemy import create_engine

from dashboard import create_app
from tests.dashboard.conftest import DashClient, find, render_page, texts
from tests.dashboard.data import REGISTRY, build_database


def page_text(dash_client, path, search=""):
    resp = render_page(dash_client, path, search)
    assert resp.status_code == 200, resp.data[:300]
    return " ".join(texts(json.loads(resp.data))), json.loads(resp.data)


def test_app001_health_reports_database_schema_and_latest_load(client):
    resp = client.get("/health")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["ok"] is True
    assert body["database"] == {"reachable": True, "schema_current": True}
    assert body["data"]["observations"] > 1000
    assert body["latest_load"]["finished"] == "2026-11-20" and body["latest_load"]["source"] == "demo"


def test_app002_csp_on_every_response_with_the_apps_script_hashes(client, dash_app):
    for path in ("/", "/asuminen", "/health", "/_dash-layout", "/geo/county.json"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self' 'sha256-" in csp
        assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
        assert "style-src 'self' 'unsafe-inline'" in csp and "img-src 'self' data: blob:" in csp
        assert "worker-src 'self' blob:" in csp and "object-src 'none'" in csp
    csp = client.get("/").headers["Content-Security-Policy"]
    for h in dash_app.csp_hashes():
        assert h in csp
    index = client.get("/").data.decode()
    assert '<html lang="fi">' in index and "cdn." not in index and "https://" not in index.split("</head>")[0]


def test_app003_geometry_is_served_once_compressed_and_cacheable(client):
    resp = client.get("/geo/county.json?v=x", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Content-Encoding"] == "gzip"
    assert "max-age=" in resp.headers["Cache-Control"] and resp.headers.get("ETag")
    doc = json.loads(gzip.decompress(resp.data))
    assert len(doc["features"]) == 11
    etag = resp.headers["ETag"].split(":")[0].strip('"')
    assert client.get("/geo/county.json", headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    assert client.get("/geo/tiles.json").status_code == 200
    traversal = client.get("/geo/..%2F..%2Fetc%2Fpasswd.json")  # falls through to the app's HTML shell
    assert b"root:" not in traversal.data and traversal.headers["Content-Type"].startswith("text/html")
    assert client.get("/geo/secret.json").status_code == 404


def test_app004_pages_render_through_the_router(dash_client):
    text, _ = page_text(dash_client, "/")
    assert "Esteetön, monimuotoinen ja yhteisöllinen asuminen alueen väestölle." in text
    assert "Keskeiset mittarit" in text and "Tietojen tila" in text
    text, layout = page_text(dash_client, "/asuminen", "?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2020&kunta=109")
    assert "Asunnottomien määrä (todennetusti, ei vain arvioidusti)" in text
    assert find(layout, "area-indicator")["value"] == "asunnottomat_yksinaiset_per1000"
    assert find(layout, "area-year")["value"] == 2020 and find(layout, "area-municipality")["value"] == "109"
    text, _ = page_text(dash_client, "/turvallisuus")
    assert "Varautumissopimusten tilanne kunnittain" in text and "toimitettu myöhässä" in text
    text, _ = page_text(dash_client, "/kuntaprofiili", "?kunta=694")
    assert "Riihimäki" in text and "Miten vertailu ja suunta lasketaan?" in text
    text, _ = page_text(dash_client, "/indikaattori/asunnottomat_yksinaiset_lkm")
    assert "Arvot alle 5 salataan" in text and "Kattavuus" in text
    text, _ = page_text(dash_client, "/tietolahteet")
    assert "CC BY 4.0" in text and "epäonnistui" in text and "tallenteesta" in text
    text, _ = page_text(dash_client, "/saavutettavuus")
    assert "WCAG 2.1" in text and "306/2019" in text and "14 päivän" in text


def test_app005_languages_change_the_labels(dash_client):
    sv, _ = page_text(dash_client, "/asuminen", "?kieli=sv")
    en, _ = page_text(dash_client, "/asuminen", "?kieli=en")
    assert "Indikatorerna på kartan" in sv and "Indicators on the map" in en
    assert "Boende som stöder välfärd" in sv


def test_app006_invalid_url_values_show_a_notice_and_the_default_view(dash_client):
    text, layout = page_text(dash_client, "/asuminen", "?indikaattori=%27%3B+DROP+TABLE+x&vuosi=abc&kunta=999")
    assert "Osoitteessa oli arvo, jota ei voitu käyttää" in text
    assert "Tuntematon indikaattori" in text and "Tuntematon alue" in text
    assert find(layout, "area-indicator")["value"] == "asunnottomat_yksinaiset_per1000"


def test_app007_unknown_pages_and_indicators_are_not_found_pages(dash_client):
    text, _ = page_text(dash_client, "/ei-tallaista")
    assert "Sivua ei löytynyt" in text
    text, _ = page_text(dash_client, "/indikaattori/<script>alert(1)</script>")
    assert "Sivua ei löytynyt" in text


def test_app008_empty_database_page_tells_how_to_load_data(empty_app):
    dc = DashClient(empty_app.server.test_client())
    text, _ = page_text(dc, "/asuminen")
    assert "Tietokannassa ei ole vielä tietoja" in text
    assert "make run" in text and "python -m data_pipeline refresh" in text
    health = empty_app.server.test_client().get("/health").get_json()
    assert health["ok"] is True and health["data"]["empty"] is True


def test_app009_schema_not_current_page(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE unrelated (x INTEGER)")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path)
    text, _ = page_text(DashClient(app.server.test_client()), "/")
    assert "Tietokannan rakenne ei ole ajan tasalla" in text and "python -m data_pipeline migrate" in text
    assert app.server.test_client().get("/health").status_code == 503


def test_app010_unreachable_database_is_a_readable_state_and_recovers_without_restart(tmp_path):
    missing_dir = tmp_path / "not-yet"
    engine = create_engine(f"sqlite:///{missing_dir / 'db.sqlite3'}")  # the folder does not exist
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path)
    client = app.server.test_client()
    dc = DashClient(client)
    text, _ = page_text(dc, "/asuminen")
    assert "Tietokantaan ei saada yhteyttä" in text
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["database"]["reachable"] is False
    # The database comes back (folder created, data loaded): the same app serves it.
    missing_dir.mkdir()
    build_database(missing_dir / "db.sqlite3").dispose()
    text, _ = page_text(dc, "/asuminen")
    assert "Indikaattorit kartalla" in text
    assert client.get("/health").get_json()["ok"] is True
    shutil.rmtree(missing_dir)


@pytest.mark.parametrize("body", [
    None, [], "x", 5,
    {"output": "no.such..output"},
    {"output": "..area-map.figure...x.y..", "outputs": [], "inputs": []},
    {"output": "tk-sink-url.title", "outputs": {"id": "tk-sink-url", "property": "title"}, "inputs": "nope"},
    {"output": ".._pages_content.children..._pages_store.data..",
     "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
     "inputs": [{"id": "_pages_location", "property": "pathname", "value": None},
                {"id": "_pages_location", "property": "search", "value": ""},
                {"id": "tk-popstate", "property": "data", "value": None}], "changedPropIds": []},
])
def test_app011_malformed_callback_requests_are_refused_with_400(client, body):
    resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 400 and "error" in resp.get_json()


def test_app012_the_html_shell_has_the_requested_language(client):
    assert '<html lang="sv">' in client.get("/asuminen?kieli=sv").get_data(as_text=True)
    assert '<html lang="fi">' in client.get("/asuminen?kieli=xx").get_data(as_text=True)


def test_app013_the_shell_loads_our_regenerator_runtime_instead_of_dashs_polyfill(client):
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    runtime = [i for i, s in enumerate(scripts) if "00-regenerator-runtime.min.js" in s]
    renderer = [i for i, s in enumerate(scripts) if "dash_renderer" in s]
    assert not [s for s in scripts if "polyfill@" in s], scripts
    assert runtime and renderer and runtime[0] < renderer[0]  # defined before Dash's bundles use it
    body = client.get(scripts[runtime[0]]).get_data(as_text=True)
    assert "regeneratorRuntime" in body


def test_app014_pages_preload_layout_and_callbacks_and_chart_pages_the_graph_chunk(client):
    link = 'rel="preload" as="script" href="/_dash-component-suites/dash/dcc/async-graph.js"'
    for path in ("/asuminen?vuosi=2020", "/indikaattori/tyottomat_pct"):
        assert link in client.get(path).get_data(as_text=True), path
    # The overview's sparklines are server-made SVG: no graph chunk to fetch there.
    for path in ("/", "/tietolahteet", "/saavutettavuus", "/kuntaprofiili"):
        html = client.get(path).get_data(as_text=True)
        assert "async-graph.js" not in html, path
        # Every page preloads what the renderer fetches first; the preloaded URLs answer.
        for url in ("/_dash-layout", "/_dash-dependencies"):
            assert f'rel="preload" as="fetch" crossorigin="anonymous" href="{url}"' in html
            assert client.get(url).status_code == 200
    assert client.get("/_dash-component-suites/dash/dcc/async-graph.js").status_code == 200  # the URL exists


def test_app016_plotly_js_is_loaded_by_the_pages_that_open_with_a_chart_only(client):
    """The overview and the board draw no plotly chart: they do not load the 1.4 MB bundle, but name
    it for a chart reached later (never Dash's stock plotly.min.js)."""
    def bundle(html):
        scripts = [s for s in re.findall(r'<script src="([^"]+)"', html) if "plotly" in s]
        named = re.search(r'<meta name="tk-plotly-bundle" content="([^"]+)">', html)
        return scripts, named.group(1) if named else None

    for path in ("/", "/?esitys=1", "/tietolahteet"):
        scripts, named = bundle(client.get(path).get_data(as_text=True))
        assert scripts == [] and "/assets/vendor/plotly-tilannekuva.min.js" in named, path
        assert client.get(named).status_code == 200
    for path in ("/asuminen?vuosi=2020", "/indikaattori/tyottomat_pct"):
        scripts, named = bundle(client.get(path).get_data(as_text=True))
        assert scripts == [named], path


def test_app015_profile_links_keep_language_and_forum_mode(dash_client):
    def indicator_links(query):
        _, layout = page_text(dash_client, "/kuntaprofiili", query)
        hrefs = []

        def walk(node):
            if isinstance(node, dict):
                props = node.get("props", {})
                if str(props.get("href", "")).startswith("/indikaattori/"):
                    hrefs.append(props["href"])
                for v in node.values() if "props" not in node else props.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(layout)
        return hrefs

    plain, forum = indicator_links("?kunta=109"), indicator_links("?kunta=109&kieli=sv&esitys=1")
    assert plain and all("?" not in h for h in plain)
    assert forum and all(h.endswith("?kieli=sv&esitys=1") for h in forum)


def test_app016_indicator_table_names_its_source_and_the_years_it_leaves_out(dash_client):
    text, _ = page_text(dash_client, "/indikaattori/tyottomat_pct")  # 2012–2024: 13 years, 12 shown
    assert "Taulukossa 12 viimeisintä vuotta; lataukset sisältävät kaikki vuodet 2012 alkaen." in text
    short, _ = page_text(dash_client, "/indikaattori/rikokset_omaisuus_per1000")  # 2010–2020: all shown
    assert "viimeisintä vuotta" not in short and "haettu " in short


def test_app017_a_region_level_indicator_takes_a_year_from_the_url(dash_client):
    """Survey indicators have county values only: a URL year with such a value is a valid view."""
    text, layout = page_text(dash_client, "/hyvinvointityo", "?indikaattori=yksinaisyys_pct&vuosi=2022")
    assert "ei voi valita" not in text and "Osoitteessa oli arvo" not in text
    assert find(layout, "area-year")["value"] == 2022
    text, _ = page_text(dash_client, "/hyvinvointityo", "?indikaattori=yksinaisyys_pct&vuosi=2021")  # no survey
    assert "vuotta 2021 ei voi valita" in text or "Osoitteessa oli arvo" in text
