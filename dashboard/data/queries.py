"""Database reads of the dashboard: pure functions (engine + validated parameters -> DataFrame).

SQLAlchemy Core with bound parameters only; callers validate every parameter first
(:mod:`dashboard.core.state`). Results are cached per process and keyed on the *data version* — the
newest ``load_run`` id — so a refresh or a manual load invalidates everything at once, without a
time-to-live guess. The version itself is asked once per HTTP request (kept on ``flask.g``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, date
from functools import wraps

import pandas as pd
from sqlalchemy import Engine, Table, and_, func, or_, select, true
from sqlalchemy.exc import SQLAlchemyError

from dashboard.core import pin
from dashboard.data.context import iso_date
from data_pipeline.db.schema import load_run, manual_entry, observation, observation_history, submission
from data_pipeline.registry import SERIES_SEP

_CACHE_SIZE = 4096
_cache: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()

OBS_COLUMNS = [
    "indicator_key", "region_code", "period", "period_type", "year", "value", "count",
    "suppressed", "provisional", "synthetic", "load_run_id", "citation", "reported_by",
]


class DataUnavailable(RuntimeError):
    """The database could not be read (outage, restart): a temporary condition — callers answer
    "try again later" (HTTP 503, a notice), not an error in the request. Raised here, where the
    database is read, so no other layer needs to know SQLAlchemy's exceptions."""


def _engine_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def visibility_today() -> date:
    """The day the embargo rule compares with (tests move the clock by replacing this)."""
    return date.today()


def visible(table: Table = observation):
    """THE publication rule: a partner-reported row (observation or manual entry) is public from its
    ``visible_from`` date on; rows without one (statistics, CLI loads) always are. Every read of
    observations and manual entries goes through this clause."""
    return or_(table.c.visible_from.is_(None), table.c.visible_from <= visibility_today())


def data_version(engine: Engine) -> tuple[int, int, int]:
    """(newest load_run id, number of load runs, publications visible today); asked once per request.

    The third part changes when an embargo date passes, so every cache keyed on the version
    shows a publication from its date on without anyone touching the data."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        has_request_context = lambda: False
    key = f"_tk_version_{_engine_key(engine)}"
    if has_request_context() and hasattr(g, key):
        return getattr(g, key)
    try:
        # One statement, one round trip: every request of every cached page asks this.
        runs = select(func.max(load_run.c.id).label("newest"), func.count(load_run.c.id).label("runs")).subquery()
        published = select(func.count()).select_from(submission).where(
            submission.c.status == "published", submission.c.publish_on <= visibility_today()).scalar_subquery()
        with engine.connect() as conn:
            newest, n_runs, n_published = conn.execute(select(runs.c.newest, runs.c.runs, published)).one()
    except SQLAlchemyError as exc:
        raise DataUnavailable(type(exc).__name__) from exc
    version = (int(newest or 0), int(n_runs or 0), int(n_published or 0))
    if has_request_context():
        setattr(g, key, version)
    return version


def version_tag(version: tuple) -> str:
    """The data version as one string: ETags, API responses and file notes all name it so."""
    return ".".join(str(part) for part in version)


_MISSING = object()


def memo(engine: Engine, name: str, args: tuple, compute):
    """``compute()`` once per (name, args, database, data version, pinned moment): the shared LRU behind
    :func:`cached`, also used for shaped frames, charts and goal evaluations built from queries.

    Values are shared between requests and threads, so callers treat them as read-only.
    """
    try:
        # A view pinned to a moment never shares values with the live one.
        key = (name, _engine_key(engine), data_version(engine), pin.current(), args)
        with _lock:
            value = _cache.get(key, _MISSING)
            if value is not _MISSING:
                _cache.move_to_end(key)
                return value
        value = compute()
    except SQLAlchemyError as exc:
        raise DataUnavailable(type(exc).__name__) from exc
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


def ping(engine: Engine) -> None:
    """A trivial query: raises :class:`DataUnavailable` when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as exc:
        raise DataUnavailable(type(exc).__name__) from exc


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# --- status -----------------------------------------------------------------------------------


@cached
def observation_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(observation).where(visible())).scalar_one())


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
            load_run.c.source_updated, load_run.c.source_next_update,
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


@cached
def source_dates(engine: Engine) -> dict[int, tuple[str | None, str | None]]:
    """load_run id -> (ISO date the source says it last updated the data, ISO date it says it will
    update next); only runs whose source stated either."""
    stmt = (select(load_run.c.id, load_run.c.source_updated, load_run.c.source_next_update)
            .where(or_(load_run.c.source_updated.is_not(None), load_run.c.source_next_update.is_not(None))))
    with engine.connect() as conn:
        return {r.id: (iso_date(r.source_updated) if r.source_updated else None,
                       iso_date(r.source_next_update) if r.source_next_update else None)
                for r in conn.execute(stmt)}


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


def current_observations(engine: Engine | None = None):
    """(relation, condition) every observation read selects from: what the public sees under the
    publication rule, today or at the moment the view is pinned to (``?tilanne=``,
    :mod:`dashboard.core.pin`). Live reads use the table itself unless a correction is waiting for
    its publication date; then the published versions (:func:`published_observations`) keep
    showing the older value until that date."""
    as_of = pin.current()
    if as_of is not None:
        moment = pin.moment_of(as_of)
        return published_observations(moment, moment.astimezone(pin.LOCAL).date()), true()
    if engine is not None and pending_publications(engine):
        return published_observations(None, visibility_today()), true()
    return observation, visible()


def pending_publications(engine: Engine) -> bool:
    """Whether any observation waits for its publication date (an embargo not yet over)."""
    def compute() -> bool:
        with engine.connect() as conn:
            return conn.execute(select(observation.c.id).where(
                observation.c.visible_from > visibility_today()).limit(1)).first() is not None

    return bool(memo(engine, "pending_publications", (visibility_today(),), compute))


@cached
def indicator_observations(engine: Engine, key: str, codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Observations of one series, annualised; only the regions ``codes`` when given (a view of
    one county needs its own regions and the country, not all ~300 municipalities).

    ``key`` is an indicator key (the total, what every view reads by default) or a series key
    ``<indicator>~<sex>`` (``registry.SERIES_SEP``): the rows of that sex."""
    key, _, sex = key.partition(SERIES_SEP)
    obs, shown = current_observations(engine)
    cond = and_(obs.c.indicator_key == key, obs.c.sex == (sex or "total"), shown)
    if codes is not None:
        cond = and_(cond, obs.c.region_code.in_(list(codes)))
    stmt = select(*[obs.c[c] for c in OBS_COLUMNS]).where(cond).order_by(obs.c.region_code, obs.c.period)
    with engine.connect() as conn:
        return annualise(_frame(conn.execute(stmt).all()))


@cached
def period_observations(engine: Engine, key: str, region: str) -> pd.DataFrame:
    """Every period of one indicator in one region (total sex, not annualised): what a goal reads."""
    obs, shown = current_observations(engine)
    cond = and_(obs.c.indicator_key == key, obs.c.region_code == region, obs.c.sex == "total", shown)
    stmt = select(*[obs.c[c] for c in OBS_COLUMNS]).where(cond).order_by(obs.c.year, obs.c.period)
    with engine.connect() as conn:
        return _frame(conn.execute(stmt).all())


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
    """(synthetic values, all values) among observations with a value, optionally for some indicators
    (the totals the default views show: a breakdown by sex does not change the share)."""
    cond = and_(observation.c.value.is_not(None), observation.c.sex == "total", visible())
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
        .where(observation.c.indicator_key == key, visible())
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
@cached
def manual_entries(engine: Engine, template: str) -> pd.DataFrame:
    """The manual entries of a template the public sees (today, or at the pinned moment):
    region_code, period, data, synthetic, entered_at."""
    cols = ["region_code", "period", "data", "entered_at", "load_run_id", "submission_id", "synthetic"]
    as_of = pin.current()
    moment = pin.moment_of(as_of) if as_of is not None else None
    day = moment.astimezone(pin.LOCAL).date() if moment is not None else visibility_today()
    entries = published_entries(moment, day)
    stmt = (select(*[entries.c[c] for c in cols]).where(entries.c.template == template)
            .order_by(entries.c.region_code, entries.c.period))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=cols)
    if "synthetic" not in frame:
        frame["synthetic"] = False
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


@cached
def submission_organisation(engine: Engine, submission_id: int) -> str | None:
    """The organisation key of a collection-area submission (who reported a published entry)."""
    with engine.connect() as conn:
        return conn.execute(select(submission.c.organisation).where(submission.c.id == submission_id)).scalar()


@cached
def indicator_row(engine: Engine, key: str) -> dict | None:
    """The indicator's SQL row (resolved Sotkanet id and how it was resolved)."""
    from data_pipeline.db.schema import indicator

    with engine.connect() as conn:
        row = conn.execute(select(indicator).where(indicator.c.key == key)).mappings().first()
    return dict(row) if row else None


# --- values as they stood at a moment (pinned views, "tilanne pp.kk.vvvv") ---------------------


def _stamp(moment):
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _same_key(a, b, columns):
    return and_(*[a.c[c] == b.c[c] for c in columns])


_OBS_KEY = ("indicator_key", "region_code", "period", "sex")
_ENTRY_KEY = ("template", "region_code", "period")


def _published(table, alias: str, key: tuple, since: str, until: str, name: str, moment, day: date, columns=None):
    """The publication rule as a query over a table that keeps every version of a row (newest
    ``id`` last): per ``key`` the newest version written (column ``since``) by ``moment`` (None:
    now) and public on ``day``, if a version of it was current then (``until`` None or later).
    ``columns``: the columns to return (None: all)."""
    v = table.alias(alias)
    newer = table.alias(f"{alias}_newer")
    alive = table.alias(f"{alias}_alive")

    def seen(x):
        cond = or_(x.c.visible_from.is_(None), x.c.visible_from <= day)
        return cond if moment is None else and_(x.c[since] <= _stamp(moment), cond)

    current_then = (alive.c[until].is_(None) if moment is None else
                    and_(alive.c[since] <= _stamp(moment),
                         or_(alive.c[until].is_(None), alive.c[until] > _stamp(moment))))
    return (
        select(*[v.c[c] for c in columns] if columns else [v])
        .where(seen(v),
               ~select(newer.c.id).where(_same_key(newer, v, key), newer.c.id > v.c.id, seen(newer)).exists(),
               select(alive.c.id).where(_same_key(alive, v, key), current_then).exists())
        .subquery(name)
    )


def published_observations(moment, day: date):
    """THE publication rule over time: per observation (indicator, region, period, sex), the newest
    version written by ``moment`` (None: now) that was public on ``day``, if the observation
    existed then. A correction under embargo therefore leaves the older published value on show
    until its publication date, and a view pinned to a moment reads exactly what the public saw
    then. Versions are kept by database triggers (``observation_history``, one per load run)."""
    return _published(observation_history, "h", _OBS_KEY, "valid_from", "valid_to", "observation_published",
                      moment, day, columns=(*OBS_COLUMNS, "sex"))


def observations_at(as_of):
    """The observations the public saw at ``as_of`` (a UTC datetime), as a subquery with the columns
    of ``observation`` (kept for callers of the earlier name)."""
    return published_observations(as_of, as_of.astimezone(pin.LOCAL).date() if as_of.tzinfo else as_of.date())


def published_entries(moment, day: date):
    """The manual entries (status entries, rounds) the public saw: per template, region and period
    the newest entry entered by ``moment`` (None: now) and public on ``day``, if one was current
    then. The same rule as :func:`published_observations`; ``manual_entry`` keeps every version
    itself (``superseded_at``)."""
    return _published(manual_entry, "e", _ENTRY_KEY, "entered_at", "superseded_at", "manual_entry_published",
                      moment, day)


# --- open data API and embeds (dashboard/deliver/api/) ---------------------------------------------------
# The API only shapes what these return; observation values themselves come through
# :func:`indicator_observations` (via ``dashboard.data.model.indicator_frame``), so any visibility rule
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


# --- what changed, similar municipalities (dashboard/data/changes.py, dashboard/data/similar.py) ----


def load_runs_since(engine: Engine, start) -> list:
    """Successful load runs finished at or after ``start`` (a UTC datetime), newest first (at most 200)."""
    c = load_run.c
    stmt = (select(c.id, c.source, c.dataset, c.finished_at, c.rows_inserted, c.rows_updated)
            .where(c.status == "success", c.finished_at.is_not(None), c.finished_at >= start)
            .order_by(c.finished_at.desc(), c.id.desc()).limit(200))
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).all()
    except SQLAlchemyError as exc:
        raise DataUnavailable(type(exc).__name__) from exc


@cached
def municipal_values(engine: Engine, keys: tuple[str, ...]) -> list[tuple]:
    """(indicator, municipality, year, value) of every municipality of the country: the variables
    similar municipalities are found by."""
    from data_pipeline.db.schema import region

    o, r = observation.c, region.c
    stmt = (select(o.indicator_key, o.region_code, o.year, o.value)
            .join(region, region.c.code == o.region_code)
            .where(r.level == "kunta", o.sex == "total", o.period_type == "Y", o.value.is_not(None),
                   o.indicator_key.in_(list(keys)), visible()))
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(stmt)]


@cached
def municipality_regions(engine: Engine) -> dict[str, str]:
    """municipality code -> region (maakunta) code of every municipality in the region list: the
    regions' populations of the set benchmarks (dashboard/data/benchmarks.py)."""
    from data_pipeline.db.schema import region

    stmt = select(region.c.code, region.c.region_code).where(region.c.level == "kunta", region.c.region_code.is_not(None))
    with engine.connect() as conn:
        return {r.code: r.region_code for r in conn.execute(stmt)}
