"""Helpers shared by the meeting tests (unit and browser): a refresh that changes one value."""
from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update

from data_pipeline.db.schema import load_run, observation

KEY = "asunnottomat_yksinaiset_per1000"
CODE = "109"  # Hämeenlinna
YEAR = 2024
NEW_VALUE = 7.77


def moment_between_writes() -> str:
    """A canonical ``tilanne`` strictly after what is in the database and before what comes next
    (the URL value has whole seconds)."""
    time.sleep(1.05)
    moment = datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.05)
    return moment


def refresh_changes_a_value(engine, value: float = NEW_VALUE) -> float:
    """What a refresh that corrects one value does: a new load run and the row updated by it.
    Returns the value the row had before. The new value is invented too, so it stays flagged
    synthetic like the rest of the test database (tests/dashboard/data.py)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        run_id = conn.execute(select(func.max(load_run.c.id))).scalar() + 1
        conn.execute(insert(load_run).values(
            id=run_id, source="sotkanet", dataset="correction", location="/snapshot/sotkanet/data", offline=True,
            started_at=now, finished_at=now, status="success", rows_inserted=0, rows_updated=1, code_version="test"))
        cond = ((observation.c.indicator_key == KEY) & (observation.c.region_code == CODE)
                & (observation.c.year == YEAR) & (observation.c.sex == "total"))
        old = conn.execute(select(observation.c.value).where(cond)).scalar()
        conn.execute(update(observation).where(cond).values(value=value, load_run_id=run_id, synthetic=True))
    return old
