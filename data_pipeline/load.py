"""Writing validated frames to SQL: load runs and idempotent upserts.

One code path for SQLite and PostgreSQL: the rows already stored under the natural key are read,
the incoming frame is compared with them, and only new rows are inserted and changed rows updated.
That makes re-running a refresh write 0 rows, gives exact inserted/updated/unchanged counts for the
load run, and never touches the database if validation failed earlier.

Every dataset is loaded inside one transaction (``with engine.begin()``) opened by the caller via
:func:`recorded_load`; the load run row itself is written in separate short transactions so that a
failed load still leaves a ``failed`` run with its error text behind.
"""
from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    insert,
    select,
    tuple_,
    update,
)

from data_pipeline.db.schema import load_run, observation
from data_pipeline.interrupted import close_interrupted, this_process
from data_pipeline.settings import PROJECT_ROOT

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:(?P<type>[HQM])(?P<n>\d{1,2}))?$")
PERIOD_LIMITS = {"H": 2, "Q": 4, "M": 12}
OBS_KEY = ["indicator_key", "region_code", "period", "sex"]
OBS_VALUES = ["value", "count", "suppressed", "provisional", "synthetic", "citation", "citation_note"]
CHUNK = 5000


def utcnow() -> datetime:
    return datetime.now(UTC)


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Git commit of the running code (or the package version outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "tilannekuva-0.1.0"


def parse_period(period: str) -> tuple[str, int]:
    """Return (period_type, year) for '2024', '2024H1', '2024Q3' or '2024M05'; ValueError otherwise."""
    m = PERIOD_RE.match(str(period))
    if not m:
        raise ValueError(f"malformed period {period!r} (expected 2024, 2024H1, 2024Q3 or 2024M05)")
    kind = m.group("type") or "Y"
    if kind != "Y":
        n = int(m.group("n"))
        if not 1 <= n <= PERIOD_LIMITS[kind]:
            raise ValueError(f"malformed period {period!r}: {kind}{n} is out of range")
        if kind == "M" and len(m.group("n")) != 2:
            raise ValueError(f"malformed period {period!r}: months are written with two digits (2024M05)")
    return kind, int(m.group("year"))


@dataclass
class LoadCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __iadd__(self, other: LoadCounts) -> LoadCounts:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        return self

    @property
    def written(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass
class RunHandle:
    """The load run being recorded; the loader adds its counts here."""

    id: int
    counts: LoadCounts = field(default_factory=LoadCounts)
    note: str | None = None
    #: when the source says it last updated / will next update the data (None: it does not say)
    source_updated: datetime | None = None
    source_next_update: datetime | None = None


@contextmanager
def recorded_load(
    engine: Engine,
    *,
    source: str,
    dataset: str,
    location: str,
    sha256: str | None = None,
    offline: bool = False,
) -> Iterator[tuple[RunHandle, Connection]]:
    """Record a load run and give the loader one transaction for all its writes.

    Yields (run, connection). If the block raises, the data transaction is rolled back, the run is
    marked ``failed`` with the error text, and the exception propagates.
    """
    with engine.begin() as conn:
        close_interrupted(conn, utcnow())
        run_id = conn.execute(
            insert(load_run).values(
                **this_process(),
                source=source,
                dataset=dataset,
                location=location,
                sha256=sha256,
                offline=offline,
                started_at=utcnow(),
                status="running",
                code_version=code_version(),
            )
        ).inserted_primary_key[0]
    run = RunHandle(id=run_id)
    try:
        with engine.begin() as conn:
            yield run, conn
    except BaseException as exc:
        with engine.begin() as conn:
            conn.execute(
                update(load_run)
                .where(load_run.c.id == run_id)
                .values(status="failed", finished_at=utcnow(), error=f"{type(exc).__name__}: {exc}"[:20000])
            )
        raise
    with engine.begin() as conn:
        conn.execute(
            update(load_run)
            .where(load_run.c.id == run_id)
            .values(
                status="success",
                finished_at=utcnow(),
                rows_inserted=run.counts.inserted,
                rows_updated=run.counts.updated,
                rows_unchanged=run.counts.unchanged,
                rows_deleted=run.counts.deleted,
                error=run.note,
                source_updated=run.source_updated,
                source_next_update=run.source_next_update,
            )
        )


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where NaN == NaN (missing stays missing)."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    both = ~a_na & ~b_na  # compare present values only: pd.NA has no truth value
    eq = np.zeros(len(a), dtype=bool)
    eq[both] = a.to_numpy(dtype=object)[both] == b.to_numpy(dtype=object)[both]
    return (a_na & b_na) | eq


def upsert_frame(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    key: list[str],
    compare: list[str],
    *,
    extra_on_write: dict | None = None,
    scope: dict | None = None,
) -> LoadCounts:
    """Insert new rows, update changed rows, count unchanged ones.

    ``scope`` narrows the read of existing rows (e.g. ``{"indicator_key": [...]}``) so a dataset
    does not read the whole table. ``extra_on_write`` is set on inserted and updated rows only
    (e.g. the load run id), so unchanged rows keep the provenance of the run that wrote them.
    """
    counts = LoadCounts()
    if frame.empty:
        return counts
    if frame.duplicated(key).any():
        dup = frame[frame.duplicated(key, keep=False)][key].head(5).to_dict("records")
        raise ValueError(f"duplicate keys in frame for {table.name}: {dup}")
    pk = [c.name for c in table.primary_key.columns]
    cols = list(dict.fromkeys(pk + key + compare))
    stmt = select(*[table.c[c] for c in cols])
    for col, values in (scope or {}).items():
        values = list(values)
        if values:
            stmt = stmt.where(table.c[col].in_(values))
    existing = pd.DataFrame.from_records(conn.execute(stmt).all(), columns=cols)
    incoming = frame[key + compare].copy()
    if existing.empty:
        merged = incoming.assign(_exists=False)
    else:
        for c in key:  # align key dtypes so the merge matches stored and incoming keys
            if pd.api.types.is_numeric_dtype(incoming[c]):
                existing[c] = existing[c].astype(incoming[c].dtype)
            else:
                existing[c] = existing[c].astype(str)
                incoming[c] = incoming[c].astype(str)
        merged = incoming.merge(existing, on=key, how="left", suffixes=("", "_old"), indicator=True)
        merged["_exists"] = merged.pop("_merge") == "both"
    new = merged[~merged["_exists"]]
    old = merged[merged["_exists"]]
    changed_mask = np.zeros(len(old), dtype=bool)
    if len(old):
        for c in compare:
            changed_mask |= ~_same(old[c], old[f"{c}_old"])
    changed = old[changed_mask]
    counts.unchanged = int(len(old) - len(changed))
    extra = extra_on_write or {}

    def records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
        out = df[columns].astype(object).where(df[columns].notna(), None).to_dict("records")
        for r in out:
            r.update(extra)
        return out

    if len(new):
        rows = records(new, key + compare)
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(table), rows[i : i + CHUNK])
        counts.inserted = len(rows)
    if len(changed):
        pk_col = pk[0] if len(pk) == 1 and pk[0] not in key else None
        set_cols = compare + list(extra)
        if pk_col:
            rows = records(changed.assign(_pk=changed[pk_col]), compare + ["_pk"])
            stmt = update(table).where(table.c[pk_col] == bindparam("_pk")).values(
                {c: bindparam(f"_v_{c}") for c in set_cols}
            )
        else:
            rows = records(changed.assign(**{f"_k_{c}": changed[c] for c in key}), compare + [f"_k_{c}" for c in key])
            stmt = update(table).where(and_(*[table.c[c] == bindparam(f"_k_{c}") for c in key])).values(
                {c: bindparam(f"_v_{c}") for c in set_cols}
            )
        rows = [{(f"_v_{k}" if k in set_cols else k): v for k, v in r.items()} for r in rows]
        for i in range(0, len(rows), CHUNK):
            conn.execute(stmt, rows[i : i + CHUNK])
        counts.updated = len(rows)
    return counts


def prepare_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill defaults and derive period_type/year; the frame must already be validated."""
    out = frame.copy()
    for col, default in (("sex", "total"), ("count", np.nan), ("suppressed", False), ("provisional", False), ("synthetic", False)):
        if col not in out.columns:
            out[col] = default
    out["period"] = out["period"].astype(str)
    parsed = out["period"].map(parse_period)
    out["period_type"] = parsed.map(lambda p: p[0])
    out["year"] = parsed.map(lambda p: p[1]).astype(int)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    out["count"] = pd.to_numeric(out["count"], errors="raise").astype(float)
    for col in ("suppressed", "provisional", "synthetic"):
        out[col] = out[col].astype(bool)
    for col in ("citation", "citation_note"):  # only published figures carry one; a statistic clears it
        out[col] = out[col].astype(object).where(out[col].notna(), None) if col in out.columns else None
    return out


def upsert_observations(
    conn: Connection, frame: pd.DataFrame, run_id: int, *, keep_real: bool = False
) -> LoadCounts:
    """Upsert observations on (indicator_key, region_code, period, sex).

    With ``keep_real`` (the demo fill), keys that already hold a real (non-synthetic) row are left
    alone: synthetic values never overwrite or hide a real value.
    """
    frame = prepare_observations(frame)
    if keep_real and not frame.empty:
        real = stored_keys(
            conn,
            observation.c.indicator_key.in_(sorted(frame["indicator_key"].unique())),
            observation.c.synthetic.is_(False),
        )
        if not real.empty:
            hit = frame.merge(real, on=OBS_KEY, how="left", indicator=True)["_merge"].eq("both").to_numpy()
            frame = frame[~hit]
    counts = upsert_frame(
        conn,
        observation,
        frame,
        OBS_KEY,
        OBS_VALUES + ["period_type", "year"],
        extra_on_write={"load_run_id": run_id},
        scope={"indicator_key": sorted(frame["indicator_key"].unique())} if not frame.empty else None,
    )
    real_keys = sorted(frame.loc[~frame["synthetic"], "indicator_key"].unique()) if not frame.empty else []
    if real_keys and not keep_real:
        # Real data replaces the demo series of its indicator: no mix of real and leftover synthetic values.
        res = conn.execute(
            observation.delete().where(observation.c.indicator_key.in_(real_keys), observation.c.synthetic.is_(True))
        )
        counts.deleted += res.rowcount or 0
    return counts


def stored_keys(conn: Connection, *conditions) -> pd.DataFrame:
    """Natural keys (indicator_key, region_code, period, sex) of the stored observations matching ``conditions``."""
    rows = conn.execute(select(*[observation.c[c] for c in OBS_KEY]).where(*conditions)).all()
    return pd.DataFrame.from_records(rows, columns=OBS_KEY)


def delete_observations(conn: Connection, keys: pd.DataFrame) -> int:
    """Delete observations by natural key (used by `demo --clear` and manual supersession)."""
    if keys.empty:
        return 0
    n = 0
    rows = list(keys[OBS_KEY].itertuples(index=False, name=None))
    for i in range(0, len(rows), 500):
        res = conn.execute(
            observation.delete().where(tuple_(*[observation.c[c] for c in OBS_KEY]).in_(rows[i : i + 500]))
        )
        n += res.rowcount or 0
    return n
