"""Tilannekuvataulu (situation board): every goal of the agreement on one projector screen.

Grouped by priority area; each goal says its status in words and with a symbol (the symbols and
colour families of ``dashboard.draw.gauges``), the latest value with its data year, the target and a
small server-made sparkline. The statuses come from ``dashboard.judge.goals`` (evaluated, not judged
here). The same component, smaller, opens the ordinary overview as its one-glance summary.
"""
from __future__ import annotations

from dataclasses import dataclass

from dash import dcc, html

from dashboard.core.format import fmt_period
from dashboard.core.i18n import t
from dashboard.data import model
from dashboard.data.goal_data import goal_statuses
from dashboard.deliver.components import RING, page_href
from dashboard.draw.figures.spark import SPARK_YEARS, data_uri, spark_svg
from dashboard.draw.gauges import TONE, status_symbol


@dataclass(frozen=True)
class Tile:
    """One goal on the board, ready to draw (on screen or on paper)."""

    key: str
    area: str
    name: str
    status: str
    tone: str
    symbol: str
    label: str
    value: str
    period: str
    target: str
    href: str
    spark: str  # SVG markup ("" when the goal has no indicator series)
    synthetic: bool
    wording: str


def goal_name(registry, goal, lang: str) -> str:
    """A goal's short name: its indicator's or template's title, else the agreement's measure."""
    key = getattr(goal, "indicator", None)
    if key and key in registry.indicators:
        return registry.indicators[key].title.get(lang)
    template = getattr(goal, "template", None)
    if template and registry.templates and template in registry.templates.templates:
        return registry.templates.templates[template].title.get(lang)
    for area in registry.agreement.areas:
        for m in area.measures:
            if m.key == goal.measure:
                return m.text(lang)
    return goal.wording.get(lang)


def _spark(ctx, goal, lang: str) -> str:
    key = getattr(goal, "indicator", None)
    if not key or key not in ctx.registry.indicators:
        return ""
    county = ctx.registry.county
    region = county.resolve_region(getattr(goal, "region", "county"))
    found = model.series(ctx.engine, ctx.registry, key, [region, county.country.code], lang)
    own, country = found
    if len([v for v in own.values if v is not None]) < 2:
        return ""
    years = own.years[-SPARK_YEARS:]
    by_year = dict(zip(country.years, country.values))
    return spark_svg(years, own.values[-SPARK_YEARS:], [by_year.get(y) for y in years])


def tiles(ctx, state) -> list[Tile]:
    """The board's goals in registry order (pinned views read the values of their moment)."""
    registry = ctx.registry
    lang = state.lang
    goals = {g.key: g for g in registry.goals}
    slugs = {a.key: a.slug for a in registry.agreement.areas}
    out = []
    for s in goal_statuses(ctx.engine, registry, lang, None):
        goal = goals.get(s.key)
        if goal is None:
            continue
        params = {"indikaattori": s.indicator} if s.indicator else {}
        if state.as_of:
            params["tilanne"] = state.as_of
        out.append(Tile(
            key=s.key, area=s.area, name=goal_name(registry, goal, lang), status=s.status, tone=TONE[s.status],
            symbol=status_symbol(s), label=s.label, value=s.value_text, period=fmt_period(s.latest_period)
            if s.latest_period else "", target=s.target_text, href=page_href(f"/{slugs.get(s.area, '')}", state, **params),
            spark=_spark(ctx, goal, lang), synthetic=s.synthetic, wording=s.wording,
        ))
    return out


def figures_text(tile: Tile, lang: str) -> str:
    """"Viimeisin 3,2 ‰ (2023) · Tavoite 50 % (2029)" — what the tile says in figures."""
    parts = []
    if tile.value:
        latest = t("meeting.board.latest", lang, value=tile.value)
        # A value that names its own period ("0 kierrosta (2025)") is not given a second one.
        parts.append(f"{latest} ({tile.period})" if tile.period and "(" not in tile.value else latest)
    else:
        parts.append(t("meeting.board.no_value", lang))
    if tile.target:
        parts.append(t("meeting.board.target", lang, value=tile.target))
    return " · ".join(parts)


def _tile(tile: Tile, lang: str, clicker: bool = True):
    children = [
        html.Span([html.Span(tile.symbol, className="tk-board__symbol", **{"aria-hidden": "true"}),
                   html.Span(tile.label + ":", className="tk-board__label")],
                  className=f"tk-board__status tk-board__status--{tile.tone}"),
        html.Span(tile.name + (" *" if tile.synthetic else ""), className="tk-board__name"),
        html.Span(figures_text(tile, lang), className="tk-board__figures"),
    ]
    if tile.spark:
        children.append(html.Img(src=data_uri(tile.spark), alt="", className="tk-board__spark"))
    return html.Li(dcc.Link(children, href=tile.href, className=f"tk-board__goal tk-board__goal--{tile.tone}",
                            id=f"board-goal-{tile.key}"),
                   className="tk-board__item", **(RING if clicker else {}))


def board(ctx, state, *, summary: bool = False) -> html.Section:
    """The board (``summary``: the smaller version at the top of the ordinary overview)."""
    registry = ctx.registry
    lang = state.lang
    all_tiles = tiles(ctx, state)
    areas = []
    for area in registry.agreement.areas:
        mine = [x for x in all_tiles if x.area == area.key]
        if not mine:
            continue
        heading_id = f"board-area-{area.key}"
        areas.append(html.Section([
            html.H2(dcc.Link([html.Span(f"{area.number} ", className="tk-board__number"), area.short.get(lang)],
                             href=page_href(f"/{area.slug}", state, tilanne=state.as_of)),
                    id=heading_id, className="tk-board__area-title"),
            html.Ul([_tile(x, lang, not summary) for x in mine], className="tk-board__goals"),
        ], className=f"tk-board__area tk-board__area--{area.key}", **{"aria-labelledby": heading_id}))
    title_id = "board-title-summary" if summary else "board-title"
    heading = (html.H2 if summary else html.H1)(
        t("meeting.board.summary_title" if summary else "meeting.board.title", lang,
          county=registry.county.name.get(lang)), id=title_id, className="tk-board__title")
    key_hint = None if summary else html.P(t("meeting.board.keys", lang), className="tk-hint tk-board__keys")
    return html.Section([heading, html.Div(areas, className="tk-board__areas"), key_hint],
                        className="tk-board" + (" tk-board--summary" if summary else ""),
                        **{"aria-labelledby": title_id})


def any_synthetic(ctx, state) -> bool:
    return any(x.synthetic for x in tiles(ctx, state))
