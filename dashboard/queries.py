"""Database reads of the dashboard: pure functions (engine + validated parameters -> DataFrame).

SQLAlchemy Core with bound parameters only; callers validate every parameter first
(:mod:`dashboard.state`). Results are cached per process and keyed on the *data version* — the
newest ``load_run`` id — so a refresh or a manual load invalidates everything at once, without a
time-to-live guess. The version itself is asked once per HTTP request (kept on ``flask.g``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import wraps

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from data_pipeline.db.schema import load_run, manual_entry, observation

from dashboard.context import iso_date

_CACHE_SIZE = 4096
_cache: "OrderedDict[tuple, object]" = OrderedDict()
_lock = threading.Lock()

OBS_COLUMNS = [
    "indicator_key", "region_code", "period", "period_type", "year", "value", "count",
    "suppressed", "provisional", "synthetic", "load_run_id",
]


def _engine_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def data_version(engine: Engine) -> tuple[int, int]:
    """(newest load_run id, number of load runs); asked once per request."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        has_request_context = lambda: False  # noqa: E731
    key = f"_tk_version_{_engine_key(engine)}"
    if has_request_context() and hasattr(g, key):
        return getattr(g, key)
    with engine.connect() as conn:
        row = conn.execute(select(func.max(load_run.c.id), func.count(load_run.c.id))).one()
    version = (int(row[0] or 0), int(row[1] or 0))
    if has_request_context():
        setattr(g, key, version)
    return version


_MISSING = object()


def memo(engine: Engine, name: str, args: tuple, compute):
    """``compute()`` once per (name, args, database, data version): the shared LRU behind
    :func:`cached`, also used for shaped frames, charts and goal evaluations built from queries.

    Values are shared between requests and threads, so callers treat them as read-only.
    """
    key = (name, _engine_key(engine), data_version(engine), args)
    with _lock:
        value = _cache.get(key, _MISSING)
        if value is not _MISSING:
            _cache.move_to_end(key)
            return value
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def cached(fn):
    """Memoise ``fn(engine, *args)`` per data version (LRU, bounded)."""

    @wraps(fn)
    def wrapper(engine: Engine, *args):
        return memo(engine, fn.__name__, args, lambda: fn(engine, *args))

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# --- status -----------------------------------------------------------------------------------


@cached
def observation_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(observation)).scalar_one())


@cached
def latest_load(engine: Engine) -> dict | None:
    """The newest successful load run (source, dataset, finished date, offline)."""
    stmt = (
        select(load_run.c.id, load_run.c.source, load_run.c.dataset, load_run.c.finished_at, load_run.c.offline)
        .where(load_run.c.status == "success")
        .order_by(load_run.c.finished_at.desc(), load_run.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return None
    return {
        "id": row.id, "source": row.source, "dataset": row.dataset,
        "finished": iso_date(row.finished_at), "offline": bool(row.offline),
    }


@cached
def load_runs(engine: Engine, limit: int = 40) -> pd.DataFrame:
    stmt = (
        select(
            load_run.c.id, load_run.c.source, load_run.c.dataset, load_run.c.location, load_run.c.started_at,
            load_run.c.finished_at, load_run.c.status, load_run.c.rows_inserted, load_run.c.rows_updated,
            load_run.c.rows_unchanged, load_run.c.rows_deleted, load_run.c.offline, load_run.c.error,
        )
        .order_by(load_run.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


@cached
def load_dates(engine: Engine) -> dict[int, str]:
    """load_run id -> ISO date it finished (or started, while running)."""
    stmt = select(load_run.c.id, load_run.c.finished_at, load_run.c.started_at)
    with engine.connect() as conn:
        return {r.id: iso_date(r.finished_at or r.started_at) for r in conn.execute(stmt)}


# --- observations -----------------------------------------------------------------------------


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=OBS_COLUMNS)
    if frame.empty:
        return frame
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").astype(float)
    for col in ("suppressed", "provisional", "synthetic"):
        frame[col] = frame[col].astype(bool)
    frame["year"] = frame["year"].astype(int)
    return frame


def annualise(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per region and year: the annual value, or the latest sub-annual period of the year."""
    if frame.empty:
        return frame
    ranked = frame.assign(_annual=(frame["period_type"] == "Y").astype(int))
    ranked = ranked.sort_values(["region_code", "year", "_annual", "period"])
    return ranked.groupby(["region_code", "year"], as_index=False).tail(1).drop(columns="_annual").reset_index(drop=True)


@cached
def indicator_observations(engine: Engine, key: str, codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Total-sex observations of one indicator, annualised; only the regions ``codes`` when given
    (a view of one county needs its own regions and the country, not all ~300 municipalities)."""
    cond = and_(observation.c.indicator_key == key, observation.c.sex == "total")
    if codes is not None:
        cond = and_(cond, observation.c.region_code.in_(list(codes)))
    stmt = (
        select(*[observation.c[c] for c in OBS_COLUMNS])
        .where(cond)
        .order_by(observation.c.region_code, observation.c.period)
    )
    with engine.connect() as conn:
        return annualise(_frame(conn.execute(stmt).all()))


@cached
def region_observations(engine: Engine, codes: tuple[str, ...]) -> pd.DataFrame:
    """All total-sex observations of all indicators for a few regions (municipality profile)."""
    stmt = (
        select(*[observation.c[c] for c in OBS_COLUMNS])
        .where(and_(observation.c.region_code.in_(list(codes)), observation.c.sex == "total"))
        .order_by(observation.c.indicator_key, observation.c.region_code, observation.c.period)
    )
    with engine.connect() as conn:
        frame = _frame(conn.execute(stmt).all())
    if frame.empty:
        return frame
    return (
        frame.groupby("indicator_key", group_keys=False)[frame.columns.tolist()]
        .apply(annualise)
        .reset_index(drop=True)
    )


@cached
def headline_latest(engine: Engine, keys: tuple[str, ...], codes: tuple[str, ...]) -> pd.DataFrame:
    """Observations of some indicators for some regions (overview cards), annualised."""
    stmt = (
        select(*[observation.c[c] for c in OBS_COLUMNS])
        .where(
            and_(
                observation.c.indicator_key.in_(list(keys)),
                observation.c.region_code.in_(list(codes)),
                observation.c.sex == "total",
            )
        )
        .order_by(observation.c.indicator_key, observation.c.region_code, observation.c.period)
    )
    with engine.connect() as conn:
        frame = _frame(conn.execute(stmt).all())
    if frame.empty:
        return frame
    return (
        frame.groupby("indicator_key", group_keys=False)[frame.columns.tolist()]
        .apply(annualise)
        .reset_index(drop=True)
    )


def years_with_data(engine: Engine, key: str, codes: list[str]) -> list[int]:
    """Years in which at least one of ``codes`` has a value or a suppressed value."""
    codes_t = tuple(codes)

    def compute() -> list[int]:
        frame = indicator_observations(engine, key, codes_t)
        if frame.empty:
            return []
        sub = frame[frame["value"].notna() | frame["suppressed"]]
        return sorted(int(y) for y in sub["year"].unique())

    return list(memo(engine, "years_with_data", (key, codes_t), compute))


@cached
def synthetic_share(engine: Engine, keys: tuple[str, ...] | None = None) -> tuple[int, int]:
    """(synthetic values, all values) among observations with a value, optionally for some indicators."""
    cond = observation.c.value.is_not(None)
    if keys is not None:
        cond = and_(cond, observation.c.indicator_key.in_(list(keys)))
    stmt = select(
        func.count().filter(observation.c.synthetic.is_(True)),
        func.count(),
    ).where(cond)
    with engine.connect() as conn:
        synthetic, total = conn.execute(stmt).one()
    return int(synthetic or 0), int(total or 0)


@cached
def indicator_runs(engine: Engine, key: str) -> pd.DataFrame:
    """The load runs that wrote this indicator's observations (newest first)."""
    runs = (
        select(observation.c.load_run_id.label("id"))
        .where(observation.c.indicator_key == key)
        .distinct()
        .subquery()
    )
    stmt = (
        select(load_run.c.id, load_run.c.source, load_run.c.dataset, load_run.c.finished_at, load_run.c.offline,
               load_run.c.location)
        .where(load_run.c.id.in_(select(runs.c.id)))
        .order_by(load_run.c.id.desc())
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


# --- manual entries ---------------------------------------------------------------------------


@cached
def manual_entries(engine: Engine, template: str) -> pd.DataFrame:
    """Current (not superseded) manual entries of a template: region_code, period, data, synthetic, entered_at."""
    cols = [manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.data, manual_entry.c.entered_at,
            manual_entry.c.load_run_id]
    if "synthetic" in manual_entry.c:
        cols.append(manual_entry.c.synthetic)
    stmt = (
        select(*cols)
        .where(and_(manual_entry.c.template == template, manual_entry.c.superseded_at.is_(None)))
        .order_by(manual_entry.c.region_code, manual_entry.c.period)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=["region_code", "period", "data", "entered_at", "load_run_id", "synthetic"])
    if "synthetic" not in frame:
        frame["synthetic"] = False
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


@cached
def indicator_row(engine: Engine, key: str) -> dict | None:
    """The indicator's SQL row (resolved Sotkanet id and how it was resolved)."""
    from data_pipeline.db.schema import indicator

    with engine.connect() as conn:
        row = conn.execute(select(indicator).where(indicator.c.key == key)).mappings().first()
    return dict(row) if row else None


# --- open data API and embeds (dashboard/api/) ---------------------------------------------------
# The API only shapes what these return; observation values themselves come through
# :func:`indicator_observations` (via ``dashboard.model.indicator_frame``), so any visibility rule
# added there (publication dates) applies to the API, its bulk files and embeds as on the pages.


@cached
def api_load_runs(engine: Engine) -> dict[int, dict]:
    """load_run id -> {id, source, dataset, finished, offline}: the provenance of each value."""
    stmt = select(load_run.c.id, load_run.c.source, load_run.c.dataset, load_run.c.finished_at,
                  load_run.c.started_at, load_run.c.offline)
    with engine.connect() as conn:
        return {r.id: {"id": int(r.id), "source": r.source, "dataset": r.dataset,
                       "finished": iso_date(r.finished_at or r.started_at), "offline": bool(r.offline)}
                for r in conn.execute(stmt)}


@cached
def api_regions(engine: Engine, codes: tuple[str, ...]) -> list[dict]:
    """The ``region`` rows of ``codes`` (code, level, names, parent codes), in the order given."""
    from data_pipeline.db.schema import region

    stmt = select(region.c.code, region.c.level, region.c.name_fi, region.c.name_sv, region.c.name_en,
                  region.c.subregion_code, region.c.region_code).where(region.c.code.in_(list(codes)))
    with engine.connect() as conn:
        rows = {r["code"]: dict(r) for r in conn.execute(stmt).mappings()}
    return [rows[c] for c in codes if c in rows]
