"""The meeting PDF's chart images carry the chart's alt text, so the tagged PDF reads it out."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.dashboard.data import REGISTRY, build_database, write_geometry


@pytest.fixture
def app(tmp_path):
    from dashboard import create_app
    from dashboard.data import queries

    engine = build_database(tmp_path / "db.sqlite3")
    write_geometry(tmp_path / "geo")
    queries.clear_cache()
    yield create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    engine.dispose()


def _alts(node, seen=None) -> list[str]:
    """Every /Alt text in the PDF's structure tree."""
    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if id(node) in seen:
        return []
    seen.add(id(node))
    out = []
    if isinstance(node, dict):
        if "/Alt" in node:
            out.append(str(node["/Alt"]))
        for key, value in node.items():
            if key not in ("/P", "/Pg", "/Parent"):
                out += _alts(value, seen)
    elif isinstance(node, list):
        for value in node:
            out += _alts(value, seen)
    return out


def test_mta001_the_chart_image_in_the_pdf_has_the_alt_text(app):
    from dashboard.core.state import ViewState
    from dashboard.draw.charts import build_chart

    client = app.server.test_client()
    resp = client.get("/pdf/asuminen?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2022")
    assert resp.status_code == 200
    root = PdfReader(io.BytesIO(resp.data)).trailer["/Root"]
    alts = _alts(root["/StructTreeRoot"])
    with app.server.test_request_context():
        chart = build_chart("map", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2022))
    assert chart.alt_short in alts, alts
    assert "tilastovuosi 2022" in chart.alt_short and "Suurin" in chart.alt_short
