"""The chosen comparison (``vertailu``) as a benchmark series: what map, bar, trend, tables, the
profile and the exports compare a municipality with.

Sets (:data:`dashboard.core.state.COMPARISONS`):

- ``maakunta`` the county region (the default; the welfare area for region-level indicators, as
  :func:`dashboard.data.model.reference_code` decides) — no benchmark object, the views stay as they were;
- ``seutukunta`` the selected municipality's sub-region: Sotkanet's published sub-region row where
  it exists, otherwise computed from all the sub-region's municipalities;
- ``samankaltaiset`` the selected municipality's similar municipalities of the whole country
  (:func:`dashboard.data.similar.nearest`), computed from their values;
- ``naapurit`` the neighbouring regions of the county profile (``neighbours``: maakunta rows; a
  wellbeing services county has its region's borders except in Uusimaa), computed from their rows;
- ``koko-maa`` the whole country (published).

A computed benchmark follows :func:`dashboard.judge.benchmark.set_value` (published first, all
members or nothing, population-weighted rates). The sub-region and the similar municipalities need a
municipality: without one the county region is used and the page says so (:func:`effective_choice`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.data import model, queries
from dashboard.judge.benchmark import set_value

#: Code of a computed set in tables and CSV files (it is no statistical area).
SET_CODE = "VERTAILU"
#: Choices that depend on the selected municipality.
BY_MUNICIPALITY = ("seutukunta", "samankaltaiset")
POPULATION_KEY = "vaesto"


@dataclass
class Benchmark:
    choice: str
    code: str
    name: str
    members: list[tuple[str, str]]  # (code, name) of the set's members
    series: model.Series
    methods: dict[int, str] = field(default_factory=dict)  # year -> judge.benchmark METHODS

    def cell(self, year: int | None) -> model.Cell:
        """The benchmark of one year as the reference cell of a view (``IndicatorYear.county``)."""
        s = self.series
        if year in s.years:
            i = s.years.index(year)
            return model.Cell(code=self.code, name=self.name, year=year, value=s.values[i], status=s.statuses[i],
                              synthetic=s.synthetic[i], text=s.texts[i])
        return model.Cell(code=self.code, name=self.name, year=year, value=None, status=model.STATUS_MISSING)


def similar_table(engine, registry) -> tuple[dict, dict]:
    """({code: variables}, {variable: year}) of the similar-municipality method, cached per data version."""
    from dashboard.data import similar

    return queries.memo(engine, "similar_table", (model.registry_key(registry),), lambda: similar.table_from_db(engine))


def members(engine, registry, choice: str, municipality: str | None, lang: str) -> list[tuple[str, str]] | None:
    """(code, name) of the set's members, or None when the set cannot be formed (no municipality,
    no variables for similar municipalities)."""
    from dashboard.data import similar

    county = registry.county
    if choice == "naapurit":
        return [(r.code, r.name.get(lang)) for r in county.neighbours] or None
    if choice not in BY_MUNICIPALITY or municipality not in county.municipality_codes:
        return None
    if choice == "seutukunta":
        sub = next(m.subregion for m in county.municipalities if m.code == municipality)
        return [(m.code, m.name.get(lang)) for m in model.municipalities_sorted(registry, lang) if m.subregion == sub]
    table, _years = similar_table(engine, registry)
    if municipality not in table:
        return None
    codes = [n.code for n in similar.nearest(table, municipality)]
    names = {r["code"]: r.get(f"name_{lang}") or r["name_fi"] for r in queries.api_regions(engine, tuple(codes))}
    return [(c, names.get(c, c)) for c in codes]


def effective_choice(engine, registry, choice: str, municipality: str | None) -> str:
    """The comparison a view really shows: the county region when the chosen set cannot be formed."""
    if choice in ("maakunta", "koko-maa"):
        return choice
    return choice if members(engine, registry, choice, municipality, "fi") else "maakunta"


def _populations(engine, registry) -> dict[str, dict[int, float]]:
    """code -> year -> population: municipalities (Sotkanet 127) and each region as the sum of its
    municipalities in the years all of them are loaded. Population is recorded in the current
    municipal division, so a municipality of the region list with no population at all (merged
    into another one, whose figures include it) is left out of the sum."""
    def compute():
        out: dict[str, dict[int, float]] = {}
        for _key, code, year, value in queries.municipal_values(engine, (POPULATION_KEY,)):
            out.setdefault(code, {})[int(year)] = float(value)
        parents = queries.municipality_regions(engine)
        per_region: dict[str, list[str]] = {}
        for code, region in parents.items():
            if code in out:
                per_region.setdefault(region, []).append(code)
        for region, codes in per_region.items():
            years = set.intersection(*(set(out.get(c, {})) for c in codes)) if codes else set()
            out[region] = {y: sum(out[c][y] for c in codes) for y in years}
        return out

    return queries.memo(engine, "benchmark_populations", (model.registry_key(registry),), compute)


def _population(pops: dict[str, dict[int, float]], code: str, year: int) -> float | None:
    """The population of ``year``, or of the latest earlier year loaded."""
    found = [y for y in pops.get(code, {}) if y <= year]
    return pops[code][max(found)] if found else None


def _member_rows(engine, registry, indicator, codes: list[str]) -> dict[int, dict[str, dict]]:
    """year -> code -> shaped row of the members: the county's own rows (with their complementary
    suppression) for its municipalities, the other regions' rows with primary suppression."""
    county_rows = model.year_rows(engine, registry, indicator.key)
    own = set(model.view_codes(registry))
    out: dict[int, dict[str, dict]] = {}
    for year, rows in county_rows.items():
        for code in codes:
            if code in own and code in rows:
                out.setdefault(year, {})[code] = rows[code]
    others = tuple(c for c in codes if c not in own)
    if others:
        frame = model.with_status(queries.indicator_observations(engine, indicator.key, others), indicator, list(others), "")
        for row in frame.to_dict("records"):
            out.setdefault(int(row["year"]), {})[row["region_code"]] = row
    return out


def benchmark(engine, registry, key: str, choice: str, municipality: str | None, lang: str) -> Benchmark | None:
    """The chosen benchmark of an indicator (None: the county region, the views' default). Cached."""
    choice = effective_choice(engine, registry, choice, municipality)
    if choice == "maakunta":
        return None
    muni = municipality if choice in BY_MUNICIPALITY else None
    return queries.memo(engine, "benchmark", (model.registry_key(registry), key, choice, muni, lang),
                        lambda: _benchmark(engine, registry, key, choice, muni, lang))


def _benchmark(engine, registry, key: str, choice: str, municipality: str | None, lang: str) -> Benchmark:
    from dashboard.core.i18n import t

    indicator = registry.indicators[key]
    county = registry.county
    if choice == "koko-maa":
        s = model.series(engine, registry, key, [county.country.code], lang)[0]
        return Benchmark(choice, county.country.code, s.name, [], s, dict.fromkeys(s.years, "published"))
    group = members(engine, registry, choice, municipality, lang) or []
    codes = [c for c, _name in group]
    published_code = None
    if choice == "seutukunta":
        published_code = next(m.subregion for m in county.municipalities if m.code == municipality)
        name = model.region_name(registry, published_code, lang)
        code = published_code
    else:
        name = t(f"comparison.set_name.{choice}", lang, count=len(codes))
        code = SET_CODE
    published = {}
    if published_code:
        ps = model.series(engine, registry, key, [published_code], lang)[0]
        published = {y: (v, syn) for y, v, syn in zip(ps.years, ps.values, ps.synthetic) if v is not None}
    rows = _member_rows(engine, registry, indicator, codes)
    pops = _populations(engine, registry) if codes else {}
    s = model.Series(code=code, name=name)
    methods: dict[int, str] = {}
    for year in sorted(set(rows) | set(published)):
        by_code = rows.get(year, {})
        values = {c: (float(by_code[c]["value"]) if c in by_code and by_code[c]["status"] == model.STATUS_OK else None)
                  for c in codes}
        pub = published.get(year)
        result = set_value(indicator.unit.kind, values, {c: _population(pops, c, year) for c in codes},
                           published=pub[0] if pub else None)
        methods[year] = result.method
        if result.value is None:
            continue
        synthetic = pub[1] if pub else any(bool(by_code[c]["synthetic"]) for c in codes)
        s.years.append(year)
        s.values.append(result.value)
        s.statuses.append(model.STATUS_OK)
        s.synthetic.append(synthetic)
        s.texts.append(model.value_text(indicator, model.STATUS_OK, result.value, lang))
        s.citations.append(None)
    return Benchmark(choice, code, name, group, s, methods)
