"""Tile map: one equal square per municipality, no overlaps, works for any county profile."""
from __future__ import annotations

import json
import time

import pytest
import shapely
from shapely.geometry import shape

from data_pipeline.geo_tiles import build_tiles, tile_features
from data_pipeline.registry import load_registry


def _geoms(fc):
    return [shape(f["geometry"]) for f in fc["features"]]


def _check_tiles(fc, county):
    codes = [f["properties"]["code"] for f in fc["features"]]
    assert sorted(codes) == sorted(county.municipality_codes)
    geoms = _geoms(fc)
    assert all(g.is_valid and g.geom_type == "Polygon" for g in geoms)
    areas = [g.area for g in geoms]
    assert max(areas) - min(areas) < 1e-9 and min(areas) > 0
    for i, a in enumerate(geoms):  # squares: as wide as tall, four corners
        minx, miny, maxx, maxy = a.bounds
        assert abs((maxx - minx) - (maxy - miny)) < 1e-9
        assert len(a.exterior.coords) == 5
        assert not a.exterior.is_ccw, "exterior rings are clockwise for plotly geo"
        for b in geoms[i + 1 :]:
            assert a.intersection(b).area == 0
    for f, g in zip(fc["features"], geoms):
        assert g.contains(shapely.Point(f["properties"]["label"]))
        assert f["properties"]["name_fi"] and f["properties"]["name_sv"] and f["properties"]["name_en"]
    return geoms


def test_geo101_kanta_hame_tiles_follow_the_profile(registry, tmp_path):
    start = time.perf_counter()
    path = build_tiles(registry, tmp_path / "build")
    assert time.perf_counter() - start < 1.0
    fc = json.loads(path.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and fc["layout"] == "profile"
    geoms = _check_tiles(fc, registry.county)
    by_code = {f["properties"]["code"]: (f, g) for f, g in zip(fc["features"], geoms)}
    for code, (col, row) in registry.county.tiles.items():
        feature, _ = by_code[code]
        assert (feature["properties"]["col"], feature["properties"]["row"]) == (col, row)
    # row 0 is the top: Hattula (row 0) lies north of Hämeenlinna (row 1) in the same column
    assert by_code["082"][1].centroid.y > by_code["109"][1].centroid.y
    # col grows to the east: Humppila (col 0) is west of Loppi (col 3)
    assert by_code["103"][1].centroid.x < by_code["433"][1].centroid.x


def test_geo102_second_profile_paijat_hame(tmp_path):
    reg = load_registry("paijat-hame")
    fc = json.loads(build_tiles(reg, tmp_path).read_text(encoding="utf-8"))
    _check_tiles(fc, reg.county)
    assert len(fc["features"]) == len(reg.county.municipalities) == 10


@pytest.mark.parametrize("profile", ["kanta-hame", "paijat-hame"])
def test_geo103_profile_without_tiles_gets_a_compact_grid(profile):
    county = load_registry(profile).county.model_copy(update={"tiles": {}})
    fc = tile_features(county)
    assert fc["layout"] == "generated"
    _check_tiles(fc, county)
    cells = {(f["properties"]["col"], f["properties"]["row"]) for f in fc["features"]}
    assert len(cells) == len(county.municipalities)
    ncols = max(c for c, _ in cells) + 1
    assert ncols * ncols >= len(cells) > (ncols - 1) * (ncols - 1)  # compact: ceil(sqrt(n)) columns
    # municipalities of one sub-region are contiguous in reading order
    order = sorted(fc["features"], key=lambda f: (f["properties"]["row"], f["properties"]["col"]))
    subs = [f["properties"]["subregion"] for f in order]
    assert subs == sorted(subs)


def test_geo104_tiles_are_deterministic(registry):
    assert json.dumps(tile_features(registry.county)) == json.dumps(tile_features(registry.county))
