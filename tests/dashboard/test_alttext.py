"""Alt text (issue 14 item 2): every chart says in words what it shows, in the view's language, in
a short text usable as is (≤ 250 characters) and a longer description."""
from __future__ import annotations

import pytest

from dashboard.core.state import ViewState
from dashboard.data.context import current_context
from dashboard.draw import alttext
from dashboard.draw.charts import CHART_KINDS, build_chart, manual_rule

HOMELESS = "asunnottomat_yksinaiset_per1000"
#: The prepared view: 2020 lone homeless per 1,000 (tests/dashboard/data.py), as the table shows it.
EXPECTED = {
    "fi": ("Suurin Humppila 1,34", "pienin Forssa 0,73", "Kanta-Häme 1,10", "Koko maa 1,01", "tilastovuosi 2020",
           "Synteettinen esimerkkiaineisto, ei tilastolähdettä", "Suunta (Kanta-Häme): laskee – paranee"),
    "sv": ("Störst Humppila 1,34", "minst Forssa 0,73", "Egentliga Tavastland 1,10", "Hela landet 1,01",
           "statistikår 2020", "Syntetiskt exempelmaterial, ingen statistikkälla"),
    "en": ("Highest Humppila 1.34", "lowest Forssa 0.73", "Kanta-Häme 1.10", "Whole country 1.01",
           "statistical year 2020", "Synthetic example data, no statistical source"),
}


@pytest.fixture(autouse=True)
def _ctx(dash_app):
    with dash_app.server.test_request_context():
        yield


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind", ["map", "bar"])
def test_alt001_short_text_names_the_extremes_the_county_finland_the_year_and_the_source(kind, lang):
    chart = build_chart(kind, ViewState(page="asuminen", indicator=HOMELESS, year=2020, lang=lang))
    for part in EXPECTED[lang]:
        assert part in chart.alt_short, (part, chart.alt_short)
    assert len(chart.alt_short) <= alttext.SHORT_MAX
    # The largest and smallest follow the table the chart is drawn from, not a second computation.
    values = chart.table.set_index(chart.table.columns[1] if kind == "bar" else chart.table.columns[0])
    assert chart.alt_short.startswith({"fi": ("Kartta", "Pylväskaavio"), "sv": ("Karta", "Stapeldiagram"),
                                       "en": ("Map", "Bar chart")}[lang][kind == "bar"])
    assert not values.empty


def test_alt002_another_year_names_other_municipalities():
    fi = build_chart("map", ViewState(page="asuminen", indicator=HOMELESS, year=2024))
    shown = fi.table[fi.table["Näytetty arvo"] != "–"]
    col = next(c for c in fi.table.columns if c.startswith("Arvo ("))
    hi = shown.loc[shown[col].idxmax(), "Alue"]
    lo = shown.loc[shown[col].idxmin(), "Alue"]
    assert f"Suurin {hi}" in fi.alt_short and f"pienin {lo}" in fi.alt_short and "tilastovuosi 2024" in fi.alt_short
    assert "ynteettinen" in fi.alt_short  # 2024 has demo values: the short text says so


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_alt003_long_description_has_every_value_and_the_whole_course(lang):
    chart = build_chart("map", ViewState(page="asuminen", indicator=HOMELESS, year=2020, lang=lang))
    for text in chart.table[chart.table.columns[4]]:  # every municipality's shown value
        assert text in chart.alt_long
    for year in range(2015, 2025):  # the county's course, every year
        assert str(year) in chart.alt_long
    # the whole source line (the test database is synthetic: it names no statistical authority)
    assert chart.source.split(";")[0] in chart.alt_long and len(chart.alt_long) > len(chart.alt_short)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_alt004_trend_text_names_the_county_finland_the_years_and_the_direction(lang):
    chart = build_chart("trend", ViewState(page="asuminen", indicator=HOMELESS, municipality="109", lang=lang))
    words = {"fi": ("Vuonna 2024: Hämeenlinna 0,69, Kanta-Häme 0,91, Koko maa 0,97.", "tilastovuodet 2015–2024",
                    "Suunta (Hämeenlinna): ei selvää muutosta.", "Synteettinen esimerkkiaineisto"),
             "sv": ("År 2024: Tavastehus 0,69, Egentliga Tavastland 0,91, Hela landet 0,97.", "statistikår 2015–2024",
                    "Riktning (Tavastehus): ingen tydlig förändring.", "Syntetiskt exempelmaterial"),
             "en": ("In 2024: Hämeenlinna 0.69, Kanta-Häme 0.91, Whole country 0.97.", "statistical years 2015–2024",
                    "Trend (Hämeenlinna): no clear change.", "Synthetic example data")}
    for part in words[lang]:
        assert part in chart.alt_short, (part, chart.alt_short)
    assert len(chart.alt_short) <= alttext.SHORT_MAX
    assert "1,16" in chart.alt_long or "1.16" in chart.alt_long  # the largest municipality in 2024 (Humppila)


def test_alt005_the_trend_words_are_the_one_rule():
    """The direction in the alt text is dashboard.judge.compare.trend of the same series."""
    from dashboard.core.i18n import t
    from dashboard.data import model
    from dashboard.judge.compare import trend

    ctx = current_context()
    ind = ctx.registry.indicators[HOMELESS]
    s = model.series(ctx.engine, ctx.registry, HOMELESS, [ctx.registry.county.region.code])[0]
    words = t(f"trend.{trend(s.years, s.values, ind.direction, [b.year for b in ind.series_breaks]).key}", "fi")
    chart = build_chart("bar", ViewState(page="asuminen", indicator=HOMELESS, year=2020))
    assert f"Suunta (Kanta-Häme): {words}." in chart.alt_short


def test_alt006_status_and_rounds_charts_have_alt_text():
    s = build_chart("status_map", ViewState(page="turvallisuus", indicator="varautumissopimus_voimassa"))
    assert "voimassa" in s.alt_short.lower() and "(11 kuntaa)" in s.alt_short and len(s.alt_short) <= alttext.SHORT_MAX
    assert "Forssa voimassa" in s.alt_long
    r = build_chart("rounds", ViewState(page="turvallisuus", indicator="turvallisuuskuva_kierrokset"))
    assert "toimitettu" in r.alt_short and len(r.alt_short) <= alttext.SHORT_MAX and "Forssa" in r.alt_long


def test_alt007_every_indicator_every_kind_and_language_fits_250_characters():
    ctx = current_context()
    registry = ctx.registry
    too_long, missing = [], []
    for ind in registry.catalogue.indicators:
        rule = manual_rule(registry, ind)
        kinds = [k for k, spec in CHART_KINDS.items() if spec.rule == rule]
        for lang in ("fi", "sv", "en"):
            for kind in kinds:
                chart = build_chart(kind, ViewState(page=ind.area if ind.area != "tausta" else "overview",
                                                    indicator=ind.key, lang=lang))
                if not chart.alt_short or not chart.alt_long:
                    missing.append((ind.key, kind, lang))
                if len(chart.alt_short) > alttext.SHORT_MAX:
                    too_long.append((ind.key, kind, lang, len(chart.alt_short)))
            if "trend" in kinds:  # with a municipality in focus: one series more
                chart = build_chart("trend", ViewState(page="overview", indicator=ind.key, municipality="109", lang=lang))
                if len(chart.alt_short) > alttext.SHORT_MAX:
                    too_long.append((ind.key, "trend+109", lang, len(chart.alt_short)))
    assert missing == [] and too_long == []


def test_alt008_fit_drops_the_unit_then_the_optional_sentences_then_shortens_the_title():
    what = lambda title, level: title + " (yksikkö)" * (level >= 2) + ", alue" * (level >= 1) + ", 2020."
    assert alttext.fit(what, "Otsikko", ["A."], ["B."], "L.") == "Otsikko (yksikkö), alue, 2020. A. B. L."
    assert alttext.fit(what, "Otsikko", ["A."], ["B."], "L.", limit=34) == "Otsikko, alue, 2020. A. B. L."
    assert alttext.fit(what, "Otsikko", ["A."], ["B."], "L.", limit=28) == "Otsikko, 2020. A. B. L."
    # Without the optional sentence the area fits again.
    assert alttext.fit(what, "Otsikko", ["A."], ["Pitkä B."], "L.", limit=28) == "Otsikko, alue, 2020. A. L."
    assert alttext.fit(what, "Otsikko", ["A."], ["B."], "L.", limit=21) == "Otsikko, 2020. A. L."
    short = alttext.fit(what, "Pitkä otsikko jota lyhennetään", ["A."], [], "L.", limit=27)
    assert short == "Pitkä otsikko…, 2020. A. L." and len(short) <= 27


# --- in the exported files ----------------------------------------------------------------------

try:  # tests/dashboard is a package (tests.dashboard.…) or a plain folder on sys.path
    from .export_fixtures import warm_renderer
except ImportError:
    from export_fixtures import warm_renderer  # noqa: F401


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_alt010_svg_desc_and_png_metadata_carry_the_alt_text(client, warm_renderer, lang):
    import io
    import xml.etree.ElementTree as ET

    from PIL import Image

    view = f"sivu=asuminen&indikaattori={HOMELESS}&vuosi=2020&kieli={lang}"
    chart = build_chart("map", ViewState(page="asuminen", indicator=HOMELESS, year=2020, lang=lang))
    svg = client.get(f"/vienti/map.svg?{view}")
    assert svg.status_code == 200, svg.get_data(as_text=True)
    root = ET.fromstring(svg.data)
    title, desc = root[0], root[1]
    assert title.tag.endswith("title") and desc.tag.endswith("desc")
    assert desc.text == chart.alt_long
    for part in EXPECTED[lang][:5]:  # extremes, county, Finland, year in the SVG's own description
        assert part in desc.text
    png = client.get(f"/vienti/bar.png?{view}&koko=nelio")
    assert png.status_code == 200
    image = Image.open(io.BytesIO(png.data))
    image.load()
    bar = build_chart("bar", ViewState(page="asuminen", indicator=HOMELESS, year=2020, lang=lang))
    assert image.text["Description"] == bar.alt_short and len(image.text["Description"]) <= alttext.SHORT_MAX
    assert image.text["Comment"] == bar.alt_long
    assert image.text["Title"].startswith(bar.title)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_alt011_embed_page_describes_the_figure_with_the_alt_text_and_offers_the_long_one(client, lang):
    import re
    from html import unescape

    resp = client.get(f"/upotus/bar?sivu=asuminen&indikaattori={HOMELESS}&vuosi=2020&kieli={lang}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    chart = build_chart("bar", ViewState(page="asuminen", indicator=HOMELESS, year=2020, lang=lang))
    assert 'aria-describedby="tk-embed-alt"' in page
    alt = re.search(r'<p class="tk-embed__alt" id="tk-embed-alt">(.*?)</p>', page, re.DOTALL).group(1)
    assert unescape(alt) == chart.alt_short and EXPECTED[lang][0] in unescape(alt)
    long = re.search(r'<p id="tk-embed-long">(.*?)</p>', page, re.DOTALL).group(1)
    assert unescape(long) == chart.alt_long


# --- on the page ---------------------------------------------------------------------------------


def test_alt012_area_page_has_an_alt_panel_with_copy_buttons_beside_each_download_menu(dash_client):
    import json

    from tests.dashboard.conftest import find, render_page

    layout = json.loads(render_page(dash_client, "/asuminen", f"?indikaattori={HOMELESS}&vuosi=2020").data)
    chart = build_chart("map", ViewState(page="asuminen", indicator=HOMELESS, year=2020))
    assert find(layout, "area-map-alt-short")["children"] == chart.alt_short
    assert find(layout, "area-map-alt-long")["children"] == chart.alt_long
    for chart_id in ("area-map", "area-bar", "area-trend"):
        assert find(layout, f"{chart_id}-alt") is not None, chart_id
    safety = json.loads(render_page(dash_client, "/turvallisuus").data)
    assert "voimassa" in find(safety, "area-status-map-alt-short")["children"].lower()
    assert "toimitettu" in find(safety, "area-rounds-alt-short")["children"]
    indicator = json.loads(render_page(dash_client, f"/indikaattori/{HOMELESS}").data)
    assert "Koko maa" in find(indicator, "indicator-trend-alt-short")["children"]
    raw = json.dumps(layout)
    assert '"data-tk-copy-from": "area-bar-alt-short"' in raw and '"data-tk-copy-from": "area-bar-alt-long"' in raw
    # The texts are not in the explorer's store: it stays small.
    assert chart.alt_short not in dash_client.client.get(find(layout, "area-data")["data"]).data.decode()


def test_alt013_the_panel_asks_the_server_only_through_its_own_store(dash_client):
    glue = [d for d in dash_client.deps if (d.get("clientside_function") or {}).get("namespace") == "tilannekuva_panel"]
    assert {d["output"] for d in glue} == {"area-map-alt-view.data", "area-bar-alt-view.data", "area-trend-alt-view.data",
                                           "area-map-table-panel-view.data", "area-trend-table-panel-view.data",
                                           "area-map-vienti-view.data", "area-bar-vienti-view.data",
                                           "area-trend-vienti-view.data"}
    for d in glue:
        assert {i["property"] for i in d["inputs"]} == {"n_clicks", "href"}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_alt014_panel_callback_words_the_view_of_the_download_link(dash_client, lang):
    import json

    href = f"/vienti/bar.svg?sivu=asuminen&indikaattori={HOMELESS}&vuosi=2020&kieli={lang}"
    resp = dash_client.call("area-bar-alt-short.children", {"area-bar-alt-view.data": href},
                            {"page-meta.data": {"lang": lang, "page": "asuminen"}})
    assert resp.status_code == 200, resp.data[:300]
    out = json.loads(resp.data)["response"]
    chart = build_chart("bar", ViewState(page="asuminen", indicator=HOMELESS, year=2020, lang=lang))
    assert out["area-bar-alt-short"]["children"] == chart.alt_short
    assert out["area-bar-alt-long"]["children"] == chart.alt_long
    for part in EXPECTED[lang][:5]:
        assert part in out["area-bar-alt-short"]["children"]


@pytest.mark.parametrize("href", [
    "/vienti/bar.svg?vuosi=abc", "/vienti/bar.svg?hakkeri=1", "/vienti/map.svg?sivu=asuminen", "https://evil.example/x",
    None, 42, {"href": "/vienti/bar.svg"}, "/vienti/bar.svg?" + "x" * 5000,
])
def test_alt015_a_bad_view_gets_a_finnish_notice_and_keeps_the_texts(dash_client, href):
    import json

    resp = dash_client.call("area-bar-alt-short.children", {"area-bar-alt-view.data": href},
                            {"page-meta.data": {"lang": "fi", "page": "asuminen"}})
    assert resp.status_code == 200, resp.data[:300]
    out = json.loads(resp.data)["response"]
    assert "area-bar-alt-short" not in out and "area-bar-alt-notice" in out
    assert "Kaaviotyyppi" in json.dumps(out, ensure_ascii=False) or "tk-notice" in json.dumps(out)


def test_alt015_an_opened_table_and_embed_code_follow_the_view_of_the_download_link(dash_client):
    """The explorer's tables and its menus' iframe code are not in the store: opened, they ask the
    server for the view of the chart's (kept current) download link."""
    import json

    from dashboard.deliver.components import chart_table
    from tests.dashboard.conftest import texts

    href = f"/vienti/bar.svg?sivu=asuminen&indikaattori={HOMELESS}&vuosi=2019&kieli=sv"
    meta = {"page-meta.data": {"lang": "sv", "page": "asuminen"}}
    resp = dash_client.call("area-map-table-body.children", {"area-map-table-panel-view.data": href}, meta)
    assert resp.status_code == 200, resp.data[:300]
    got = json.loads(resp.data)["response"]["area-map-table-body"]["children"]
    chart = build_chart("bar", ViewState(page="asuminen", indicator=HOMELESS, year=2019, lang="sv"))
    want = json.loads(json.dumps(chart_table(chart, "sv").to_plotly_json(), default=lambda c: c.to_plotly_json()))
    assert texts(got) == texts(want) and "2019" in " ".join(texts(got))
    resp = dash_client.call("area-bar-upotus-koodi.value", {"area-bar-vienti-view.data": href}, {})
    out = json.loads(resp.data)["response"]
    assert f"indikaattori={HOMELESS}&amp;vuosi=2019&amp;kieli=sv" in out["area-bar-upotus-koodi"]["value"]
    assert out["area-bar-upotus-kuva"]["href"].startswith("/vienti/bar.png?") and "vuosi=2019" in \
        out["area-bar-upotus-kuva"]["href"]
    # a link the page did not make changes nothing
    bad = dash_client.call("area-bar-upotus-koodi.value", {"area-bar-vienti-view.data": "/vienti/bar.svg?vuosi=x"}, {})
    assert bad.status_code == 200 and "area-bar-upotus-koodi" not in json.loads(bad.data).get("response", {})
