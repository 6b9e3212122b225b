"""Forum meetings without a browser: sequence files, pinned moments, pinned values after a
refresh, and the PDF pre-read (pages, text, tags, language)."""
from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from dashboard.core import pin
from dashboard.core.state import InvalidState, ViewState
from dashboard.deliver.meeting import sequence
from tests.dashboard.data import REGISTRY, build_database, write_geometry
from tests.meeting.helpers import (
    CODE,
    KEY,
    NEW_VALUE,
    YEAR,
    moment_between_writes,
    refresh_changes_a_value,
)

THREE = """\
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


@pytest.fixture
def app_on(tmp_path, monkeypatch):
    """An app on its own database (the tests change values) and a meetings folder."""
    from dashboard import create_app
    from dashboard.data import queries

    monkeypatch.setenv("TILANNEKUVA_MEETINGS_DIR", str(tmp_path / "kokoukset"))
    engine = build_database(tmp_path / "db.sqlite3")
    write_geometry(tmp_path / "geo")
    queries.clear_cache()
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    yield app, engine, tmp_path / "kokoukset"
    engine.dispose()


# --- the pinned moment ------------------------------------------------------------------------


def test_mt001_tilanne_accepts_a_date_or_a_moment_and_says_it_in_words():
    assert pin.check_as_of("2026-11-30") == "2026-11-30"
    assert pin.check_as_of("2026-11-30T12:05+02:00") == "2026-11-30T10:05:00Z"
    assert pin.as_of_text("2026-11-30", "fi") == "tilanne 30.11.2026"
    assert pin.as_of_text("2026-11-30T10:05:00Z", "fi") == "tilanne 30.11.2026 klo 12.05"
    # A date means the end of that day in Finland.
    assert pin.moment_of("2026-11-30") == datetime(2026, 11, 30, 21, 59, 59, 999999, tzinfo=UTC)
    assert ViewState(page="asuminen", as_of="2026-11-30").query()["tilanne"] == "2026-11-30"


@pytest.mark.parametrize("value, reason", [
    ("30.11.2026", "invalid_as_of"), ("2026-02-30", "invalid_as_of"), ("eilen", "invalid_as_of"),
    ((date.today() + timedelta(days=2)).isoformat(), "as_of_future"),
])
def test_mt002_a_bad_or_future_tilanne_is_refused_with_a_finnish_sentence(value, reason):
    with pytest.raises(InvalidState) as err:
        pin.check_as_of(value)
    assert err.value.reason == reason
    assert value in err.value.message and err.value.message.endswith(".")


# --- sequence files ---------------------------------------------------------------------------


def test_mt010_a_sequence_file_is_read_slide_by_slide_as_views(app_on):
    app, _engine, _folder = app_on
    with app.server.app_context():
        seq = sequence.parse_sequence("foorumi", THREE, REGISTRY)
    assert seq.title == "Strateginen foorumi 12/2026" and seq.date == date(2026, 12, 10)
    assert [s.title for s in seq.slides] == ["Sopimuksen tavoitteet", "Asunnottomat kunnittain",
                                             "Henkeen kohdistuneet rikokset"]
    second = seq.slides[1].state
    assert (second.page, second.indicator, second.year, second.forum) == ("asuminen", KEY, 2022, True)
    assert seq.slides[2].path == "/indikaattori/rikokset_henki_terveys_per1000"


@pytest.mark.parametrize("text, words", [
    (THREE.replace("vuosi=2022", "vuosi=1850"), ["dia 2", "Asunnottomat kunnittain", "1850"]),
    (THREE.replace("view: /indikaattori/", "view: /ei-sivua/"), ["dia 3", "Tuntematon sivu"]),
    (THREE.replace("date: 2026-12-10", "date: 10.12.2026"), ["kenttä date"]),
    (THREE.replace("slides:", "diat:"), ["kenttä"]),
    (THREE + "as_of: 2999-01-01\n", ["as_of", "tulevaisuudessa"]),
])
def test_mt011_a_bad_sequence_file_names_the_place_in_finnish(app_on, text, words):
    app, _engine, _folder = app_on
    with app.server.app_context(), pytest.raises(sequence.SequenceError) as err:
        sequence.parse_sequence("foorumi", text, REGISTRY)
    message = str(err.value)
    assert message.startswith("foorumi.yaml: ")
    for word in words:
        assert word in message


def test_mt012_the_file_store_saves_and_reads_back_the_same_sequence(app_on):
    app, _engine, folder = app_on
    store = sequence.FileSequenceStore(folder)
    with app.server.app_context():
        seq = sequence.parse_sequence("foorumi", THREE, REGISTRY)
        store.save(seq)
        again = store.load("foorumi", REGISTRY)
    assert store.names() == ["foorumi"]
    assert again == seq
    with pytest.raises(sequence.SequenceError, match="ei löydy"):
        store.load("muu", REGISTRY)
    with pytest.raises(sequence.SequenceError, match="ei kelpaa"):
        store.load("../etc/passwd", REGISTRY)


# --- pinned values ----------------------------------------------------------------------------


def test_mt020_a_pinned_chart_keeps_the_value_of_its_moment_after_a_refresh(app_on):
    from dashboard.deliver.components import source_text
    from dashboard.deliver.export import footer_lines, header_block
    from dashboard.draw.charts import build_chart

    app, engine, _folder = app_on
    as_of = moment_between_writes()
    old = refresh_changes_a_value(engine)
    assert old != NEW_VALUE

    def hameenlinna(chart):
        table = chart.table
        return float(table[table.iloc[:, 1] == CODE].iloc[0, 3])

    with app.server.test_request_context("/"):
        live = build_chart("map", ViewState(page="asuminen", indicator=KEY, year=YEAR))
        pinned = build_chart("map", ViewState(page="asuminen", indicator=KEY, year=YEAR, as_of=as_of))
    assert hameenlinna(live) == pytest.approx(NEW_VALUE)
    assert hameenlinna(pinned) == pytest.approx(old)
    # ... and says so under the chart on screen and in every export (image footer, table header).
    words = pin.as_of_text(as_of, "fi")
    assert words in source_text(pinned, "fi") and words not in source_text(live, "fi")
    assert words in footer_lines(pinned, "fi")
    assert ("Lukittu tilanne", words) in header_block(pinned, "fi")


def test_mt021_the_export_route_of_a_pinned_view_exports_the_old_value(app_on):
    app, engine, _folder = app_on
    as_of = moment_between_writes()
    refresh_changes_a_value(engine)
    client = app.server.test_client()
    pinned = client.get(f"/vienti/map.csv?sivu=asuminen&indikaattori={KEY}&vuosi={YEAR}&tilanne={as_of}")
    live = client.get(f"/vienti/map.csv?sivu=asuminen&indikaattori={KEY}&vuosi={YEAR}")
    assert pinned.status_code == 200 and live.status_code == 200
    text = pinned.data.decode("utf-8-sig")
    assert pin.as_of_text(as_of, "fi") in text
    assert "7,77" not in text and "7,77" in live.data.decode("utf-8-sig")
    bad = client.get(f"/vienti/map.csv?sivu=asuminen&indikaattori={KEY}&tilanne=2999-01-01")
    assert bad.status_code == 400 and "tulevaisuudessa" in bad.data.decode("utf-8")


# --- the PDF pre-read -------------------------------------------------------------------------


def test_mt030_the_pre_read_pdf_has_a_cover_one_page_per_slide_and_is_tagged(app_on):
    app, _engine, folder = app_on
    folder.mkdir()
    as_of = moment_between_writes()  # the test database was written just now
    (folder / "foorumi.yaml").write_text(THREE + f"as_of: {as_of}\n", encoding="utf-8")
    words = pin.as_of_text(as_of, "fi")
    client = app.server.test_client()
    started = time.perf_counter()
    resp = client.get("/kokous/foorumi.pdf")
    elapsed = time.perf_counter() - started
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    assert len(reader.pages) == 1 + 3  # cover + one page per slide
    pages = [p.extract_text() for p in reader.pages]
    assert "Strateginen foorumi 12/2026" in pages[0] and words in " ".join(pages[0].split())
    for page, title in zip(pages[1:], ["Sopimuksen tavoitteet", "Asunnottomat kunnittain",
                                       "Henkeen kohdistuneet rikokset"]):
        flat = " ".join(page.split())
        assert title in flat
        assert words in flat
        assert "http://localhost/" in flat and f"tilanne={as_of}".replace(":", "%3A") in flat  # the live view, pinned
        assert "Valitse kunta" not in flat  # no on-screen hints
    for chart_page in pages[2:4]:  # the test database's invented values name no statistical authority
        flat = " ".join(chart_page.split())
        assert "synteettinen esimerkkiaineisto, ei tilastolähdettä" in flat.lower()
        assert "THL" not in flat and "sotkanet" not in flat.lower()
    assert f"Sivu 2 / {len(pages)}" in " ".join(pages[1].split())
    # The map and the trend are drawn as vectors on their pages (a chart that failed to load
    # would leave only the page's text).
    for page in reader.pages[2:]:
        assert len(page.get_contents().get_data()) > 10_000
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "fi"
    print(f"3-slide PDF in {elapsed:.2f} s")


def test_mt032_the_pdf_drops_what_draws_nothing_from_a_chart_and_keeps_it_valid():
    from xml.etree.ElementTree import fromstring

    from dashboard.deliver.meeting.pdf import lean_svg

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="c"></clipPath></defs>'
           b'<g class="a"><g class="b"/></g><g class="c"><path d="M0,0h1"/><g class="d"></g></g></svg>')
    lean = lean_svg(svg)
    fromstring(lean)
    assert lean.count(b"<g") == 1 and b'<path d="M0,0h1"/>' in lean and b"clipPath" not in lean
    assert lean_svg(b"<svg><g></svg>") == b"<svg><g></svg>"  # what would not parse is left as it was


def test_mt031_one_view_as_pdf_and_bad_names_answer_in_finnish(app_on):
    app, _engine, _folder = app_on
    client = app.server.test_client()
    resp = client.get(f"/pdf/asuminen?indikaattori={KEY}&vuosi=2022")
    assert resp.status_code == 200
    reader = PdfReader(io.BytesIO(resp.data))
    assert len(reader.pages) == 2
    assert "tilanne" in reader.pages[1].extract_text()  # a page's PDF is pinned to when it was made
    assert client.get("/pdf/asuminen?vuosi=abc").status_code == 400
    missing = client.get("/kokous/ei-ole.pdf")
    assert missing.status_code == 404 and "ei löydy" in missing.data.decode("utf-8")
