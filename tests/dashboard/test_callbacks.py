"""Callbacks through Dash's HTTP endpoint and the explorer's store.

Indicator, year and municipality switches are drawn in the browser from the values the page
carries (``area-data``, see dashboard/explorer_data.py), so they cost no request; only the map
type (another geometry file) asks the server. The store and every server answer carry values,
never geometry, and stay small; every rejected input comes back as a handled, readable state with
HTTP 200."""
from __future__ import annotations

import gzip
import json

import pytest

from tests.dashboard.conftest import bar_value, find, render_page
from tests.dashboard.data import REGISTRY

MAP_OUT = "area-map.figure"
META = {"lang": "fi", "forum": False, "page": "asuminen", "title": "x"}


def mode_switch(dash_client, *, indicator="asunnottomat_yksinaiset_per1000", year=2020, mode="tiles", municipality="",
                meta=None):
    """The map-type callback as the browser posts it (the other controls are its state)."""
    dep = next(d for d in dash_client.deps if MAP_OUT in d["output"] and not d.get("clientside_function"))
    values = {
        "area-indicator.value": indicator, "area-year.value": year, "area-mapmode.value": mode,
        "area-municipality.value": municipality, "page-meta.data": META if meta is None else meta,
        "view-state.data": {"path": "/asuminen", "query": {}, "push": False},
    }
    inputs = {f"{i['id']}.{i['property']}": values[f"{i['id']}.{i['property']}"] for i in dep["inputs"]}
    state = {f"{s['id']}.{s['property']}": values[f"{s['id']}.{s['property']}"] for s in dep["state"]}
    return dash_client.call(MAP_OUT, inputs, state, changed=["area-mapmode.value"])


def body(resp):
    assert resp.status_code == 200, resp.data[:400]
    return json.loads(resp.data)["response"]


def store_of(dash_client, path="/asuminen", search=""):
    resp = render_page(dash_client, path, search)
    assert resp.status_code == 200
    layout = json.loads(resp.data)
    url = find(layout, "area-data")["data"]
    assert url.startswith("/data/explorer/")  # the page carries the store's URL, the browser fetches it once
    got = dash_client.client.get(url)
    assert got.status_code == 200 and got.mimetype == "application/json"
    raw = got.data.decode()
    return raw, json.loads(raw)


def test_cb001_indicator_year_and_municipality_switches_run_in_the_browser(dash_client):
    clientside = [d for d in dash_client.deps if d.get("clientside_function", {}) and
                  d["clientside_function"]["function_name"] == "explorer"]
    assert len(clientside) == 1
    explorer = clientside[0]
    assert {f"{i['id']}.{i['property']}" for i in explorer["inputs"]} == {
        "area-indicator.value", "area-year.value", "area-municipality.value"}
    for part in ("area-map.figure", "area-bar.figure", "area-trend.figure", "area-map-legend.children",
                 "view-state.data", "area-map-vienti-csv.href"):
        assert part in explorer["output"], part
    # No server callback listens to those controls: a switch sends nothing.
    server_inputs = {f"{i['id']}.{i['property']}" for d in dash_client.deps if not d.get("clientside_function")
                     for i in d["inputs"]}
    assert not server_inputs & {"area-indicator.value", "area-year.value", "area-municipality.value"}


def test_cb002_the_store_carries_every_view_of_the_area_without_geometry(dash_client):
    raw, store = store_of(dash_client)
    from dashboard.deliver.pages.area import explorer_indicators

    assert set(store["ind"]) == {i.key for i in explorer_indicators(REGISTRY, "asuminen")}
    assert "coordinates" not in raw and "FeatureCollection" not in raw and "geojson" not in raw
    # every view of ten indicators, ready to apply (the figures' data, texts and tables): bounded
    assert len(gzip.compress(raw.encode())) < 45_000, len(gzip.compress(raw.encode()))
    ind = store["ind"]["asunnottomat_yksinaiset_per1000"]
    assert ind["years"] == list(range(2015, 2025)) and set(ind["y"]) == {str(y) for y in range(2015, 2025)}
    assert set(ind["t"]) == {"", *REGISTRY.county.municipality_codes}  # a trend per chosen municipality
    assert bar_value(ind, 2024, "981") is None  # missing stays missing
    assert store["munis"] == REGISTRY.county.municipality_codes


def test_cb003_hidden_values_never_leave_the_server(dash_client):
    _raw, store = store_of(dash_client)
    ind = store["ind"]["asunnottomat_yksinaiset_lkm"]
    hidden = 0
    for entry in ind["y"].values():
        bars, rest = entry["b"][0][1][:2]
        hidden += sum(1 for row in rest["customdata"] if row[2] == "< 5")
        assert not any(v is not None and 0 < v < 5 for v in bars["x"]), bars["x"]
    for trace in ind["P"]:
        assert not any(v is not None and 0 < v < 5 for v in trace.get("y") or []), trace["name"]
    assert hidden > 0


def test_cb004_map_type_switch_sends_a_figure_that_references_the_tile_file(dash_client):
    resp = mode_switch(dash_client, mode="tiles")
    out = body(resp)
    fig = out["area-map"]["figure"]
    assert "data" in fig and fig["data"][0]["geojson"].startswith("/geo/tiles.json")
    # fill, highlight, labels, the county outline (empty but on the whole-country map): the legend is HTML
    assert len(fig["data"]) == 4 and fig["data"][3]["locations"] == []
    text = resp.data.decode()
    assert "coordinates" not in text and "FeatureCollection" not in text
    assert out["view-state"]["data"]["query"] == {"indikaattori": "asunnottomat_yksinaiset_per1000", "vuosi": "2020",
                                                  "kartta": "ruudut"}
    assert "kartta=ruudut" in out["area-map-vienti-png-dia"]["href"]
    assert "Aluerajat" not in json.dumps(out["area-map-source"], ensure_ascii=False)  # no boundaries on a tile map
    assert len(gzip.compress(resp.data)) < 6_000


def test_cb005_step_buttons_are_browser_side(dash_client):
    """The step buttons (and the forum keys that press them) step in the browser: no callback at all
    listens to them (assets/tilannekuva.js sets the controls, then the explorer draws)."""
    inputs = {i["id"] for d in dash_client.deps for i in d["inputs"]}
    assert not inputs & {"area-prev-year", "area-next-year", "area-prev-ind", "area-next-ind"}


def test_cb006_map_type_switch_keeps_the_selected_municipality(dash_client):
    out = body(mode_switch(dash_client, mode="geo", municipality="694"))
    assert out["view-state"]["data"]["query"]["kunta"] == "694"
    assert out["area-map"]["figure"]["data"][1]["locations"] == ["694"]


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
def test_cb007_rejected_inputs_give_a_handled_state_with_http_200(dash_client, kwargs, expect):
    resp = mode_switch(dash_client, **kwargs)
    assert resp.status_code == 200
    out = json.loads(resp.data)["response"]
    assert set(out) == {"area-notice"}, set(out)  # nothing else changes, nothing was queried
    assert expect.lower() in json.dumps(out, ensure_ascii=False).lower()


def test_cb008_profile_callback_validates_the_municipality(dash_client):
    state = {"page-meta.data": {"lang": "fi", "page": "profile"}}
    ok = dash_client.call("profile-content.children", {"profile-municipality.value": "109"}, state)
    assert ok.status_code == 200 and "Hämeenlinna" in ok.data.decode()
    bad = dash_client.call("profile-content.children", {"profile-municipality.value": "../../x"}, state)
    assert bad.status_code == 200
    out = json.loads(bad.data)["response"]
    assert set(out) == {"profile-notice"} and "Tuntematon alue" in json.dumps(out, ensure_ascii=False)


def test_cb009_router_rejects_nothing_with_a_500(dash_client):
    for search in ("?vuosi=%00", "?kieli=" + "x" * 5000, "?indikaattori=a&indikaattori=b", "?esitys=%3Cscript%3E"):
        assert render_page(dash_client, "/asuminen", search).status_code == 200


def test_cb010_store_follows_the_page_language(dash_client):
    _raw, sv = store_of(dash_client, search="?kieli=sv")
    out = dict(zip(sv["out"]["y"], sv["ind"]["asunnottomat_yksinaiset_per1000"]["y"]["2024"]["o"]))
    assert out["area-bar-title.children"] == REGISTRY.indicators["asunnottomat_yksinaiset_per1000"].title.sv
    assert REGISTRY.county.name.sv in out["area-map-subtitle.children"] and "2024" in out["area-map-subtitle.children"]


def test_cb011_the_store_is_a_versioned_cacheable_resource_validated_like_a_view(dash_client):
    """The store is the same for every anonymous user of a data version: a GET with the version in
    its URL, an ETag and 304 on revalidation; a bad parameter is refused in words, never a 500."""
    resp = render_page(dash_client, "/asuminen", "?kieli=sv&esitys=1")
    url = find(json.loads(resp.data), "area-data")["data"]
    assert "kieli=sv" in url and "esitys=1" in url and "v=" in url
    first = dash_client.client.get(url)
    etag = first.headers["ETag"]
    again = dash_client.client.get(url, headers={"If-None-Match": etag})
    assert first.status_code == 200 and again.status_code == 304 and not again.data
    assert json.loads(first.data)["out"]["y"][0] == "area-map-title.children"
    for bad, words in (("?vertailu=naapurimaa", "vertailu"), ("?kunta=999", "alue"), ("?kieli=de", "kiel"),
                       ("?indikaattori=tyottomat_pct&jako=lapset", "jako")):
        refused = dash_client.client.get("/data/explorer/asuminen.json" + bad)
        assert refused.status_code == 400 and words in refused.data.decode().lower(), (bad, refused.data[:200])
    assert dash_client.client.get("/data/explorer/ei-ole.json").status_code == 404
