"""Published figures: a CSV of single values read from reports, each with its own citation.

Working groups collect figures that no statistical API serves (the welfare area's HYTE
coefficient in a press release, national homelessness counts in ARA reports). The file
(``refresh --facts FILE`` or ``TILANNEKUVA_FACTS_FILE``; the format is documented in README) has
the columns ``indicator_key, region_code, year, value, source_url_or_repo, source_note`` (others,
such as titles and units, are for people and ignored). Its keys are the file's own:
``registry/sources.yaml`` (``facts: keys:``) says which of them measure a catalogue indicator.

Rules, decided here:
* a row whose key is not mapped is not loaded; the load run names the keys and their row counts;
* a mapped row needs a year (``2024``) or a month (``2024-07``); bad rows make the whole file
  bad input (nothing is loaded), with row and column named;
* each value keeps its citation (``source_url_or_repo``) and note, stored on the observation;
* a cited figure never overwrites a value a statistical source (or a partner's entry) loaded for
  the same indicator, region, period and sex: those rows are left out and named in the load run.
  Synthetic demo values are replaced, as by any real value.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection

from data_pipeline.db.schema import observation
from data_pipeline.errors import InputError, Problem
from data_pipeline.load import OBS_KEY, stored_keys
from data_pipeline.registry import Registry
from data_pipeline.snapshot import Snapshot

SOURCE = "facts"
REQUIRED = ("indicator_key", "region_code", "year", "value", "source_url_or_repo", "source_note")
YEAR = re.compile(r"^\d{4}$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: How many left-out keys the load run names one by one.
NAMED = 10


@dataclass
class FactsFrame:
    frame: pd.DataFrame
    rows: int
    unmapped: Counter = field(default_factory=Counter)
    left_out: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.rows} rows read, {len(self.frame)} cited values"]
        if self.left_out:
            named = ", ".join(self.left_out[:NAMED]) + (f" and {len(self.left_out) - NAMED} more" if len(self.left_out) > NAMED else "")
            parts.append(f"{len(self.left_out)} left out because a statistical value exists ({named})")
        if self.unmapped:
            keys = ", ".join(f"{k} ({n})" for k, n in sorted(self.unmapped.items()))
            parts.append(f"{sum(self.unmapped.values())} rows with keys no indicator is mapped to: {keys}")
        return "; ".join(parts)


def _period(text: str) -> str | None:
    text = text.strip()
    if YEAR.match(text):
        return text
    m = MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}M{m.group(2)}"
    return None


def parse_facts(snap: Snapshot, registry: Registry) -> FactsFrame:
    """Rows of mapped keys as an observation frame with citations; unmapped keys counted."""
    where = str(snap.path)
    try:
        text = snap.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(where, [Problem(where, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(where, [Problem(where, f"malformed CSV: {exc}")]) from exc
    header = list(rows[0].keys()) if rows else next(csv.reader(io.StringIO(text)), [])
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(where, [Problem(f"{where} row 1", f"missing column(s) {', '.join(missing)}")])
    mapping = registry.sources.facts.keys
    problems: list[Problem] = []
    unmapped: Counter = Counter()
    out = []
    for i, row in enumerate(rows, start=2):  # line 1 is the header
        key = (row.get("indicator_key") or "").strip()
        if key not in mapping:
            unmapped[key or "(tyhjä)"] += 1
            continue
        period = _period(row.get("year") or "")
        if period is None:
            problems.append(Problem(f"{where} row {i}", f"column year: {row.get('year')!r} is not a year (2024) or month (2024-07)"))
        citation = (row.get("source_url_or_repo") or "").strip()
        if not citation:
            problems.append(Problem(f"{where} row {i}", "column source_url_or_repo: a published figure needs its citation"))
        out.append({
            "indicator_key": mapping[key], "region_code": (row.get("region_code") or "").strip(), "period": period or "",
            "sex": "total", "value": (row.get("value") or "").strip(), "citation": citation,
            "citation_note": (row.get("source_note") or "").strip() or None, "where": f"row {i}",
        })
    if problems:
        raise InputError(where, problems)
    frame = pd.DataFrame(out, columns=["indicator_key", "region_code", "period", "sex", "value", "citation",
                                       "citation_note", "where"])
    return FactsFrame(frame=frame, rows=len(rows), unmapped=unmapped)


def without_statistics(conn: Connection, facts: FactsFrame) -> FactsFrame:
    """Drop the rows whose key already holds a value from a statistical source or a partner.

    Real rows without a citation are statistics (Sotkanet, StatFin) or manual entries; rows with a
    citation are this source's own and may be updated."""
    frame = facts.frame
    if frame.empty:
        return facts
    held = stored_keys(
        conn,
        observation.c.indicator_key.in_(sorted(frame["indicator_key"].unique())),
        observation.c.synthetic.is_(False),
        observation.c.citation.is_(None),
    )
    if held.empty:
        return facts
    hit = frame[OBS_KEY].merge(held.drop_duplicates(), on=OBS_KEY, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    left = frame[hit]
    facts.left_out = [f"{r.indicator_key} {r.region_code} {r.period}" for r in left.itertuples()]
    facts.frame = frame[~hit].reset_index(drop=True)
    return facts
