"""Tile map of the county: one equal-area square per municipality.

Why: the dashboard needs a map before any boundary file has been loaded (first start, offline
machine, failed WFS). A tile map is also easier to read for eleven municipalities of very different
size (Hämeenlinna vs. Humppila). The tiles are a GeoJSON FeatureCollection keyed by
``properties.code``, exactly like ``county.json``, so the same ``go.Choropleth`` code draws both.

Geometry rules (also in geo/README.md):

* A cell is ``CELL_DEG`` degrees wide and tall; the square inside it is ``CELL_DEG - GAP_DEG``
  (the gap makes the tiles read as tiles). The grid is centred on lon 0 / lat 0 where a degree of
  longitude and of latitude are practically the same length, so the squares are squares and have
  equal area in any projection plotly offers (the grid spans a few degrees only).
* Layout: the county profile's ``tiles`` (col, row; row 0 at the top). A profile without ``tiles``
  gets a generated compact grid: ``ceil(sqrt(n))`` columns, municipalities ordered by sub-region and
  then Finnish name, filled row by row, so a sub-region's municipalities sit next to each other.
* Exterior rings are clockwise (the d3-geo convention plotly's ``geo`` subplot uses).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from data_pipeline.registry import County, Registry
from data_pipeline.snapshot import atomic_write

CELL_DEG = 1.0
GAP_DEG = 0.08
TILES_FILE = "tiles.json"


def write_json_atomic(path: Path, obj, *, compact: bool = True) -> int:
    """Write JSON through a temporary file and rename: readers never see half a file. Returns bytes."""
    path = Path(path)
    data = (
        json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        if compact
        else json.dumps(obj, ensure_ascii=False, indent=2)
    ).encode("utf-8")
    atomic_write(path, data)
    return len(data)


def tile_layout(county: County) -> tuple[dict[str, tuple[int, int]], str]:
    """(code -> (col, row), "profile" | "centroids" | "generated"): the profile's hand-made layout, else one
    placed from the municipalities' centroids, else (no centroids) alphabetical within sub-regions."""
    if county.tiles:
        return {code: (int(c), int(r)) for code, (c, r) in county.tiles.items()}, "profile"
    if all(m.centroid is not None for m in county.municipalities):
        return grid_from_points({m.code: m.centroid for m in county.municipalities}), "centroids"
    ordered = sorted(county.municipalities, key=lambda m: (m.subregion, m.name.fi))
    ncols = math.ceil(math.sqrt(len(ordered)))
    return {m.code: (i % ncols, i // ncols) for i, m in enumerate(ordered)}, "generated"


def grid_from_points(points: dict[str, tuple[float, float]]) -> dict[str, tuple[int, int]]:
    """Place one tile per point on a square grid keeping the geography: north up, west left.

    The points (lon, lat) are projected (longitude shrunk by cos(latitude)), scaled onto a grid a
    little larger than needed, and each point goes to the nearest free cell, closest pairs first
    (a greedy assignment: exact enough for a few dozen tiles). Empty rows and columns are dropped.
    """
    codes = sorted(points)
    lat0 = math.radians(sum(points[c][1] for c in codes) / len(codes))
    xy = {c: (points[c][0] * math.cos(lat0), points[c][1]) for c in codes}
    xs, ys = [p[0] for p in xy.values()], [p[1] for p in xy.values()]
    width, height = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    ncols = max(1, round(math.sqrt(len(codes) * width / height))) + 1
    nrows = max(1, math.ceil(len(codes) / (ncols - 1))) + 1
    target = {c: ((x - min(xs)) / width * (ncols - 1), (max(ys) - y) / height * (nrows - 1)) for c, (x, y) in xy.items()}
    pairs = sorted(
        ((tx - col) ** 2 + (ty - row) ** 2, c, col, row)
        for c, (tx, ty) in target.items() for col in range(ncols) for row in range(nrows)
    )
    placed: dict[str, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for _, c, col, row in pairs:
        if c not in placed and (col, row) not in taken:
            placed[c] = (col, row)
            taken.add((col, row))
    cols = {v: i for i, v in enumerate(sorted({col for col, _ in placed.values()}))}
    rows = {v: i for i, v in enumerate(sorted({row for _, row in placed.values()}))}
    return {c: (cols[col], rows[row]) for c, (col, row) in placed.items()}


def _r(x: float) -> float:
    return round(x, 5)


def tile_features(county: County) -> dict:
    """The tile FeatureCollection for a county profile (pure; no I/O)."""
    layout, origin = tile_layout(county)
    ncols = max(c for c, _ in layout.values()) + 1
    nrows = max(r for _, r in layout.values()) + 1
    # Grid centred on (0, 0); row 0 is the top row (largest latitude).
    left = -ncols * CELL_DEG / 2
    top = nrows * CELL_DEG / 2
    half_gap = GAP_DEG / 2
    names = {m.code: m for m in county.municipalities}
    features = []
    for code in sorted(layout):
        col, row = layout[code]
        x0 = left + col * CELL_DEG + half_gap
        x1 = left + (col + 1) * CELL_DEG - half_gap
        y1 = top - row * CELL_DEG - half_gap
        y0 = top - (row + 1) * CELL_DEG + half_gap
        ring = [[_r(x0), _r(y1)], [_r(x1), _r(y1)], [_r(x1), _r(y0)], [_r(x0), _r(y0)], [_r(x0), _r(y1)]]
        m = names[code]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "name_fi": m.name.fi,
                    "name_sv": m.name.sv,
                    "name_en": m.name.en,
                    "subregion": m.subregion,
                    "col": col,
                    "row": row,
                    "label": [_r((x0 + x1) / 2), _r((y0 + y1) / 2)],
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"tiles_{county.key}",
        "layout": origin,
        "cell_deg": CELL_DEG,
        "bbox": [_r(left), _r(-top), _r(-left), _r(top)],
        "features": features,
    }


def build_tiles(registry: Registry, out_dir: Path) -> Path:
    """Write ``tiles.json`` for the registry's county profile into ``out_dir``; returns its path."""
    path = Path(out_dir) / TILES_FILE
    write_json_atomic(path, tile_features(registry.county))
    return path
