"""The open data API (/api/v1/) as a client sees it: the OpenAPI description is valid and every
response matches it, filters filter, a suppressed value never leaves, synthetic values are
flagged and never attributed to an authority, bad parameters get a 400 that says what, ETag/304,
the bulk files hold exactly the API's rows, and the rate limit answers 429."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from dashboard.data import model
from tests.dashboard.data import COUNTRY, FLAGGED, MUNIS, REGION, REGISTRY

API = "/api/v1"


@pytest.fixture(scope="module")
def api(dash_app):
    """The session app's test client with a limit high enough for the whole module."""
    dash_app.server.config["TILANNEKUVA_API_RATE_LIMIT"] = "100000/minute"
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def spec(api):
    resp = api.get(f"{API}/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def check(spec, path: str, resp, status: int | None = None) -> None:
    """Validate a JSON response against the description of ``path`` (jsonschema, 2020-12)."""
    status = status or resp.status_code
    operation = spec["paths"][path]["get"]
    described = operation["responses"][str(status)]
    content_type = resp.headers["Content-Type"].split(";")[0]
    assert content_type in described["content"], f"{path} {status}: {content_type} not described"
    if content_type == "application/json":
        schema = {**described["content"][content_type]["schema"], "components": spec["components"]}
        errors = sorted(Draft202012Validator(schema).iter_errors(resp.get_json()), key=str)
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


def rows_of(csv_bytes: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8"))))


def _key(row: dict) -> tuple:
    """A comparable observation from JSON (nested) or CSV/Parquet (flat) rows."""
    def num(v):
        return None if v in (None, "") else float(v)

    def flag(v):
        return v if isinstance(v, bool) else v == "true"

    run = row.get("load_run") or {}
    return (row["indicator"], row["region"], int(row["year"]), row["period"], num(row["value"]), num(row["count"]),
            row["status"], flag(row["suppressed"]), flag(row["synthetic"]), flag(row["partner_reported"]),
            row["source"]["provider"] if isinstance(row["source"], dict) else row["source"],
            int(run["id"]) if run else (int(row["load_run_id"]) if row.get("load_run_id") not in (None, "") else None))


# --- the description --------------------------------------------------------------------------


def test_api001_openapi_description_is_valid(spec):
    validate_openapi(spec)
    assert spec["openapi"].startswith("3.1")


def test_api002_every_route_is_described_and_every_described_path_answers_as_described(api, spec, dash_app):
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in dash_app.server.url_map.iter_rules()
              if r.rule.startswith(API) and "<path:" not in r.rule}
    routes = {r.replace("{suffix}", "csv").replace(".<any(csv):suffix>", ".csv") for r in routes}
    assert routes <= set(spec["paths"]), sorted(routes - set(spec["paths"]))
    for path in spec["paths"]:
        url = path.replace("{key}", "tyottomat_pct")
        resp = api.get(url)
        assert resp.status_code == 200, (url, resp.data[:200])
        check(spec, path, resp)
        assert resp.headers["ETag"] and "max-age" in resp.headers["Cache-Control"]
    # JSON and CSV of the list endpoints through ?format= too, and the errors.
    for path in ("/api/v1/indicators", "/api/v1/regions", "/api/v1/observations"):
        check(spec, path, api.get(f"{path}?format=csv"))
        check(spec, path, api.get(f"{path}?format=xml"), 400)
    check(spec, "/api/v1/indicators/{key}", api.get(f"{API}/indicators/ei_ole"), 404)


def test_api003_indicator_metadata_names_titles_unit_polarity_source_area_and_definition(api):
    body = api.get(f"{API}/indicators?area=asuminen").get_json()
    assert body["count"] == len(body["data"]) > 0
    assert {i["area"] for i in body["data"]} == {"asuminen"}
    one = api.get(f"{API}/indicators/toimeentulotuki_pct").get_json()["data"]
    ind = REGISTRY.indicators["toimeentulotuki_pct"]
    assert one["title"] == {"fi": ind.title.fi, "sv": ind.title.sv, "en": ind.title.en}
    assert one["polarity"] == ind.direction and one["unit"]["kind"] == ind.unit.kind
    assert one["description"]["fi"] == ind.description.fi
    assert one["source"]["provider"] in ("sotkanet", "statfin", "manual")
    csv_rows = rows_of(api.get(f"{API}/indicators.csv").data)
    assert {r["key"] for r in csv_rows} == set(REGISTRY.indicators)


# --- observations -----------------------------------------------------------------------------


def test_api004_filters_by_indicator_region_and_years(api):
    url = f"{API}/observations?indicator=tyottomat_pct,toimeentulotuki_pct&region={MUNIS[0]}&region={REGION}&from=2015&to=2018"
    body = api.get(url).get_json()
    data = body["data"]
    assert {(r["indicator"], r["region"]) for r in data} == {
        (i, c) for i in ("tyottomat_pct", "toimeentulotuki_pct") for c in (MUNIS[0], REGION)}
    assert {r["year"] for r in data} == {2015, 2016, 2017, 2018}
    assert body["filters"]["from"] == 2015 and body["filters"]["to"] == 2018
    one = api.get(f"{API}/observations?indicator=tyottomat_pct&year=2020,2022").get_json()["data"]
    assert {r["year"] for r in one} == {2020, 2022} and {r["indicator"] for r in one} == {"tyottomat_pct"}
    csv_rows = rows_of(api.get(f"{API}/observations.csv?indicator=tyottomat_pct&year=2020,2022").data)
    assert sorted(map(_key, csv_rows)) == sorted(map(_key, one))
    # Each value carries its source, period and load run.
    row = one[0]
    assert row["period"] and row["load_run"]["id"] and row["load_run"]["source"] and row["source"]["attribution"]["fi"]


def test_api005_a_suppressed_value_never_leaves_the_api(api, dash_env):
    engine, _ = dash_env
    everything = api.get(f"{API}/observations").get_json()["data"]
    by_key = {(r["indicator"], r["region"], r["year"]): r for r in everything}
    hidden = []
    for ind in REGISTRY.catalogue.indicators:
        frame = model.indicator_frame(engine, REGISTRY, ind.key)
        for row in frame[frame["status"].isin(["suppressed", "secondary"])].to_dict("records"):
            hidden.append((ind.key, row["region_code"], int(row["year"]), row["status"]))
    assert len(hidden) > 10  # source-flagged and below suppress_below (complementary: same status path)
    for key in FLAGGED:
        assert key in {h[:3] for h in hidden}
    for ind, code, year, _ in hidden:
        rec = by_key[(ind, code, year)]
        assert rec["value"] is None and rec["count"] is None and rec["suppressed"] and rec["status"] == "suppressed"
    # The same in CSV, the zip and Parquet: the raw values of hidden cells appear nowhere.
    hidden_keys = {h[:3] for h in hidden}
    zipped = zipfile.ZipFile(io.BytesIO(api.get(f"{API}/bulk/tilannekuva.zip").data))
    for source in (rows_of(api.get(f"{API}/observations.csv").data), rows_of(zipped.read("observations.csv"))):
        for row in source:
            if (row["indicator"], row["region"], int(row["year"])) in hidden_keys:
                assert row["value"] == "" and row["count"] == "" and row["suppressed"] == "true"


def test_api006_synthetic_values_are_flagged_and_never_attributed_to_an_authority(api):
    data = api.get(f"{API}/observations?indicator=asunnottomat_yksinaiset_per1000&region={MUNIS[0]}").get_json()["data"]
    by_year = {r["year"]: r for r in data}
    # The test database's values are invented, so every one is flagged (tests/dashboard/data.py).
    for year in (2020, 2023, 2024):
        assert by_year[year]["synthetic"] is True
        assert by_year[year]["source"]["provider"] == "synthetic"
        assert "THL" not in by_year[year]["source"]["attribution"]["fi"]
    # A synthetic value is nobody's report, not even a partner's.
    everything = api.get(f"{API}/observations").get_json()["data"]
    assert everything and not any(r["synthetic"] and r["partner_reported"] for r in everything)
    counts = [r for r in everything if r["indicator"] == "asunnottomat_yksinaiset_lkm"]
    assert counts and not any(r["partner_reported"] for r in counts)


@pytest.mark.parametrize(("query", "parameter", "fragment"), [
    ("year=abc", "year", "abc"),
    ("year=1800", "year", "1800"),
    ("indicator=ei_ole", "indicator", "ei_ole"),
    ("region=XX9", "region", "XX9"),
    ("kunta=109", "kunta", "kunta"),
    ("format=xml", "format", "xml"),
    ("from=2020&to=2010", "from", "2020"),
    ("from=2010&from=2011", "from", "from"),
])
def test_api007_bad_parameters_get_400_with_a_message(api, spec, query, parameter, fragment):
    resp = api.get(f"{API}/observations?{query}")
    assert resp.status_code == 400
    check(spec, "/api/v1/observations", resp, 400)
    err = resp.get_json()["error"]
    assert err["parameter"] == parameter
    assert fragment in err["message"] and fragment in err["messages"]["en"]
    assert resp.headers["Cache-Control"] == "no-store"


# --- caching, licence, files ------------------------------------------------------------------


def test_api008_etag_answers_304_and_differs_per_request(api):
    first = api.get(f"{API}/observations?indicator=tyottomat_pct")
    etag = first.headers["ETag"]
    again = api.get(f"{API}/observations?indicator=tyottomat_pct", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = api.get(f"{API}/observations?indicator=toimeentulotuki_pct")
    assert other.headers["ETag"] != etag
    stale = api.get(f"{API}/observations?indicator=tyottomat_pct", headers={"If-None-Match": '"vanha"'})
    assert stale.status_code == 200
    # Compressed answers carry their own ETag; it revalidates too.
    gz = api.get(f"{API}/observations", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    again = api.get(f"{API}/observations", headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["ETag"]})
    assert again.status_code == 304


def test_api009_licence_and_attribution_in_every_response(api, spec):
    for path in spec["paths"]:
        resp = api.get(path.replace("{key}", "tyottomat_pct"))
        if resp.headers["Content-Type"].startswith("application/json") and path != "/api/v1/openapi.json":
            lic = resp.get_json()["licence"]
            assert lic["name"] == "CC BY 4.0"
            publishers = " ".join(a["publisher"]["fi"] for a in lic["attribution"])
            assert "THL" in publishers and "Tilastokeskus" in publishers and "Maanmittauslaitos" in publishers
        assert 'rel="license"' in resp.headers["Link"] and "creativecommons.org/licenses/by/4.0" in resp.headers["Link"]
        assert "Statistics Finland" in resp.headers["X-Attribution"]
    zipped = zipfile.ZipFile(io.BytesIO(api.get(f"{API}/bulk/tilannekuva.zip").data))
    assert "CC BY 4.0" in zipped.read("LUEMINUT.txt").decode()


def test_api010_bulk_zip_and_parquet_hold_exactly_the_api_rows(api):
    import pyarrow.parquet as pq

    api_rows = sorted(map(_key, api.get(f"{API}/observations").get_json()["data"]))
    assert len(api_rows) > 1000
    zipped = zipfile.ZipFile(io.BytesIO(api.get(f"{API}/bulk/tilannekuva.zip").data))
    assert sorted(map(_key, rows_of(zipped.read("observations.csv")))) == api_rows
    assert {r["key"] for r in rows_of(zipped.read("indicators.csv"))} == set(REGISTRY.indicators)
    assert {r["code"] for r in rows_of(zipped.read("regions.csv"))} >= {*MUNIS, REGION, COUNTRY}
    table = pq.read_table(io.BytesIO(api.get(f"{API}/bulk/tilannekuva.parquet").data))
    assert b"CC BY 4.0" in table.schema.metadata[b"licence"]
    assert sorted(map(_key, table.to_pylist())) == api_rows


def test_api011_rate_limit_answers_429_with_a_message(dash_app, spec):
    server = dash_app.server
    old = server.config["TILANNEKUVA_API_RATE_LIMIT"]
    server.config["TILANNEKUVA_API_RATE_LIMIT"] = "3/minute"
    try:
        client = server.test_client()
        statuses = [client.get(f"{API}/regions").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        resp = client.get(f"{API}/regions")
        assert resp.status_code == 429 and resp.headers["Retry-After"]
        check(spec, "/api/v1/regions", resp, 429)
        assert "3" in resp.get_json()["error"]["message"]
        # Pages are not limited.
        assert client.get("/health").status_code in (200, 503)
    finally:
        server.config["TILANNEKUVA_API_RATE_LIMIT"] = old


def test_api012_a_value_hidden_by_complementary_suppression_never_leaves(dash_env, monkeypatch):
    """A 'secondary' (complementarily hidden) cell keeps its raw value in the shaped frame's
    source row; the API blanks value and count and says only that it is suppressed."""
    from dashboard.deliver.api import data as api_data

    engine, _ = dash_env
    real = model.indicator_frame

    def with_secondary(engine_, registry, key):
        frame = real(engine_, registry, key)
        if key != "asunnottomat_yksinaiset_lkm":
            return frame
        frame = frame.copy()
        pick = frame.index[(frame["region_code"] == MUNIS[0]) & (frame["year"] == 2024)]
        frame.loc[pick, "status"] = model.STATUS_SECONDARY  # the value column still holds the number
        return frame

    monkeypatch.setattr(model, "indicator_frame", with_secondary)
    records = api_data._observation_records(engine, REGISTRY)
    rec = next(r for r in records if r["indicator"] == "asunnottomat_yksinaiset_lkm"
               and r["region"] == MUNIS[0] and r["year"] == 2024)
    assert rec["value"] is None and rec["count"] is None
    assert rec["suppressed"] is True and rec["status"] == "suppressed"


def test_api013_database_down_answers_503_with_retry_after(tmp_path):
    from dashboard import create_app
    from data_pipeline.db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/ei/ole/olemassa.sqlite3")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    client = app.server.test_client()
    for url in (f"{API}/observations", f"{API}/bulk/tilannekuva.zip", "/upotus/map?sivu=asuminen"):
        resp = client.get(url)
        assert resp.status_code == 503, url
        assert resp.headers["Retry-After"] and b"Traceback" not in resp.data
    body = client.get(f"{API}/regions").get_json()
    assert body["error"]["status"] == 503 and body["error"]["messages"]["en"]
    engine.dispose()


# --- fuzzing: untrusted input never becomes a 500 -----------------------------------------------

_FUZZ = settings(deadline=None, derandomize=True, database=None, max_examples=150,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
_NAMES = st.sampled_from(["indicator", "region", "year", "from", "to", "format", "area", "kunta", "vuosi",
                          "indikaattori", "sivu", "kieli", "kartta", "esitys", "x"])
_VALUES = st.one_of(
    st.sampled_from(["tyottomat_pct", "109", "SSS", "2020", "2020,2021", "csv", "json", "asuminen", "sv",
                     "ruudut", "1", "", "' OR 1=1 --", "<script>", "javascript:alert(1)", "9" * 500, "%00",
                     "-1", "1e9", "2020,,", ",", "MK05", "ääö"]),
    st.text(max_size=30),
)


@_FUZZ
@given(params=st.lists(st.tuples(_NAMES, _VALUES), max_size=5),
       path=st.sampled_from([f"{API}/observations", f"{API}/observations.csv", f"{API}/indicators",
                             f"{API}/regions", "/upotus/map", "/upotus/trend", "/upotus/bar", "/upotus/table"]))
def test_api014_untrusted_parameters_never_give_a_500(api, params, path):
    from urllib.parse import urlencode

    resp = api.get(path + "?" + urlencode(params))
    assert resp.status_code in (200, 400, 404), (path, params, resp.status_code, resp.data[:300])
    if path.startswith(API) and resp.status_code == 400:
        err = resp.get_json()["error"]
        assert err["message"] and err["messages"]["en"]
    assert b"Traceback" not in resp.data
