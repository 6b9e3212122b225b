"""Callbacks through Dash's HTTP endpoint: valid updates send only values (a Patch of the map, no
geometry), and every rejected input comes back as a handled, readable state with HTTP 200."""
from __future__ import annotations

import gzip
import json

import pytest

MAP_OUT = "area-map.figure"
META = {"lang": "fi", "forum": False, "page": "asuminen", "title": "x"}


def explorer(dash_client, *, indicator="asunnottomat_yksinaiset_per1000", year=2020, mode="geo", municipality="",
             changed="area-year.value", meta=None):
    inputs = {
        "area-indicator.value": indicator, "area-year.value": year, "area-mapmode.value": mode,
        "area-municipality.value": municipality,
    }
    state = {"page-meta.data": META if meta is None else meta,
             "view-state.data": {"path": "/asuminen", "query": {}, "push": False}}
    return dash_client.call(MAP_OUT, inputs, state, changed=[changed])


def body(resp):
    assert resp.status_code == 200, resp.data[:400]
    return json.loads(resp.data)["response"]


def test_cb001_year_change_returns_a_small_patch_of_map_values_without_geometry(dash_client):
    resp = explorer(dash_client, year=2019)
    out = body(resp)
    fig = out["area-map"]["figure"]
    assert fig.get("__dash_patch_update") == "__dash_patch_update"
    locations = {tuple(op["location"]) for op in fig["operations"]}
    assert ("data", 0, "z") in locations and ("data", 2, "text") in locations
    map_bytes = len(json.dumps(fig))
    assert map_bytes < 6_000, map_bytes
    whole = resp.data.decode()
    assert "coordinates" not in whole and "FeatureCollection" not in whole and '"geojson"' not in whole
    assert out["area-year"]["value"] == 2019
    assert out["view-state"]["data"]["query"] == {"indikaattori": "asunnottomat_yksinaiset_per1000", "vuosi": "2019"}
    assert out["view-state"]["data"]["push"] is True
    # The whole response (map patch + bar + trend + tables + texts) stays small on the wire.
    assert len(gzip.compress(resp.data)) < 20_000


def test_cb002_indicator_change_updates_years_and_keeps_or_clamps_the_year(dash_client):
    out = body(explorer(dash_client, indicator="esteettomat_asunnot_pct", year=2015, changed="area-indicator.value"))
    assert out["area-year"]["min"] == 2021 and out["area-year"]["max"] == 2025
    assert out["area-year"]["value"] == 2025  # 2015 has no data for this indicator: its latest year
    assert out["area-indicator"]["value"] == "esteettomat_asunnot_pct"
    assert "indikaattori=esteettomat_asunnot_pct" in json.dumps(out["area-map-dl"])  # download links follow


def test_cb003_map_mode_switch_sends_a_figure_that_references_the_tile_file(dash_client):
    out = body(explorer(dash_client, mode="tiles", changed="area-mapmode.value"))
    fig = out["area-map"]["figure"]
    assert "data" in fig and fig["data"][0]["geojson"].startswith("/geo/tiles.json")
    assert "coordinates" not in json.dumps(fig)


def test_cb004_step_buttons_are_browser_side_and_the_server_reacts_to_values(dash_client):
    deps = [d for d in dash_client.deps if "area-year.value@" in d["output"] or "area-indicator.value@" in d["output"]]
    assert {d["clientside_function"]["function_name"] for d in deps} == {"stepYear", "stepIndicator"}
    out = body(explorer(dash_client, year=2021, changed="area-year.value"))
    assert out["area-year"]["value"] == 2021


def test_cb005_selected_municipality_drives_the_trend(dash_client):
    out = body(explorer(dash_client, municipality="694", changed="area-municipality.value"))
    names = [t["name"] for t in out["area-trend"]["figure"]["data"]]
    assert "Riihimäki" in names
    assert out["view-state"]["data"]["query"]["kunta"] == "694"


@pytest.mark.parametrize(
    "kwargs,expect",
    [
        ({"indicator": "ei_tallaista"}, "Tuntematon indikaattori"),
        ({"indicator": "tyottomat_pct"}, "ei kuulu tähän painopisteeseen"),
        ({"indicator": "x'; DROP TABLE observation;--"}, "Tuntematon indikaattori"),
        ({"indicator": {"$ne": 1}}, "Tuntematon indikaattori"),
        ({"municipality": "091"}, "Tuntematon alue"),
        ({"municipality": ["109"]}, "Tuntematon alue"),
        ({"year": 1899}, "ulkopuolella"),
        ({"year": 2031}, "ei ole tietoja"),
        ({"year": "2020; SELECT 1"}, "ei kelpaa"),
        ({"year": True}, "ei kelpaa"),
        ({"mode": "satellite"}, "karttatyyppi"),
        ({"meta": {"lang": "fi", "page": "../admin"}}, "Tuntematon sivu"),
        ({"meta": "not a dict"}, "Tuntematon sivu"),
    ],
)
def test_cb006_rejected_inputs_give_a_handled_state_with_http_200(dash_client, kwargs, expect):
    resp = explorer(dash_client, **kwargs)
    assert resp.status_code == 200
    out = json.loads(resp.data)["response"]
    assert set(out) == {"area-notice"}, set(out)  # nothing else changes, nothing was queried
    assert expect.lower() in json.dumps(out, ensure_ascii=False).lower()


def test_cb007_profile_callback_validates_the_municipality(dash_client):
    state = {"page-meta.data": {"lang": "fi", "page": "profile"}}
    ok = dash_client.call("profile-content.children", {"profile-municipality.value": "109"}, state)
    assert ok.status_code == 200 and "Hämeenlinna" in ok.data.decode()
    bad = dash_client.call("profile-content.children", {"profile-municipality.value": "../../x"}, state)
    assert bad.status_code == 200
    out = json.loads(bad.data)["response"]
    assert set(out) == {"profile-notice"} and "Tuntematon alue" in json.dumps(out, ensure_ascii=False)


def test_cb008_router_rejects_nothing_with_a_500(dash_client):
    from tests.dashboard.conftest import render_page

    for search in ("?vuosi=%00", "?kieli=" + "x" * 5000, "?indikaattori=a&indikaattori=b", "?esitys=%3Cscript%3E"):
        assert render_page(dash_client, "/asuminen", search).status_code == 200
