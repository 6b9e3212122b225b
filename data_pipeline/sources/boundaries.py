"""Municipal boundaries: Statistics Finland WFS -> compact GeoJSON files for the dashboard.

Why this shape: the dashboard references geometry by URL and never rebuilds it per request, so the
files must be small, in lon/lat, keyed by the municipality code, and without gaps or overlaps
between neighbours (``shapely.coverage_simplify`` simplifies shared edges once, unlike per-polygon
``simplify`` which opens slivers). The raw response is written to the snapshot folder before it is
parsed, so every build can be replayed offline (``refresh --offline DIR``).

Outputs in ``<geo_dir>/build/`` (see geo/README.md):
  municipalities.json  every municipality of Finland (code, name_fi, name_sv, name_en, in_county)
  county.json          only the county profile's municipalities (same properties)
  meta.json            county bounds, label points, source, sha256, licence, sizes, built_at

Nothing is written unless the whole input validated; a bad input raises InputError listing every
problem, and the load run is recorded as failed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy import Engine

from data_pipeline.errors import InputError, Problem
from data_pipeline.geo_tiles import write_json_atomic
from data_pipeline.http import HttpClient
from data_pipeline.load import recorded_load
from data_pipeline.progress import Progress
from data_pipeline.registry import Registry
from data_pipeline.snapshot import Snapshot
from data_pipeline.sources import Fetcher

#: Lon/lat box Finland (with Åland) lies in, with a margin; anything outside means a wrong CRS.
FINLAND_LONLAT = (19.0, 59.3, 32.0, 70.5)
#: Projected CRS used for simplification (metres) when the input is geographic.
WORK_CRS = "EPSG:3067"
DECIMALS = 5
#: Simplification tolerances tried in order (metres); the first that meets the size targets wins.
TOLERANCES_M = (50, 100, 200, 400, 800, 1600, 3200)
TARGET_BYTES = {"county.json": 60_000, "municipalities.json": 400_000}
OUTPUT_FILES = ("municipalities.json", "county.json", "meta.json")
POLYGONAL = {"Polygon", "MultiPolygon"}


def wfs_params(layer: str) -> dict:
    """GetFeature query for a layer, native CRS (EPSG:3067), GeoJSON output."""
    return {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": layer,
        "outputFormat": "application/json",
    }


@dataclass
class Built:
    """Validated, simplified boundaries ready to be written."""

    files: dict[str, dict]
    vertices: dict[str, int]
    tolerance_m: float
    source_vertices: int
    features: int
    county_features: int
    notes: list[str] = field(default_factory=list)


# --- validation -------------------------------------------------------------------------------


def _crs_of(doc: dict, where: str, problems: list[Problem]) -> CRS | None:
    """The ``crs`` member (legacy GeoJSON, used by GeoServer) or WGS84 (RFC 7946) when absent."""
    member = doc.get("crs")
    if member is None:
        return CRS.from_epsg(4326)
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not name:
        problems.append(Problem(f"{where}: crs", f"crs member has no properties.name: {member!r}"))
        return None
    try:
        return CRS.from_user_input(name)
    except CRSError:
        problems.append(Problem(f"{where}: crs", f"unknown coordinate reference system {name!r}"))
        return None


def parse_boundaries(snapshot: Snapshot, code_property: str, county_codes: list[str]) -> gpd.GeoDataFrame:
    """Parse and validate a WFS GeoJSON response; every problem is collected into one InputError."""
    where = str(snapshot.path)
    doc = snapshot.json()  # malformed / truncated JSON -> InputError naming the file
    problems: list[Problem] = []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(where, [Problem(where, f"not a GeoJSON FeatureCollection (type is {kind!r})")])
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise InputError(where, [Problem(where, "FeatureCollection has no features")])
    crs = _crs_of(doc, where, problems)

    rows, geoms = [], []
    seen: dict[str, int] = {}
    for i, feat in enumerate(features):
        fw = f"{where}: feature {i}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.append(Problem(fw, f"not a GeoJSON Feature: {str(feat)[:80]!r}"))
            rows.append({"code": None, "name_fi": None, "name_sv": None, "name_en": None})
            geoms.append(None)
            continue
        props = feat.get("properties") or {}
        code = props.get(code_property)
        if code is None:
            problems.append(Problem(fw, f"property {code_property!r} (municipality code) is missing"))
        elif not (isinstance(code, str) and len(code) == 3 and code.isdigit()):
            problems.append(Problem(fw, f"{code_property}={code!r} is not a 3-digit municipality code"))
            code = None
        elif code in seen:
            problems.append(Problem(fw, f"{code_property}={code} repeats feature {seen[code]}"))
        else:
            seen[code] = i
        fw = f"{fw} ({code_property}={code})" if code else fw
        gj = feat.get("geometry")
        geom = None
        if not isinstance(gj, dict) or gj.get("type") not in POLYGONAL:
            got = gj.get("type") if isinstance(gj, dict) else gj
            problems.append(Problem(fw, f"geometry must be Polygon or MultiPolygon, got {got!r}"))
        else:
            try:
                geom = shapely.from_geojson(json.dumps(gj))
            except Exception as exc:  # noqa: BLE001 - shapely raises GEOSException/ValueError variants
                problems.append(Problem(fw, f"unreadable geometry: {exc}"))
            else:
                if geom.is_empty:
                    problems.append(Problem(fw, "geometry is empty"))
                    geom = None
                elif not geom.is_valid:
                    problems.append(Problem(fw, f"invalid polygon: {shapely.is_valid_reason(geom)}"))
        rows.append(
            {
                "code": code,
                "name_fi": props.get("nimi") or props.get("name_fi"),
                "name_sv": props.get("namn") or props.get("name_sv"),
                "name_en": props.get("name") or props.get("name_en"),
            }
        )
        geoms.append(geom)

    missing = [c for c in county_codes if c not in seen]
    if missing:
        problems.append(Problem(where, f"county municipalities missing from the file: {', '.join(missing)}"))
    if problems:
        raise InputError(where, problems)

    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
    lonlat = frame.to_crs(4326) if not frame.crs.equals(CRS.from_epsg(4326)) else frame
    minx, miny, maxx, maxy = lonlat.total_bounds
    fx0, fy0, fx1, fy1 = FINLAND_LONLAT
    if not np.all(np.isfinite([minx, miny, maxx, maxy])) or minx < fx0 or miny < fy0 or maxx > fx1 or maxy > fy1:
        raise InputError(
            where,
            [
                Problem(
                    f"{where}: crs",
                    f"coordinates read as {crs.to_string()} fall outside Finland "
                    f"(lon {minx:.2f}…{maxx:.2f}, lat {miny:.2f}…{maxy:.2f}); is the crs member right?",
                )
            ],
        )
    return frame


# --- geometry processing ----------------------------------------------------------------------


def _round_geoms(geoms: np.ndarray) -> np.ndarray:
    """Round to DECIMALS; shared vertices round identically, so neighbours stay edge-matched."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))
    rounded = shapely.remove_repeated_points(rounded, 0.0)
    bad = ~shapely.is_valid(rounded)
    if bad.any():  # a rounding fold on a tiny spike: repair, keep the polygonal part
        fixed = shapely.make_valid(rounded[bad])
        rounded[bad] = [
            shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in POLYGONAL]) for g in fixed
        ]
    return shapely.orient_polygons(rounded, exterior_cw=True)


def _coords(geom) -> list:
    """GeoJSON coordinates with short decimal representations."""
    def ring(r):
        return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in r.coords]

    def poly(p):
        return [ring(p.exterior)] + [ring(i) for i in p.interiors]

    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": poly(geom)}
    return {"type": "MultiPolygon", "coordinates": [poly(p) for p in geom.geoms]}


def _collection(frame: gpd.GeoDataFrame, geoms: np.ndarray, mask: np.ndarray) -> dict:
    feats = []
    for (_, row), geom, keep in zip(frame.iterrows(), geoms, mask):
        if not keep:
            continue
        feats.append(
            {
                "type": "Feature",
                "id": row["code"],
                "properties": {
                    "code": row["code"],
                    "name_fi": row["name_fi"],
                    "name_sv": row["name_sv"],
                    "name_en": row["name_en"],
                    "in_county": bool(row["in_county"]),
                },
                "geometry": _coords(geom),
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _size(obj: dict) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _lonlat(points: np.ndarray, crs) -> list[list[float]]:
    series = gpd.GeoSeries(points, crs=crs).to_crs(4326)
    return [[round(p.x, DECIMALS), round(p.y, DECIMALS)] for p in series]


def build_boundaries(frame: gpd.GeoDataFrame, registry: Registry) -> Built:
    """Simplify (coverage-preserving), reproject, round and lay out the three output documents."""
    county = registry.county
    names = {m.code: m.name for m in county.municipalities}
    frame = frame.copy()
    frame["in_county"] = frame["code"].isin(names)
    for lang in ("fi", "sv", "en"):  # the county profile's names win; others fall back to Finnish
        col = f"name_{lang}"
        frame[col] = [
            getattr(names[c], lang) if c in names else _text(v) or _text(fi) or c
            for c, v, fi in zip(frame["code"], frame[col], frame["name_fi"])
        ]
    work = frame if frame.crs.is_projected else frame.to_crs(WORK_CRS)
    source = work.geometry.values
    notes: list[str] = []
    coverage_ok = bool(shapely.coverage_is_valid(np.asarray(source)))
    if not coverage_ok:
        notes.append("input polygons overlap or mismatch at shared edges: simplified per polygon")
    in_county = frame["in_county"].to_numpy()

    chosen = None
    for tol in TOLERANCES_M:
        simple = (
            shapely.coverage_simplify(np.asarray(source), tol)
            if coverage_ok
            else shapely.simplify(np.asarray(source), tol, preserve_topology=True)
        )
        lonlat = gpd.GeoSeries(simple, crs=work.crs).to_crs(4326).values
        rounded = _round_geoms(np.asarray(lonlat))
        municipalities = _collection(frame, rounded, np.ones(len(frame), dtype=bool))
        county_fc = _collection(frame, rounded, in_county)
        chosen = (tol, rounded, municipalities, county_fc)
        if _size(county_fc) <= TARGET_BYTES["county.json"] and _size(municipalities) <= TARGET_BYTES["municipalities.json"]:
            break
    else:
        notes.append(f"size targets not met even at {TOLERANCES_M[-1]} m tolerance")
    tol, rounded, municipalities, county_fc = chosen

    county_work = work[in_county]
    labels = shapely.get_point(shapely.maximum_inscribed_circle(county_work.geometry.values, 50.0), 0)
    label_ll = _lonlat(labels, work.crs)
    centroid_ll = _lonlat(county_work.geometry.centroid.values, work.crs)
    county_geoms = rounded[in_county]
    bounds = [round(float(b), DECIMALS) for b in shapely.total_bounds(county_geoms)]
    vertices = {
        "municipalities.json": int(shapely.get_num_coordinates(rounded).sum()),
        "county.json": int(shapely.get_num_coordinates(county_geoms).sum()),
    }
    meta = {
        "county": {"key": county.key, "region_code": county.region.code, "municipalities": county.municipality_codes},
        "bounds": bounds,
        "bounds_all": [round(float(b), DECIMALS) for b in shapely.total_bounds(rounded)],
        "municipalities": {
            code: {"name_fi": names[code].fi, "name_sv": names[code].sv, "name_en": names[code].en, "label": lab, "centroid": cen}
            for code, lab, cen in zip(county_work["code"], label_ll, centroid_ll)
        },
        "simplify": {
            "method": "shapely.coverage_simplify" if coverage_ok else "shapely.simplify (per polygon)",
            "tolerance_m": tol,
            "decimals": DECIMALS,
            "winding": "exterior rings clockwise (d3-geo / plotly geo convention)",
        },
    }
    return Built(
        files={"municipalities.json": municipalities, "county.json": county_fc, "meta.json": meta},
        vertices={"source": int(shapely.get_num_coordinates(source).sum()), **vertices},
        tolerance_m=tol,
        source_vertices=int(shapely.get_num_coordinates(source).sum()),
        features=len(frame),
        county_features=int(in_county.sum()),
        notes=notes,
    )


# --- refresh ----------------------------------------------------------------------------------


def refresh_boundaries(
    engine: Engine,
    settings,
    registry: Registry,
    offline_dir=None,
    progress: Progress | None = None,
    *,
    http: HttpClient | None = None,
) -> dict:
    """Fetch (or replay) the municipal boundaries and write the dashboard's geometry files.

    ``http`` lets tests (and refresh) pass their own client; by default one is made from settings.

    Returns a summary: status, run_id, location, sha256, features, files, vertices, bytes.
    Raises InputError (bad file; nothing written, run recorded as failed) or SourceUnavailable.
    """
    progress = progress or Progress(quiet=True)
    layer = registry.sources.boundaries["municipalities"]
    provider = registry.sources.providers["boundaries"]
    offline = offline_dir is not None
    if offline:
        fetcher = Fetcher(root=Path(offline_dir), offline=True)
        progress.step(f"boundaries: replaying {Path(offline_dir) / layer.snapshot}")
    else:
        fetcher = Fetcher(root=Path(settings.snapshot_dir), offline=False, http=http or HttpClient(settings.user_agent, timeout=120.0))
        progress.step(f"boundaries: WFS GetFeature {layer.layer}")
    snapshot = fetcher.get(
        layer.snapshot, provider.api, params=wfs_params(layer.layer), source="boundaries", licence=provider.licence
    )
    out_dir = Path(settings.geo_dir) / "build"
    with recorded_load(
        engine, source="boundaries", dataset=layer.layer, location=snapshot.location, sha256=snapshot.sha256, offline=offline
    ) as (run, _conn):
        frame = parse_boundaries(snapshot, layer.code_property, registry.county.municipality_codes)
        built = build_boundaries(frame, registry)
        built.files["meta.json"]["source"] = {
            "layer": layer.layer,
            "location": snapshot.location,
            "file": str(snapshot.path),
            "sha256": snapshot.sha256,
            "crs": frame.crs.to_string(),
            "features": built.features,
            "licence": provider.licence,
            "licence_url": provider.licence_url,
            "attribution": provider.attribution.model_dump(),
        }
        previous = {name: (out_dir / name).read_bytes() for name in OUTPUT_FILES[:2] if (out_dir / name).exists()}
        sizes: dict[str, int] = {}
        for name in ("municipalities.json", "county.json"):
            sizes[name] = write_json_atomic(out_dir / name, built.files[name])
        meta = built.files["meta.json"]
        meta["vertices"] = built.vertices
        meta["bytes"] = dict(sizes)
        meta["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        sizes["meta.json"] = write_json_atomic(out_dir / "meta.json", meta, compact=False)
        same = len(previous) == 2 and all((out_dir / n).read_bytes() == b for n, b in previous.items())
        if same:
            run.counts.unchanged = built.features
        elif previous:
            run.counts.updated = built.features
        else:
            run.counts.inserted = built.features
        run.note = "; ".join(built.notes) or None
    progress.step(
        f"boundaries: {built.features} municipalities ({built.county_features} in the county), "
        f"{built.vertices['municipalities.json']} vertices, county.json {sizes['county.json']} B"
    )
    return {
        "status": "success",
        "run_id": run.id,
        "location": snapshot.location,
        "sha256": snapshot.sha256,
        "offline": offline,
        "features": built.features,
        "county_features": built.county_features,
        "tolerance_m": built.tolerance_m,
        "files": {name: str(out_dir / name) for name in OUTPUT_FILES},
        "vertices": built.vertices,
        "bytes": sizes,
        "notes": built.notes,
    }
