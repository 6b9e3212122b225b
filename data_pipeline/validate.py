"""Validate an observation frame before it touches the database.

Every parser produces a long frame (indicator_key, region_code, period, sex, value, count) plus a
``where`` column that points back into the raw input (a JSON index such as ``[17]`` or
``value[1234] (Alue=KU109, Vuosi=2020)``). All checks run on the whole frame and every problem is
collected, so one run reports everything that is wrong with a file instead of the first thing.

Plain vectorised pandas rather than pandera: the messages must name the raw location and the
column in the words of the source, and problems found while parsing (unknown region ids, bad
shapes) are merged into the same report.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np
import pandas as pd

from data_pipeline.bounds import load_bounds
from data_pipeline.errors import InputError, Problem
from data_pipeline.load import OBS_KEY, parse_period
from data_pipeline.registry import Indicator

SEXES = ("total", "male", "female")
#: Units whose values cannot be negative.
NON_NEGATIVE = {"percent", "count", "per_1000", "per_10000", "per_100000", "litres"}
REQUIRED = ("indicator_key", "region_code", "period", "value")
#: How many example rows a grouped problem names.
EXAMPLES = 3


def _group(problems: list[Problem], source: str, column: str, wheres: pd.Series, message: str) -> None:
    """One problem per (column, message), naming the first rows it occurs in."""
    wheres = [str(w) for w in wheres]
    head = ", ".join(wheres[:EXAMPLES])
    more = f" (and {len(wheres) - EXAMPLES} more rows)" if len(wheres) > EXAMPLES else ""
    problems.append(Problem(f"{source} {head}", f"column {column}: {message}{more}"))


def _numeric(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse values; return (floats, mask of non-null inputs that are not finite numbers)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        parsed = series.astype(float)
        bad = parsed.notna() & ~np.isfinite(parsed.fillna(0.0))
        return parsed.where(~bad), bad
    obj = series.astype(object)
    is_bool = obj.map(lambda v: isinstance(v, bool | np.bool_)).astype(bool)
    is_container = obj.map(lambda v: isinstance(v, dict | list | tuple | set)).astype(bool)
    safe = obj.where(~(is_bool | is_container), "not-a-number")
    parsed = pd.to_numeric(safe, errors="coerce").astype(float)
    present = obj.notna() & ~obj.map(lambda v: isinstance(v, float) and math.isnan(v)).astype(bool)
    bad = present & (parsed.isna() | ~np.isfinite(parsed.fillna(0.0)))
    return parsed.where(~bad), bad


def validate_observations(
    frame: pd.DataFrame,
    *,
    indicators: Mapping[str, Indicator],
    regions: Iterable[str],
    source: str,
    problems: Iterable[Problem] = (),
    today: date | None = None,
) -> pd.DataFrame:
    """Return the frame with numeric values and defaults, or raise InputError listing every problem.

    ``problems`` found earlier (while parsing) are reported together with the ones found here.
    """
    found: list[Problem] = list(problems)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        found.append(Problem(source, f"observation frame lacks column(s) {', '.join(missing)}"))
        raise InputError(source, found)
    df = frame.reset_index(drop=True).copy()
    where = df["where"].astype(str) if "where" in df.columns else pd.Series([f"row {i + 1}" for i in range(len(df))])
    if "sex" not in df.columns:
        df["sex"] = "total"
    if "count" not in df.columns:
        df["count"] = np.nan

    # Keys --------------------------------------------------------------------------------------
    known_ind = set(indicators)
    bad = ~df["indicator_key"].isin(known_ind)
    for key, idx in df[bad].groupby(df["indicator_key"].astype(str)[bad]).groups.items():
        _group(found, source, "indicator_key", where[idx], f"unknown indicator {key!r}")
    region_set = set(regions)
    bad = ~df["region_code"].isin(region_set)
    for code, idx in df[bad].groupby(df["region_code"].astype(str)[bad]).groups.items():
        _group(found, source, "region_code", where[idx], f"unknown region code {code!r}")
    bad = ~df["sex"].isin(SEXES)
    for sex, idx in df[bad].groupby(df["sex"].astype(str)[bad]).groups.items():
        _group(found, source, "sex", where[idx], f"invalid sex {sex!r} (expected {', '.join(SEXES)})")
    periods = df["period"].astype(str)
    bounds = load_bounds()
    cadences = df["indicator_key"].map({k: i.cadence for k, i in indicators.items()})
    for (period, cadence), idx in df.groupby([periods, cadences.fillna("year")]).groups.items():
        try:
            _, year = parse_period(period)
        except ValueError as exc:
            _group(found, source, "period", where[idx], str(exc))
            continue
        latest = bounds.latest_year(cadence, today)
        if year > latest:
            _group(found, source, "period", where[idx],
                   f"vuosi {year} on myöhemmin kuin kuluva vuosi + julkaisuväli ({latest}) / period {period} lies after {latest}")
        elif year < bounds.first_year:
            _group(found, source, "period", where[idx],
                   f"vuosi {year} on ennen vuotta {bounds.first_year} / period {period} lies before {bounds.first_year}")

    # Values ------------------------------------------------------------------------------------
    values, non_numeric = _numeric(df["value"])
    for raw, idx in df[non_numeric].groupby(df["value"].astype(str)[non_numeric]).groups.items():
        _group(found, source, "value", where[idx], f"{raw!r} is not a finite number")
    counts, bad_counts = _numeric(df["count"])
    for raw, idx in df[bad_counts].groupby(df["count"].astype(str)[bad_counts]).groups.items():
        _group(found, source, "count", where[idx], f"{raw!r} is not a finite number")
    neg = counts < 0
    if neg.any():
        _group(found, source, "count", where[neg], "an absolute number cannot be negative")
    units = df["indicator_key"].map({k: i.unit.kind for k, i in indicators.items()})
    checks = [
        (units.isin(NON_NEGATIVE) & (values < 0), "cannot be negative for unit {unit}"),
        ((units == "percent") & (values > 100), "a percentage must lie between 0 and 100"),
        ((units == "boolean") & values.notna() & ~values.isin([0.0, 1.0]), "a yes/no value must be 0 or 1"),
    ]
    flagged = pd.Series(False, index=df.index)
    for mask, message in checks:
        mask = mask.fillna(False).astype(bool)
        flagged |= mask
        for (key, unit), idx in df[mask].groupby([df["indicator_key"][mask], units[mask]]).groups.items():
            sample = ", ".join(f"{v:g}" for v in values[idx][:EXAMPLES])
            _group(found, source, "value", where[idx], f"{key}: {message.format(unit=unit)} (got {sample})")
    # Plausibility bounds (registry/bounds.yaml): per unit, or the indicator's own
    for key in df["indicator_key"][~flagged & values.notna()].unique():
        if key not in indicators:
            continue
        allowed = bounds.value_range(indicators[key])
        mask = (df["indicator_key"] == key) & ~flagged & values.notna()
        mask &= (values < (allowed.min if allowed.min is not None else -np.inf)) | (values > (allowed.max if allowed.max is not None else np.inf))
        if mask.any():
            sample = ", ".join(f"{v:g}" for v in values[mask][:EXAMPLES])
            _group(found, source, "value", where[mask],
                   f"{key}: arvo ei ole uskottava (sallittu {allowed.text()}) / implausible value (got {sample})")
    big = counts.notna() & ((counts < (bounds.count.min or 0)) | (counts > bounds.count.max)) & ~neg
    if big.any():
        sample = ", ".join(f"{v:g}" for v in counts[big][:EXAMPLES])
        _group(found, source, "count", where[big],
               f"lukumäärä ei ole uskottava (sallittu {bounds.count.text()}) / implausible count (got {sample})")

    # Natural key -------------------------------------------------------------------------------
    dup = df.duplicated(OBS_KEY, keep=False)
    if dup.any():
        for key, idx in df[dup].groupby(OBS_KEY).groups.items():
            _group(found, source, "+".join(OBS_KEY), where[idx], f"duplicate row for {'/'.join(map(str, key))}")

    if found:
        raise InputError(source, found)
    out = df.drop(columns=["where"], errors="ignore")
    out["value"] = values
    out["count"] = counts
    out["period"] = periods
    return out
