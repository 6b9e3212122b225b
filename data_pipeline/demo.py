"""Demo fill: labelled synthetic values for indicators that have no real data yet.

Why: a fresh or offline installation would otherwise show mostly empty charts, and the categorical
views (preparedness agreements, safety-picture rounds) would have nothing to draw. Synthetic rows
are flagged ``synthetic = True`` in both ``observation`` and ``manual_entry``; the dashboard labels
them as demo values and never presents them as statistics.

Rules:
* Only indicators without any real (non-synthetic) observation are filled; synthetic rows of an
  indicator that has real data are removed. Upserts use ``keep_real=True``, so a synthetic value can
  never overwrite or hide a real one.
* Deterministic: the same seed gives the same values (``numpy`` generators seeded from the seed and
  a CRC of the indicator key), so re-running writes 0 rows.
* Plausible: levels per indicator (``demo_levels.yaml``), municipal spread, trend and noise that grows for
  small municipalities; percentages and 0–100 scores stay within 0–100, counts are integers ≥ 0,
  booleans 0/1. Sub-region, region and welfare-area values are population-weighted means (rates)
  or sums (counts) of the municipal values; the whole country is its own series.
* Periods follow the cadence: yearly 2015–2025 (manual measures 2019–2025), surveys every other
  year 2015–2025, months 2024M01–2025M12, quarters 2023Q1–2025Q4, half-years 2022H1–2025H2.
* Categorical manual measures get synthetic entries (preparedness agreement status per
  municipality and year; safety-picture rounds per municipality and half-year); their indicators
  are derived from those entries with the same rules as real entries.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Connection, Engine, delete, insert, select, update

from data_pipeline.db.schema import manual_entry, observation
from data_pipeline.load import LoadCounts, delete_observations, recorded_load, stored_keys, upsert_observations, utcnow
from data_pipeline.manual import derive_observations, indicator_map
from data_pipeline.progress import Progress
from data_pipeline.registry import Indicator, Registry, load_registry

YEARS = list(range(2015, 2026))
MANUAL_YEARS = list(range(2019, 2026))
SURVEY_YEARS = list(range(2015, 2026, 2))
MONTHS = [f"{y}M{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
QUARTERS = [f"{y}Q{q}" for y in (2023, 2024, 2025) for q in range(1, 5)]
HALF_YEARS = [f"{y}H{h}" for y in (2022, 2023, 2024, 2025) for h in (1, 2)]
YEAR_OVERRIDES = {"aanestysaktiivisuus_kuntavaalit_pct": [2012, 2017, 2021, 2025]}  # municipal elections
ROUND_PERIODS = ["2024H1", "2024H2", "2025H1", "2025H2"]
AGREEMENT_YEARS = [2023, 2024, 2025]
NATIONAL_POPULATION = 5_600_000
DEFAULT_POPULATION = 10_000
PARTLY_MIN_POPULATION = 10_000  # survey values shown for municipalities at least this large
DEMO_BY = "demo (synteettinen / synthetic)"

#: Approximate populations (domain.md D.4) used as weights when no population is loaded.
FALLBACK_POPULATION = {
    "061": 16_478, "082": 9_361, "086": 8_031, "103": 2_096, "109": 67_774, "165": 16_015,
    "169": 5_100, "433": 7_657, "694": 28_700, "834": 5_900, "981": 2_300,
}

#: (level, municipal spread as a share of the level, yearly relative trend) per indicator: data,
#: kept in ``demo_levels.yaml`` beside this module.
DEMO_LEVELS: dict[str, tuple[float, float, float]] = {
    key: tuple(float(x) for x in triple)
    for key, triple in yaml.safe_load((Path(__file__).parent / "demo_levels.yaml").read_text(encoding="utf-8")).items()
}
UNIT_DEFAULTS = {
    "percent": (20.0, 0.2, 0.0), "per_1000": (10.0, 0.3, 0.0), "per_10000": (200.0, 0.2, 0.0),
    "per_100000": (500.0, 0.2, 0.0), "index": (50.0, 0.2, 0.0), "score": (60.0, 0.2, 0.0),
    "litres": (8.0, 0.15, 0.0), "count": (1.0, 0.4, 0.0),
}
BOUNDED = {"percent", "index", "score"}  # 0–100 scales


@dataclass
class DemoCounts(LoadCounts):
    """Counts of a demo fill, plus which indicators now show synthetic values."""

    indicators: list[str] = field(default_factory=list)
    entries: int = 0


def _rng(seed: int, *parts: str) -> np.random.Generator:
    """A generator that depends only on the seed and the names (stable across processes)."""
    return np.random.default_rng([seed, zlib.crc32("|".join(parts).encode("utf-8"))])


@dataclass
class Geography:
    municipalities: list[str]
    population: dict[str, float]
    subregions: dict[str, list[str]]
    region: str
    welfare_area: str
    country: str

    @property
    def county_population(self) -> float:
        return float(sum(self.population[m] for m in self.municipalities))


def _geography(conn: Connection, registry: Registry) -> Geography:
    county = registry.county
    codes = county.municipality_codes
    loaded = dict(
        conn.execute(
            select(observation.c.region_code, observation.c.value)
            .where(observation.c.indicator_key == "vaesto", observation.c.region_code.in_(codes),
                   observation.c.synthetic.is_(False), observation.c.value.is_not(None))
            .order_by(observation.c.year)
        ).all()
    )  # latest year wins (ordered ascending)
    population = {c: float(loaded.get(c) or FALLBACK_POPULATION.get(c, DEFAULT_POPULATION)) for c in codes}
    subs: dict[str, list[str]] = {s.code: [] for s in county.subregions}
    for m in county.municipalities:
        subs[m.subregion].append(m.code)
    return Geography(codes, population, subs, county.region.code, county.welfare_area.code, county.country.code)


def _periods(ind: Indicator) -> list[str]:
    if ind.key in YEAR_OVERRIDES:
        return [str(y) for y in YEAR_OVERRIDES[ind.key]]
    if ind.cadence == "survey_2y":
        return [str(y) for y in SURVEY_YEARS]
    if ind.cadence == "month":
        return MONTHS
    if ind.cadence == "quarter":
        return QUARTERS
    if ind.cadence == "half_year":
        return HALF_YEARS
    if ind.cadence == "on_change":
        return [str(y) for y in range(2021, 2026)]
    return [str(y) for y in (MANUAL_YEARS if ind.is_manual else YEARS)]


def _time(period: str) -> float:
    """Years since 2020 as a float (months and quarters fall inside their year)."""
    year = int(period[:4])
    if len(period) > 4:
        kind, n = period[4], int(period[5:])
        year += (n - 0.5) / {"H": 2, "Q": 4, "M": 12}[kind]
    return year - 2020


def _series(ind: Indicator, geo: Geography, seed: int) -> pd.DataFrame:
    """Synthetic values for one indicator on every region level it is published for."""
    kind = ind.unit.kind
    periods = _periods(ind)
    rng = _rng(seed, ind.key)
    if kind in ("boolean", "status"):
        return _switches(ind, geo, periods, rng)
    t = np.array([_time(p) for p in periods])
    level, spread, trend = DEMO_LEVELS.get(ind.key, UNIT_DEFAULTS.get(kind, (10.0, 0.2, 0.0)))
    growth = (1.0 + trend) ** t
    pops = np.array([geo.population[m] for m in geo.municipalities])
    offsets = rng.normal(0.0, spread, size=len(pops)).clip(-0.8, 1.5)
    national = rng.normal(0.0, 0.05)

    if ind.key in ("vaesto", "vaesto_kuukausi"):
        # population: the weights themselves, drifting (large municipalities grow, small ones shrink)
        drift = np.where(pops > 20_000, 0.002, -0.007)
        muni = np.rint(pops[:, None] * (1 + drift[:, None]) ** t[None, :]).clip(0)
        country = np.rint(NATIONAL_POPULATION * 1.002 ** t)
        return _frame(ind, geo, periods, muni, country, counts=True)

    if kind == "count":
        lam = (level * pops[:, None] / 1000.0) * (1 + offsets[:, None]) * growth[None, :]
        muni = rng.poisson(lam.clip(0)).astype(float)
        country = rng.poisson(level * NATIONAL_POPULATION / 1000.0 * (1 + national) * growth).astype(float)
        return _frame(ind, geo, periods, muni, country, counts=True)

    noise_sd = (0.04 * level * np.sqrt(20_000 / pops)).clip(max=0.25 * level)
    muni = level * (1 + offsets[:, None]) * growth[None, :] + rng.normal(0.0, 1.0, (len(pops), len(t))) * noise_sd[:, None]
    country = level * (1 + national) * growth + rng.normal(0.0, 0.01 * level, len(t))
    low, high = (0.0, 100.0) if kind in BOUNDED else (0.0, np.inf)
    muni = muni.clip(low + 0.01 * level, high - 0.1 if np.isfinite(high) else high)
    country = country.clip(low, high)
    return _frame(ind, geo, periods, muni, country, counts=False)


def _sex_series(conn: Connection, ind: Indicator, filled: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Synthetic men's and women's values of an indicator with a sex breakdown (``breakdowns.sex``)
    and no real value by sex: each region's total (real or this fill's) split around it by a
    per-region gap, so the toggle has something to show offline. Flagged synthetic like every
    fill row; the dashboard's source line then names no statistical authority."""
    cols = observation.c
    has_real = conn.execute(select(cols.id).where(cols.indicator_key == ind.key, cols.sex != "total",
                                                  cols.synthetic.is_(False)).limit(1)).first()
    if has_real:
        return pd.DataFrame()
    stored = pd.DataFrame(conn.execute(
        select(cols.region_code, cols.period, cols.value)
        .where(cols.indicator_key == ind.key, cols.sex == "total", cols.value.is_not(None), cols.synthetic.is_(False))
    ).all(), columns=["region_code", "period", "value"])
    own = filled[filled["indicator_key"] == ind.key][["region_code", "period", "value"]] if not filled.empty else stored[:0]
    totals = pd.concat([stored, own], ignore_index=True).dropna(subset=["value"])
    if totals.empty:
        return pd.DataFrame()
    totals = totals.drop_duplicates(["region_code", "period"]).reset_index(drop=True)
    rng = _rng(seed, ind.key + "~sex")
    regions = sorted(totals["region_code"].unique())
    gap = dict(zip(regions, rng.normal(0.08, 0.04, len(regions)).clip(-0.05, 0.25)))
    g = totals["region_code"].map(gap).to_numpy()
    high = 100.0 if ind.unit.kind in BOUNDED else np.inf
    out = []
    for sex, sign in (("male", 1.0), ("female", -1.0)):
        if sex in ind.breakdowns.sex:
            out.append(totals.assign(indicator_key=ind.key, sex=sex,
                                     value=(totals["value"].to_numpy(dtype=float) * (1 + sign * g.astype(float))).clip(0, high).round(1)))
    return pd.concat(out, ignore_index=True)


def _frame(ind: Indicator, geo: Geography, periods: list[str], muni: np.ndarray, country: np.ndarray, *, counts: bool) -> pd.DataFrame:
    """Municipal matrix (municipality x period) -> rows for municipalities and aggregates."""
    pops = np.array([geo.population[m] for m in geo.municipalities])

    def agg(members: list[str]) -> np.ndarray:
        idx = [geo.municipalities.index(m) for m in members]
        if counts:
            return muni[idx].sum(axis=0)
        w = pops[idx]
        return (muni[idx] * w[:, None]).sum(axis=0) / w.sum()

    series: dict[str, np.ndarray] = {}
    if ind.level == "kunta":
        series.update({m: muni[i] for i, m in enumerate(geo.municipalities)})
    elif ind.level == "partly":
        series.update({m: muni[i] for i, m in enumerate(geo.municipalities) if pops[i] >= PARTLY_MIN_POPULATION})
    if ind.level != "alue":
        series.update({code: agg(members) for code, members in geo.subregions.items() if members})
    county = agg(geo.municipalities)
    series[geo.region] = county
    series[geo.welfare_area] = county
    series[geo.country] = country
    rows = []
    for region, values in series.items():
        for period, v in zip(periods, values):
            value = float(round(v)) if counts else round(float(v), ind.decimals)
            rows.append({"indicator_key": ind.key, "region_code": region, "period": period, "value": value})
    return pd.DataFrame(rows)


def _switches(ind: Indicator, geo: Geography, periods: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """0/1 series that switch on once (e.g. a shared data set taken into use)."""
    regions = [geo.region, geo.welfare_area] if ind.level == "alue" else list(geo.municipalities)
    switch = {r: int(rng.integers(1, max(2, len(periods)))) for r in regions}  # on by the last period
    if ind.level == "alue":
        switch[geo.welfare_area] = switch[geo.region]
    rows = [
        {"indicator_key": ind.key, "region_code": r, "period": p, "value": float(i >= switch[r])}
        for r in regions
        for i, p in enumerate(periods)
    ]
    return pd.DataFrame(rows)


# --- synthetic manual entries -----------------------------------------------------------------


def _agreement_entries(geo: Geography, seed: int) -> list[dict]:
    """Preparedness agreement status per municipality and year, progressing towards 'in force'."""
    rng = _rng(seed, "varautumissopimukset")
    out = []
    for m in geo.municipalities:
        signed_year = int(rng.choice([2024, 2025, 2026], p=[0.35, 0.45, 0.2]))
        for year in AGREEMENT_YEARS:
            if year < signed_year - 1:
                status = "not_started"
            elif year == signed_year - 1:
                status = str(rng.choice(["in_preparation", "in_negotiation"]))
            elif year == signed_year:
                status = "signed"
            else:
                status = "in_force"
            data = {"alue": m, "vuosi": year, "tila": status, "allekirjoitettu_pvm": None,
                    "ilmoittaja": DEMO_BY, "lisatieto": "Synteettinen esittelyarvo"}
            if status in ("signed", "in_force"):
                data["allekirjoitettu_pvm"] = f"{signed_year}-{int(rng.integers(2, 12)):02d}-15"
            out.append({"region_code": m, "period": str(year), "data": data})
    return out


def _round_entries(geo: Geography, seed: int) -> list[dict]:
    """Safety situational-picture round status per municipality and half-year."""
    rng = _rng(seed, "turvallisuuskuva")
    statuses = ["submitted", "submitted_late", "not_submitted"]
    out = []
    for period in ROUND_PERIODS:
        share_on_time = 0.6 if period.startswith("2024") else 0.8
        for m in geo.municipalities:
            status = str(rng.choice(statuses, p=[share_on_time, (1 - share_on_time) / 2, (1 - share_on_time) / 2]))
            year, half = int(period[:4]), int(period[-1])
            submitted = None
            if status != "not_submitted":
                month = (5 if half == 1 else 11) + (1 if status == "submitted_late" else 0)
                submitted = f"{year}-{month:02d}-{int(rng.integers(1, 28)):02d}"
            data = {"alue": m, "kausi": period, "tila": status, "toimitettu_pvm": submitted,
                    "ilmoittaja": DEMO_BY, "lisatieto": "Synteettinen esittelyarvo"}
            out.append({"region_code": m, "period": period, "data": data})
    return out


ENTRY_GENERATORS = {"varautumissopimukset": _agreement_entries, "turvallisuuskuva": _round_entries}
PARTS_YEARS = 2  # the latest years of a value in parts that get synthetic parts


def _parts_entries(registry: Registry, template: str, frame: pd.DataFrame, geo: Geography, seed: int) -> list[dict]:
    """Synthetic parts (``part`` columns, e.g. the HYTE coefficient's process and outcome scores)
    for the welfare area's latest years, around the synthetic headline value this fill made, so the
    breakdown has something to show offline. Entries only: the headline observation is already
    the fill's own; nothing is derived from these rows."""
    tpl = registry.templates.templates[template]
    keys = [i.key for i in registry.catalogue.indicators if i.is_manual and i.source.template == template]
    if frame.empty or not keys:
        return []
    rows = frame[(frame["indicator_key"] == keys[0]) & (frame["region_code"] == geo.welfare_area)]
    rows = rows[rows["period"].astype(str).str.isdigit()].sort_values("period").tail(PARTS_YEARS)
    parts = [c for c in tpl.part_columns if c.part.level == "hyvinvointialue"]
    rng = _rng(seed, template + "~parts")
    out = []
    for period, value in zip(rows["period"].astype(str), rows["value"].astype(float)):
        data = {c.name: None for c in tpl.columns}
        data.update({"alue": geo.welfare_area, tpl.period_column: int(period), "arvo": round(value),
                     "ilmoittaja": DEMO_BY, "lisatieto": "Synteettinen esittelyarvo"})
        data.update({c.name: float(np.clip(round(value + rng.normal(0, 18)), 0, 100)) for c in parts})
        out.append({"region_code": geo.welfare_area, "period": period, "data": data})
    return out


def _has_real_entries(conn: Connection, template: str) -> bool:
    return conn.execute(
        select(manual_entry.c.id).where(manual_entry.c.template == template, manual_entry.c.synthetic.is_(False)).limit(1)
    ).first() is not None


def _sync_entries(conn: Connection, template: str, wanted: list[dict], run_id: int, seed: int) -> LoadCounts:
    """Make the template's synthetic entries exactly ``wanted`` (updated in place: demo has no history)."""
    counts = LoadCounts()
    existing = {
        (r.region_code, r.period): r
        for r in conn.execute(
            select(manual_entry.c.id, manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.data).where(
                manual_entry.c.template == template, manual_entry.c.synthetic.is_(True)
            )
        )
    }
    now = utcnow()
    for i, e in enumerate(wanted, start=1):
        old = existing.pop((e["region_code"], e["period"]), None)
        if old is None:
            conn.execute(
                insert(manual_entry).values(
                    template=template, region_code=e["region_code"], period=e["period"], data=e["data"],
                    entered_by=DEMO_BY, entered_at=now, source_file=f"demo:seed={seed}", source_row=i,
                    load_run_id=run_id, synthetic=True,
                )
            )
            counts.inserted += 1
        elif old.data != e["data"]:
            conn.execute(update(manual_entry).where(manual_entry.c.id == old.id).values(data=e["data"], load_run_id=run_id))
            counts.updated += 1
        else:
            counts.unchanged += 1
    if existing:
        conn.execute(delete(manual_entry).where(manual_entry.c.id.in_([r.id for r in existing.values()])))
        counts.deleted += len(existing)
    return counts


# --- public API -------------------------------------------------------------------------------


def real_indicators(conn: Connection) -> set[str]:
    return set(conn.execute(select(observation.c.indicator_key).where(observation.c.synthetic.is_(False)).distinct()).scalars())


def fill_demo(engine: Engine, seed: int = 2026, progress: Progress | None = None, registry: Registry | None = None) -> DemoCounts:
    """Fill every indicator that has no real observation with labelled synthetic values."""
    from data_pipeline.sync import sync_registry

    progress = progress or Progress(quiet=True)
    registry = registry or load_registry()
    counts = DemoCounts()
    with recorded_load(engine, source="demo", dataset="synthetic", location=f"seed={seed}") as (run, conn):
        sync_registry(conn, registry)
        real = real_indicators(conn)
        geo = _geography(conn, registry)
        frames: list[pd.DataFrame] = []
        derived: set[str] = set()
        for template, generate in ENTRY_GENERATORS.items():
            if template not in registry.templates.templates or _has_real_entries(conn, template):
                continue
            entries = generate(geo, seed)
            c = _sync_entries(conn, template, entries, run.id, seed)
            counts.entries += c.inserted + c.updated + c.unchanged
            counts += c
            frame, _ = derive_observations(registry, template, entries)
            keys = set(indicator_map(registry, template).values())
            derived |= keys
            frames.append(frame[~frame["indicator_key"].isin(real)])
        for ind in registry.catalogue.indicators:
            if ind.key in real or ind.key in derived:
                continue
            frames.append(_series(ind, geo, seed))
        frame = pd.concat([f for f in frames if not f.empty], ignore_index=True) if frames else pd.DataFrame()
        sexes = [_sex_series(conn, ind, frame, seed) for ind in registry.catalogue.indicators
                 if ind.breakdowns and ind.breakdowns.sex]
        filled = sorted(set(frame["indicator_key"])) if not frame.empty else []  # totals filled
        for template, tpl in (registry.templates.templates.items() if registry.templates else []):
            if tpl.part_columns and not _has_real_entries(conn, template):
                c = _sync_entries(conn, template, _parts_entries(registry, template, frame, geo, seed), run.id, seed)
                counts.entries += c.inserted + c.updated + c.unchanged
                counts += c
        if not frame.empty:
            frame = frame.assign(sex=frame.get("sex", "total"))
        frame = pd.concat([frame, *[f for f in sexes if not f.empty]], ignore_index=True)
        if not frame.empty:
            frame = frame.assign(synthetic=True)
            counts += upsert_observations(conn, frame, run.id, keep_real=True)
        counts.deleted += _drop_stale_synthetic(conn, frame, real)
        counts.indicators = filled
        run.counts = LoadCounts(counts.inserted, counts.updated, counts.unchanged, counts.deleted)
        run.note = f"synthetic demo values, seed {seed}: {len(counts.indicators)} indicators"
    progress.step(
        f"demo: {len(counts.indicators)} indicators with synthetic values "
        f"({counts.inserted} new, {counts.updated} changed, {counts.deleted} removed rows)"
    )
    return counts


def _drop_stale_synthetic(conn: Connection, frame: pd.DataFrame, real: set[str]) -> int:
    """Synthetic rows that the fill no longer produces (e.g. the indicator has real data now)."""
    stored = stored_keys(conn, observation.c.synthetic.is_(True))
    if stored.empty:
        return 0
    produced = set() if frame.empty else set(zip(frame["indicator_key"], frame["region_code"], frame["period"].astype(str)))
    stale = stored[[(k, r, p) not in produced for k, r, p in zip(stored["indicator_key"], stored["region_code"], stored["period"])]]
    return delete_observations(conn, stale)


def clear_demo(engine: Engine) -> int:
    """Remove every synthetic row (observations and manual entries) and nothing else."""
    with recorded_load(engine, source="demo", dataset="clear", location="database") as (run, conn):
        n_obs = conn.execute(delete(observation).where(observation.c.synthetic.is_(True))).rowcount or 0
        n_entries = conn.execute(delete(manual_entry).where(manual_entry.c.synthetic.is_(True))).rowcount or 0
        run.counts.deleted = n_obs + n_entries
        run.note = f"removed {n_obs} synthetic observations and {n_entries} synthetic manual entries"
    return n_obs + n_entries


def synthetic_indicators(engine: Engine) -> list[str]:
    """Indicators whose every stored value is synthetic (what the dashboard labels as demo)."""
    with engine.connect() as conn:
        synthetic = set(conn.execute(select(observation.c.indicator_key).where(observation.c.synthetic.is_(True)).distinct()).scalars())
        return sorted(synthetic - real_indicators(conn))
