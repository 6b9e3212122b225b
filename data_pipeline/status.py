"""What is loaded: per source the last run and totals, per indicator its coverage.

``collect_status`` returns plain JSON-able data (``status --json`` prints it as is);
``render_status`` turns it into the text an operator reads after a refresh.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, case, func, select

from data_pipeline.db.schema import indicator, load_run, observation, region
from data_pipeline.interrupted import close_interrupted
from data_pipeline.load import utcnow

RUN_FIELDS = (
    "id", "dataset", "status", "started_at", "finished_at", "rows_inserted", "rows_updated", "rows_unchanged",
    "rows_deleted", "error", "location", "offline",
)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _run(row) -> dict:
    return {k: _iso(getattr(row, k)) for k in RUN_FIELDS}


def collect_status(engine: Engine) -> dict:
    """Status of the database as a dict: totals, sources, indicators (runs whose process died: interrupted)."""
    with engine.begin() as conn:
        close_interrupted(conn, utcnow())
    with engine.connect() as conn:
        runs = conn.execute(select(load_run).order_by(load_run.c.id)).all()
        obs_by_source = dict(
            conn.execute(
                select(load_run.c.source, func.count())
                .select_from(observation.join(load_run, observation.c.load_run_id == load_run.c.id))
                .group_by(load_run.c.source)
            ).all()
        )
        coverage = {
            r.indicator_key: r
            for r in conn.execute(
                select(
                    observation.c.indicator_key,
                    func.min(observation.c.year).label("first_year"),
                    func.max(observation.c.year).label("last_year"),
                    func.count(func.distinct(observation.c.region_code)).label("regions"),
                    func.count().label("rows"),
                    func.sum(case((observation.c.synthetic.is_(True), 1), else_=0)).label("synthetic"),
                    func.max(observation.c.load_run_id).label("last_run_id"),
                ).group_by(observation.c.indicator_key)
            )
        }
        indicators = conn.execute(select(indicator).order_by(indicator.c.area, indicator.c.key)).all()
        region_counts = dict(conn.execute(select(region.c.level, func.count()).group_by(region.c.level)).all())
        in_county = conn.execute(select(func.count()).where(region.c.in_county.is_(True))).scalar() or 0

    sources: dict[str, dict] = {}
    for run in runs:
        s = sources.setdefault(
            run.source,
            {"runs": 0, "failed_runs": 0, "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0,
             "observations": obs_by_source.get(run.source, 0), "last_run": None, "last_success": None, "datasets": {}},
        )
        s["runs"] += 1
        s["failed_runs"] += run.status == "failed"
        s["rows_inserted"] += run.rows_inserted
        s["rows_updated"] += run.rows_updated
        s["rows_unchanged"] += run.rows_unchanged
        s["last_run"] = _run(run)
        if run.status == "success":
            s["last_success"] = _iso(run.finished_at)
        s["datasets"][run.dataset] = _run(run)

    per_indicator = []
    for ind in indicators:
        cov = coverage.get(ind.key)
        rows = int(cov.rows) if cov else 0
        per_indicator.append(
            {
                "key": ind.key,
                "area": ind.area,
                "title_fi": ind.title_fi,
                "source": ind.source_kind,
                "source_ref": ind.source_ref,
                "rows": rows,
                "first_year": cov.first_year if cov else None,
                "last_year": cov.last_year if cov else None,
                "regions": int(cov.regions) if cov else 0,
                "synthetic_share": round(int(cov.synthetic or 0) / rows, 4) if rows else 0.0,
                "sotkanet_id": ind.sotkanet_id,
                "resolution": ind.resolution,
                "sotkanet_title": ind.sotkanet_title,
                "resolved_at": _iso(ind.resolved_at),
            }
        )
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": engine.url.render_as_string(hide_password=True),
        "totals": {
            "observations": sum(i["rows"] for i in per_indicator),
            "indicators": len(per_indicator),
            "indicators_with_data": sum(1 for i in per_indicator if i["rows"]),
            "regions": sum(region_counts.values()),
            "regions_by_level": region_counts,
            "regions_in_county": in_county,
            "load_runs": len(runs),
            "failed_runs": sum(1 for r in runs if r.status == "failed"),
        },
        "sources": sources,
        "connectors": _connectors(sources),
        "indicators": per_indicator,
    }


def _connectors(sources: dict) -> list[dict]:
    """Every registered source connector (``refresh.CONNECTORS``), whether it has run or not."""
    from data_pipeline.refresh import CONNECTORS

    return [{"key": c.key, "description": c.description, "provider": c.provider, "has_run": c.key in sources}
            for c in CONNECTORS]


def render_status(status: dict) -> str:
    """Human-readable status: sources first, then one line per indicator."""
    t = status["totals"]
    levels = ", ".join(f"{k} {v}" for k, v in sorted(t["regions_by_level"].items()))
    lines = [
        f"Database {status['database']}",
        f"  {t['observations']} observations for {t['indicators_with_data']}/{t['indicators']} indicators; "
        f"{t['regions']} regions ({levels}); {t['load_runs']} load runs, {t['failed_runs']} failed",
        "",
        "Sources (last run):",
    ]
    if not status["sources"]:
        lines.append("  nothing loaded yet — run: python -m data_pipeline refresh")
    never = [c["key"] for c in status.get("connectors", []) if not c["has_run"]]
    if never:
        lines.append(f"  never run: {', '.join(never)} (refresh --source {' '.join(never)})")
    for name, s in sorted(status["sources"].items()):
        last = s["last_run"]
        lines.append(
            f"  {name:<10} {last['status']:<8} {str(last['finished_at'] or last['started_at'])[:19]}  "
            f"{last['dataset']}: +{last['rows_inserted']} ~{last['rows_updated']} ={last['rows_unchanged']}"
            f"  | runs {s['runs']} (failed {s['failed_runs']}), observations {s['observations']}"
        )
        if last["status"] in ("failed", "interrupted") and last["error"]:
            lines.append(f"             error: {last['error'].splitlines()[0][:200]}")
        failed = [d for d, r in s["datasets"].items() if r["status"] == "failed" and d != last["dataset"]]
        if failed:
            lines.append(f"             datasets whose last run failed: {', '.join(sorted(failed))}")
    lines += ["", "Indicators:", f"  {'key':<42} {'source':<8} {'years':<11} {'regions':>7} {'rows':>7} {'synth':>6}  sotkanet"]
    for i in status["indicators"]:
        years = f"{i['first_year']}–{i['last_year']}" if i["rows"] else "—"
        sot = f"{i['sotkanet_id'] or ''} {i['resolution'] or ''}".strip() if i["source"] == "sotkanet" else ""
        lines.append(
            f"  {i['key']:<42} {i['source']:<8} {years:<11} {i['regions']:>7} {i['rows']:>7} "
            f"{i['synthetic_share']:>6.0%}  {sot}"
        )
    return "\n".join(lines)
