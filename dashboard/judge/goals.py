"""Goal evaluation: is each goal of the agreement on track, in words a forum can read aloud.

Pure functions (``evaluate_goal`` and one per goal type) take a goal from ``goals.yaml``, the data
it needs (:class:`GoalData`), the county profile and today's date, and return a :class:`GoalStatus`.
:func:`dashboard.data.goal_data.evaluate_goals` reads the database and calls them. The rules, one per goal type:

numeric_target
    :func:`dashboard.judge.progress.judge_target` (the one documented rule, written on ``/menetelma``):
    a met target is ``achieved`` whatever the baseline; otherwise the rate observed since the
    baseline against the rate needed to reach the target by the target year decides ``on_track`` /
    ``needs_acceleration`` / ``limited_progress`` / ``deterioration``; no baseline, no later value
    or a series break in between → ``not_enough_data``.
direction
    The series in the goal's region from ``baseline_year`` on, judged by
    :func:`dashboard.judge.progress.judge_trend` (the same trend rule as every table's trend column):
    improving → ``on_track`` ("Kehittyy myönteiseen suuntaan"), worsening → ``deterioration``,
    no clear change → ``no_change``, fewer than 4 values → ``not_enough_data``. A neutral-direction
    indicator is never judged: it stays ``no_change`` and the label only says whether it rises or falls.
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

Besides the goal's own status every card carries two more, separate judgements: against the
benchmark (the goal region's latest value against Finland, or against the county for a
municipality; :func:`dashboard.judge.compare.compare_indicator`) and the recent trend
(:func:`dashboard.judge.progress.judge_trend`).

Every status carries the goal's own wording, owner, target basis (a proposal is labelled
"tavoitetaso on ehdotus, vahvistamatta") and ``synthetic`` = any input value was synthetic.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from dashboard.core.format import fmt_period, number
from dashboard.core.i18n import catalogue, normalise_lang, t
from dashboard.judge.progress import (  # noqa: F401 - Trend, ols_trend, t_critical_975 are re-exported
    MIN_POINTS,
    Trend,
    good_sign,
    judge_target,
    judge_trend,
    ols_trend,
    t_critical_975,
)

STATUS_CODES = ("on_track", "off_track", "achieved", "not_achieved", "no_change", "not_enough_data",
                "needs_acceleration", "limited_progress", "deterioration")
#: statuses named after Open SDG's progress categories (labels in the ``progress`` i18n part)
PROGRESS_STATUSES = ("needs_acceleration", "limited_progress", "deterioration")
MIN_TREND_POINTS = MIN_POINTS
SUBMITTED = ("submitted", "submitted_late")

OBS_COLUMNS = ["period", "period_type", "year", "value", "synthetic"]
ENTRY_COLUMNS = ["region_code", "period", "status", "synthetic"]

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
    #: where the judged value came from and its statistical period (``dashboard.data.provenance``)
    source: str = ""
    #: judgement against the benchmark: compare codes 'better' | 'similar' | 'worse' | 'higher' |
    #: 'lower' | 'none'; None when the goal has no indicator series
    benchmark: str | None = None
    benchmark_name: str = ""
    benchmark_text: str = ""
    #: the trend judgement (:data:`dashboard.judge.progress.TREND_JUDGEMENTS`) and its words
    trend_judgement: str | None = None
    trend_text: str = ""


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
    #: the benchmark region's series (same columns as ``observations``) and its name (a Text)
    benchmark: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBS_COLUMNS))
    benchmark_name: object | None = None
    #: declared series-break years of the indicator (values before a break are not compared across it)
    breaks: tuple = ()
    #: a count goal compared through a rate: the rate indicator and the goal region's own rate series
    benchmark_indicator: object | None = None
    benchmark_own: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBS_COLUMNS))


# --- formatting -------------------------------------------------------------------------------


def fmt_number(x: float | None, decimals: int = 0, lang: str = "fi") -> str:
    """A number as a reader of ``lang`` writes it (``dashboard.core.format``: 1 234,5 in fi/sv, 1,234.5 in en)."""
    return number(x, decimals, normalise_lang(lang))


def _fmt_value(x: float | None, indicator, lang: str) -> str:
    if x is None:
        return "–"
    decimals = getattr(indicator, "decimals", 1) if indicator is not None else 1
    number = fmt_number(x, decimals, lang)
    unit = indicator.unit.text(lang) if indicator is not None else ""
    return f"{number} {unit}".strip()


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
    if goal_type == "direction" and status == "deterioration":
        return t("goals.status_direction.off_track", lang)
    if status in PROGRESS_STATUSES:
        return t(f"progress.status.{status}", lang)
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
    return good_sign(getattr(indicator, "direction", "neutral"), baseline, target)


# --- numeric_target ---------------------------------------------------------------------------


def evaluate_numeric_target(goal, data: GoalData, county, today: date, lang: str = "fi") -> GoalStatus:
    ind = data.indicator
    obs = _clean_obs(data.observations)
    fv = lambda x: _fmt_value(x, ind, lang)
    target_text = fv(goal.target_value)
    common = {"target": goal.target_value, "target_text": target_text}

    baseline, base_synth = goal.baseline_value, False
    if baseline is None:
        in_year = obs[obs["year"] == goal.baseline_year]
        if not in_year.empty:
            row = in_year.iloc[-1]
            baseline, base_synth = float(row["value"]), bool(row["synthetic"])
    if obs.empty:
        key = "goals.numeric.no_baseline" if baseline is None else "goals.numeric.no_latest"
        text = t(key, lang, baseline=fv(baseline), baseline_year=goal.baseline_year, target=target_text,
                 target_year=goal.target_year)
        return _status(goal, lang, "not_enough_data", text, baseline=baseline, synthetic=base_synth, **common)
    last = obs.iloc[-1]
    value, period = float(last["value"]), str(last["period"])
    judged = judge_target(
        latest_time=float(last["t"]), latest_value=value, target_value=goal.target_value,
        target_year=float(goal.target_year), direction=getattr(ind, "direction", None),
        baseline_time=float(goal.baseline_year) if baseline is not None else None, baseline_value=baseline,
        breaks=data.breaks,
    )
    synthetic = base_synth or bool(last["synthetic"])
    words = dict(value=fv(value), period=fmt_period(period), baseline=fv(baseline),
                 baseline_year=goal.baseline_year, target=target_text, target_year=goal.target_year,
                 expected=fv(judged.expected_value))
    common.update(value=value, latest_period=period, synthetic=synthetic, value_text=fv(value), baseline=baseline)
    if baseline is not None:
        span = goal.target_value - baseline
        common["progress"] = (value - baseline) / span if span else 1.0
        if float(last["t"]) > goal.baseline_year:
            common["expected_progress"] = min(1.0, (float(last["t"]) - goal.baseline_year)
                                              / (goal.target_year - goal.baseline_year))
    if judged.category == "target_achieved":
        if baseline is None:
            common["progress"] = 1.0
        key = "progress.numeric.achieved_no_baseline" if baseline is None else "goals.numeric.achieved"
        return _status(goal, lang, "achieved", t(key, lang, **words), **common)
    if judged.category == "not_enough_data":
        key = {"no_baseline": "goals.numeric.no_baseline", "no_later_value": "goals.numeric.no_latest",
               "break": "progress.numeric.break"}.get(judged.reason, "goals.numeric.no_baseline")
        return _status(goal, lang, "not_enough_data", t(key, lang, **words), **common)
    rate_decimals = (getattr(ind, "decimals", 1) if ind is not None else 1) + 1
    unit = _slope_unit(ind, lang)
    rates = dict(observed=f"{fmt_number(judged.observed_rate * _good_sign(ind, baseline, goal.target_value), rate_decimals, lang)} {unit}".strip(),
                 required=f"{fmt_number(judged.required_rate * _good_sign(ind, baseline, goal.target_value), rate_decimals, lang)} {unit}".strip())
    key = "goals.numeric.missed" if judged.past_target_year else f"progress.numeric.{judged.category}"
    text = t(key, lang, **words, **rates)
    return _status(goal, lang, judged.category, text, **common)


# --- direction --------------------------------------------------------------------------------


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
    fv = lambda x: _fmt_value(x, ind, lang)
    if n == 0:
        text = t("goals.direction.too_few", lang, n=n, baseline_year=goal.baseline_year, min_n=MIN_TREND_POINTS)
        return _status(goal, lang, "not_enough_data", text, synthetic=synthetic)
    judged = judge_trend(series["t"].tolist(), series["value"].tolist(), getattr(ind, "direction", None),
                         start=float(goal.baseline_year), breaks=data.breaks)
    first, last = series.iloc[0], series.iloc[-1]
    common = dict(value=float(last["value"]), latest_period=str(last["period"]), synthetic=synthetic,
                  value_text=fv(float(last["value"])))
    if judged.judgement == "unknown":
        key = "progress.direction.break" if judged.reason == "break" else "goals.direction.too_few"
        text = t(key, lang, n=judged.n, baseline_year=goal.baseline_year, min_n=MIN_TREND_POINTS,
                 break_year=int(judged.break_year) if judged.break_year is not None else "")
        return _status(goal, lang, "not_enough_data", text, **common)
    if judged.first is not None:  # the first value that counts (after a break)
        first = series[series["t"] >= judged.first].iloc[0]
    decimals = (getattr(ind, "decimals", 1) if ind is not None else 1) + 1
    words = dict(
        first=fmt_period(str(first["period"])), last=fmt_period(str(last["period"])), n=judged.n,
        first_value=fv(float(first["value"])), last_value=fv(float(last["value"])),
        slope=f"{fmt_number(judged.slope, decimals, lang)} {_slope_unit(ind, lang)}".strip(),
    )
    common.update(baseline=float(first["value"]), trend=judged.movement)
    if judged.judgement == "no_change":
        return _status(goal, lang, "no_change", t("progress.direction.no_change", lang, **words), **common)
    if judged.judgement in ("rising", "falling"):
        label = t(f"goals.status_neutral.{judged.movement}", lang)
        return _status(goal, lang, "no_change", t("goals.direction.neutral", lang, **words), label=label, **common)
    status = "on_track" if judged.judgement == "improving" else "deterioration"
    return _status(goal, lang, status, t(f"goals.direction.{judged.movement}", lang, **words), **common)


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
    # the one target rule: from 0 at the start of the baseline year to the target share at the end
    # of the target year, observed today
    judged = judge_target(latest_time=_year_fraction(today), latest_value=share, target_value=goal.target_share,
                          target_year=float(goal.target_year + 1), direction="higher",
                          baseline_time=start, baseline_value=0.0)
    status = {"target_achieved": "achieved", "not_enough_data": "deterioration"}.get(judged.category, judged.category)
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
    """Evaluate one goal with the rule of its type (see the module docstring), then add the two
    other judgements a card shows: against the benchmark and the recent trend."""
    lang = normalise_lang(lang)
    status = EVALUATORS[goal.type](goal, data, county, today or date.today(), lang)
    return _with_benchmark_and_trend(status, data, lang)


def _with_benchmark_and_trend(status: GoalStatus, data: GoalData, lang: str) -> GoalStatus:
    """The benchmark and trend judgements of a goal with an indicator series (others unchanged)."""

    from dashboard.judge.compare import compare_indicator

    ind = data.indicator
    obs = _clean_obs(data.observations)
    if ind is None or obs.empty or ind.unit.kind in ("boolean", "status"):
        return status
    yearly = obs[obs["period_type"] == "Y"] if "period_type" in obs else obs
    series = yearly if not yearly.empty else obs
    judged = judge_trend(series["t"].tolist(), series["value"].tolist(), ind.direction, breaks=data.breaks)
    trend_text = t(f"progress.trend.{judged.judgement}", lang)
    bench_ind, own = ind, obs
    if data.benchmark_indicator is not None:  # a count compared through its rate
        bench_ind, own = data.benchmark_indicator, _clean_obs(data.benchmark_own)
    bench = _clean_obs(data.benchmark)
    bench_value, own_value = None, None
    if not own.empty:
        last = own.iloc[-1]
        own_value = float(last["value"])
        same = bench[bench["period"].astype(str) == str(last["period"])]
        bench_value = float(same["value"].iloc[-1]) if not same.empty else None
    verdict = compare_indicator(bench_ind, own_value, bench_value)
    name = data.benchmark_name.get(lang) if data.benchmark_name is not None else ""
    if bench_ind is not ind and name:
        name = t("progress.card.benchmark_rate", lang, name=name, unit=bench_ind.unit.text(lang))
    return replace(status, benchmark=verdict, benchmark_name=name,
                   benchmark_text=_fmt_value(bench_value, bench_ind, lang) if bench_value is not None else "",
                   trend_judgement=judged.judgement, trend_text=trend_text)


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


def status_code(payload: dict, template) -> str | None:
    """The status code of one manual entry's ``data`` (the code or the Finnish label as entered)."""
    column = _status_column(template)
    return _to_code(payload.get(column), template, column)


def series_break_years(indicator) -> tuple:
    """Declared series-break years of an indicator (registry ``series_breaks``); map class
    ``breaks`` are something else."""
    return tuple(float(b.year) for b in getattr(indicator, "series_breaks", None) or ())
