"""Comparison sets: what a municipality is compared with — its county, its sub-region, similar
municipalities, the whole country — and the documented method that finds the similar ones.

Similar municipalities (k nearest neighbours, the idea of Kolada's "likhetsutsökning" and the
Fingertips nearest neighbours, written here from the method, not their code):

1. Variables, one row per municipality of the whole country, from real recorded data:
   population (Sotkanet 127, log10), unemployment % of the labour force (Sotkanet 181) and
   population density (population / land-and-water area of the municipal boundary polygon in
   EPSG:3067, log10). Each variable's latest year common to the candidates is used.
2. Each variable is standardised over the candidates (z = (x − mean) / standard deviation), so
   that no variable weighs more because of its unit; weights are equal unless given.
3. The distance between two municipalities is the Euclidean distance of their z-vectors; the
   :data:`K` nearest (ties broken by code) are the similar municipalities. The variables and the
   values of the municipality and of each neighbour are returned, so the UI can show them.

Works for any configured county: the candidates are every municipality with all variables, and
the sub-region comes from the county profile.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

K = 5
VARIABLES = ("population_log10", "unemployment_pct", "density_log10")


@dataclass(frozen=True)
class Neighbour:
    code: str
    distance: float
    values: dict[str, float]


def _latest_by_region(rows: Iterable[Mapping], region_to_code: Mapping[int, str]) -> tuple[dict[str, float], int | None]:
    """{municipality code: value} in the latest year that covers the most municipalities."""
    by_year: dict[int, dict[str, float]] = {}
    for r in rows:
        code = region_to_code.get(r.get("region"))
        if code is None or r.get("value") is None or r.get("gender", "total") != "total":
            continue
        by_year.setdefault(int(r["year"]), {})[code] = float(r["value"])
    if not by_year:
        return {}, None
    best = max(by_year, key=lambda y: (len(by_year[y]), y))
    return by_year[best], best


def municipality_ids(regions: Iterable[Mapping]) -> dict[int, str]:
    """Sotkanet region id → three-digit municipality code (category KUNTA)."""
    return {int(r["id"]): str(r["code"]).zfill(3) for r in regions if r.get("category") == "KUNTA"}


def polygon_areas_km2(geojson: Mapping, code_property: str = "kunta") -> dict[str, float]:
    """Area of each municipality's boundary (a projected CRS in metres, e.g. EPSG:3067), km²."""
    from shapely.geometry import shape

    return {str(f["properties"][code_property]): shape(f["geometry"]).area / 1e6 for f in geojson["features"]}


def features(population_rows, unemployment_rows, regions, areas_km2: Mapping[str, float]) -> tuple[dict[str, dict[str, float]], dict[str, int | None]]:
    """({code: {variable: value}}, {variable: year}) for every municipality that has all variables."""
    ids = municipality_ids(regions)
    population, pop_year = _latest_by_region(population_rows, ids)
    unemployment, unemp_year = _latest_by_region(unemployment_rows, ids)
    out = {}
    for code, pop in population.items():
        if code in unemployment and areas_km2.get(code) and pop > 0:
            out[code] = {
                "population_log10": math.log10(pop),
                "unemployment_pct": unemployment[code],
                "density_log10": math.log10(pop / areas_km2[code]),
            }
    years = {"population_log10": pop_year, "unemployment_pct": unemp_year, "density_log10": pop_year}
    return out, years


def nearest(table: Mapping[str, Mapping[str, float]], code: str, k: int = K,
            weights: Mapping[str, float] | None = None, candidates: Iterable[str] | None = None) -> list[Neighbour]:
    """The ``k`` municipalities nearest to ``code`` (module docstring); ``code`` itself excluded."""
    if code not in table:
        raise KeyError(f"no variables for municipality {code}")
    pool = [c for c in (candidates if candidates is not None else table) if c in table]
    if code not in pool:
        pool.append(code)
    variables = list(next(iter(table.values())))
    weights = weights or {}
    stats = {}
    for v in variables:
        xs = [table[c][v] for c in pool]
        mean = sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
        stats[v] = (mean, sd or 1.0)

    def z(c):
        return [(table[c][v] - stats[v][0]) / stats[v][1] for v in variables]

    origin = z(code)
    scored = []
    for c in pool:
        if c == code:
            continue
        d = math.sqrt(sum(weights.get(v, 1.0) * (a - b) ** 2 for v, a, b in zip(variables, origin, z(c))))
        scored.append((d, c))
    scored.sort()
    return [Neighbour(c, d, dict(table[c])) for d, c in scored[:k]]


def comparison_sets(county, code: str, table: Mapping[str, Mapping[str, float]] | None = None, k: int = K) -> dict[str, list[str]]:
    """What ``code`` may be compared with: county, its sub-region's other municipalities, similar
    municipalities (when variables are given) and the whole country — as region codes."""
    muni = next(m for m in county.municipalities if m.code == code)
    out = {
        "county": [county.region.code],
        "subregion": [m.code for m in county.municipalities if m.subregion == muni.subregion and m.code != code],
        "country": [county.country.code],
    }
    if table is not None and code in table:
        out["similar"] = [n.code for n in nearest(table, code, k)]
    return out


#: Registry indicators that carry the variables in the database (Sotkanet 127 and 181 are loaded
#: for every municipality of the country).
DB_VARIABLES = {"population_log10": "vaesto", "unemployment_pct": "tyottomat_pct"}


def table_from_db(engine) -> tuple[dict[str, dict[str, float]], dict[str, int | None]]:
    """({code: variables}, {variable: year}) of every municipality in the database with population
    and unemployment (the density needs the whole country's polygons, which only the pipeline's
    boundary snapshot has: :func:`features` uses it when given)."""
    from dashboard.data import queries

    rows = queries.municipal_values(engine, tuple(DB_VARIABLES.values()))
    per: dict[str, dict[int, dict[str, float]]] = {}
    for key, code, year, value in rows:
        per.setdefault(key, {}).setdefault(int(year), {})[code] = float(value)
    latest, years = {}, {}
    for variable, key in DB_VARIABLES.items():
        by_year = per.get(key, {})
        if not by_year:
            return {}, {}
        year = max(by_year, key=lambda y: (len(by_year[y]), y))
        latest[variable], years[variable] = by_year[year], year
    out = {}
    for code, pop in latest["population_log10"].items():
        if pop > 0 and code in latest["unemployment_pct"]:
            out[code] = {"population_log10": math.log10(pop), "unemployment_pct": latest["unemployment_pct"][code]}
    return out, years
