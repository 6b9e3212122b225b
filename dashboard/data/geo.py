"""Geometry for the maps: served once as a file by URL, never inlined into figures.

The pipeline writes ``<geo_dir>/build/{county,tiles,municipalities,meta}.json``. Figures reference
``/geo/<name>.json?v=<version>``; plotly.js fetches the file once and caches it, so a figure (and
every update) carries only codes and values. The version is derived from the file's size and
modification time, so a rebuilt file gets a new URL while the old one may be cached for long.

When ``tiles.json`` has not been built yet the tile map is generated from the county profile
(the same function the pipeline uses); when ``county.json`` is missing only the tile map is offered.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, request

FILES = {"county": "county.json", "tiles": "tiles.json", "municipalities": "municipalities.json",
         "outline": "outline.json"}
MODE_FILE = {"geo": "county", "tiles": "tiles", "country": "municipalities"}
CACHE_SECONDS = 7 * 24 * 3600
GEOJSON_MIMETYPES = ["application/json", "application/geo+json"]


@dataclass(frozen=True)
class GeoFile:
    name: str
    path: Path
    version: str

    @property
    def url(self) -> str:
        return f"/geo/{self.name}.json?v={self.version}"


class GeoStore:
    """Finds the prepared geometry files and their label points for one county profile."""

    def __init__(self, geo_dir: Path, registry) -> None:
        self.geo_dir = Path(geo_dir)
        self.registry = registry
        self._lock = threading.Lock()
        self._labels: dict[tuple, dict[str, tuple[float, float]]] = {}

    @property
    def build_dir(self) -> Path:
        return self.geo_dir / "build"

    def _fallback_tiles(self) -> Path:
        """Tiles generated from the county profile into a temporary folder (pipeline not run yet)."""
        from data_pipeline.geo_tiles import tile_features, write_json_atomic

        folder = Path(tempfile.gettempdir()) / "tilannekuva-geo"
        path = folder / f"{self.registry.county.key}-tiles.json"
        doc = tile_features(self.registry.county)
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if not path.exists() or path.read_text(encoding="utf-8") != data:
                write_json_atomic(path, doc)
        return path

    def _outline(self) -> Path | None:
        """The county's outer boundary, dissolved from the whole-country municipalities (the same
        simplified coverage, so it lies exactly on their edges); written once per geometry version."""
        source = self.file("municipalities")
        if source is None:
            return None
        folder = Path(tempfile.gettempdir()) / "tilannekuva-geo"
        path = folder / f"{self.registry.county.key}-outline-{source.version}.json"
        with self._lock:
            if path.is_file():
                return path
        from shapely.geometry import mapping, shape
        from shapely.geometry.polygon import orient
        from shapely.ops import unary_union

        from data_pipeline.geo_tiles import write_json_atomic

        codes = set(self.registry.county.municipality_codes)
        doc = json.loads(source.path.read_text(encoding="utf-8"))
        parts = [shape(f["geometry"]) for f in doc.get("features", []) if (f.get("properties") or {}).get("code") in codes]
        if not parts:
            return None
        merged = unary_union(parts)
        polys = list(merged.geoms) if merged.geom_type == "MultiPolygon" else [merged]
        # Clockwise exterior rings: the d3-geo convention of plotly's geo subplot (see geo/README.md).
        geometry = mapping(unary_union([orient(p, sign=-1.0) for p in polys]) if len(polys) > 1 else orient(polys[0], sign=-1.0))
        code = self.registry.county.region.code
        feature = {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
        with self._lock:
            write_json_atomic(path, {"type": "FeatureCollection", "features": [feature]})
        return path

    def file(self, name: str) -> GeoFile | None:
        if name not in FILES:
            return None
        path = self.build_dir / FILES[name]
        if name == "outline" and not path.is_file():
            found = self._outline()
            if found is None:
                return None
            path = found
        if not path.is_file():
            if name != "tiles":
                return None
            path = self._fallback_tiles()
        stat = path.stat()
        version = hashlib.sha1(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]
        return GeoFile(name, path, version)

    def modes(self) -> list[str]:
        """Map modes that can be drawn: 'geo' only when boundaries were built, 'country' when the
        whole country's municipalities were built too."""
        modes = ["geo", "tiles"] if self.file("county") else ["tiles"]
        return modes + ["country"] if self.file("municipalities") else modes

    def country_codes(self) -> list[str]:
        """Every municipality code of the whole-country geometry, in code order ([] without it)."""
        gf = self.file("municipalities")
        if gf is None:
            return []
        key = ("codes", gf.name, gf.version)
        with self._lock:
            if key in self._labels:
                return self._labels[key]  # type: ignore[return-value]
        doc = json.loads(gf.path.read_text(encoding="utf-8"))
        codes = sorted({(f.get("properties") or {}).get("code") for f in doc.get("features", [])} - {None})
        with self._lock:
            self._labels[key] = codes  # type: ignore[assignment]
        return codes

    def names(self) -> dict[str, dict[str, str]]:
        """code -> {fi, sv, en} names of every municipality of the whole-country geometry."""
        gf = self.file("municipalities")
        if gf is None:
            return {}
        key = ("names", gf.name, gf.version)
        with self._lock:
            if key in self._labels:
                return self._labels[key]  # type: ignore[return-value]
        doc = json.loads(gf.path.read_text(encoding="utf-8"))
        out = {}
        for f in doc.get("features", []):
            p = f.get("properties") or {}
            if p.get("code"):
                out[p["code"]] = {lang: p.get(f"name_{lang}") or p.get("name_fi") or p["code"] for lang in ("fi", "sv", "en")}
        with self._lock:
            self._labels[key] = out  # type: ignore[assignment]
        return out

    def for_mode(self, mode: str) -> GeoFile:
        """The file of a map mode, falling back to tiles when the boundaries are missing."""
        found = self.file(MODE_FILE.get(mode, "tiles"))
        return found if found is not None else self.file("tiles")  # type: ignore[return-value]

    def bounds(self, mode: str) -> list[float] | None:
        """[min lon, min lat, max lon, max lat] of the county in a map mode."""
        gf = self.for_mode(mode)
        key = ("bounds", gf.name, gf.version, mode)
        with self._lock:
            if key in self._labels:
                return self._labels[key]  # type: ignore[return-value]
        doc = json.loads(gf.path.read_text(encoding="utf-8"))
        xs, ys = [], []

        def walk(coords):
            if coords and isinstance(coords[0], (int, float)):
                xs.append(coords[0])
                ys.append(coords[1])
            else:
                for c in coords:
                    walk(c)

        codes = set(self.registry.county.municipality_codes)
        for feat in doc.get("features", []):
            if mode == "country" or (feat.get("properties") or {}).get("code") in codes:
                walk((feat.get("geometry") or {}).get("coordinates") or [])
        result = [min(xs), min(ys), max(xs), max(ys)] if xs else None
        with self._lock:
            self._labels[key] = result  # type: ignore[assignment]
        return result

    def label_points(self, mode: str) -> dict[str, tuple[float, float]]:
        """Municipality code -> (lon, lat) where its name and value are written on the map."""
        gf = self.for_mode(mode)
        key = (gf.name, gf.version)
        with self._lock:
            if key in self._labels:
                return self._labels[key]
        points: dict[str, tuple[float, float]] = {}
        doc = json.loads(gf.path.read_text(encoding="utf-8"))
        meta_path = self.build_dir / "meta.json"
        if gf.name == "county" and meta_path.is_file():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                for code, info in (meta.get("municipalities") or {}).items():
                    if isinstance(info, dict) and info.get("label"):
                        points[code] = (float(info["label"][0]), float(info["label"][1]))
            except (ValueError, TypeError, KeyError):
                points = {}
        for feat in doc.get("features", []):
            props = feat.get("properties") or {}
            code = props.get("code")
            if code and code not in points:
                if props.get("label"):
                    points[code] = (float(props["label"][0]), float(props["label"][1]))
                else:
                    points[code] = _label_point(feat.get("geometry"))
        with self._lock:
            self._labels[key] = points
        return points


def _label_point(geometry) -> tuple[float, float]:
    """A point well inside a polygon (pole of inaccessibility), for geometry without meta labels."""
    from shapely.geometry import shape
    from shapely.ops import polylabel

    geom = shape(geometry)
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    point = polylabel(geom, tolerance=0.001)
    return (round(point.x, 5), round(point.y, 5))


def register_routes(server, store_getter) -> None:
    """``/geo/<name>.json``: the geometry files, cacheable (versioned URL) and compressible."""

    @server.route("/geo/<name>.json")
    def geo_file(name: str):
        gf = store_getter().file(name)
        if gf is None:
            abort(404)
        data = gf.path.read_bytes()
        resp = Response(data, mimetype="application/json")
        resp.set_etag(gf.version)
        resp.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return resp.make_conditional(request)
