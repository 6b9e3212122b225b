"""The comparison picker (``vertailu``): what the view compares a municipality with.

A group of links, one per comparison set (:data:`dashboard.core.state.COMPARISONS`): choosing one
loads the view again with the server's benchmark (:mod:`dashboard.data.benchmarks`), so no
comparison is computed in the browser. Links (not a select that navigates on change) keep the
keyboard free: Tab moves between them, Enter chooses, nothing happens on arrow keys (WCAG 3.2.2).
Below them, in words: the benchmark, the set's members and the rule.
"""
from __future__ import annotations

from dash import dcc, html

from dashboard.core.i18n import t
from dashboard.core.state import COMPARISONS


def choice_label(registry, choice: str, lang: str) -> str:
    return t(f"comparison.choice.{choice}", lang, county=registry.county.region.name.get(lang))


def picker(registry, state, path: str, prefix: str) -> html.Div:
    """The labelled group of links ``<prefix>-vertailu-<choice>`` (the explorer keeps their hrefs
    on the view in the browser; the profile rebuilds them with its content)."""
    lang = state.lang
    label_id = f"{prefix}-vertailu-label"
    items = []
    for choice in COMPARISONS:
        current = choice == state.comparison
        items.append(html.Li(html.A(
            choice_label(registry, choice, lang), id=f"{prefix}-vertailu-{choice}",
            href=path + state.query_string(comparison=choice),
            className="tk-cmp__link" + (" tk-cmp__link--current" if current else ""),
            **({"aria-current": "true"} if current else {}))))
    return html.Div([
        html.Span(t("comparison.label", lang), id=label_id, className="tk-label"),
        html.Ul(items, className="tk-cmp"),
    ], className="tk-control tk-control--comparison", role="group", **{"aria-labelledby": label_id})


def note(ctx, state, municipality: str | None) -> html.Div | None:
    """The benchmark in words: its name, the set's members, the rule (None for the county region)."""
    from dashboard.data import benchmarks

    if state.comparison == "maakunta":
        return None
    registry, lang = ctx.registry, state.lang
    effective = benchmarks.effective_choice(ctx.engine, registry, state.comparison, municipality)
    parts = []
    if effective == "maakunta":
        parts.append(html.P(t("comparison.needs_municipality", lang, county=registry.county.region.name.get(lang)),
                            className="tk-notice"))
    else:
        group = benchmarks.members(ctx.engine, registry, effective, municipality, lang) or []
        name = (registry.county.country.name.get(lang) if effective == "koko-maa"
                else t(f"comparison.set_name.{effective}", lang, count=len(group)) if effective != "seutukunta"
                else next(s.name.get(lang) for s in registry.county.subregions
                          if s.code == next(m.subregion for m in registry.county.municipalities if m.code == municipality)))
        text = t("comparison.current", lang, name=name)
        if group:
            text += " " + t("comparison.members", lang, names=", ".join(n for _c, n in group))
        parts.append(html.P(text, id="comparison-members", className="tk-cmp__members"))
        if effective == "naapurit":
            parts.append(html.P(t("comparison.neighbours_note", lang), className="tk-hint"))
        if effective == "samankaltaiset":
            parts.append(html.P(dcc.Link(t("comparison.similar_link", lang),
                                         href="/kuntaprofiili" + state.replace(page="profile", indicator=None, year=None)
                                         .query_string()), className="tk-hint"))
    parts.append(html.Details([html.Summary(t("comparison.how", lang)), html.P(t("comparison.rule", lang))],
                              className="tk-details tk-details--plain"))
    return html.Div(parts, className="tk-cmp__note")
