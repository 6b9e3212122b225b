"""The meeting player: ``/kokous/<name>?dia=N`` shows one slide of a sequence in forum mode.

No controls in the way: the slide title, its number, the chart (static, no modebar), the goal
cards, the text summary, the source and data date and the pinned moment. The clicker's keys
(PageDown/PageUp, arrows: ``components.keys`` on the links) follow the previous / next links, also
visible so a mouse or keyboard user can step without the clicker. ``/kokous`` lists the sequences.
"""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.core.format import date_text
from dashboard.core.i18n import t
from dashboard.core.pin import pinned
from dashboard.core.state import InvalidState, ViewState, check_lang
from dashboard.data.context import current_context
from dashboard.deliver.components import NEXT_KEYS, PREV_KEYS, figure_block, frame, keys, notice
from dashboard.deliver.meeting import board, sequence, slides
from dashboard.draw.gauges import goal_gauges

MODULE = "dashboard.deliver.meeting.player"


def slide_number(value, count: int) -> int:
    """``dia`` from the URL: 1..count; anything else falls back to 1 (the page says so)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= count else 1


def slide_href(slug: str, number: int) -> str:
    return f"/kokous/{slug}?dia={number}"


def _chart(slide, lang: str):
    chart = slide.chart
    if chart is None:
        return None
    from dashboard.draw.figures.map import screen_figure

    figure = screen_figure(chart.figure) if chart.kind == "map" else chart.figure
    # The chart takes the height the screen leaves (assets/meeting.css), not its page height.
    layout = {k: v for k, v in figure.get("layout", {}).items() if k != "height"}
    figure = {**figure, "layout": {**layout, "autosize": True}}
    graph = dcc.Graph(id="meeting-chart", figure=figure, className="tk-slide__graph", responsive=True,
                      style={"height": "calc(100vh - 28rem)", "minHeight": "260px"},
                      config={"staticPlot": True, "displayModeBar": False, "topojsonURL": "/assets/topo/"})
    return figure_block(graph, chart, lang=lang, class_name="tk-slide__figure")


def slide_body(slide, state) -> list:
    lang = state.lang
    ctx = current_context()
    if slide.chart is None:
        with pinned(state.as_of):
            return [board.board(ctx, state, summary=True)]
    parts = [_chart(slide, lang)]
    if slide.goals:
        # Many goals may be taller than the screen: their own scrolling region, reachable by keyboard.
        parts.append(html.Section([html.H2(t("meeting.sequence.goals", lang), className="tk-h3", id="meeting-goals"),
                                   goal_gauges(slide.goals, lang)], className="tk-slide__goals", tabIndex="0",
                                  **{"aria-labelledby": "meeting-goals"}))
    return parts


def build_slide(seq, number: int, lang: str):
    """The player's content for slide ``number`` (1-based)."""
    planned = seq.slides[number - 1]
    count = len(seq.slides)
    slide = slides.slide_content(planned.state, number=number, count=count, title=planned.title, path=planned.path)
    state = planned.state
    nav = html.Nav([
        html.Span(dcc.Link(["← ", t("meeting.sequence.previous", lang)], href=slide_href(seq.slug, number - 1),
                           className="tk-slide__prev", id="meeting-prev"), **keys(PREV_KEYS)) if number > 1 else html.Span(),
        html.Span(t("meeting.sequence.slide_of", lang, number=number, count=count), className="tk-slide__number",
                  id="meeting-slide-number"),
        html.Span(dcc.Link([t("meeting.sequence.next", lang), " →"], href=slide_href(seq.slug, number + 1),
                           className="tk-slide__next", id="meeting-next"), **keys(NEXT_KEYS))
        if number < count else html.Span(),
    ], className="tk-slide__nav", **{"aria-label": t("meeting.sequence.title", lang)})
    meta = [seq.title, t("meeting.sequence.meeting_date", lang, date=date_text(seq.date.isoformat(), lang))]
    if slide.as_of_line(lang):
        meta.append(slide.as_of_line(lang))
    content = html.Section([
        html.P(" · ".join(meta), className="tk-slide__meeting"),
        html.H1(planned.title, className="tk-slide__title", id="meeting-slide-title"),
        html.Div(slide_body(slide, state), className="tk-slide__body"),
        # Always on screen, at the bottom: slide number, source and data date, the way on.
        html.Div([
            nav,
            html.P([html.Span(slide.source_line(lang), id="meeting-slide-source"),
                    " · ", dcc.Link(t("meeting.sequence.live", lang), href=slide.live_href, className="tk-slide__live")],
                   className="tk-slide__source"),
        ], className="tk-slide__bar"),
    ], className="tk-slide", **{"data-tk-slide": str(number)})
    return content, slide.synthetic


def layout(slug: str = "", **query):
    ctx = current_context()
    registry = ctx.registry
    try:
        lang = check_lang(query.get("kieli"))
    except InvalidState:
        lang = "fi"
    path = f"/kokous/{slug}"
    try:
        seq = sequence.default_store().load(slug, registry)
    except sequence.SequenceError as exc:
        state = ViewState(page="overview", lang=lang, forum=True)
        content = html.Section([html.H1(t("meeting.sequence.not_found", lang)), notice(str(exc), "error")])
        return frame(registry, state, active="meeting", path=path, title=t("meeting.sequence.not_found", lang),
                     content=content)
    lang = seq.lang if "kieli" not in query else lang
    number = slide_number(query.get("dia", 1), len(seq.slides))
    notices = [] if str(query.get("dia", "1")).strip() == str(number) else [
        notice(t("errors.invalid_slide", lang, value=query.get("dia"), last=len(seq.slides)), "warning")]
    state = ViewState(page="overview", lang=lang, forum=True, as_of=seq.as_of)
    content, synthetic = build_slide(seq, number, lang)
    return frame(registry, state, active="meeting", path=path, title=f"{seq.title} – {number}/{len(seq.slides)}",
                 content=html.Div([*notices, content]), synthetic=synthetic,
                 view={"query": {"dia": str(number), **({"kieli": lang} if lang != seq.lang else {})}})


def index_layout(**query):
    """``/kokous``: the saved sequences with links to play them and to their PDF."""
    ctx = current_context()
    try:
        lang = check_lang(query.get("kieli"))
    except InvalidState:
        lang = "fi"
    state = ViewState(page="overview", lang=lang)
    store = sequence.default_store()
    items = []
    for slug in store.names():
        try:
            seq = store.load(slug, ctx.registry)
        except sequence.SequenceError as exc:
            items.append(html.Li([html.Code(slug), " ", notice(str(exc), "warning")]))
            continue
        items.append(html.Li([
            dcc.Link(f"{seq.title} ({date_text(seq.date.isoformat(), lang)})", href=slide_href(slug, 1) + "&esitys=1"),
            " · ", html.A(t("meeting.sequence.pdf", lang), href=f"/kokous/{slug}.pdf"),
        ]))
    body = html.Ul(items) if items else html.P(t("meeting.sequence.empty", lang,
                                                 folder=str(sequence.meetings_dir())))
    return frame(ctx.registry, state, active="meeting", path="/kokous", title=t("meeting.sequence.list_title", lang),
                 content=html.Section([html.H1(t("meeting.sequence.list_title", lang), className="tk-h1"), body]))


def register(registry) -> None:
    dash.register_page(MODULE, path_template="/kokous/<slug>", name="Kokous", title="Kokous", layout=layout)
    dash.register_page(MODULE + "_index", path="/kokous", name="Kokoukset", title="Kokoukset", layout=index_layout)
