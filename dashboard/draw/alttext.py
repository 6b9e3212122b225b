"""The alt text of every chart: a short text usable as is and a longer description.

Communications staff paste a chart into a report, a web page or a post, and every Finnish
public-sector publication needs a text alternative for it. The chart builders
(:mod:`dashboard.draw.charts`) call these pure functions with the same cells and series the figure
is drawn from, so the words can never disagree with the picture; every consumer (the page's alt
text panel, the SVG ``<desc>``, the PNG metadata, the meeting PDF and the embed page) reads
``ChartData.alt_short`` / ``alt_long``.

The short text names what is shown (chart type, indicator, unit, area, statistical year), the
largest and smallest municipality, the county and Finland values, the recent trend (the one rule,
:func:`dashboard.judge.compare.trend` → :func:`dashboard.judge.progress.judge_trend`) and the
source, in at most :data:`SHORT_MAX` characters: when it would be longer, the unit goes first (the
long titles already say it), then the optional sentences, last the end of the title ("…"). The
long description adds every value (largest first) and each series' whole course. Words come from
``dashboard/i18n/alttext.*.yaml``; numbers are the cells' own texts (:mod:`dashboard.core.format`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dashboard.core.format import fmt_period
from dashboard.core.i18n import t
from dashboard.judge.compare import trend

#: The longest short text: what an alt attribute, a CMS field or a social-media post takes as is.
SHORT_MAX = 250
ELLIPSIS = "…"


@dataclass(frozen=True)
class AltText:
    short: str
    long: str


# --- composing ------------------------------------------------------------------------------------


def _join(parts: Sequence[str]) -> str:
    return " ".join(p for p in parts if p)


#: Detail levels of the first sentence: with the unit and the area, without the unit (the long
#: titles already say it), without the area too (the county is named by its value).
LEVELS = (2, 1, 0)


def fit(what: Callable[[str, int], str], title: str, essential: Sequence[str], optional: Sequence[str] = (),
        source: str = "", limit: int = SHORT_MAX) -> str:
    """The richest text within ``limit``: ``what(title, level)``, the essential sentences, the
    optional ones still fitting (dropped from the end) and the source. First the unit and the area
    go, then the optional sentences one by one (each time with as much of the unit and area as
    fits); last the title is shortened word by word (ending "…")."""
    # An optional sentence (a fact) is worth more than the unit or the area (said elsewhere too).
    tries = [(level, keep) for keep in range(len(optional), -1, -1) for level in LEVELS]
    for level, keep in tries:
        text = _join([what(title, level), *essential, *optional[:keep], source])
        if len(text) <= limit:
            return text
    words = title.split()
    while len(words) > 1:
        words.pop()
        text = _join([what(" ".join(words).rstrip(",;:/") + ELLIPSIS, 0), *essential, source])
        if len(text) <= limit:
            return text
    text = _join([what(title, 0), *essential, source])
    return text[: limit - 1].rstrip() + ELLIPSIS


def _what(kind: str, unit: str, place: str, period: str, lang: str) -> Callable[[str, bool], str]:
    def what(title: str, level: int) -> str:
        # A unit the title already names ("… / 1 000 asukasta") is not repeated.
        named = unit.strip().lower() in title.lower()
        key = "alt.what" if level >= 2 and unit and not named else "alt.what_no_unit"
        where = ", ".join(x for x in (place if level >= 1 else "", period) if x)
        return t(key, lang, kind=t(f"alt.kind.{kind}", lang), title=title, unit=unit, where=where)

    return what


def _trend_words(series, indicator, lang: str) -> str:
    """The recent direction of ``series`` in words (the project's one trend rule)."""
    tr = trend(series.years, series.values, indicator.direction, [b.year for b in indicator.series_breaks])
    return t(f"trend.{tr.key}", lang)


def _points(series) -> list[tuple[int, str]]:
    """(year, shown text) of each shown value of a series."""
    return [(y, txt) for y, v, txt in zip(series.years, series.values, series.texts) if v is not None]


def _extremes(cells, lang: str, year: int | None = None) -> str:
    """"Suurin Forssa 1,2, pienin Ypäjä 0,3." (with ``year``: "Vuonna 2022 suurin …")."""
    shown = [c for c in cells if c.shown]
    if not shown:
        return ""
    hi = max(shown, key=lambda c: c.value)
    lo = min(shown, key=lambda c: c.value)
    if hi is lo:
        return t("alt.only", lang, name=hi.name, value=hi.text)
    key = "alt.extremes_in_year" if year is not None else "alt.extremes"
    return t(key, lang, high=hi.name, high_value=hi.text, low=lo.name, low_value=lo.text, year=year)


def _references(cells, lang: str) -> str:
    refs = [t("alt.value", lang, name=c.name, value=c.text) for c in cells if c is not None and c.shown]
    return t("alt.references", lang, values=", ".join(refs)) if refs else ""


def _synthetic(synthetic: bool, lang: str, source: str = "") -> str:
    """"Partly synthetic", unless the source line already says the whole chart is synthetic."""
    return t("alt.synthetic", lang) if synthetic and t("source.synthetic_only", lang) not in source else ""


def _short_source(source: str) -> str:
    """The attribution part of a source line ("Lähde: sotkanet.fi, THL"), ending in a full stop."""
    first = source.split(";")[0].split(" · ")[0].strip()
    return first + ("" if not first or first.endswith(".") else ".")


def _full_source(source: str) -> str:
    text = source.strip()
    return text + ("" if not text or text.endswith(".") else ".")


# --- the chart kinds ------------------------------------------------------------------------------


def year_alt(kind: str, indicator, iy, reference_series, *, title: str, unit: str, place: str, source: str,
             lang: str) -> AltText:
    """Map and bar chart of one year: ``iy`` is the :class:`dashboard.data.model.IndicatorYear` the
    figure draws, ``reference_series`` the county reference's series (its recent trend)."""
    period = t("period.year", lang, year=iy.year) if iy.year else ""
    what = _what(kind, unit, place, period, lang)
    shown = [c for c in iy.municipalities if c.shown]
    if not shown and not iy.county.shown and not iy.country.shown:
        none = t("summary.no_values", lang, year=iy.year) if iy.year else t("summary.none", lang)
        return AltText(fit(what, title, [none], source=_short_source(source)),
                       _join([what(title, True), none, _full_source(source)]))
    extremes = _extremes(iy.municipalities, lang)
    refs = _references([iy.county, iy.country], lang)
    trend_sentence = ""
    if reference_series is not None and _points(reference_series):
        trend_sentence = t("alt.trend", lang, name=reference_series.name,
                           trend=_trend_words(reference_series, indicator, lang))
    short = fit(what, title, [extremes, refs, _synthetic(iy.synthetic, lang, source)], [trend_sentence], _short_source(source))
    ranked = sorted(shown, key=lambda c: -c.value)
    values = t("alt.all_values", lang, values="; ".join(f"{c.name} {c.text}" for c in ranked)) if ranked else ""
    missing = len(iy.municipalities) - len(shown)
    course = ""
    if reference_series is not None and _points(reference_series):
        course = _course(reference_series, indicator, lang)
    long = _join([what(title, True), extremes, refs, values,
                  t("summary.missing", lang, count=missing) if missing else "", course,
                  _synthetic(iy.synthetic, lang, source), _full_source(source)])
    return AltText(short, long)


def _course(series, indicator, lang: str) -> str:
    """Every shown value of a series in year order and its recent direction."""
    points = _points(series)
    return t("alt.course", lang, name=series.name, values="; ".join(f"{y} {txt}" for y, txt in points),
             trend=_trend_words(series, indicator, lang))


def _latest(series, lang: str, common_year: int) -> str:
    """"Hämeenlinna 0,69", with its own year when it is not ``common_year``."""
    year, text = _points(series)[-1]
    if year == common_year:
        return t("alt.value", lang, name=series.name, value=text)
    return t("alt.latest", lang, name=series.name, value=text, year=year)


def series_alt(kind: str, indicator, shown: Sequence, municipal: Sequence, *, title: str, unit: str, place: str,
               source: str, lang: str, synthetic: bool = False) -> AltText:
    """Trend (and the indicator page's table): ``shown`` the highlighted series (the municipality
    in focus if any, the county reference, Finland), ``municipal`` every municipality's series (the
    largest and smallest in the latest year)."""
    years = sorted({y for s in shown for y, _ in _points(s)})
    if not years:
        what = _what(kind, unit, place, "", lang)
        none = t("summary.none", lang)
        return AltText(fit(what, title, [none], source=_short_source(source)),
                       _join([what(title, True), none, _full_source(source)]))
    period = (t("period.years", lang, first=years[0], last=years[-1]) if years[0] != years[-1]
              else t("period.year", lang, year=years[0]))
    what = _what(kind, unit, place, period, lang)
    with_points = [s for s in shown if _points(s)]
    last_year = years[-1]
    # The latest values (the municipality in focus, the county, Finland) and the direction of the
    # first; the others' directions are in the long description.
    latest = [t("alt.values_in_year", lang, year=last_year, values=", ".join(_latest(s, lang, last_year)
                                                                             for s in with_points)),
              t("alt.trend", lang, name=with_points[0].name, trend=_trend_words(with_points[0], indicator, lang))]
    cells = [_YearCell(s.name, *_value_in(s, last_year)) for s in municipal]
    extremes = _extremes(cells, lang, last_year)
    short = fit(what, title, [*latest, _synthetic(synthetic, lang, source)], [extremes], _short_source(source))
    long = _join([what(title, True), *(_course(s, indicator, lang) for s in with_points), extremes,
                  _synthetic(synthetic, lang, source), _full_source(source)])
    return AltText(short, long)


@dataclass(frozen=True)
class _YearCell:
    name: str
    value: float | None
    text: str

    @property
    def shown(self) -> bool:
        return self.value is not None


def _value_in(series, year: int) -> tuple[float | None, str]:
    for y, v, txt in zip(series.years, series.values, series.texts):
        if y == year and v is not None:
            return v, txt
    return None, ""


def status_alt(kind: str, cells: Sequence, label: Callable[[str | None], str], *, title: str, place: str,
               source: str, lang: str, synthetic: bool = False) -> AltText:
    """Status map: how many municipalities are in each status (short), each one's status (long).
    ``cells``: :class:`dashboard.data.model.StatusCell`; ``label(code)``: the status in words."""
    periods = sorted({c.period for c in cells if c.period})
    period = t("period.period", lang, period=fmt_period(periods[-1])) if periods else ""
    what = _what(kind, "", place, period, lang)
    counts: dict[str, int] = {}
    for c in cells:
        counts[label(c.status)] = counts.get(label(c.status), 0) + 1
    values = ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda x: -x[1]))
    tally = t("alt.counts", lang, values=values[:1].upper() + values[1:], total=len(cells))
    each = t("alt.each", lang, values="; ".join(
        f"{c.name} {label(c.status)}" + (f" ({c.period})" if c.period else "") for c in cells))
    return AltText(fit(what, title, [tally, _synthetic(synthetic, lang, source)], source=_short_source(source)),
                   _join([what(title, False), tally, each, _synthetic(synthetic, lang, source), _full_source(source)]))


def rounds_alt(kind: str, periods: Sequence[str], rows: Sequence, label: Callable[[str | None], str],
               done: Callable[[object], bool], *, title: str, place: str, source: str, lang: str,
               synthetic: bool = False) -> AltText:
    """Collection rounds (municipality × half-year): the latest round's count in the short text,
    every round and each municipality's row in the long one. ``rows``: (code, name, {period: cell})."""
    if not periods:
        what = _what(kind, "", place, "", lang)
        none = t("summary.none", lang)
        return AltText(fit(what, title, [none], source=_short_source(source)),
                       _join([what(title, False), none, _full_source(source)]))
    span = (t("period.period", lang, period=f"{fmt_period(periods[0])}–{fmt_period(periods[-1])}") if len(periods) > 1
            else t("period.period", lang, period=fmt_period(periods[0])))
    what = _what(kind, "", place, span, lang)

    def round_text(p: str) -> str:
        n = sum(1 for _c, _n, cells in rows if cells.get(p) is not None and done(cells[p]))
        return t("summary.round", lang, period=p, done=n, total=len(rows))

    rounds = [round_text(p) for p in reversed(periods)]
    each = t("alt.each", lang, values="; ".join(
        f"{name} " + ", ".join(f"{p} {label(cells[p].status) if cells.get(p) else label(None)}" for p in periods)
        for _code, name, cells in rows))
    return AltText(fit(what, title, [*rounds[:1], _synthetic(synthetic, lang, source)], rounds[1:], _short_source(source)),
                   _join([what(title, False), *rounds, each, _synthetic(synthetic, lang, source), _full_source(source)]))
