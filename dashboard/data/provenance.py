"""Where a value came from and how old it is: the one place that words a source line.

A value is of one kind (:func:`value_kind`):

* ``statistic`` — loaded from a statistical source (Sotkanet, StatFin): named by its provider;
* ``reported`` — entered by a partner through a template: named by the organisation when known;
* ``cited`` — a published figure (``refresh --facts``): named by its own citation;
* ``synthetic`` — a labelled demo value: says so and names no statistical authority.

:func:`source_line` words the kinds a chart shows, every chart and export uses it (the explorer in
the browser receives the same line per indicator). :func:`provenance` reads the kinds, citations
and the latest statistical year of an indicator in the county's view once per data version, and
:func:`period_note` says which statistical year that is and whether the series is old for its
cadence ("vanha tieto").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.core.format import date_text
from dashboard.core.i18n import t
from data_pipeline.registry import CADENCE_YEARS

KINDS = ("statistic", "reported", "cited", "synthetic")
#: How many citations a source line names before "and N more" (the table names each one).
NAMED_CITATIONS = 3


def value_kind(indicator, *, synthetic: bool, citation: str | None) -> str:
    """The kind of one value (see the module docstring)."""
    if synthetic:
        return "synthetic"
    if citation:
        return "cited"
    return "reported" if indicator.source.kind == "manual" else "statistic"


def citation_label(citation: str) -> str:
    """A citation short enough for a source line: a repository without its file and commit
    (``github:owner/repo path @ commit`` → ``github:owner/repo``), a URL as it is."""
    text = citation.strip()
    if text.startswith("github:"):
        return text.split()[0]
    return text


@dataclass(frozen=True)
class Provenance:
    kinds: frozenset[str]
    #: (short citation, years it is given for), in the order of their first year
    citations: tuple[tuple[str, tuple[int, ...]], ...] = ()
    #: latest year with a real (non-synthetic) value in the county's view
    last_year: int | None = None
    first_year: int | None = None
    #: keys of the organisations that reported the values shown (the collection area)
    organisations: tuple[str, ...] = ()
    #: ISO dates the source states: when it last updated the data shown, when it updates next
    source_updated: str | None = None
    next_update: str | None = None


def provenance(engine, registry, key: str) -> Provenance:
    """Kinds, citations and statistical years of an indicator in the county's view (cached)."""
    from dashboard.data import model, queries

    def compute() -> Provenance:
        indicator = model.series_indicator(registry, key)
        frame = model.indicator_frame(engine, registry, key)
        if frame.empty:
            return Provenance(kinds=frozenset({value_kind(indicator, synthetic=False, citation=None)}))
        rows = frame[frame["status"] != model.STATUS_MISSING]
        kinds: set[str] = set()
        cited: dict[str, set[int]] = {}
        cites = rows["citation"] if "citation" in rows else [None] * len(rows)
        for synthetic, citation, year in zip(rows["synthetic"], cites, rows["year"]):
            citation = citation if isinstance(citation, str) and citation else None
            kinds.add(value_kind(indicator, synthetic=bool(synthetic), citation=citation))
            if citation and not synthetic:
                cited.setdefault(citation_label(citation), set()).add(int(year))
        real = rows[~rows["synthetic"].astype(bool)]
        reporters = real.get("reported_by", [])
        stated = queries.source_dates(engine)
        runs = {int(r) for r in real["load_run_id"].dropna().unique()} if "load_run_id" in real else set()
        updated = [stated[r][0] for r in runs if r in stated and stated[r][0]]
        upcoming = [stated[r][1] for r in runs if r in stated and stated[r][1]]
        return Provenance(
            source_updated=max(updated) if updated else None,
            next_update=max(upcoming) if upcoming else None,
            organisations=tuple(sorted({k for k in reporters if isinstance(k, str) and k})),
            kinds=frozenset(kinds or {value_kind(indicator, synthetic=False, citation=None)}),
            citations=tuple(sorted(((c, tuple(sorted(ys))) for c, ys in cited.items()), key=lambda x: (x[1][0], x[0]))),
            last_year=int(real["year"].max()) if not real.empty else None,
            first_year=int(real["year"].min()) if not real.empty else None,
        )

    return queries.memo(engine, "provenance", (model.registry_key(registry), key), compute)


def _years_text(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years[:4]) + ("…" if len(years) > 4 else "")


def source_line(registry, indicator, lang: str, *, with_boundaries: bool = False, prov: Provenance | None = None,
                organisation: str | None = None) -> str:
    """The source line of what a chart shows, from the kinds of its values.

    Without ``prov`` the indicator's own source kind is assumed (a statistic or a partner's
    entry). ``organisation`` names the partner that reported the values (the collection area)."""
    providers = registry.sources.providers
    provider = providers[indicator.source.kind]  # each source kind is a provider in sources.yaml
    kinds = prov.kinds if prov is not None else frozenset({value_kind(indicator, synthetic=False, citation=None)})
    parts: list[str] = []
    if "reported" in kinds and organisation:
        parts.append(t("source.reported_by", lang, organisation=organisation))
    elif kinds & {"statistic", "reported"}:
        parts.append(provider.attribution.get(lang))
    if "cited" in kinds and prov is not None:
        refs = [f"{label} ({_years_text(years)})" for label, years in prov.citations[:NAMED_CITATIONS]]
        more = len(prov.citations) - NAMED_CITATIONS
        text = ", ".join(refs) + (" " + t("source.more", lang, count=more) if more > 0 else "")
        parts.append(t("source.cited" if parts else "source.cited_only", lang, refs=text))
    if "synthetic" in kinds:
        parts.append(t("source.synthetic" if parts else "source.synthetic_only", lang))
    if kinds & {"statistic", "reported", "cited"}:
        parts.append(f"{t('chart.licence', lang)} {provider.licence}")
    if with_boundaries and "boundaries" in providers:
        parts.append(providers["boundaries"].attribution.get(lang))
    return "; ".join(parts)


def value_source(registry, indicator, lang: str, *, synthetic: bool, citation: str | None) -> str:
    """One value's source, for a table row and a tooltip: the full citation of a cited figure."""
    kind = value_kind(indicator, synthetic=synthetic, citation=citation)
    if kind == "synthetic":
        return t("source.synthetic_value", lang)
    if kind == "cited":
        return t("source.cited_value", lang, ref=citation)
    return registry.sources.providers[indicator.source.kind].attribution.get(lang)


def hover_citation(citation: str | None, lang: str) -> str:
    """A cited value's citation as its tooltip line (map, bar, trend; the explorer's store carries
    the same text); empty for a value without a citation."""
    return t("source.cited_value", lang, ref=citation) if citation else ""


def is_stale(indicator, last_year: int | None, today: date | None = None) -> bool:
    """The latest statistical year lags more than ``stale_cadences`` cadences behind last year
    (the newest year a statistic can already describe). Series without a schedule are never old."""
    step = CADENCE_YEARS.get(indicator.cadence)
    if step is None or last_year is None:
        return False
    today = today or date.today()
    return (today.year - 1 - last_year) > indicator.stale_cadences * step


def stated_dates(updated: str | None, upcoming: str | None, lang: str) -> str:
    """"päivitetty lähteessä 12.5.2021 · seuraava päivitys 1.6.2026" — what a source itself states
    about its data (``load_run.source_updated`` / ``source_next_update``, ISO dates); "" when nothing."""
    parts = []
    if updated:
        parts.append(t("period.source_updated", lang, date=date_text(updated, lang)))
    if upcoming:
        parts.append(t("period.next_update", lang, date=date_text(upcoming, lang)))
    return " · ".join(parts)


def source_dates_note(prov: Provenance, lang: str) -> str:
    """:func:`stated_dates` of the data an indicator shows."""
    return stated_dates(prov.source_updated, prov.next_update, lang)


def period_note(indicator, prov: Provenance, lang: str, today: date | None = None) -> str:
    """"tilastovuodet 1987–2020 · päivitetty lähteessä 12.5.2021 · VANHA TIETO: …" — the statistic's
    own years, apart from the date it was fetched, what the source states about its updates, and the
    old-data warning when the series is behind its cadence."""
    if prov.last_year is None:
        return ""
    if prov.first_year is not None and prov.first_year != prov.last_year:
        text = t("period.years", lang, first=prov.first_year, last=prov.last_year)
    else:
        text = t("period.year", lang, year=prov.last_year)
    stated = source_dates_note(prov, lang)
    if stated:
        text += " · " + stated
    if is_stale(indicator, prov.last_year, today):
        text += " · " + t("period.stale", lang, year=prov.last_year)
    return text


def organisation_names(registry, keys, lang: str) -> str:
    """The reporting organisations by name ("Hämeenlinna, Forssa"), in the UI language."""
    known = registry.organisations.by_key if getattr(registry, "organisations", None) else {}
    return ", ".join(known[k].label(lang) if k in known else k for k in keys)


def chart_source(registry, indicator, lang: str, prov: Provenance, *, with_boundaries: bool = False,
                 today: date | None = None) -> str:
    """The source line with the period note: what every chart, export and explorer view shows.
    Partner-reported values name the organisations that reported them, not a statistical authority."""
    line = source_line(registry, indicator, lang, with_boundaries=with_boundaries, prov=prov,
                       organisation=organisation_names(registry, prov.organisations, lang) or None)
    note = period_note(indicator, prov, lang, today)
    return f"{line} · {note}" if note else line


def _period_words(period, lang: str) -> str:
    """"tilastovuosi 2024" for a year, "tilastokausi 2025/H2" for a half-year, quarter or month."""
    text = str(period)
    if text.isdigit():
        return t("period.year", lang, year=text)
    from dashboard.core.format import fmt_period

    return t("period.period", lang, period=fmt_period(text))


def goal_source(engine, registry, goal, status, lang: str) -> str:
    """The source and period of the value a goal card judges: "Lähde: … · tilastovuosi 2024"."""
    from dashboard.data import queries

    key = getattr(goal, "indicator", None)
    period = status.latest_period
    if key and key in registry.indicators:
        indicator = registry.indicators[key]
        if not period:  # no value judged: no source to name (a synthetic one still says so)
            return t("source.synthetic_only", lang) if status.synthetic else ""
        region = registry.county.resolve_region(getattr(goal, "region", "county"))
        rows = queries.period_observations(engine, key, region)
        row = rows[rows["period"] == str(period)].head(1) if not rows.empty else rows
        synthetic = bool(row["synthetic"].iloc[0]) if len(row) else False
        citation = row["citation"].iloc[0] if len(row) else None
        text = value_source(registry, indicator, lang, synthetic=synthetic,
                            citation=citation if isinstance(citation, str) and citation else None)
        return f"{text} · {_period_words(period, lang)}"
    manual = registry.sources.providers["manual"].attribution.get(lang)
    if status.synthetic:
        manual = t("source.synthetic_only", lang)
    elif not period:
        return ""
    return f"{manual} · {_period_words(period, lang)}" if period else manual


def break_note(registry, goal, status, lang: str) -> str:
    """A goal judged across a series break says so: "Sarjassa on katkos 2017 (…)"."""
    key = getattr(goal, "indicator", None)
    baseline = getattr(goal, "baseline_year", None)
    if not key or key not in registry.indicators or baseline is None or not status.latest_period:
        return ""
    latest = int(str(status.latest_period)[:4])
    spanned = [b for b in registry.indicators[key].series_breaks if baseline < b.year <= latest]
    return " ".join(t("breaks.goal_spans", lang, year=b.year, label=b.label.get(lang)) for b in spanned)
