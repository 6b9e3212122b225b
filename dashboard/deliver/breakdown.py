"""The breakdown toggle (``jako``): all / men / women / an age group of an indicator.

One row of links, each a whole view (``?…&jako=naiset``), so the choice is in the URL, opening a
link restores it, and a keyboard user reaches every choice with Tab and opens it with Enter; the
current one carries ``aria-current``. Offered only when the indicator declares breakdowns
(``breakdowns`` in indicators.yaml, validated by :func:`dashboard.core.state.check_breakdown`).
"""
from __future__ import annotations

from dash import html

from dashboard.core.i18n import t
from dashboard.core.state import breakdown_choices


def choice_label(registry, indicator: str, choice: str | None, lang: str) -> str:
    """The words of one breakdown: "kaikki", "naiset", "ikäryhmä 18–24-vuotiaat"."""
    if not choice:
        return t("breakdown.total", lang)
    if choice in ("male", "female"):
        return t(f"breakdown.{choice}", lang)
    ind = registry.indicators[indicator]
    age = next(a for a in ind.breakdowns.age if f"ika_{a.key}" == choice)
    return t("breakdown.age", lang, label=age.label.get(lang))


def entries(registry, indicator: str | None, lang: str) -> list[tuple[str, str, str | None]]:
    """(id suffix, words, choice) of each link of the toggle, "all" first; [] = no toggle. The
    area page's store carries the toggle made by :func:`toggle` (its links as templates of the view),
    so the browser redraws it when the indicator changes there."""
    choices = breakdown_choices(registry, indicator)
    if not choices:
        return []
    return [(choice or "total", choice_label(registry, indicator, choice, lang), choice) for choice in [None, *choices]]


def toggle(registry, state, path: str, id_prefix: str) -> html.Nav | None:
    """The toggle of the state's indicator, or None when it has no breakdowns."""
    found = entries(registry, state.indicator, state.lang)
    if not found:
        return None
    lang = state.lang
    items = []
    for suffix, label, choice in found:
        current = choice == state.breakdown
        href = path + state.query_string(breakdown=choice)
        link = html.A(label, href=href, className="tk-breakdown__link" + (" is-current" if current else ""),
                        id=f"{id_prefix}-{suffix}",
                        **({"aria-current": "true"} if current else {}))
        items.append(html.Li(link, className="tk-breakdown__item"))
    heading_id = f"{id_prefix}-h"
    return html.Nav(
        [html.Span(t("breakdown.legend", lang), id=heading_id, className="tk-label"),
         html.Ul(items, className="tk-breakdown__list")],
        className="tk-breakdown", id=id_prefix, **{"aria-labelledby": heading_id},
    )
