"""Figure builders: geometry by URL only, allowed trace types, value patches, synthetic markers."""
from __future__ import annotations

import json

import pytest

from dashboard.core.state import ViewState
from dashboard.draw.charts import build_chart
from dashboard.draw.figures.common import ALLOWED_TRACES
from dashboard.draw.figures.map import FILL, HIGHLIGHT, LABELS, LEGEND0, value_patch

KINDS = ["map", "bar", "trend", "table"]


@pytest.fixture(autouse=True)
def _ctx(dash_app):
    with dash_app.server.test_request_context():
        yield


def chart(kind="map", **kw):
    return build_chart(kind, ViewState(page=kw.pop("page", "asuminen"), **kw))


def test_fig001_map_references_geometry_by_url_and_carries_none():
    c = chart("map")
    text = json.dumps(c.figure)
    for trace in c.figure["data"]:
        if trace["type"] == "choropleth":
            assert isinstance(trace["geojson"], str) and trace["geojson"].startswith("/geo/county.json?v=")
            assert trace["featureidkey"] == "properties.code"
    assert "coordinates" not in text and "FeatureCollection" not in text
    assert len(text) < 15_000, len(text)
    assert c.geojson_path and c.geojson_path.endswith("county.json")


def test_fig002_tile_mode_uses_the_tile_geometry_with_the_same_codes():
    c = chart("map", map_mode="tiles")
    assert c.figure["data"][FILL]["geojson"].startswith("/geo/tiles.json?v=")
    assert sorted(c.figure["data"][FILL]["locations"]) == sorted(c.extra["codes"])


@pytest.mark.parametrize("kind", KINDS + ["status_map", "rounds"])
def test_fig003_only_bundle_trace_types_are_used(kind):
    ind = {"status_map": "varautumissopimus_voimassa", "rounds": "turvallisuuskuva_kierrokset"}.get(kind)
    page = "turvallisuus" if ind else "asuminen"
    c = build_chart(kind, ViewState(page=page, indicator=ind))
    assert {t["type"] for t in c.figure["data"]} <= ALLOWED_TRACES


def test_fig004_every_municipality_is_labelled_with_name_and_value():
    c = chart("map")
    labels = c.figure["data"][LABELS]
    assert labels["mode"] == "text" and len(labels["text"]) == 11
    assert all(lon is not None for lon in labels["lon"])
    assert any("Hämeenlinna" in t for t in labels["text"])


def test_fig005_legend_names_classes_no_data_and_suppressed():
    c = chart("map", indicator="asunnottomat_yksinaiset_lkm")
    names = [t["name"] for t in c.figure["data"][LEGEND0:] if t.get("showlegend")]
    assert any(n.startswith("salattu, alle 5") for n in names)
    assert any(n.startswith("<") for n in names) and any(n.startswith("≥") for n in names)
    missing = chart("map", indicator="asunnottomat_yksinaiset_per1000", year=2024)
    names = [t["name"] for t in missing.figure["data"][LEGEND0:] if t.get("showlegend")]
    assert "ei tietoa" in names  # Ypäjä has no 2024 value


def test_fig006_value_patch_carries_values_not_geometry():
    c = chart("map")
    patch = value_patch(c.figure).to_plotly_json()
    text = json.dumps(patch)
    assert "geojson" not in text and "coordinates" not in text and "/geo/" not in text
    paths = [tuple(op["location"]) for op in patch["operations"]]
    assert ("data", FILL, "z") in paths and ("data", LABELS, "text") in paths and ("data", HIGHLIGHT, "locations") in paths
    assert len(text) < 6_000, len(text)


def test_fig007_finnish_number_format_in_figures():
    c = chart("map")
    assert c.figure["layout"]["separators"] == ",\u202f"
    assert any("," in t for t in c.figure["data"][LABELS]["text"])
    en = chart("map", lang="en")
    assert en.figure["layout"]["separators"] == ".,"


def test_fig008_synthetic_points_are_marked_and_named_in_the_legend():
    t = chart("trend", municipality="109")
    focus = next(tr for tr in t.figure["data"] if tr.get("name") == "Hämeenlinna")
    assert "circle-open" in focus["marker"]["symbol"]
    assert any(tr.get("name", "").startswith("synteettinen") and tr.get("showlegend") for tr in t.figure["data"])
    b = chart("bar")
    assert "/" in b.figure["data"][0]["marker"]["pattern"]["shape"]


def test_fig009_bar_is_ranked_and_shows_county_and_country_reference_lines():
    b = chart("bar", year=2020)
    values = [v for v in b.figure["data"][0]["x"] if v is not None]
    assert values == sorted(values, reverse=True)
    assert len(b.figure["layout"]["shapes"]) == 2
    assert b.figure["data"][0]["customdata"][0][0] in b.extra["codes"]


def test_fig010_trend_compares_the_municipality_with_county_and_country():
    t = chart("trend", municipality="694")
    names = [tr["name"] for tr in t.figure["data"] if tr.get("showlegend", True) and tr["mode"] != "lines" or tr["name"] in ("Kanta-Häme", "Koko maa")]
    assert "Riihimäki" in names and "Kanta-Häme" in names and "Koko maa" in names
    assert t.filename_stem == "kanta-hame-asunnottomat-yksinaiset-per1000-riihimaki-kehitys"


def test_fig011_bar_axis_fits_the_data_and_legends_sit_above_the_plot():
    b = chart("bar", indicator="rikokset_henki_terveys_per1000", page="turvallisuus")
    values = [v for v in b.figure["data"][0]["x"] if v is not None]
    lo, hi = b.figure["layout"]["xaxis"]["range"]
    assert hi < max(values) * 1.5 and lo <= 0
    for kind in ("map", "bar", "trend"):
        legend = chart(kind).figure["layout"]["legend"]
        # above the plot: where the export dressing expects a horizontal legend
        assert legend["orientation"] == "h" and legend["yref"] == "paper" and legend["y"] >= 1
