"""Test data for the dashboard: a migrated SQLite database with realistic shapes, and geometry.

Values are invented — every observation is flagged synthetic, so no test shows them as THL's or
Statistics Finland's (real values: ``tests.dashboard.real_data``) — but shaped like the real series (rates per 1,000, counts with small numbers,
survey percentages available only for the region and the country), with the cases the UI must
handle: synthetic values, suppressed values (< 5, and a source-flagged one), missing
municipalities, region-only indicators, manual status entries (preparedness agreements, safety
situational-picture rounds) including a superseded one. Everything is deterministic.
"""
from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from data_pipeline.db.schema import load_run, manual_entry, observation
from data_pipeline.registry import load_registry
from data_pipeline.sync import sync_registry

REGISTRY = load_registry("kanta-hame")
MUNIS = REGISTRY.county.municipality_codes
REGION = REGISTRY.county.region.code
WELFARE = REGISTRY.county.welfare_area.code
COUNTRY = REGISTRY.county.country.code

#: (indicator, first year, last year, base level, yearly drift, load run, synthetic years)
SERIES = [
    ("asunnottomat_yksinaiset_per1000", 2015, 2024, 1.2, -0.03, 1, {2023, 2024}),
    ("rikokset_henki_terveys_per1000", 2010, 2020, 8.5, 0.05, 2, set()),
    ("rikokset_omaisuus_per1000", 2010, 2020, 30.0, -0.8, 2, set()),
    ("tyottomat_pct", 2012, 2024, 9.0, -0.15, 1, set()),
    ("toimeentulotuki_pct", 2012, 2024, 6.0, 0.05, 1, set()),
    ("esteettomat_asunnot_pct", 2021, 2025, 35.0, 2.0, 4, {2021, 2022, 2023, 2024, 2025}),
    ("yhteiset_tavoitteet_pct", 2024, 2025, 30.0, 5.0, 4, {2024, 2025}),
    ("tehostettu_palveluasuminen_65_pct", 2015, 2024, 2.3, 0.0, 1, set()),
]
#: Survey indicators published only for the region and the country.
REGION_ONLY = [("yksinaisyys_pct", [2020, 2022, 2024], 11.0)]
#: Count indicator with suppression below 5 (verified homeless persons).
COUNTS = ("asunnottomat_yksinaiset_lkm", 2019, 2024)

MISSING = {("asunnottomat_yksinaiset_per1000", "981", 2024), ("tyottomat_pct", "103", 2013)}
FLAGGED = {("toimeentulotuki_pct", "981", 2024)}  # suppressed at source


def _now() -> datetime:
    return datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def _level(rng: random.Random, code: str) -> float:
    return 0.7 + 0.6 * rng.random() if code not in (REGION, COUNTRY, WELFARE) else 1.0


def build_database(path: Path, *, with_data: bool = True):
    """Create a migrated SQLite database at ``path``; with ``with_data`` fill it. Returns the engine."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        sync_registry(conn, REGISTRY)
        if not with_data:
            return engine
        runs = [
            (1, "sotkanet", "indicators", "/snapshot/sotkanet/data", True, datetime(2026, 11, 18, 9, 0, tzinfo=UTC)),
            (2, "statfin", "rikokset", "/snapshot/statfin/rikokset.json", True, datetime(2026, 11, 19, 9, 0, tzinfo=UTC)),
            (3, "manual", "varautumissopimukset", "lomakkeet/varautuminen.xlsx", False, datetime(2026, 11, 19, 12, 0, tzinfo=UTC)),
            (4, "demo", "synthetic fill", "demo", True, datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
        ]
        for rid, source, dataset, location, offline, finished in runs:
            conn.execute(insert(load_run).values(
                id=rid, source=source, dataset=dataset, location=location, offline=offline, started_at=finished,
                finished_at=finished, status="success", rows_inserted=100, code_version="test",
            ))
        conn.execute(insert(load_run).values(
            id=5, source="sotkanet", dataset="failed example", location="https://sotkanet.fi/rest/1.1/json",
            offline=False, started_at=_now(), finished_at=_now(), status="failed", error="HTTP 503", code_version="test",
        ))
        rows = []
        rng = random.Random(2026)
        for key, first, last, base, drift, run, synthetic_years in SERIES:
            levels = {code: _level(rng, code) for code in [*MUNIS, REGION, COUNTRY]}
            for code, lvl in levels.items():
                for year in range(first, last + 1):
                    if (key, code, year) in MISSING:
                        continue
                    value = max(0.0, base * lvl + drift * (year - first) + rng.uniform(-0.05, 0.05) * base)
                    suppressed = (key, code, year) in FLAGGED
                    rows.append(dict(
                        indicator_key=key, region_code=code, period=str(year), period_type="Y", year=year,
                        value=None if suppressed else round(value, 3), suppressed=suppressed,
                        synthetic=year in synthetic_years, load_run_id=4 if year in synthetic_years else run,
                    ))
        for key, years, base in REGION_ONLY:
            for code, lvl in ((REGION, 1.05), (WELFARE, 1.05), (COUNTRY, 1.0)):
                for year in years:
                    rows.append(dict(indicator_key=key, region_code=code, period=str(year), period_type="Y",
                                     year=year, value=round(base * lvl + 0.2 * (year - 2020), 2), load_run_id=1))
        key, first, last = COUNTS
        sizes = {"109": 40, "694": 22, "061": 9, "165": 7, "082": 6, "086": 5, "433": 4, "834": 3, "169": 2,
                 "103": 1, "981": 1}
        for year in range(first, last + 1):
            total = 0
            for code in MUNIS:
                n = max(0, sizes[code] + (year - first) % 3 - 1)
                total += n
                rows.append(dict(indicator_key=key, region_code=code, period=str(year), period_type="Y", year=year,
                                 value=float(n), count=float(n), load_run_id=3))
            rows.append(dict(indicator_key=key, region_code=REGION, period=str(year), period_type="Y", year=year,
                             value=float(total), count=float(total), load_run_id=3))
        # A monthly series: the dashboard shows the last month of each year.
        for code in [*MUNIS, REGION, COUNTRY]:
            for month in (6, 12):
                rows.append(dict(indicator_key="vaesto_kuukausi", region_code=code, period=f"2024M{month:02d}",
                                 period_type="M", year=2024, value=10000.0 + month, load_run_id=2))
        # Every value here is invented: flagged synthetic, so no test presents it as a statistical
        # authority's figure (its source line says "synteettinen", not "sotkanet.fi, THL").
        defaults = dict(sex="total", count=None, suppressed=False, provisional=False)
        conn.execute(insert(observation), [{**defaults, **r, "synthetic": True} for r in rows])

        entries = []
        statuses = ["in_force", "signed", "in_negotiation", "in_preparation", "not_started", "in_force",
                    "renewed", "under_review", None, "expired", "not_needed"]
        for i, (code, status) in enumerate(zip(MUNIS, statuses)):
            if status is None:
                continue
            entries.append(dict(template="varautumissopimukset", region_code=code, period="2026",
                                data={"alue": code, "vuosi": 2026, "tila": status}, synthetic=i % 4 == 0))
        # An older, superseded entry must not show.
        entries.append(dict(template="varautumissopimukset", region_code=MUNIS[0], period="2025",
                            data={"alue": MUNIS[0], "vuosi": 2025, "tila": "in_preparation"}, synthetic=False))
        round_cycle = ["submitted", "submitted", "submitted_late", "not_submitted", "requested", "submitted"]
        for i, code in enumerate(MUNIS):
            for j, period in enumerate(("2025H1", "2025H2", "2026H1")):
                if period == "2025H1" and i == 10:
                    continue
                entries.append(dict(template="turvallisuuskuva", region_code=code, period=period,
                                    data={"alue": code, "kausi": period, "tila": round_cycle[(i + j) % len(round_cycle)]},
                                    synthetic=False))
        for n, e in enumerate(entries):
            conn.execute(insert(manual_entry).values(
                entered_by="Testi Käyttäjä, Kanta-Häme", entered_at=_now(), source_file="test.xlsx", source_row=n + 2,
                load_run_id=3, **e,
            ))
        # Supersede the 2025 preparedness entry by marking it (history stays, current view ignores it).
        conn.execute(manual_entry.update()
                     .where(manual_entry.c.period == "2025", manual_entry.c.template == "varautumissopimukset")
                     .values(superseded_at=_now()))
    return engine


def _square(x0: float, y0: float, size: float) -> list:
    # Clockwise exterior ring (the d3-geo convention plotly's geo subplot uses).
    return [[[x0, y0], [x0, y0 + size], [x0 + size, y0 + size], [x0 + size, y0], [x0, y0]]]


def write_geometry(geo_dir: Path) -> Path:
    """Eleven squares around Kanta-Häme as county.json + meta.json (+ tiles.json) in ``geo_dir/build``."""
    from data_pipeline.geo_tiles import build_tiles

    build = Path(geo_dir) / "build"
    build.mkdir(parents=True, exist_ok=True)
    features, meta = [], {}
    for i, m in enumerate(REGISTRY.county.municipalities):
        col, row = i % 4, i // 4
        x0, y0 = 23.3 + col * 0.45, 61.2 - row * 0.25
        features.append({"type": "Feature", "id": m.code,
                         "properties": {"code": m.code, "name_fi": m.name.fi, "name_sv": m.name.sv, "name_en": m.name.en},
                         "geometry": {"type": "Polygon", "coordinates": _square(x0, y0, 0.4)}})
        meta[m.code] = {"name_fi": m.name.fi, "label": [round(x0 + 0.2, 5), round(y0 + 0.2, 5)]}
    (build / "county.json").write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    (build / "meta.json").write_text(json.dumps({"municipalities": meta, "bounds": [23.3, 60.7, 25.1, 61.6]}), encoding="utf-8")
    build_tiles(REGISTRY, build)
    return build
