"""Statistics Finland StatFin (PxWeb v1): configured datasets → observation frames.

Each dataset in ``registry/sources.yaml`` (``statfin:``) is one POST of its ``query`` to its
``table_url`` with ``"response": {"format": "json-stat2"}``. Registry indicators whose source is
that dataset pick their cells with ``filters`` ({dimension: category}); the dataset's ``time`` and
``area`` dimensions become period and region.

Area codes, decided here:
* KU/MK/SK/HVA/SSS codes of regions in the region table are loaded;
* codes of levels the database does not store (e.g. ``ELY01``, ``AVI1``) are filtered and counted;
* a KU/MK/SK/HVA code missing from the region table is a problem ("unknown municipality") when
  the national region list is loaded; with only the county profile in the table (a StatFin-only
  refresh on an empty database without a Sotkanet region recording) such rows are filtered and
  counted instead, so the county's own figures still load;
* anything else (``KU10``, ``Helsinki``) is a problem.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from data_pipeline.errors import Problem
from data_pipeline.registry import Indicator, Registry, StatfinDataset
from data_pipeline.sources.pxweb import JsonStat, area_code, time_period

SOURCE = "statfin"
#: Area codes of statistical levels the region table does not hold (ELY centres, AVI, …).
OTHER_LEVEL = re.compile(r"^(?!KU|MK|SK|HVA|SSS)[A-Z]{2,5}\d{1,3}$")


def request_body(dataset: StatfinDataset) -> dict:
    """The PxWeb POST body: the configured query, answered as JSON-stat 2.0."""
    return {"query": list(dataset.query), "response": {"format": "json-stat2"}}


def dataset_indicators(registry: Registry, dataset_key: str) -> list[Indicator]:
    return [i for i in registry.catalogue.indicators if i.source.kind == "statfin" and i.source.dataset == dataset_key]


@dataclass
class StatfinFrame:
    frame: pd.DataFrame
    problems: list[Problem]
    cells: int
    filtered: Counter

    def summary(self) -> str:
        return ", ".join([f"{self.cells} cells read"] + [f"{n} {why}" for why, n in sorted(self.filtered.items())])


def _map_areas(
    codes: Iterable[str], known: set[str], national: bool
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Split area codes into (loaded code map, filtered reason map, problem message map)."""
    mapped, filtered, problems = {}, {}, {}
    for raw in codes:
        try:
            code = area_code(raw)
        except ValueError as exc:
            if OTHER_LEVEL.match(str(raw)):
                filtered[raw] = "cells for area levels not stored"
            else:
                problems[raw] = str(exc)
            continue
        if code in known:
            mapped[raw] = code
        elif national:
            what = "municipality" if code.isdigit() else "region"
            problems[raw] = f"unknown {what} {raw!r} (not in the region table)"
        else:
            filtered[raw] = "cells for areas outside the county profile (national region list not loaded)"
    return mapped, filtered, problems


def to_observations(
    js: JsonStat,
    *,
    config: StatfinDataset,
    indicators: list[Indicator],
    known_regions: set[str],
    national: bool,
    where: str,
) -> StatfinFrame:
    """Select each indicator's cells and map time and area; return the frame and its problems."""
    problems: list[Problem] = []
    filtered: Counter = Counter()
    frame = js.frame
    dims = js.dimensions
    for role, dim in (("time", config.time), ("area", config.area)):
        if dim not in dims:
            problems.append(Problem(f"{where} $.dimension.{dim}", f"the {role} dimension {dim!r} (sources.yaml) is missing"))
    if problems:
        return StatfinFrame(pd.DataFrame(), problems, len(frame), filtered)

    selected = pd.Series(False, index=frame.index)
    parts = []
    for ind in indicators:
        filters = ind.source.filters
        ok = True
        for dim, code in filters.items():
            if dim not in dims:
                problems.append(Problem(f"{where} $.dimension", f"indicator {ind.key} filters on {dim}={code}, but the dataset has no dimension {dim!r}"))
                ok = False
            elif code not in dims[dim]:
                have = ", ".join(dims[dim][:8])
                problems.append(Problem(f"{where} $.dimension.{dim}", f"indicator {ind.key} selects {dim}={code}, not in the dataset (has {have})"))
                ok = False
        for dim, codes in dims.items():
            if dim not in filters and dim not in (config.time, config.area) and len(codes) > 1:
                problems.append(Problem(f"{where} $.dimension.{dim}", f"indicator {ind.key} has no filter for {dim}, which has {len(codes)} categories"))
                ok = False
        if not ok:
            continue
        mask = pd.Series(True, index=frame.index)
        for dim, code in filters.items():
            mask &= frame[dim] == code
        selected |= mask
        parts.append(frame[mask].assign(indicator_key=ind.key))
    filtered["cells not selected by any indicator"] += int((~selected).sum())
    if not parts:
        return StatfinFrame(pd.DataFrame(), problems, len(frame), filtered)
    rows = pd.concat(parts, ignore_index=True).sort_values("position", kind="stable")

    null = rows["value"].isna()
    filtered["null values (no row)"] += int(null.sum())
    rows = rows[~null]

    mapped, skipped, bad = _map_areas(rows[config.area].unique(), known_regions, national)
    for raw, reason in skipped.items():
        filtered[reason] += int((rows[config.area] == raw).sum())
    rows = rows[~rows[config.area].isin(list(skipped))]
    locations = _where(rows, list(dims))
    for raw, message in bad.items():
        hit = locations[rows[config.area] == raw]
        more = f" (and {len(hit) - 3} more cells)" if len(hit) > 3 else ""
        problems.append(Problem(f"{where} {', '.join(hit.head(3))}", f"column {config.area}: {message}{more}"))
    keep = rows[config.area].isin(list(mapped))
    rows, locations = rows[keep], locations[keep]

    out = pd.DataFrame(
        {
            "indicator_key": rows["indicator_key"],
            "region_code": rows[config.area].map(mapped),
            "period": rows[config.time].map(time_period),
            "sex": "total",
            "value": rows["value"],
            "where": locations,
        }
    ).reset_index(drop=True)
    filtered = Counter({k: v for k, v in filtered.items() if v})
    return StatfinFrame(out, problems, len(frame), filtered)


def _where(rows: pd.DataFrame, dims: list[str]) -> pd.Series:
    """'$.value[1234] (Vuosi=2020, Alue=KU109, …)' for every row, to point back into the file."""
    text = "$.value[" + rows["position"].astype(str) + "] ("
    for i, dim in enumerate(dims):
        text = text + ("" if i == 0 else ", ") + dim + "=" + rows[dim].astype(str)
    return text + ")"
