"""Goal statuses of a pinned view: ``dashboard.goals`` evaluated on the values of the moment.

The rules stay in ``dashboard.goals`` (read, not repeated): this module only swaps the indicator
series a goal is evaluated on for the series the database held at the pinned moment. Manual
entries (status shares, rounds) are read as they are now: their own history (``superseded_at``)
is not yet pinned.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select

from dashboard import goals
from dashboard.meeting import pin


def evaluate_goals(engine, registry, lang: str = "fi", area: str | None = None,
                   today: date | None = None) -> list:
    """``goals.evaluate_goals``, or with the pinned moment's observations when a view is pinned."""
    as_of = pin.current()
    if as_of is None:
        return goals.evaluate_goals(engine, registry, lang, area=area, today=today)
    from dashboard import queries

    lang = goals.normalise_lang(lang)
    today = today or date.today()
    selected = registry.goals_for_area(area) if area else registry.goals
    moment = pin.moment_of(as_of)
    out = []
    with engine.connect() as conn:
        has_synthetic = goals._has_synthetic_column(conn)
        for goal in selected:
            data = goals.load_goal_data(conn, goal, registry, has_synthetic=has_synthetic)
            key = getattr(goal, "indicator", None)
            if key:
                region = registry.county.resolve_region(getattr(goal, "region", "county"))
                c = queries.observations_at(moment).c
                rows = conn.execute(
                    select(c.period, c.period_type, c.year, c.value, c.synthetic)
                    .where(c.indicator_key == key, c.region_code == region, c.sex == "total")
                    .order_by(c.year, c.period)
                ).all()
                data.observations = pd.DataFrame([r._asdict() for r in rows], columns=goals.OBS_COLUMNS)
            out.append(goals.evaluate_goal(goal, data, registry.county, today, lang))
    return out
