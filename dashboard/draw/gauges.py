"""Goal gauges: one accessible bullet bar per goal, readable without colour.

A gauge is plain HTML (no Plotly figure), so it is light, prints well, scales on a projector and
screen readers get it natively: the bar is a ``role="meter"`` with ``aria-valuenow/min/max`` and an
``aria-valuetext`` that says the status in words. The status is always written out and has its
own symbol; colour (blue = on track / achieved, orange = off track / not yet, grey = no change /
not enough data — safe for the common colour-vision deficiencies) only repeats it. Styles live in
``assets/gauges.css``; the forum (high-contrast) look keys off the ``forum`` class on an ancestor.
"""
from __future__ import annotations

from dash import html

from dashboard.core.i18n import normalise_lang, t
from dashboard.judge.goals import GoalStatus

#: colour family per status: "good" (blue), "bad" (orange), "neutral" (grey)
TONE = {
    "on_track": "good",
    "achieved": "good",
    "off_track": "bad",
    "not_achieved": "bad",
    "no_change": "neutral",
    "not_enough_data": "neutral",
    "needs_acceleration": "bad",
    "limited_progress": "bad",
    "deterioration": "bad",
}
#: a distinct symbol per status so that the status never rests on colour alone
SYMBOL = {
    "achieved": "✓",
    "on_track": "↗",
    "off_track": "!",
    "not_achieved": "○",
    "no_change": "→",
    "not_enough_data": "?",
    "needs_acceleration": "↑",
    "limited_progress": "≈",
    "deterioration": "✕",
}
TREND_SYMBOL = {"up": "↗", "down": "↘", "flat": "→"}
#: symbol per trend judgement (:data:`dashboard.judge.progress.TREND_JUDGEMENTS`) and compare verdict
JUDGEMENT_SYMBOL = {"improving": "▲", "worsening": "▼", "no_change": "●", "rising": "↗", "falling": "↘", "unknown": "?"}
#: the page where the rule is written out (fi/sv/en via ``kieli``)
METHOD_PATH = "/menetelma"


def method_href(lang: str) -> str:
    return METHOD_PATH + ("" if lang == "fi" else f"?kieli={lang}")


def _judgements(status: GoalStatus, lang: str):
    """The card's three separate judgements: target, against the benchmark, trend (each in words)."""
    from dashboard.judge.compare import SYMBOLS

    def row(cls, term, symbol, words):
        return html.Div([html.Dt(term), html.Dd([html.Span(symbol, className="goal-gauge__jsymbol", **{"aria-hidden": "true"}),
                                                 " ", words])],
                        className=f"goal-gauge__judgement goal-gauge__judgement--{cls}")

    rows = []  # the first judgement, the target's, is the status badge above
    if status.benchmark is not None and status.benchmark_name:
        verdict = t(f"compare.{status.benchmark}", lang)
        words = t("progress.card.benchmark_value", lang, verdict=verdict, value=status.benchmark_text) \
            if status.benchmark_text and status.benchmark != "none" else verdict
        rows.append(row(f"benchmark tk-j--{status.benchmark}", t("progress.card.benchmark", lang, name=status.benchmark_name),
                        SYMBOLS.get(status.benchmark, "–"), words))
    if status.trend_judgement is not None:
        rows.append(row(f"trend tk-j--{status.trend_judgement}", t("progress.card.trend", lang),
                        JUDGEMENT_SYMBOL[status.trend_judgement], status.trend_text))
    if not rows:
        return None
    return html.Dl(rows, className="goal-gauge__judgements", **{"aria-label": t("progress.card.heading", lang)})


def status_symbol(status: GoalStatus) -> str:
    """Direction goals point the way the series moves; other goals use the status symbol."""
    if status.type == "direction" and status.trend and status.status != "not_enough_data":
        return TREND_SYMBOL[status.trend]
    return SYMBOL[status.status]


def _meter(status: GoalStatus, lang: str, dom_id: str):
    """The bullet bar: filled share of the target plus a tick where a steady pace would be now."""
    percent = round(100 * status.progress)
    children = [html.Div(className="goal-gauge__fill", style={"width": f"{percent}%"})]
    if status.expected_progress is not None:
        children.append(
            html.Div(
                className="goal-gauge__expected",
                style={"left": f"{round(100 * status.expected_progress)}%"},
                title=t("goals.gauge.expected", lang),
            )
        )
    return html.Div(
        children,
        id=f"{dom_id}-meter",
        className="goal-gauge__bar",
        role="meter",
        **{
            "aria-valuenow": percent,
            "aria-valuemin": 0,
            "aria-valuemax": 100,
            "aria-valuetext": t("goals.gauge.valuetext", lang, percent=percent, label=status.label),
            "aria-label": t("goals.gauge.progress", lang),
        },
    )


def _fact(term: str, value: str, cls: str):
    return html.Div([html.Dt(term), html.Dd(value)], className=f"goal-gauge__fact goal-gauge__fact--{cls}")


def goal_gauge(status: GoalStatus, lang: str = "fi"):
    """One goal as an accessible card: wording, status in words + symbol, bar, value vs target, owner."""
    lang = normalise_lang(lang)
    dom_id = f"goal-{status.key}"
    tone = TONE[status.status]
    badge = html.P(
        [
            html.Span(status_symbol(status), className="goal-gauge__symbol", **{"aria-hidden": "true"}),
            html.Span(t("progress.card.target", lang) + ": ", className="goal-gauge__term"),
            html.Span(status.label, className="goal-gauge__label"),
        ],
        className=f"goal-gauge__status goal-gauge__status--{tone}",
    )
    facts = []
    if status.value_text:
        facts.append(_fact(t("goals.gauge.value", lang), status.value_text, "value"))
    if status.target_text:
        facts.append(_fact(t("goals.gauge.target", lang), status.target_text, "target"))
    facts.append(_fact(t("goals.gauge.owner", lang), status.owner, "owner"))
    if status.source:
        facts.append(_fact(t("goalcard.source", lang), status.source, "source"))
    children = [
        html.P(status.wording, id=f"{dom_id}-wording", className="goal-gauge__wording"),
        badge,
    ]
    if status.progress is not None:
        children.append(_meter(status, lang, dom_id))
    judgements = _judgements(status, lang)
    children += [
        *([judgements] if judgements is not None else []),
        html.Dl(facts, className="goal-gauge__facts"),
        html.P([status.explanation, " ", html.A(t("progress.card.method", lang), href=method_href(lang),
                                                className="goal-gauge__method")],
               className="goal-gauge__explanation"),
    ]
    if status.target_basis == "proposal":
        children.append(html.P(status.basis_note or t("goals.basis_proposal", lang), className="goal-gauge__proposal"))
    if status.synthetic:
        children.append(html.P(t("goals.gauge.synthetic", lang), className="goal-gauge__synthetic"))
    return html.Article(
        children,
        id=dom_id,
        className=f"goal-gauge goal-gauge--{tone} goal-gauge--{status.status}",
        **{"aria-labelledby": f"{dom_id}-wording", "data-status": status.status},
    )


def goal_gauges(statuses: list[GoalStatus], lang: str = "fi"):
    """A list of gauges (one ``<li>`` each); an empty list says so in words."""
    lang = normalise_lang(lang)
    if not statuses:
        return html.P(t("goals.gauge.empty", lang), className="goal-gauges goal-gauges--empty")
    return html.Ul(
        [html.Li(goal_gauge(s, lang), className="goal-gauges__item") for s in statuses],
        className="goal-gauges",
        **{"aria-label": t("goals.gauge.heading", lang)},
    )
