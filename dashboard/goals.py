"""Goal evaluation: is each goal of the agreement on track, in words a forum can read aloud.

Pure functions (``evaluate_goal`` and one per goal type) take a goal from ``goals.yaml``, the data
it needs (:class:`GoalData`), the county profile and today's date, and return a :class:`GoalStatus`.
:func:`evaluate_goals` only reads the database and calls them. The rules, one per goal type:

numeric_target
    Baseline = ``baseline_value`` or the value in ``baseline_year``; latest = the newest value after
    the baseline year. Target reached (direction-aware: the indicator's ``direction``, or the sign
    of target − baseline for a neutral indicator) → ``achieved``. Otherwise the latest value is
    compared with a straight line from the baseline (in ``baseline_year``) to ``target_value`` (in
    ``target_year``) at the latest period: at least as far → ``on_track``, else ``off_track``
    (also once data for the target year exist and the target was missed). No baseline, or no value
    after it → ``not_enough_data``.
direction
    The series in the goal's region from ``baseline_year`` on. Trend test: ordinary least squares
    slope of value on time (years; half-years as .5) with a two-sided Student t-test at 95 %
    (t = slope / SE, n − 2 degrees of freedom). OLS rather than Mann–Kendall because with the
    4–10 yearly points we have Mann–Kendall can hardly ever reach 95 % (n = 4: smallest p = 0.083).
    The test assumes independent residuals; yearly indicators with autocorrelation make it somewhat
    optimistic, so it is shown as a trend badge, not as proof. At least 4 points are required — no
    significance on 2 or 3 points → ``not_enough_data``. Significant in the indicator's good
    direction → ``on_track`` ("Kehittyy myönteiseen suuntaan"), in the bad direction → ``off_track``,
    not significant → ``no_change``. A neutral-direction indicator is never judged: it stays
    ``no_change`` (grey) and the label only says whether it rises or falls.
status_share
    The current (not superseded) manual entries of ``template`` for the county's municipalities;
    each municipality's newest period counts. Share with a status in ``done_statuses`` vs
    ``target_share``: reached → ``achieved``; else compared with a straight line from 0 at the start
    of ``baseline_year`` to ``target_share`` at the end of ``target_year`` (the agreement says
    "by the end of 2027"): at least the line → ``on_track``, else ``off_track`` (also after the
    target year). Municipalities without any entry count as not done and are named. No entries at
    all → ``not_enough_data``.
frequency
    Half-year rounds of ``template``: a round counts when at least ``min_share`` of the county's
    municipalities submitted (``submitted`` or ``submitted_late``). Every complete calendar year from
    the first year with entries must have ≥ ``min_per_year`` rounds: all did → ``achieved``, any
    short → ``off_track``. With no complete year yet the current year decides: behind the pace of
    the half-years already ended → ``off_track``, at least one round and on pace → ``on_track``,
    nothing yet → ``not_enough_data``. The current year is always shown as "rounds so far".
boolean
    Latest value of the indicator in the region: 1 → ``achieved``; 0 → ``not_achieved`` ("not yet")
    until the end of ``target_year``, ``off_track`` after it; no value → ``not_enough_data``.

Every status carries the goal's own wording, owner, target basis (a proposal is labelled
"tavoitetaso on ehdotus, vahvistamatta") and ``synthetic`` = any input value was synthetic.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.format import number
from dashboard.i18n import catalogue, normalise_lang, t

STATUS_CODES = ("on_track", "off_track", "achieved", "not_achieved", "no_change", "not_enough_data")
MIN_TREND_POINTS = 4
SUBMITTED = ("submitted", "submitted_late")

OBS_COLUMNS = ["period", "period_type", "year", "value", "synthetic"]
ENTRY_COLUMNS = ["region_code", "period", "status", "synthetic"]

# Two-sided 95 % critical values of Student's t for 1..30 degrees of freedom (standard tables).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)
_PERIOD_RE = re.compile(r"^(\d{4})(?:([HQM])(\d{1,2}))?$")


@dataclass(frozen=True)
class GoalStatus:
    """The evaluation of one goal, ready to show: every text is already in the requested language."""

    key: str
    area: str
    type: str
    status: str
    label: str
    progress: float | None
    value: float | None
    target: float | None
    baseline: float | None
    latest_period: str | None
    explanation: str
    wording: str
    target_basis: str
    owner: str
    synthetic: bool
    indicator: str | None
    #: value and target as text with unit, e.g. "7 / 11 kuntaa", "32,0 %" (empty when unknown)
    value_text: str = ""
    target_text: str = ""
    #: where the straight line to the target is now, on the same 0..1 scale as ``progress``
    expected_progress: float | None = None
    #: "tavoitetaso on ehdotus, vahvistamatta" when ``target_basis == "proposal"``, else ""
    basis_note: str = ""
    #: direction goals: "up" | "down" | "flat"
    trend: str | None = None
    lang: str = "fi"


@dataclass
class GoalData:
    """What a goal is evaluated on.

    ``observations``: the indicator's series in the goal's region (columns period, period_type,
    year, value, synthetic). ``entries``: current manual entries of the goal's template for the
    county's municipalities (region_code, period, status code, synthetic). ``indicator``: the
    registry indicator (direction, unit, decimals).
    """

    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBS_COLUMNS))
    entries: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ENTRY_COLUMNS))
    indicator: object | None = None
    template: object | None = None


# --- formatting -------------------------------------------------------------------------------


def fmt_number(x: float | None, decimals: int = 0, lang: str = "fi") -> str:
    """A number as a reader of ``lang`` writes it (``dashboard.format``: 1 234,5 in fi/sv, 1,234.5 in en)."""
    return number(x, decimals, normalise_lang(lang))


def _fmt_value(x: float | None, indicator, lang: str) -> str:
    if x is None:
        return "–"
    decimals = getattr(indicator, "decimals", 1) if indicator is not None else 1
    number = fmt_number(x, decimals, lang)
    unit = indicator.unit.text(lang) if indicator is not None else ""
    return f"{number} {unit}".strip()


def fmt_period(period: str | None) -> str:
    if not period:
        return "–"
    m = _PERIOD_RE.match(str(period))
    if m and m.group(2):
        return f"{m.group(1)}/{m.group(2)}{int(m.group(3))}"
    return str(period)


def join_words(items: list[str], lang: str, conjunction: str = "and") -> str:
    """"A, B ja C" (or "A, B tai C") in the language."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('goals.' + conjunction, lang)} {items[-1]}"


def _period_time(period: str, year: int | None = None) -> float:
    """A period as a point on the year axis: 2024 → 2024.0, 2024H2 → 2024.5, 2024Q3 → 2024.5."""
    m = _PERIOD_RE.match(str(period))
    if not m:
        return float(year) if year is not None else math.nan
    y = float(m.group(1))
    kind, n = m.group(2), m.group(3)
    if kind == "H":
        return y + (int(n) - 1) / 2
    if kind == "Q":
        return y + (int(n) - 1) / 4
    if kind == "M":
        return y + (int(n) - 1) / 12
    return y


# --- common pieces ----------------------------------------------------------------------------


def status_label(status: str, lang: str = "fi", goal_type: str | None = None) -> str:
    """The status in words; direction goals say "kehittyy myönteiseen suuntaan" instead of "edistyy"."""
    if goal_type == "direction" and status in ("on_track", "off_track"):
        return t(f"goals.status_direction.{status}", lang)
    return t(f"goals.status.{status}", lang)


def _base(goal, lang: str) -> dict:
    proposal = goal.target_basis == "proposal"
    return {
        "key": goal.key,
        "area": goal.area,
        "type": goal.type,
        "wording": goal.wording.get(lang),
        "owner": goal.owner.get(lang),
        "target_basis": goal.target_basis,
        "basis_note": t("goals.basis_proposal", lang) if proposal else "",
        "indicator": getattr(goal, "indicator", None),
        "lang": lang,
    }


def _status(goal, lang: str, status: str, explanation: str, **kw) -> GoalStatus:
    assert status in STATUS_CODES, status
    label = kw.pop("label", None) or status_label(status, lang, goal.type)
    values = {
        "progress": None, "value": None, "target": None, "baseline": None, "latest_period": None,
        "synthetic": False,
    }
    values.update(kw)
    if values["progress"] is not None:
        values["progress"] = min(1.0, max(0.0, float(values["progress"])))
    if values.get("expected_progress") is not None:
        values["expected_progress"] = min(1.0, max(0.0, float(values["expected_progress"])))
    return GoalStatus(status=status, label=label, explanation=explanation, **_base(goal, lang), **values)


def _clean_obs(frame: pd.DataFrame) -> pd.DataFrame:
    """Observations with a value, sorted in time, with a numeric time coordinate."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=[*OBS_COLUMNS, "t"])
    df = frame.copy()
    if "synthetic" not in df:
        df["synthetic"] = False
    if "year" not in df:
        df["year"] = df["period"].astype(str).str[:4].astype(int)
    df = df[df["value"].notna()]
    df = df.assign(
        t=[_period_time(p, y) for p, y in zip(df["period"], df["year"])],
        synthetic=df["synthetic"].fillna(False).astype(bool),
        value=df["value"].astype(float),
    )
    return df.sort_values("t").reset_index(drop=True)


def _good_sign(indicator, baseline: float | None = None, target: float | None = None) -> int:
    """+1 when higher is better, −1 when lower is better, 0 when the indicator has no good direction."""
    direction = getattr(indicator, "direction", "neutral")
    if direction == "higher":
        return 1
    if direction == "lower":
        return -1
    if baseline is not None and target is not None and target != baseline:
        return 1 if target > baseline else -1
    return 0


# --- numeric_target ---------------------------------------------------------------------------


def evaluate_numeric_target(goal, data: GoalData, county, today: date, lang: str = "fi") -> GoalStatus:
    ind = data.indicator
    obs = _clean_obs(data.observations)
    fv = lambda x: _fmt_value(x, ind, lang)  # noqa: E731
    target_text = fv(goal.target_value)
    common = {"target": goal.target_value, "target_text": target_text}

    baseline, base_synth = goal.baseline_value, False
    if baseline is None:
        in_year = obs[obs["year"] == goal.baseline_year]
        if not in_year.empty:
            row = in_year.iloc[-1]
            baseline, base_synth = float(row["value"]), bool(row["synthetic"])
    if baseline is None:
        text = t("goals.numeric.no_baseline", lang, baseline_year=goal.baseline_year,
                 target=target_text, target_year=goal.target_year)
        return _status(goal, lang, "not_enough_data", text, **common)
    common.update(baseline=baseline)
    after = obs[obs["year"] > goal.baseline_year]
    if after.empty:
        text = t("goals.numeric.no_latest", lang, baseline=fv(baseline), baseline_year=goal.baseline_year,
                 target=target_text, target_year=goal.target_year)
        return _status(goal, lang, "not_enough_data", text, synthetic=base_synth, **common)

    last = after.iloc[-1]
    value, period = float(last["value"]), str(last["period"])
    synthetic = base_synth or bool(last["synthetic"])
    sign = _good_sign(ind, baseline, goal.target_value)
    span = goal.target_value - baseline
    progress = (value - baseline) / span if span else 1.0
    time_share = (float(last["t"]) - goal.baseline_year) / (goal.target_year - goal.baseline_year)
    expected = baseline + span * min(1.0, time_share)
    common.update(
        value=value, latest_period=period, synthetic=synthetic, progress=progress,
        expected_progress=min(1.0, time_share), value_text=fv(value),
    )
    words = dict(value=fv(value), period=fmt_period(period), baseline=fv(baseline),
                 baseline_year=goal.baseline_year, target=target_text, target_year=goal.target_year,
                 expected=fv(expected))
    reached = sign * (value - goal.target_value) >= 0 if sign else value == goal.target_value
    if reached:
        return _status(goal, lang, "achieved", t("goals.numeric.achieved", lang, **words), **common)
    if int(last["year"]) >= goal.target_year:
        return _status(goal, lang, "off_track", t("goals.numeric.missed", lang, **words), **common)
    ahead = sign * (value - expected) >= -1e-9 if sign else False
    status = "on_track" if ahead else "off_track"
    return _status(goal, lang, status, t(f"goals.numeric.{status}", lang, **words), **common)


# --- direction --------------------------------------------------------------------------------


def t_critical_975(df: int) -> float:
    """Two-sided 95 % critical value of Student's t (table to 30 df, Cornish–Fisher expansion above)."""
    if df < 1:
        raise ValueError("degrees of freedom must be ≥ 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


@dataclass(frozen=True)
class Trend:
    n: int
    slope: float
    se: float
    t: float
    significant: bool


def ols_trend(times: list[float], values: list[float]) -> Trend:
    """OLS slope of values on time with its t-test at 95 % (two-sided); needs ≥ 3 points."""
    n = len(times)
    if n < 3:
        raise ValueError("a trend test needs at least 3 points")
    mx, my = sum(times) / n, sum(values) / n
    sxx = sum((x - mx) ** 2 for x in times)
    if sxx == 0:
        raise ValueError("all points are in the same period")
    slope = sum((x - mx) * (y - my) for x, y in zip(times, values)) / sxx
    intercept = my - slope * mx
    sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(times, values))
    scale = max(abs(v) for v in values) or 1.0
    if sse <= (1e-12 * scale) ** 2 * n:  # points on an exact line: the change is certain unless flat
        se = 0.0
        tstat = math.inf if abs(slope) > 1e-12 * scale else 0.0
    else:
        se = math.sqrt(sse / (n - 2) / sxx)
        tstat = slope / se
    return Trend(n=n, slope=slope, se=se, t=tstat, significant=abs(tstat) > t_critical_975(n - 2))


def _slope_unit(indicator, lang: str) -> str:
    if indicator is not None and indicator.unit.kind == "percent":
        return t("goals.unit_pp", lang)
    return indicator.unit.text(lang) if indicator is not None else ""


def evaluate_direction(goal, data: GoalData, county, today: date, lang: str = "fi") -> GoalStatus:
    ind = data.indicator
    obs = _clean_obs(data.observations)
    series = obs[obs["year"] >= goal.baseline_year]
    # One series only: yearly values when there are any, else the finer periods.
    yearly = series[series["period_type"] == "Y"] if "period_type" in series else series
    if not yearly.empty:
        series = yearly
    n = len(series)
    synthetic = bool(series["synthetic"].any()) if n else False
    fv = lambda x: _fmt_value(x, ind, lang)  # noqa: E731
    if n < MIN_TREND_POINTS or series["t"].nunique() < 2:
        text = t("goals.direction.too_few", lang, n=n, baseline_year=goal.baseline_year, min_n=MIN_TREND_POINTS)
        kw = {}
        if n:
            kw = dict(value=float(series["value"].iloc[-1]), latest_period=str(series["period"].iloc[-1]),
                      value_text=fv(float(series["value"].iloc[-1])))
        return _status(goal, lang, "not_enough_data", text, synthetic=synthetic, **kw)

    trend = ols_trend(series["t"].tolist(), series["value"].tolist())
    first, last = series.iloc[0], series.iloc[-1]
    direction = "flat" if not trend.significant else ("up" if trend.slope > 0 else "down")
    decimals = (getattr(ind, "decimals", 1) if ind is not None else 1) + 1
    words = dict(
        first=fmt_period(str(first["period"])), last=fmt_period(str(last["period"])), n=n,
        first_value=fv(float(first["value"])), last_value=fv(float(last["value"])),
        slope=f"{fmt_number(trend.slope, decimals, lang)} {_slope_unit(ind, lang)}".strip(),
    )
    sign = _good_sign(ind)
    common = dict(
        value=float(last["value"]), baseline=float(first["value"]), latest_period=str(last["period"]),
        synthetic=synthetic, trend=direction, value_text=fv(float(last["value"])),
    )
    if not trend.significant:
        return _status(goal, lang, "no_change", t("goals.direction.no_change", lang, **words), **common)
    if sign == 0:
        label = t(f"goals.status_neutral.{direction}", lang)
        return _status(goal, lang, "no_change", t("goals.direction.neutral", lang, **words), label=label, **common)
    good = (trend.slope > 0) == (sign > 0)
    status = "on_track" if good else "off_track"
    return _status(goal, lang, status, t(f"goals.direction.{direction}", lang, **words), **common)


# --- status_share -----------------------------------------------------------------------------


def _latest_per_region(entries: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    if entries is None or entries.empty:
        return pd.DataFrame(columns=ENTRY_COLUMNS)
    df = entries[entries["region_code"].isin(codes)].copy()
    if "synthetic" not in df:
        df["synthetic"] = False
    df["synthetic"] = df["synthetic"].fillna(False).astype(bool)
    df["_t"] = [_period_time(p) for p in df["period"]]
    order = ["region_code", "_t"] + (["entered_at"] if "entered_at" in df else [])
    return df.sort_values(order).groupby("region_code", as_index=False).tail(1)


def _municipality_names(county, codes, lang: str) -> list[str]:
    names = {m.code: m.name.get(lang) for m in county.municipalities}
    return sorted(names.get(c, c) for c in codes)


def _choice_labels(template, codes: list[str], lang: str) -> list[str]:
    labels = {}
    if template is not None:
        for col in template.columns:
            for ch in getattr(col, "choices", None) or []:
                labels[ch.code] = getattr(ch, lang if lang in ("fi", "sv", "en") else "fi").replace("_", " ")
    return [labels.get(c, c.replace("_", " ")) for c in codes]


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / ((date(day.year + 1, 1, 1) - start).days)


def evaluate_status_share(goal, data: GoalData, county, today: date, lang: str = "fi") -> GoalStatus:
    codes = county.municipality_codes
    n = len(codes)
    target_count = math.ceil(goal.target_share * n - 1e-9)
    latest = _latest_per_region(data.entries, codes)
    unit = t("goals.municipalities", lang)
    common = dict(target=float(target_count), target_text=f"{target_count} / {n} {unit}")
    if latest.empty:
        text = t("goals.share.no_entries", lang, target=target_count, n=n, target_year=goal.target_year)
        return _status(goal, lang, "not_enough_data", text, **common)

    done = latest[latest["status"].isin(goal.done_statuses)]
    done_count = len(done)
    missing = [c for c in codes if c not in set(latest["region_code"])]
    share = done_count / n
    start, end = float(goal.baseline_year), float(goal.target_year + 1)
    elapsed = min(1.0, max(0.0, (_year_fraction(today) - start) / (end - start)))
    expected_count = goal.target_share * n * elapsed
    phrase_key = f"goals.done_phrase.{goal.template}"
    phrase = catalogue(normalise_lang(lang)).get(phrase_key) or t("goals.done_phrase_default", lang)
    text = t(
        "goals.share.summary", lang, done=done_count, n=n, unit=unit, phrase=phrase,
        statuses=join_words(_choice_labels(data.template, list(goal.done_statuses), lang), lang, "or"),
        target=target_count, target_year=goal.target_year, expected=fmt_number(expected_count, 1, lang),
    )
    if missing:
        text += " " + t("goals.share.missing", lang, names=join_words(_municipality_names(county, missing, lang), lang))
    common.update(
        value=float(done_count), progress=share / goal.target_share, expected_progress=elapsed,
        latest_period=str(max(latest["period"], key=_period_time)), synthetic=bool(latest["synthetic"].any()),
        value_text=f"{done_count} / {n} {unit}",
    )
    if share >= goal.target_share - 1e-9:
        status = "achieved"
    elif done_count >= expected_count - 1e-9 and today.year <= goal.target_year:
        status = "on_track"
    else:
        status = "off_track"
    return _status(goal, lang, status, text, **common)


# --- frequency --------------------------------------------------------------------------------


def evaluate_frequency(goal, data: GoalData, county, today: date, lang: str = "fi") -> GoalStatus:
    codes = county.municipality_codes
    n = len(codes)
    needed = math.ceil(goal.min_share * n - 1e-9)
    common = dict(target=float(goal.min_per_year), target_text=t("goals.freq.per_year", lang, n=goal.min_per_year))
    entries = data.entries
    if entries is None or entries.empty:
        return _status(goal, lang, "not_enough_data", t("goals.freq.no_entries", lang, needed=needed, n=n), **common)
    df = entries[entries["region_code"].isin(codes)].copy()
    df = df[df["period"].astype(str).str.match(r"^\d{4}H[12]$")]
    if df.empty:
        return _status(goal, lang, "not_enough_data", t("goals.freq.no_entries", lang, needed=needed, n=n), **common)
    synthetic = bool(df.get("synthetic", pd.Series(False, index=df.index)).fillna(False).astype(bool).any())
    submitted = df[df["status"].isin(SUBMITTED)].groupby("period")["region_code"].nunique()
    rounds_by_year: dict[int, int] = {}
    for period, count in submitted.items():
        if count >= needed:
            rounds_by_year[int(period[:4])] = rounds_by_year.get(int(period[:4]), 0) + 1
    first_year = int(df["period"].str[:4].astype(int).min())
    complete = list(range(first_year, today.year))
    per_year = {y: rounds_by_year.get(y, 0) for y in complete}
    so_far = rounds_by_year.get(today.year, 0)
    parts = [t("goals.freq.year", lang, year=y, rounds=r) for y, r in per_year.items()]
    if first_year <= today.year:
        parts.append(t("goals.freq.so_far", lang, year=today.year, rounds=so_far))
    text = t("goals.freq.rule", lang, needed=needed, n=n, min_per_year=goal.min_per_year) + " " + "; ".join(parts) + "."
    short = [y for y, r in per_year.items() if r < goal.min_per_year]
    latest_period = str(max(df["period"], key=_period_time))
    if complete:
        last_year = complete[-1]
        common.update(value=float(per_year[last_year]), progress=per_year[last_year] / goal.min_per_year,
                      value_text=t("goals.freq.value", lang, rounds=per_year[last_year], year=last_year))
        if short:
            text += " " + t("goals.freq.short", lang, years=join_words([str(y) for y in short], lang))
        status = "off_track" if short else "achieved"
        return _status(goal, lang, status, text, latest_period=latest_period, synthetic=synthetic, **common)
    ended_halves = 1 if today >= date(today.year, 7, 1) else 0
    expected = goal.min_per_year * ended_halves / 2
    common.update(value=float(so_far), progress=so_far / goal.min_per_year, expected_progress=ended_halves / 2,
                  value_text=t("goals.freq.value_so_far", lang, rounds=so_far, year=today.year))
    if so_far < expected:
        status = "off_track"
    elif so_far > 0:
        status = "on_track"
    else:
        status = "not_enough_data"
    return _status(goal, lang, status, text, latest_period=latest_period, synthetic=synthetic, **common)


# --- boolean ----------------------------------------------------------------------------------


def evaluate_boolean(goal, data: GoalData, county, today: date, lang: str = "fi") -> GoalStatus:
    obs = _clean_obs(data.observations)
    common = dict(target=1.0, target_text=t("goals.bool.target", lang, target_year=goal.target_year))
    if obs.empty:
        return _status(goal, lang, "not_enough_data", t("goals.bool.no_data", lang, target_year=goal.target_year),
                       **common)
    last = obs.iloc[-1]
    yes = float(last["value"]) >= 0.5
    words = dict(period=fmt_period(str(last["period"])), target_year=goal.target_year)
    common.update(value=1.0 if yes else 0.0, progress=1.0 if yes else 0.0, latest_period=str(last["period"]),
                  synthetic=bool(last["synthetic"]), value_text=t("goals.bool.value_yes" if yes else "goals.bool.value_no", lang))
    if yes:
        return _status(goal, lang, "achieved", t("goals.bool.achieved", lang, **words), **common)
    status = "off_track" if today.year > goal.target_year else "not_achieved"
    return _status(goal, lang, status, t(f"goals.bool.{status}", lang, **words), **common)


EVALUATORS = {
    "numeric_target": evaluate_numeric_target,
    "direction": evaluate_direction,
    "status_share": evaluate_status_share,
    "frequency": evaluate_frequency,
    "boolean": evaluate_boolean,
}


def evaluate_goal(goal, data: GoalData, county, today: date | None = None, lang: str = "fi") -> GoalStatus:
    """Evaluate one goal with the rule of its type (see the module docstring)."""
    return EVALUATORS[goal.type](goal, data, county, today or date.today(), normalise_lang(lang))


# --- reading the database ---------------------------------------------------------------------


def _status_column(template) -> str:
    for rule in getattr(template, "derive", {}).values():
        if getattr(rule, "of", None):
            return rule.of
    return "tila"


def _to_code(value, template, column: str):
    """An enum value as its code (entries may hold the code or the Finnish label)."""
    if template is None or value is None:
        return value
    for col in template.columns:
        if col.name == column:
            for ch in getattr(col, "choices", None) or []:
                if value in (ch.code, ch.fi):
                    return ch.code
    return value


def _has_synthetic_column(conn) -> bool:
    """manual_entry.synthetic arrived in migration 0002; an older database simply has no demo rows."""
    from sqlalchemy import inspect

    return "synthetic" in {col["name"] for col in inspect(conn).get_columns("manual_entry")}


def _has_embargo_columns(conn) -> bool:
    """visible_from arrived in migration 0004; an older database has no embargoed rows."""
    from sqlalchemy import inspect

    return "visible_from" in {col["name"] for col in inspect(conn).get_columns("manual_entry")}


def load_goal_data(conn, goal, registry, *, has_synthetic: bool | None = None,
                   has_embargo: bool | None = None) -> GoalData:
    """Read what :func:`evaluate_goal` needs for ``goal`` (bound parameters only)."""
    from sqlalchemy import select

    from data_pipeline.db.schema import manual_entry, observation
    from dashboard.queries import visible  # the one publication (embargo) rule

    data = GoalData()
    if has_embargo is None:
        has_embargo = _has_embargo_columns(conn)
    shown = (lambda table: visible(table)) if has_embargo else (lambda table: True)  # noqa: E731
    indicator_key = getattr(goal, "indicator", None)
    if indicator_key:
        data.indicator = registry.indicators.get(indicator_key)
        region = registry.county.resolve_region(getattr(goal, "region", "county"))
        c = observation.c
        rows = conn.execute(
            select(c.period, c.period_type, c.year, c.value, c.synthetic)
            .where(c.indicator_key == indicator_key, c.region_code == region, c.sex == "total", shown(observation))
            .order_by(c.year, c.period)
        ).all()
        data.observations = pd.DataFrame([r._asdict() for r in rows], columns=OBS_COLUMNS)
    template_key = getattr(goal, "template", None)
    if template_key:
        template = registry.templates.templates.get(template_key) if registry.templates else None
        data.template = template
        status_col = _status_column(template)
        c = manual_entry.c
        if has_synthetic is None:
            has_synthetic = _has_synthetic_column(conn)
        cols = [c.region_code, c.period, c.data, c.entered_at] + ([c.synthetic] if has_synthetic else [])
        cols += [c.submission_id] if has_embargo else []
        rows = conn.execute(
            select(*cols).where(
                c.template == template_key,
                c.superseded_at.is_(None),
                c.region_code.in_(registry.county.municipality_codes),
                shown(manual_entry),
            )
        ).all()
        records = []
        for r in rows:
            payload = r.data if isinstance(r.data, dict) else {}
            status = _to_code(payload.get(status_col), template, status_col)
            if goal.type == "frequency" and getattr(r, "submission_id", None) is not None and status not in SUBMITTED:
                status = "submitted"  # accepted in a collection round (/tiedonkeruu): collected, whatever the form says
            records.append({
                "region_code": r.region_code, "period": str(r.period), "entered_at": r.entered_at,
                "status": status,
                "synthetic": bool(getattr(r, "synthetic", False)),
            })
        data.entries = pd.DataFrame(records, columns=[*ENTRY_COLUMNS, "entered_at"])
    return data


def evaluate_goals(engine, registry, lang: str = "fi", area: str | None = None,
                   today: date | None = None) -> list[GoalStatus]:
    """Evaluate every goal (or one priority area's) against the database, in registry order."""
    lang = normalise_lang(lang)
    today = today or date.today()
    goals = registry.goals_for_area(area) if area else registry.goals
    out = []
    with engine.connect() as conn:
        has_synthetic = _has_synthetic_column(conn)
        has_embargo = _has_embargo_columns(conn)
        for goal in goals:
            data = load_goal_data(conn, goal, registry, has_synthetic=has_synthetic, has_embargo=has_embargo)
            out.append(evaluate_goal(goal, data, registry.county, today, lang))
    return out
