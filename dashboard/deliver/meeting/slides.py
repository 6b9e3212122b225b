"""What one slide of a meeting shows, decided once for the screen (``player``) and paper (``pdf``).

A slide is a dashboard view (:class:`dashboard.core.state.ViewState`): an area page shows its map (or
the status map / rounds grid of a manual measure), an indicator page and a profile the trend, the
overview the situation board. Each slide also carries the goals of its area, the chart's text
summary, source line, data date and the pinned moment, all read through the ordinary builders.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from dashboard.core import pin
from dashboard.core.format import date_text
from dashboard.core.i18n import t
from dashboard.data.context import current_context
from dashboard.data.goal_data import goal_statuses
from dashboard.deliver.meeting import board
from dashboard.draw.charts import ChartData, build_chart, default_indicator, manual_rule

log = logging.getLogger(__name__)


@dataclass
class SlideContent:
    number: int
    count: int
    title: str
    path: str
    state: object
    chart: ChartData | None = None
    goals: list = field(default_factory=list)  # GoalStatus of the view's area (or its indicator)
    tiles: list = field(default_factory=list)  # board tiles (overview slides)
    synthetic: bool = False

    @property
    def live_href(self) -> str:
        """The live view: the same page, not in forum mode, pinned as the slide is."""
        return self.path + self.state.query_string(forum=False)

    def source_line(self, lang: str) -> str:
        """"Lähde: …; Lisenssi … · Tiedot ladattu 22.11.2026" (the agreement for the board)."""
        if self.chart is None:
            return t("footer.data", lang)
        when = date_text(self.chart.data_date, lang) if self.chart.data_date else "–"
        return t("meeting.sequence.source_date", lang, source=self.chart.source, date=when)

    def as_of_line(self, lang: str) -> str:
        return pin.as_of_text(self.state.as_of, lang) if self.state.as_of else ""


def chart_kind(registry, state) -> str | None:
    """The chart a view's slide shows (None: the board)."""
    if state.page in ("indicator", "profile"):
        return "trend"
    if state.page in {a.key for a in registry.agreement.areas}:
        key = state.indicator or default_indicator(registry, state.page)
        rule = manual_rule(registry, registry.indicators[key])
        return {"status": "status_map", "rounds": "rounds"}.get(rule, "map")
    return None


def slide_content(state, *, number: int = 1, count: int = 1, title: str = "", path: str = "/") -> SlideContent:
    ctx = current_context()
    registry = ctx.registry
    lang = state.lang
    slide = SlideContent(number=number, count=count, title=title, path=path, state=state)
    kind = chart_kind(registry, state)
    if kind is not None:
        slide.chart = build_chart(kind, state, ctx.engine)
        slide.synthetic = slide.chart.synthetic
    with pin.pinned(state.as_of):
        if kind is None:
            slide.tiles = board.tiles(ctx, state)
            slide.synthetic = any(x.synthetic for x in slide.tiles)
        elif state.page == "indicator":
            slide.goals = [s for s in goal_statuses(ctx.engine, registry, lang, None)
                           if s.indicator == state.indicator]
        elif state.page != "profile":
            slide.goals = goal_statuses(ctx.engine, registry, lang, state.page)
    slide.synthetic = slide.synthetic or any(s.synthetic for s in slide.goals)
    return slide
