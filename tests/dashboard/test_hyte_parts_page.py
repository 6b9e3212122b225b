"""The HYTE coefficient's parts on its priority-area page (issue 12 item 7): entered through the
manual template, shown as a table of scores with bars, weakest first; the reporter is the source;
a demo entry is labelled synthetic and names no publication."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from data_pipeline.db.schema import collection_round, manual_entry, submission
from data_pipeline.manual import load_manual_files
from tests.dashboard.conftest import DashClient, find, render_page, texts
from tests.dashboard.data import REGISTRY, build_database, write_geometry

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "manual" / "hyte_kerroin_osat.csv"


def _env(root, *, synthetic=False, reported=False):
    from dashboard import create_app

    engine = build_database(root / "parts.sqlite3")
    write_geometry(root / "geo")
    load_manual_files(engine, [FIXTURE], registry=REGISTRY)
    if synthetic:  # as a demo fill would enter it
        with engine.begin() as conn:
            conn.execute(update(manual_entry).where(manual_entry.c.template == "hyte_kerroin").values(synthetic=True))
    if reported:  # Hämeenlinna's row as published from its collection-area submission
        with engine.begin() as conn:
            rid = conn.execute(insert(collection_round).values(
                template="hyte_kerroin", name="HYTE 2024", period="2024", due_date=date(2025, 11, 30),
                organisations=["hameenlinna"], opened_at=datetime(2025, 10, 1, tzinfo=UTC))).inserted_primary_key[0]
            sid = conn.execute(insert(submission).values(round_id=rid, organisation="hameenlinna",
                                                         status="published")).inserted_primary_key[0]
            conn.execute(update(manual_entry).where(manual_entry.c.region_code == "109").values(submission_id=sid))
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
    return engine, DashClient(app.server.test_client())


@pytest.fixture(scope="module")
def parts_env(tmp_path_factory):
    engine, dash = _env(tmp_path_factory.mktemp("parts"))
    yield engine, dash
    engine.dispose()


def page(dash, search=""):
    resp = render_page(dash, "/hyvinvointityo", search)
    assert resp.status_code == 200, resp.data[:300]
    return json.loads(resp.data)


def rows(section):
    """(part, kind, score text) of each body row of the parts table(s)."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Tr" and node["props"]["children"][0]["type"] == "Th" \
                    and node["props"]["children"][0]["props"].get("scope") == "row":
                cells = node["props"]["children"]
                out.append((cells[0]["props"]["children"], cells[1]["props"]["children"],
                            cells[2]["props"]["children"][-1]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(section)
    return out


def test_hpp001_area_page_shows_the_parts_weakest_first(parts_env):
    _, dash = parts_env
    tree = page(dash)
    section = find(tree, "parts-hyte_kerroin")
    assert section is not None
    text = " ".join(texts(section))
    assert "HYTE-kerroin: osat" in text
    assert "Kanta-Hämeen hyvinvointialue 2024: HYTE-kerroin 46" in text
    assert "sijoitus 7. hyvinvointialueiden joukossa" in text
    got = rows(section)
    assert got[0] == ("Tuen tarpeen selvittäminen", "prosessi-indikaattori", "40")
    assert [r[2] for r in got] == ["40", "62,5", "81", "88", "28", "31", "35", "44"]
    assert {r[1] for r in got[4:]} == {"tulosindikaattori"}
    assert "Heikoin osa: Pitkäaikaisesti" not in text and "Heikoin osa: Mielenterveyden" in text
    assert "Lähde: Hyte-koordinaattori, Oma Häme (ilmoitettu tieto) · julkaisu: THL hyte-kerroin 2024" in text
    assert "synteettinen" not in text.lower()


def test_hpp002_chosen_municipality_gets_its_own_parts(parts_env):
    _, dash = parts_env
    section = find(page(dash, "?kunta=109"), "parts-hyte_kerroin")
    text = " ".join(texts(section))
    assert "Hämeenlinna 2024: HYTE-kerroin 62" in text or "Hämeenlinna 2024: HYTE-kerroin 61" in text
    assert "Kuntajohto (TEAviisari)" in text and "sijoitus" in text  # the county's rank; the town has none
    assert ("Kunnan tulosindikaattorit yhteensä", "tulosindikaattori", "47") in rows(section)


def test_hpp003_demo_entry_is_labelled_synthetic_and_names_no_publication(tmp_path):
    engine, dash = _env(tmp_path, synthetic=True)
    tree = page(dash)
    engine.dispose()
    text = " ".join(texts(find(tree, "parts-hyte_kerroin")))
    assert "Lähde: synteettinen esimerkkiaineisto" in text and "THL" not in text and "88 *" in text
    assert "synteettistä esimerkkiaineistoa" in " ".join(texts(tree))  # the page banner


def test_hpp005_a_collection_area_report_names_its_organisation(tmp_path):
    engine, dash = _env(tmp_path, reported=True)
    tree = page(dash, "?kunta=109&kieli=sv")
    engine.dispose()
    text = " ".join(texts(find(tree, "parts-hyte_kerroin")))
    assert "Källa: Tavastehus (rapporterad uppgift)" in text  # the organisation, not the person
    assert "Hämeenlinnan hyte-koordinaattori" not in text


def test_hpp004_no_section_without_parts():
    from dashboard.core.state import ViewState
    from dashboard.deliver.parts_view import parts_sections

    class Ctx:
        engine = None

    # an area without a template with parts has nothing to show (no query is made)
    assert parts_sections(Ctx(), REGISTRY, "asuminen", ViewState(page="asuminen")) == []
