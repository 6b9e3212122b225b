"""What goal evaluation reads: the inputs of :func:`dashboard.judge.goals.evaluate_goal`, from the
query layer, and the evaluated statuses of every page (memoised per data version and day)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from dashboard.core.i18n import normalise_lang
from dashboard.data import model, provenance, queries
from dashboard.judge.goals import (
    ENTRY_COLUMNS,
    OBS_COLUMNS,
    SUBMITTED,
    GoalData,
    GoalStatus,
    evaluate_goal,
    series_break_years,
    status_code,
)


def load_goal_data(engine, goal, registry) -> GoalData:
    """Read what :func:`dashboard.judge.goals.evaluate_goal` needs for ``goal``."""
    data = GoalData()
    indicator_key = getattr(goal, "indicator", None)
    if indicator_key:
        data.indicator = registry.indicators.get(indicator_key)
        region = registry.county.resolve_region(getattr(goal, "region", "county"))
        data.observations = queries.period_observations(engine, indicator_key, region)[OBS_COLUMNS].copy()
        county = registry.county
        bench_region = county.country if region in (county.region.code, county.welfare_area.code) else county.region
        bench_key = getattr(goal, "benchmark_indicator", None)
        if bench_key:  # a count goal compared through a rate: the region's own rate and the benchmark's
            data.benchmark_indicator = registry.indicators.get(bench_key)
            data.benchmark_own = queries.period_observations(engine, bench_key, region)[OBS_COLUMNS].copy()
        data.benchmark = queries.period_observations(engine, bench_key or indicator_key, bench_region.code)[OBS_COLUMNS].copy()
        data.benchmark_name = bench_region.name
        data.breaks = series_break_years(data.indicator)
    template_key = getattr(goal, "template", None)
    if template_key:
        template = registry.templates.templates.get(template_key) if registry.templates else None
        data.template = template
        entries = queries.manual_entries(engine, template_key)
        entries = entries[entries["region_code"].isin(registry.county.municipality_codes)]
        records = [{
            "region_code": r.region_code, "period": str(r.period), "entered_at": r.entered_at,
            "status": _entry_status(goal, r, template),
            "synthetic": bool(r.synthetic),
        } for r in entries.itertuples(index=False)]
        data.entries = pd.DataFrame(records, columns=[*ENTRY_COLUMNS, "entered_at"])
    return data


def _entry_status(goal, entry, template) -> str | None:
    """The entry's status code; for the frequency goal a report accepted in a collection round
    (/tiedonkeruu) counts as collected, whatever its form says."""
    status = status_code(entry.data if isinstance(entry.data, dict) else {}, template)
    accepted = getattr(entry, "submission_id", None)
    if goal.type == "frequency" and accepted is not None and accepted == accepted and status not in SUBMITTED:
        return "submitted"
    return status


def evaluate_goals(engine, registry, lang: str = "fi", area: str | None = None,
                   today: date | None = None) -> list[GoalStatus]:
    """Evaluate every goal (or one priority area's) against the database, in registry order."""
    lang = normalise_lang(lang)
    today = today or date.today()
    goals = registry.goals_for_area(area) if area else registry.goals
    out = []
    for goal in goals:
        status = evaluate_goal(goal, load_goal_data(engine, goal, registry), registry.county, today, lang)
        spans = provenance.break_note(registry, goal, status, lang)
        out.append(replace(status, source=provenance.goal_source(engine, registry, goal, status, lang),
                           explanation=f"{status.explanation} {spans}" if spans else status.explanation))
    return out


def goal_statuses(engine, registry, lang: str, area: str | None) -> list[GoalStatus]:
    """Goal statuses, evaluated once per data version and day (pages ask on every render)."""
    today = date.today()
    return queries.memo(engine, "goals", (model.registry_key(registry), lang, area, today),
                        lambda: evaluate_goals(engine, registry, lang, area=area, today=today))
