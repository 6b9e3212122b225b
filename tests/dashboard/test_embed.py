"""Embed pages (/upotus/<kind>) as a site owner and a reader see them: one chart with its title,
source, data year, a table and a link back; bad views get a message; ETag/304; only the
configured sites may frame them while every other page stays unframeable; the "Upota" menu entry
gives an iframe code with a title and a PNG fallback."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from dashboard.core.state import ViewState
from dashboard.deliver.api.embed import (
    EmbedConfigError,
    frame_ancestors,
    iframe_code,
    menu_item,
)

MAP = "/upotus/map?sivu=asuminen&indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2024"


@pytest.fixture(scope="module")
def web(dash_app):
    return dash_app.server.test_client()


def figure_of(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="tk-embed-figure">(.*?)</script>', html, re.DOTALL)
    return json.loads(block.group(1))


def test_emb001_embed_page_has_chart_title_legend_source_year_table_and_link_back(web):
    resp = web.get(MAP)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.data.decode()
    assert '<html lang="fi">' in html
    assert re.search(r"<h1[^>]*>Asunnottomat yksinäiset", html)
    assert "Synteettinen esimerkkiaineisto, ei tilastolähdettä" in html and "Tietovuosi 2024" in html
    assert 'href="/asuminen?indikaattori=asunnottomat_yksinaiset_per1000&amp;vuosi=2024"' in html
    assert "<table>" in html and "Hämeenlinna" in html  # the data without JavaScript
    figure = figure_of(html)
    assert any(tr.get("showlegend") for tr in figure["data"])  # the map's legend keys
    assert figure["config"]["displayModeBar"] is False
    # No inline script: only the data block and static files.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in s or "src=" in s for s in scripts), scripts


@pytest.mark.parametrize(("url", "status", "fragment"), [
    ("/upotus/map?vuosi=abc", 400, "abc"),
    ("/upotus/map?indikaattori=ei_ole", 400, "ei_ole"),
    ("/upotus/map?hakkeri=1", 400, "hakkeri"),
    ("/upotus/piirakka", 404, "piirakka"),
    ("/upotus/rounds?indikaattori=tyottomat_pct", 400, ""),
])
def test_emb002_bad_views_get_a_message_not_a_stack_trace(web, url, status, fragment):
    resp = web.get(url)
    assert resp.status_code == status
    html = resp.data.decode()
    assert 'role="alert"' in html and fragment in unescape(html)
    assert "Traceback" not in html


def test_emb003_every_view_the_url_can_express_in_every_language(web):
    for url in ("/upotus/trend?indikaattori=tyottomat_pct&kunta=109", "/upotus/bar?indikaattori=tyottomat_pct&vuosi=2020",
                "/upotus/table?sivu=asuminen&kieli=sv", "/upotus/map?sivu=asuminen&kartta=ruudut&kieli=en",
                "/upotus/status_map?sivu=turvallisuus&indikaattori=varautumissopimus_voimassa",
                "/upotus/rounds?sivu=turvallisuus&indikaattori=turvallisuuskuva_kierrokset&esitys=1"):
        resp = web.get(url)
        assert resp.status_code == 200, (url, resp.data[:300])
    assert '<html lang="en">' in web.get("/upotus/map?sivu=asuminen&kartta=ruudut&kieli=en").data.decode()


def test_emb004_embed_is_cacheable_with_etag_and_304(web):
    first = web.get(MAP)
    assert "max-age" in first.headers["Cache-Control"] and first.headers["ETag"]
    again = web.get(MAP, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert web.get(MAP.replace("2024", "2023")).headers["ETag"] != first.headers["ETag"]


def test_emb005_only_configured_sites_may_frame_embeds_and_no_other_page(dash_app, web):
    server = dash_app.server
    old = server.config["TILANNEKUVA_EMBED_ANCESTORS"]
    try:
        server.config["TILANNEKUVA_EMBED_ANCESTORS"] = ()
        resp = web.get(MAP)
        assert "frame-ancestors 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
        server.config["TILANNEKUVA_EMBED_ANCESTORS"] = frame_ancestors("https://www.hameenlinna.fi, https://*.forssa.fi")
        resp = web.get(MAP)
        csp = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://www.hameenlinna.fi https://*.forssa.fi" in csp
        assert "X-Frame-Options" not in resp.headers
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        for other in ("/", "/asuminen", "/api/v1/regions", "/vienti/map.csv?sivu=asuminen"):
            resp = web.get(other)
            assert resp.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'"), other
            assert resp.headers["X-Frame-Options"] == "SAMEORIGIN", other
    finally:
        server.config["TILANNEKUVA_EMBED_ANCESTORS"] = old


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "'unsafe-inline'", "https://a.fi;script-src", "data:"])
def test_emb006_a_bad_frame_ancestor_setting_is_refused_with_its_name(bad):
    with pytest.raises(EmbedConfigError, match="TILANNEKUVA_EMBED_ANCESTORS"):
        frame_ancestors(bad)


def test_emb007_upota_menu_entry_gives_iframe_code_with_title_and_png_fallback(dash_app):
    state = ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2024)
    with dash_app.server.test_request_context("/asuminen", base_url="https://tilannekuva.example.fi"):
        item = menu_item("area-map", "map", state)
    assert item.id == "area-map-upotus"
    heading, label, code, png = item.children
    assert heading.children == "Upota omalle sivulle"
    assert label.htmlFor == code.id and code.readOnly
    src = re.search(r'src="([^"]+)"', code.children).group(1)
    assert unescape(src) == ("https://tilannekuva.example.fi/upotus/map?sivu=asuminen"
                             "&indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2024")
    assert re.search(r'title="Asunnottomat yksinäiset[^"]* – Yhteinen tilannekuva"', code.children)
    assert png.href.startswith("/vienti/map.png?") and "koko=dia" in png.href
    # The code escapes what it quotes.
    assert "&lt;" in iframe_code("/upotus/map", '<b>"x"</b>', "fi")
