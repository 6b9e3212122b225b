"""Write the registries into SQL: regions, indicators and goals.

The YAML registries stay the source of truth; these tables exist so that observations have
foreign keys to point at, resolved Sotkanet ids are stored, and the dashboard can join in SQL.
"""
from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Connection, select

from data_pipeline.db.schema import goal, indicator, region
from data_pipeline.load import LoadCounts, upsert_frame
from data_pipeline.registry import County, Registry

REGION_COLUMNS = [
    "level", "name_fi", "name_sv", "name_en", "subregion_code", "region_code", "sotkanet_id", "in_county", "sort_order",
]


def county_regions(county: County) -> pd.DataFrame:
    """Region rows of the county profile: municipalities, sub-regions, region, welfare area, country."""
    rows = []

    def add(code, level, name, sotkanet_id, sort_order, subregion=None, parent=None, in_county=True):
        rows.append(
            {
                "code": code,
                "level": level,
                "name_fi": name.fi,
                "name_sv": name.sv,
                "name_en": name.en,
                "subregion_code": subregion,
                "region_code": parent,
                "sotkanet_id": sotkanet_id,
                "in_county": in_county,
                "sort_order": sort_order,
            }
        )

    for i, m in enumerate(sorted(county.municipalities, key=lambda m: m.name.fi)):
        add(m.code, "kunta", m.name, m.sotkanet_id, 100 + i, m.subregion, county.region.code)
    for i, s in enumerate(county.subregions):
        add(s.code, "seutukunta", s.name, s.sotkanet_id, 50 + i, None, county.region.code)
    add(county.region.code, "maakunta", county.region.name, county.region.sotkanet_id, 10)
    add(county.welfare_area.code, "hyvinvointialue", county.welfare_area.name, county.welfare_area.sotkanet_id, 20)
    add(county.country.code, "maa", county.country.name, county.country.sotkanet_id, 1, in_county=False)
    return pd.DataFrame(rows)


def upsert_regions(conn: Connection, frame: pd.DataFrame) -> LoadCounts:
    """Upsert region rows on their code.

    A region's Sotkanet id is unique; when a national list and the county profile disagree the
    county profile wins (it is written last by :func:`sync_registry`).
    """
    frame = frame.copy()
    frame["sotkanet_id"] = frame["sotkanet_id"].astype("Int64")
    return upsert_frame(conn, region, frame, ["code"], REGION_COLUMNS)


def indicator_rows(registry: Registry) -> pd.DataFrame:
    rows = []
    for ind in registry.catalogue.indicators:
        src = ind.source
        if src.kind == "sotkanet":
            ref = str(src.id) if src.id is not None else f"title:{src.title_fi}"
        elif src.kind == "statfin":
            ref = f"{src.dataset}:" + ",".join(f"{k}={v}" for k, v in sorted(src.filters.items()))
        else:
            ref = f"{src.template}.{src.field}"
        rows.append(
            {
                "key": ind.key,
                "area": ind.area,
                "measure": ind.measure,
                "title_fi": ind.title.fi,
                "title_sv": ind.title.sv,
                "title_en": ind.title.en,
                "unit_kind": ind.unit.kind,
                "decimals": ind.decimals,
                "direction": ind.direction,
                "source_kind": src.kind,
                "source_ref": ref[:200],
                "cadence": ind.cadence,
            }
        )
    return pd.DataFrame(rows)


def goal_rows(registry: Registry) -> list[dict]:
    rows = []
    county = registry.county
    for g in registry.goals:
        params = {
            k: v
            for k, v in g.model_dump().items()
            if k in ("done_statuses", "target_share", "min_per_year", "min_share")
        }
        region_symbol = getattr(g, "region", None)
        rows.append(
            {
                "key": g.key,
                "area": g.area,
                "measure": g.measure,
                "type": g.type,
                "indicator_key": getattr(g, "indicator", None),
                "template": getattr(g, "template", None),
                "region_code": county.resolve_region(region_symbol) if region_symbol else None,
                "baseline_year": getattr(g, "baseline_year", None),
                "baseline_value": getattr(g, "baseline_value", None),
                "target_value": getattr(g, "target_value", None),
                "target_year": getattr(g, "target_year", None),
                "target_basis": g.target_basis,
                "owner_fi": g.owner.fi,
                "wording_fi": g.wording.fi,
                "wording_sv": g.wording.sv,
                "wording_en": g.wording.en,
                "params": params,
            }
        )
    return rows


def sync_registry(conn: Connection, registry: Registry, national: pd.DataFrame | None = None) -> LoadCounts:
    """Write regions (national list first, then the county profile), indicators and goals.

    Resolved Sotkanet ids on indicator rows are not touched here (see sources.sotkanet).
    """
    counts = LoadCounts()
    county = county_regions(registry.county)
    if national is not None and not national.empty:
        national = national[~national["code"].isin(county["code"])]
        # A county-profile Sotkanet id wins over the same id on a national row.
        national = national.assign(
            sotkanet_id=national["sotkanet_id"].where(~national["sotkanet_id"].isin(county["sotkanet_id"].dropna()))
        )
        counts += upsert_regions(conn, national)
    counts += upsert_regions(conn, county)
    # Regions that were in the county under a previous profile are no longer in it.
    stale = [
        r.code
        for r in conn.execute(select(region.c.code).where(region.c.in_county.is_(True)))
        if r.code not in set(county["code"])
    ]
    if stale:
        conn.execute(region.update().where(region.c.code.in_(stale)).values(in_county=False))
    ind = indicator_rows(registry)
    counts += upsert_frame(conn, indicator, ind, ["key"], [c for c in ind.columns if c != "key"])
    counts += _upsert_goals(conn, goal_rows(registry))
    return counts


def _upsert_goals(conn: Connection, goals: list[dict]) -> LoadCounts:
    # JSON columns compare as text so that dict ordering does not count as a change.
    existing = {r.key: r for r in conn.execute(select(goal))}
    counts = LoadCounts()
    for row in goals:
        old = existing.get(row["key"])
        if old is None:
            conn.execute(goal.insert().values(**row))
            counts.inserted += 1
            continue
        old_row = dict(old._mapping)
        same = all(
            (json.dumps(old_row[k], sort_keys=True) == json.dumps(v, sort_keys=True)) if k == "params" else old_row[k] == v
            for k, v in row.items()
        )
        if same:
            counts.unchanged += 1
        else:
            conn.execute(goal.update().where(goal.c.key == row["key"]).values(**row))
            counts.updated += 1
    return counts
