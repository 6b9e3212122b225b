"""A manual value in parts: the latest entry of a template whose columns declare ``part``
(``templates.yaml``; the HYTE coefficient's process and outcome indicators, each scored 0–100),
shaped for the breakdown the priority-area page shows.

The source is who reported the entry (the organisation of a collection-area submission, else the
row's ``ilmoittaja``) with the publication it names (``lahde``); a demo entry is synthetic and
names no publication.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.data import queries


@dataclass(frozen=True)
class PartScore:
    column: str
    label: str
    kind: str  # process | outcome
    score: float


@dataclass
class Parts:
    template: str
    region_code: str
    period: str
    value: float | None
    rank: int | None
    reporter: str
    publication: str
    synthetic: bool
    scores: list[PartScore] = field(default_factory=list)

    @property
    def weakest(self) -> PartScore | None:
        return min(self.scores, key=lambda p: p.score) if self.scores else None


def part_templates(registry, area_key: str) -> list[str]:
    """Templates with parts whose headline value is an indicator of the area."""
    if registry.templates is None:
        return []
    out: list[str] = []
    for ind in registry.indicators_for_area(area_key):
        tpl = registry.templates.templates.get(ind.source.template) if ind.is_manual else None
        if tpl is not None and tpl.part_columns and ind.source.template not in out:
            out.append(ind.source.template)
    return out


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def latest_parts(engine, registry, template: str, region: str, lang: str = "fi") -> Parts | None:
    """The region's latest entry of ``template`` that has at least one part score (None if none).
    Scores are in template order within process, then outcome."""
    tpl = registry.templates.templates[template]
    entries = queries.manual_entries(engine, template)
    if entries.empty:
        return None
    mine = entries[entries["region_code"] == region].sort_values("period", ascending=False)
    for row in mine.to_dict("records"):
        data = row["data"] or {}
        scores = [PartScore(c.name, c.part.label.get(lang), c.part.kind, float(data[c.name]))
                  for c in tpl.part_columns if _number(data.get(c.name)) is not None]
        if not scores:
            continue
        scores.sort(key=lambda p: p.kind != "process")
        reporter = str(data.get("ilmoittaja") or "")
        submission = row.get("submission_id")
        if submission is not None and not pd.isna(submission):  # reported in the collection area
            org = queries.submission_organisation(engine, int(submission))
            known = registry.organisations.by_key if getattr(registry, "organisations", None) else {}
            reporter = known[org].label(lang) if org in known else (org or reporter)
        rank = _number(data.get("sijoitus"))
        return Parts(template=template, region_code=region, period=str(row["period"]), value=_number(data.get("arvo")),
                     rank=int(rank) if rank is not None else None, reporter=reporter,
                     publication="" if row["synthetic"] else str(data.get("lahde") or ""),
                     synthetic=bool(row["synthetic"]), scores=scores)
    return None
