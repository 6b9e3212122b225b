"""Truthful data on the real recording: a cited value names its citation on screen and in every
export; the crime series says its last statistical year and that it is old; a series break is a
labelled marker on the trend and in its SVG; synthetic series name no statistical authority; goal
cards carry the source and period of the value they judge; the sources page says the demo fill
was generated."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dashboard.core.state import ViewState
from dashboard.deliver.export import export_figure, render_image, table_export
from dashboard.draw.charts import build_chart
from dashboard.judge.compare import trend
from tests.dashboard.conftest import DashClient, find, render_page, texts
from tests.dashboard.data import REGISTRY, write_geometry
from tests.dashboard.real_data import build_real_database

try:
    from .export_fixtures import warm_renderer
    from .test_export import svg_text
except ImportError:  # pragma: no cover
    from export_fixtures import warm_renderer  # noqa: F401
    from test_export import svg_text

pytestmark = pytest.mark.snapshot

TURNOUT = "aanestysaktiivisuus_kuntavaalit_pct"
AKX = "github:akx/yle-kuntavaalit-2017-data"


@pytest.fixture(scope="module")
def real_env(tmp_path_factory, offline_dir, facts_file):
    root = tmp_path_factory.mktemp("real")
    engine = build_real_database(root / "real.sqlite3", offline_dir, facts_file)
    geo_dir = root / "geo"
    write_geometry(geo_dir)
    yield engine, geo_dir
    engine.dispose()


@pytest.fixture(scope="module")
def real_client(real_env):
    from dashboard import create_app

    engine, geo_dir = real_env
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=geo_dir)
    return DashClient(app.server.test_client())


def _chart(engine, kind, key, **kw):
    page = REGISTRY.indicators[key].area
    return build_chart(kind, ViewState(page=page, indicator=key, **kw), engine=engine)


def _page_text(client, path, search=""):
    return " ".join(texts(render_page(client, path, search).get_json()))


def test_tru001_a_cited_value_names_its_citation_on_screen_and_in_csv_xlsx_png_svg(real_env, real_client,
                                                                                  warm_renderer):
    engine, _ = real_env
    chart = _chart(engine, "map", TURNOUT, year=2017)
    assert AKX + " (2017)" in chart.source and "sotkanet.fi, THL" in chart.source
    forssa = chart.table[chart.table["Aluekoodi"] == "061"].iloc[0]
    assert forssa["Arvo (%)"] == 60.9
    assert forssa["Arvon lähde"].startswith("julkaistu luku: " + AKX + " data/83/Forssa.json @ 301fef79")
    csv_text = table_export(chart, "csv", "fi").decode("utf-8-sig")
    assert AKX + " data/83/Forssa.json" in csv_text and AKX + " (2017)" in csv_text
    sheet = load_workbook(io.BytesIO(table_export(chart, "xlsx", "fi"))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("julkaistu luku: " + AKX + " data/83/Forssa.json") for c in cells)
    bar = _chart(engine, "bar", TURNOUT, year=2017)
    assert AKX in svg_text(render_image(bar, "svg", "slide", "fi"))
    from PIL import Image

    png = Image.open(io.BytesIO(render_image(bar, "png", "slide", "fi")))
    png.load()
    assert AKX + " (2017)" in png.text["Source"]
    # On screen: the area page's source line under the chart.
    area = REGISTRY.agreement.area(REGISTRY.indicators[TURNOUT].area)
    assert AKX + " (2017)" in _page_text(real_client, f"/{area.slug}", f"?indikaattori={TURNOUT}&vuosi=2017")


def test_tru002_hyte_coefficient_of_the_welfare_area_shows_its_value_and_citation_on_the_goal_card(real_client):
    text = _page_text(real_client, "/hyvinvointityo")
    assert "julkaistu luku: https://www.sttinfo.fi/tiedote/71543615/" in text
    assert "tilastovuosi 2024" in text


def test_tru003_crime_series_says_its_last_statistical_year_and_that_it_is_old(real_env, warm_renderer):
    engine, _ = real_env
    chart = _chart(engine, "trend", "rikokset_henki_terveys_per1000")
    assert "tilastovuodet 1987–2020" in chart.source
    assert "VANHA TIETO: uusin tilastovuosi 2020" in chart.source
    drawn = svg_text(render_image(chart, "svg", "slide", "fi"))
    # The statistic's own years and the date it was fetched, apart; the warning in the image.
    assert "tilastovuodet 1987–2020" in drawn and "Haettu: " in drawn and "VANHA TIETO" in drawn
    # A current series is not flagged: the HYTE coefficient 2024 is within two yearly cadences.
    hyte = _chart(engine, "trend", "hyte_kerroin").source
    assert "tilastovuosi 2024" in hyte and "VANHA TIETO" not in hyte


def test_tru004_a_series_break_is_a_labelled_marker_on_the_trend_and_in_its_svg(real_env, real_client, warm_renderer):
    engine, _ = real_env
    # Sotkanet 493 is recorded to 2011 only: the 2017 break lies after the data and is not drawn …
    assert not [s for s in export_figure(_chart(engine, "trend", "toimeentulotuki_pct"))["layout"].get("shapes", [])
                if s.get("name") == "break"]
    # … while a series across 2023 (demo values, labelled synthetic) shows the reform's marker.
    chart = _chart(engine, "trend", "tehostettu_palveluasuminen_65_pct")
    layout = export_figure(chart)["layout"]
    assert [s["x0"] for s in layout["shapes"] if s.get("name") == "break"] == [2022.5]
    label = "katkos 2023: hyvinvointialueuudistus"
    assert any(a.get("name") == "break" and a["text"] == label for a in layout["annotations"])
    assert label in svg_text(render_image(chart, "svg", "slide", "fi"))
    text = _page_text(real_client, "/indikaattori/toimeentulotuki_pct")
    assert "katkos 2017: perustoimeentulotuki Kelaan" in text and "siirtyi kunnilta Kelalle 1.1.2017" in text
    # On screen: the indicator page's trend draws the marker.
    page = render_page(real_client, "/indikaattori/tehostettu_palveluasuminen_65_pct").get_json()
    trend = find(page, "indicator-trend")["figure"]["layout"]
    assert any(a.get("name") == "break" and a["text"] == label for a in trend["annotations"])


def test_tru005_a_trend_never_spans_a_break():
    years = list(range(2010, 2021))
    # A steady rise of 0.1 a year: over the last five years (3.3 % of the level) a clear worsening,
    # but from the 2017 break on only four values rise 2.5 %, which is no clear change.
    values = [11.3, 11.41, 11.5, 11.59, 11.7, 11.81, 11.9, 12.01, 12.1, 12.19, 12.3]
    assert trend(years, values, "lower").key == "up_worse"
    assert trend(years, values, "lower", breaks=[2017]).key == "flat"


def test_tru006_a_synthetic_series_names_no_statistical_authority(real_env):
    engine, _ = real_env
    chart = _chart(engine, "trend", "ylipaino_8_9lk_pct")  # Sotkanet 3906 is not in the recording
    assert chart.synthetic
    assert chart.source.startswith("Synteettinen esimerkkiaineisto, ei tilastolähdettä")
    assert "THL" not in chart.source and "sotkanet" not in chart.source.lower()
    assert set(chart.table.filter(like="Arvon lähde").stack()) <= {"synteettinen esimerkkiarvo (ei tilastolähdettä)", ""}


def test_tru007_sources_page_shows_the_demo_fill_as_generated(real_client):
    text = _page_text(real_client, "/tietolahteet")
    assert "luotu (synteettinen)" in text and "tiedostosta" in text


def test_tru008_a_cited_value_shows_its_citation_in_the_map_bar_and_trend_tooltips(real_env):
    engine, _ = real_env
    hame = "julkaistu luku: " + AKX + " data/83/Hämeenlinna.json"
    map_fig = _chart(engine, "map", TURNOUT, year=2017).figure["data"][0]
    notes = dict(zip(map_fig["locations"], map_fig["customdata"]))
    assert notes["109"][0] == "57,3" and notes["109"][1].startswith(hame)
    assert "%{customdata[1]}" in map_fig["hovertemplate"]
    bar = {row[0]: row for row in _chart(engine, "bar", TURNOUT, year=2017).figure["data"][0]["customdata"]}
    assert bar["109"][3].startswith(hame)
    trend = _chart(engine, "trend", TURNOUT, municipality="109").figure
    focus = next(tr for tr in trend["data"] if tr.get("name") == "Hämeenlinna" and tr.get("customdata"))
    hover = dict(zip(focus["x"], focus["customdata"]))
    assert hover[2017].startswith("57,3<br>" + hame) and hover[2012] == "57,3"  # Sotkanet's 2012: no citation
    # A value from a statistical source carries no citation line in its tooltip.
    assert all(row[1] == "" for row in _chart(engine, "map", TURNOUT, year=2012).figure["data"][0]["customdata"])


def test_tru009_the_explorer_store_carries_the_same_citation_line_per_value(real_env):
    from dashboard.core.state import ViewState
    from dashboard.deliver.explorer import indicator_payload

    engine, geo_dir = real_env

    class Ctx:
        pass

    ctx = Ctx()
    ctx.engine, ctx.registry = engine, REGISTRY
    state = ViewState(page=REGISTRY.indicators[TURNOUT].area, lang="fi")
    store, _bars, _trends = indicator_payload(ctx, TURNOUT, state, [None, "109"], False)
    trace = next(store["P"][i] for i in store["t"]["109"]["d"] if store["P"][i].get("name") == "Hämeenlinna"
                 and store["P"][i].get("customdata"))
    hover = dict(zip(trace["x"], trace["customdata"]))
    assert hover[2017].startswith("57,3<br>julkaistu luku: " + AKX + " data/83/Hämeenlinna.json")
    assert hover[2012] == "57,3"  # a statistic's value: no citation line


def test_tru010_persons_killed_and_injured_in_road_traffic_are_on_the_safety_page(real_env, real_client):
    engine, _ = real_env
    text = _page_text(real_client, "/turvallisuus")
    assert "Tieliikenteessä kuolleet" in text and "Tieliikenteessä loukkaantuneet" in text
    # The whole country's published figures 2010–2019, each with its citation.
    chart = _chart(engine, "trend", "tieliikenne_kuolleet_lkm")
    country = next(tr for tr in chart.figure["data"] if tr.get("name") == "Koko maa" and tr.get("customdata"))
    hover = dict(zip(country["x"], country["customdata"]))
    assert hover[2019].startswith("211<br>julkaistu luku: https://stat.fi/til/ton/2019/")
    assert "tilastovuodet 2010–2019" in chart.source and not chart.synthetic


UPDATED = "päivitetty lähteessä 12.5.2021"  # the crime table's own "updated" (JSON-stat), 2021-05-12


def test_tru011_where_the_source_states_its_update_the_chart_and_every_export_say_so(real_env, real_client,
                                                                                    warm_renderer):
    engine, _ = real_env
    chart = _chart(engine, "trend", "rikokset_omaisuus_per1000")
    # Beside the statistic's own years; the fetch date stays apart ("Haettu").
    assert "tilastovuodet 1987–2020 · " + UPDATED in chart.source
    drawn = svg_text(render_image(chart, "svg", "slide", "fi"))
    assert UPDATED in drawn and "tilastovuodet 1987–2020" in drawn and "Haettu: " in drawn
    assert UPDATED in table_export(chart, "csv", "fi").decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(table_export(chart, "xlsx", "fi"))).active
    assert any(UPDATED in str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    # On screen: the indicator page, and a series whose source states nothing says nothing.
    assert UPDATED in _page_text(real_client, "/indikaattori/rikokset_omaisuus_per1000")
    assert "päivitetty lähteessä" not in _chart(engine, "trend", "tyottomat_pct").source
    sv = build_chart("trend", ViewState(page="turvallisuus", indicator="rikokset_omaisuus_per1000", lang="sv"),
                     engine=engine)
    assert "uppdaterad i källan 12.5.2021" in sv.source


def test_tru012_sources_page_shows_what_each_source_stated_about_its_update(real_client):
    text = _page_text(real_client, "/tietolahteet")
    assert "Lähteen ilmoittama päivitys" in text
    assert UPDATED in text and "päivitetty lähteessä 28.5.2025" in text  # crime 135l, population 11s5


def test_tru013_a_stated_next_update_is_worded_beside_the_last_one():
    from dashboard.data.provenance import Provenance, period_note

    prov = Provenance(kinds=frozenset({"statistic"}), first_year=2015, last_year=2024,
                      source_updated="2025-05-28", next_update="2026-05-27")
    note = period_note(REGISTRY.indicators["tyottomat_pct"], prov, "fi", today=date(2025, 6, 1))
    assert note == "tilastovuodet 2015–2024 · päivitetty lähteessä 28.5.2025 · seuraava päivitys 27.5.2026"
    en = period_note(REGISTRY.indicators["tyottomat_pct"], prov, "en", today=date(2025, 6, 1))
    assert "updated at the source 28 May 2025 · next update 27 May 2026" in en


def test_tru014_the_test_database_flags_its_invented_values_synthetic(tmp_path):
    """No test fixture presents invented values as a statistical authority's: every observation of
    tests/dashboard/data.py is synthetic, so no chart built on it names THL or Statistics Finland."""
    from sqlalchemy import select

    from dashboard.data.provenance import value_kind
    from data_pipeline.db.schema import observation
    from tests.dashboard.data import build_database

    engine = build_database(tmp_path / "fixture.sqlite3")
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(observation.c.indicator_key, observation.c.synthetic,
                                       observation.c.citation)).all()
        assert rows and all(r.synthetic for r in rows)
        assert {value_kind(REGISTRY.indicators[r.indicator_key], synthetic=r.synthetic, citation=r.citation)
                for r in rows} == {"synthetic"}
        for key in sorted({r.indicator_key for r in rows}):
            source = _chart(engine, "trend", key).source
            assert source.startswith("Synteettinen esimerkkiaineisto"), (key, source)
            assert "THL" not in source and "Tilastokeskus" not in source, (key, source)
    finally:
        engine.dispose()
