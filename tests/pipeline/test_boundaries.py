"""Boundaries: WFS GeoJSON (recorded) -> compact, coverage-preserving lon/lat files; bad input loses nothing."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import select

from data_pipeline.db.schema import load_run
from data_pipeline.errors import InputError, SourceUnavailable
from data_pipeline.http import HttpClient
from data_pipeline.settings import Settings
from data_pipeline.snapshot import sha256_bytes
from data_pipeline.sources.boundaries import FINLAND_LONLAT, TARGET_BYTES, refresh_boundaries

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "geo"
SNAPSHOT_REL = "geo/kunta4500k_2024.geojson"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return replace(Settings.from_env({}), geo_dir=tmp_path / "geo", snapshot_dir=tmp_path / "snapshot")


@pytest.fixture(scope="module")
def built(offline_dir, tmp_path_factory, registry):
    """One offline build shared by the read-only checks (SQLite)."""
    from data_pipeline.db.engine import make_engine
    from data_pipeline.db.migrate import upgrade

    root = tmp_path_factory.mktemp("boundaries")
    eng = make_engine(f"sqlite:///{root / 'db.sqlite3'}")
    upgrade(eng)
    st = replace(Settings.from_env({}), geo_dir=root / "geo", snapshot_dir=root / "snapshot")
    summary = refresh_boundaries(eng, st, registry, offline_dir=offline_dir)
    build = root / "geo" / "build"
    docs = {name: json.loads((build / name).read_text(encoding="utf-8")) for name in ("municipalities.json", "county.json", "meta.json")}
    yield summary, build, docs
    eng.dispose()


def _geoms(fc):
    return [shape(f["geometry"]) for f in fc["features"]]


def _coords(fc):
    for f in fc["features"]:
        yield from shapely.get_coordinates(shape(f["geometry"])).ravel()


def test_geo001_county_file_has_exactly_the_county_municipalities(built, registry):
    summary, _, docs = built
    county = docs["county.json"]
    assert county["type"] == "FeatureCollection"
    assert sorted(f["properties"]["code"] for f in county["features"]) == sorted(registry.county.municipality_codes)
    names = {m.code: m.name for m in registry.county.municipalities}
    for f in county["features"]:
        p = f["properties"]
        assert p["in_county"] is True
        assert (p["name_fi"], p["name_sv"], p["name_en"]) == (names[p["code"]].fi, names[p["code"]].sv, names[p["code"]].en)
    assert summary["status"] == "success" and summary["county_features"] == len(names)


def test_geo002_all_municipalities_with_properties_and_county_flags(built, offline_dir, registry):
    _, _, docs = built
    fc = docs["municipalities.json"]
    source = json.loads((offline_dir / SNAPSHOT_REL).read_text(encoding="utf-8"))
    assert len(fc["features"]) == len(source["features"])
    codes = [f["properties"]["code"] for f in fc["features"]]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"\d{3}", c) for c in codes)
    flagged = {f["properties"]["code"] for f in fc["features"] if f["properties"]["in_county"]}
    assert flagged == set(registry.county.municipality_codes)
    src_names = {f["properties"]["kunta"]: f["properties"]["namn"] for f in source["features"]}
    outside = [f for f in fc["features"] if not f["properties"]["in_county"]]
    assert all(f["properties"]["name_sv"] == src_names[f["properties"]["code"]] for f in outside)


def test_geo003_valid_polygons_in_lonlat_within_finland(built):
    _, _, docs = built
    lon0, lat0, lon1, lat1 = FINLAND_LONLAT
    for name in ("municipalities.json", "county.json"):
        geoms = _geoms(docs[name])
        assert all(g.is_valid and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon") for g in geoms)
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        assert lon0 < minx < maxx < lon1 and lat0 < miny < maxy < lat1


def test_geo004_coverage_has_no_gaps_or_overlaps(built, offline_dir, registry):
    _, _, docs = built
    geoms = _geoms(docs["municipalities.json"])
    assert shapely.coverage_is_valid(geoms)
    # no overlaps between county neighbours, and the union is one piece without slivers
    county = _geoms(docs["county.json"])
    assert sum(g.area for g in county) == pytest.approx(shapely.union_all(county).area, rel=1e-9)
    union = shapely.union_all(county)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    # the simplified county covers the same area as the source (within 0.5 %)
    src = gpd.read_file(offline_dir / SNAPSHOT_REL).to_crs(4326)
    src_union = shapely.union_all(src[src["kunta"].isin(registry.county.municipality_codes)].geometry.values)
    assert union.area == pytest.approx(src_union.area, rel=5e-3)
    assert union.symmetric_difference(src_union).area / src_union.area < 0.01


def test_geo005_coordinates_rounded_and_sizes_within_targets(built):
    summary, build, docs = built
    for name in ("municipalities.json", "county.json"):
        assert all(abs(c * 1e5 - round(c * 1e5)) < 1e-6 for c in _coords(docs[name]))
        size = (build / name).stat().st_size
        assert size <= TARGET_BYTES[name]
        assert summary["bytes"][name] == size == docs["meta.json"]["bytes"][name]
    assert summary["vertices"]["county.json"] == sum(shapely.get_num_coordinates(g) for g in _geoms(docs["county.json"]))


def test_geo006_exterior_rings_are_clockwise_for_plotly_geo(built):
    _, _, docs = built
    for g in _geoms(docs["municipalities.json"]):
        for poly in getattr(g, "geoms", [g]):
            assert not poly.exterior.is_ccw


def test_geo007_meta_bounds_labels_and_provenance(built, offline_dir, registry):
    _, _, docs = built
    meta = docs["meta.json"]
    minx, miny, maxx, maxy = meta["bounds"]
    by_code = {f["properties"]["code"]: shape(f["geometry"]) for f in docs["county.json"]["features"]}
    for code, geom in by_code.items():
        gx0, gy0, gx1, gy1 = geom.bounds
        assert minx <= gx0 and miny <= gy0 and gx1 <= maxx and gy1 <= maxy
        label = shapely.Point(meta["municipalities"][code]["label"])
        assert geom.buffer(1e-4).contains(label), code
    assert set(meta["municipalities"]) == set(registry.county.municipality_codes)
    raw = (offline_dir / SNAPSHOT_REL).read_bytes()
    assert meta["source"]["sha256"] == sha256_bytes(raw)
    assert meta["source"]["crs"] == "EPSG:3067" and meta["source"]["licence"] == "CC BY 4.0"
    assert meta["source"]["layer"] == registry.sources.boundaries["municipalities"].layer
    assert meta["built_at"] and meta["simplify"]["tolerance_m"] > 0


def test_geo008_load_run_on_postgres_and_idempotent_rerun(pg_engine, settings, registry, offline_dir):
    first = refresh_boundaries(pg_engine, settings, registry, offline_dir=offline_dir)
    second = refresh_boundaries(pg_engine, settings, registry, offline_dir=offline_dir)
    with pg_engine.connect() as conn:
        runs = conn.execute(select(load_run).order_by(load_run.c.id)).mappings().all()
    assert [r["status"] for r in runs] == ["success", "success"]
    assert [r["source"] for r in runs] == ["boundaries"] * 2
    assert runs[0]["rows_inserted"] == first["features"] == 309 and runs[0]["offline"] is True
    assert runs[1]["rows_inserted"] == 0 and runs[1]["rows_unchanged"] == second["features"]
    assert runs[0]["sha256"] == sha256_bytes((offline_dir / SNAPSHOT_REL).read_bytes())
    assert runs[0]["location"].endswith(SNAPSHOT_REL) and runs[0]["dataset"].endswith("kunta4500k_2024")


def test_geo009_geographic_input_without_crs_member_is_wgs84(engine, settings, registry, tmp_path):
    (tmp_path / "rec" / "geo").mkdir(parents=True)
    (tmp_path / "rec" / SNAPSHOT_REL).write_bytes((FIXTURES / "grid_wgs84.geojson").read_bytes())
    summary = refresh_boundaries(engine, settings, registry, offline_dir=tmp_path / "rec")
    county = json.loads(Path(summary["files"]["county.json"]).read_text(encoding="utf-8"))
    geoms = _geoms(county)
    assert len(geoms) == 11 and shapely.coverage_is_valid(geoms)
    # cells of 0.4 x 0.2 degrees come back unchanged (straight edges simplify to their corners)
    assert all(g.area == pytest.approx(0.08, rel=1e-6) for g in geoms)


# --- bad inputs -------------------------------------------------------------------------------


def _good_doc(offline_dir):
    return json.loads((offline_dir / SNAPSHOT_REL).read_text(encoding="utf-8"))


def _truncated(doc, raw):
    return raw[: len(raw) // 2]


def _not_collection(doc, raw):
    return (FIXTURES / "not_a_collection.geojson").read_bytes()


def _missing_code(doc, raw):
    del doc["features"][5]["properties"]["kunta"]
    return json.dumps(doc).encode()


def _county_missing(doc, raw):
    doc["features"] = [f for f in doc["features"] if f["properties"]["kunta"] != "981"]
    return json.dumps(doc).encode()


def _invalid_geometry(doc, raw):
    for f in doc["features"]:
        if f["properties"]["kunta"] == "103":
            f["geometry"] = json.loads((FIXTURES / "bowtie_geometry.json").read_text())
    return json.dumps(doc).encode()


def _unknown_crs(doc, raw):
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::99999"}}
    return json.dumps(doc).encode()


def _wrong_crs(doc, raw):
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    return json.dumps(doc).encode()


def _bad_code(doc, raw):
    doc["features"][0]["properties"]["kunta"] = 5
    return json.dumps(doc).encode()


def _not_a_feature(doc, raw):
    doc["features"].insert(2, None)
    return json.dumps(doc).encode()


BAD = [
    ("not_a_feature", _not_a_feature, r"feature 2: not a GeoJSON Feature: 'None'"),
    ("truncated", _truncated, r"malformed or truncated JSON"),
    ("not_collection", _not_collection, r"not a GeoJSON FeatureCollection \(type is 'Feature'\)"),
    ("missing_code", _missing_code, r"feature 5: property 'kunta' \(municipality code\) is missing"),
    ("county_missing", _county_missing, r"county municipalities missing from the file: 981"),
    ("invalid_geometry", _invalid_geometry, r"kunta=103\): invalid polygon: Self-intersection"),
    ("unknown_crs", _unknown_crs, r"unknown coordinate reference system 'urn:ogc:def:crs:EPSG::99999'"),
    ("wrong_crs", _wrong_crs, r"fall outside Finland"),
    ("bad_code", _bad_code, r"feature 0: kunta=5 is not a 3-digit municipality code"),
]


@pytest.mark.parametrize("case,mutate,message", BAD, ids=[b[0] for b in BAD])
def test_geo010_bad_input_is_rejected_and_nothing_is_replaced(case, mutate, message, engine, settings, registry, offline_dir, tmp_path):
    good = refresh_boundaries(engine, settings, registry, offline_dir=offline_dir)
    before = {name: Path(p).read_bytes() for name, p in good["files"].items()}
    mtimes = {name: Path(p).stat().st_mtime_ns for name, p in good["files"].items()}
    bad_dir = tmp_path / "bad"
    (bad_dir / "geo").mkdir(parents=True)
    raw = (offline_dir / SNAPSHOT_REL).read_bytes()
    (bad_dir / SNAPSHOT_REL).write_bytes(mutate(_good_doc(offline_dir), raw))
    with pytest.raises(InputError) as err:
        refresh_boundaries(engine, settings, registry, offline_dir=bad_dir)
    text = str(err.value)
    assert re.search(message, text), text
    assert str(bad_dir / SNAPSHOT_REL) in text and "nothing was loaded" in text
    for name, p in good["files"].items():
        assert Path(p).read_bytes() == before[name] and Path(p).stat().st_mtime_ns == mtimes[name]
    with engine.connect() as conn:
        runs = conn.execute(select(load_run.c.status, load_run.c.error).order_by(load_run.c.id)).all()
    assert [r.status for r in runs] == ["success", "failed"]
    assert "InputError" in runs[-1].error


def test_geo011_all_problems_reported_at_once(engine, settings, registry, offline_dir, tmp_path):
    doc = _good_doc(offline_dir)
    del doc["features"][3]["properties"]["kunta"]
    doc["features"] = [f for f in doc["features"] if f["properties"].get("kunta") != "433"]
    doc["features"][7]["geometry"] = {"type": "Point", "coordinates": [300000, 6800000]}
    (tmp_path / "bad" / "geo").mkdir(parents=True)
    (tmp_path / "bad" / SNAPSHOT_REL).write_text(json.dumps(doc))
    with pytest.raises(InputError) as err:
        refresh_boundaries(engine, settings, registry, offline_dir=tmp_path / "bad")
    messages = [p.message for p in err.value.problems]
    assert len(messages) == 3
    assert any("is missing" in m for m in messages)
    assert any("got 'Point'" in m for m in messages)
    assert any("missing from the file: 433" in m for m in messages)
    assert not (settings.geo_dir / "build").exists()


class _FakeResponse:
    def __init__(self, status, content=b""):
        self.status_code, self.content, self.headers = status, content, {}


class _FakeSession:
    def __init__(self, responses):
        self.responses, self.headers, self.calls = list(responses), {}, []

    def request(self, method, url, params=None, json=None, timeout=None):
        self.calls.append((method, url, params))
        return self.responses.pop(0)


def test_geo012_live_fetch_writes_the_snapshot_before_parsing(engine, settings, registry, offline_dir):
    raw = (offline_dir / SNAPSHOT_REL).read_bytes()
    session = _FakeSession([_FakeResponse(200, raw)])
    summary = refresh_boundaries(engine, settings, registry, http=HttpClient("test", session=session, sleep=lambda s: None))
    method, url, params = session.calls[0]
    assert method == "GET" and url == "https://geo.stat.fi/geoserver/tilastointialueet/wfs"
    assert params == {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": registry.sources.boundaries["municipalities"].layer,
        "outputFormat": "application/json",
    }
    stored = settings.snapshot_dir / SNAPSHOT_REL
    assert stored.read_bytes() == raw
    sidecar = json.loads(stored.with_name(stored.name + ".meta.json").read_text())
    assert sidecar["sha256"] == sha256_bytes(raw)
    query = parse_qs(urlsplit(sidecar["url"]).query)
    assert query["typeNames"] == [registry.sources.boundaries["municipalities"].layer]
    assert summary["location"] == sidecar["url"] and summary["offline"] is False


def test_geo013_live_source_unreachable_writes_nothing(engine, settings, registry):
    session = _FakeSession([_FakeResponse(503)] * 3)
    client = HttpClient("test", session=session, retries=2, sleep=lambda s: None)
    with pytest.raises(SourceUnavailable):
        refresh_boundaries(engine, settings, registry, http=client)
    assert not (settings.geo_dir / "build").exists() and not settings.snapshot_dir.exists()
    with engine.connect() as conn:
        assert conn.execute(select(load_run)).all() == []


def test_geo014_bad_live_response_is_kept_as_snapshot_but_not_built(engine, settings, registry):
    session = _FakeSession([_FakeResponse(200, b'{"type": "FeatureCollection", "features": [')])
    with pytest.raises(InputError, match="malformed or truncated JSON"):
        refresh_boundaries(engine, settings, registry, http=HttpClient("test", session=session, sleep=lambda s: None))
    assert (settings.snapshot_dir / SNAPSHOT_REL).exists()  # kept for diagnosis
    assert not (settings.geo_dir / "build").exists()
