"""Mikä muuttui: what changed since a date — new data loaded and goal status changes — as a page
and an Atom feed (feedgen).

:func:`goal_changes` is pure: it takes two goal evaluations (any two moments) and returns the goals
whose status differs. Today the earlier evaluation is the same data judged on the earlier date;
with ``observation_history`` (the ``forum`` branch) the caller passes the evaluation of the values
as they were then, without changing this function. Partner values published through the collection
area (the ``collect`` branch) arrive as load runs and are listed with them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from dashboard.core.i18n import t
from dashboard.data import queries


@dataclass(frozen=True)
class LoadItem:
    id: int
    source: str
    dataset: str
    when: datetime
    rows: int


@dataclass(frozen=True)
class GoalChange:
    key: str
    wording: str
    before: str  # status label then
    after: str  # status label now
    before_status: str
    after_status: str


@dataclass
class Changes:
    since: date
    loads: list[LoadItem] = field(default_factory=list)
    goals: list[GoalChange] = field(default_factory=list)


def goal_changes(before: list, after: list) -> list[GoalChange]:
    """Goals whose status differs between two evaluations (matched by key, in ``after``'s order)."""
    then = {s.key: s for s in before}
    out = []
    for now in after:
        old = then.get(now.key)
        if old is not None and old.status != now.status:
            out.append(GoalChange(now.key, now.wording, old.label, now.label, old.status, now.status))
    return out


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def loads_since(engine, since: date) -> list[LoadItem]:
    """Successful load runs finished on or after ``since``, newest first."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    return [LoadItem(r.id, r.source, r.dataset, _aware(r.finished_at), int(r.rows_inserted or 0) + int(r.rows_updated or 0))
            for r in queries.load_runs_since(engine, start)]


def what_changed(engine, registry, since: date, lang: str, today: date | None = None) -> Changes:
    from dashboard.data.goal_data import evaluate_goals

    today = today or date.today()
    before = evaluate_goals(engine, registry, lang, today=since)
    after = evaluate_goals(engine, registry, lang, today=today)
    return Changes(since=since, loads=loads_since(engine, since), goals=goal_changes(before, after))


def atom(changes: Changes, url_root: str, lang: str) -> bytes:
    """The changes as an Atom 1.0 feed: one entry per load run and per goal status change."""
    from feedgen.feed import FeedGenerator

    root = url_root.rstrip("/")
    fg = FeedGenerator()
    fg.id(f"{root}/mika-muuttui?alkaen={changes.since.isoformat()}")
    fg.title(t("changes.feed_title", lang))
    fg.link(href=f"{root}/mika-muuttui.atom?alkaen={changes.since.isoformat()}", rel="self")
    fg.link(href=f"{root}/mika-muuttui", rel="alternate")
    fg.language(lang)
    newest = max((i.when for i in changes.loads), default=datetime.combine(changes.since, time.min, tzinfo=UTC))
    fg.updated(newest)
    for item in reversed(changes.loads):  # feedgen lists the last added first
        e = fg.add_entry()
        e.id(f"{root}/tietolahteet#load-{item.id}")
        e.title(t("changes.load_item", lang, source=item.source, dataset=item.dataset, rows=item.rows))
        e.link(href=f"{root}/tietolahteet")
        e.updated(item.when)
    for change in changes.goals:
        e = fg.add_entry()
        e.id(f"{root}/menetelma#goal-{change.key}-{change.after_status}-{newest.date().isoformat()}")
        e.title(t("changes.goal_item", lang, goal=change.wording, before=change.before, after=change.after))
        e.link(href=f"{root}/")
        e.updated(newest)
    return fg.atom_str(pretty=True)
