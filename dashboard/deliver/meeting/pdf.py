"""The PDF pre-read: a meeting sequence (or one view) as a paginated, tagged PDF (WeasyPrint).

Cover with the meeting's name, date and "as of" moment; one page per slide with its chart as
vector graphics (the export's own SVG: ``dashboard.deliver.export.render_image``, the same dressed figure
as every download), the goal cards, the text summary, the source and data date, the pinned moment
and the URL of the live view; page numbers in the margin. No on-screen hints. PDF/UA-1 with the
document language set. A sequence without a pinned moment is pinned to the moment the PDF is
made, so every URL printed in it reproduces its figures.
"""
from __future__ import annotations

import base64
import contextvars
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from dashboard.core import pin, tokens
from dashboard.core.format import date_text
from dashboard.core.i18n import t
from dashboard.data.context import current_context
from dashboard.deliver.meeting import board, slides
from dashboard.deliver.meeting.sequence import PlannedSlide, Sequence
from dashboard.draw.gauges import status_symbol

log = logging.getLogger(__name__)

CSS_FILE = Path(__file__).with_name("pdf.css")
_TOKEN_VAR = re.compile(r"var\(--tk-([a-z0-9-]+)\)")


def _with_token_values(css: str) -> str:
    """The stylesheet with each ``var(--tk-…)`` written out: page margin boxes do not inherit :root variables."""
    return _TOKEN_VAR.sub(lambda m: getattr(tokens, m.group(1).replace("-", "_").upper()), css)


def now_as_of() -> str:
    """The present moment as a canonical ``tilanne`` value (whole seconds, never in the future)."""
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def pinned_sequence(seq: Sequence) -> Sequence:
    """The sequence with every slide pinned (to its own moment, or to now)."""
    as_of = seq.as_of or now_as_of()
    planned = tuple(PlannedSlide(s.number, s.title, s.path, s.state.replace(as_of=s.state.as_of or as_of))
                    for s in seq.slides)
    return Sequence(seq.slug, seq.title, seq.date, as_of, seq.lang, planned)


#: What plotly leaves in its SVG that draws nothing: empty groups and clip paths.
_EMPTY = re.compile(rb"<g\b[^>]*(?<!/)>\s*</g>|<g\b[^>]*/>|<clipPath\b[^>]*(?<!/)>\s*</clipPath>")


def lean_svg(svg: bytes) -> bytes:
    """The SVG without elements that draw nothing. WeasyPrint cascades styles through every node
    of an embedded SVG, which is most of a pre-read's typesetting time; plotly's charts are
    about half empty groups. Anything that would not parse afterwards is left as it was."""
    from xml.etree.ElementTree import ParseError, fromstring

    leaner = svg
    while True:
        step = _EMPTY.sub(b"", leaner)
        if step == leaner:
            break
        leaner = step
    try:
        fromstring(leaner)
    except ParseError:
        log.warning("PDF: a chart's SVG was kept as drawn (it would not parse without its empty groups)")
        return svg
    return leaner


def _svg_img(svg: str | bytes, alt: str, cls: str) -> str:
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return (f'<img class="{cls}" alt="{escape(alt)}" '
            f'src="data:image/svg+xml;base64,{base64.b64encode(data).decode("ascii")}">')


def _chart_svg(chart, lang: str) -> bytes | None:
    """The chart's export SVG, kept per data version (a pinned sequence's PDF is asked again and
    again before a meeting; its pictures do not change)."""
    from dashboard.data import model, queries
    from dashboard.deliver import export

    ctx = current_context()
    key = (model.registry_key(ctx.registry), chart.kind, chart.filename_stem, chart.title, chart.summary,
           chart.data_date, (chart.extra or {}).get("as_of"), lang)
    try:
        return queries.memo(ctx.engine, "pdf_svg", key,
                            lambda: lean_svg(export.render_image(chart, "svg", "slide", lang)))
    except Exception:
        log.warning("PDF: chart %s could not be rendered", chart.filename_stem, exc_info=True)
        return None


#: Chart renders run beside the building of the next slides (the renderer is a separate browser
#: process, so its work overlaps with the goal evaluations here).
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf-chart")


def _start_chart_svg(chart, lang: str):
    """Start rendering ``chart``; returns the function that waits for its SVG (None: no picture)."""
    try:
        from flask import current_app, has_app_context

        app = current_app._get_current_object() if has_app_context() else None
    except ImportError:  # pragma: no cover
        app = None
    context = contextvars.copy_context()  # the pinned moment travels with the work

    def work():
        if app is None:
            return _chart_svg(chart, lang)
        with app.app_context():
            return _chart_svg(chart, lang)

    return _POOL.submit(context.run, work).result


def _goals_html(goals, lang: str) -> str:
    items = []
    for s in goals:
        figures = " · ".join(x for x in (
            t("meeting.board.latest", lang, value=s.value_text) if s.value_text else "",
            t("meeting.board.target", lang, value=s.target_text) if s.target_text else "") if x)
        items.append(
            f'<li class="goal goal--{escape(s.status)}"><p class="goal__status"><span class="goal__symbol">'
            f'{escape(status_symbol(s))}</span> {escape(s.label)}</p><p class="goal__wording">{escape(s.wording)}</p>'
            + (f'<p class="goal__figures">{escape(figures)}</p>' if figures else "")
            + f'<p class="goal__explanation">{escape(s.explanation)}</p></li>')
    return f'<h3>{escape(t("meeting.sequence.goals", lang))}</h3><ul class="goals">{"".join(items)}</ul>'


def _tiles_html(tiles, lang: str) -> str:
    registry = current_context().registry
    groups = []
    for area in registry.agreement.areas:
        mine = [x for x in tiles if x.area == area.key]
        if not mine:
            continue
        rows = "".join(
            f'<li class="tile tile--{x.tone}"><p class="tile__status"><span class="goal__symbol">{escape(x.symbol)}</span> '
            f'{escape(x.label)}</p><p class="tile__name">{escape(x.name)}{" *" if x.synthetic else ""}</p>'
            f'<p class="tile__figures">{escape(board.figures_text(x, lang))}</p>'
            + (_svg_img(x.spark, t("meeting.board.spark_alt", lang, name=x.name), "tile__spark") if x.spark else "") + "</li>" for x in mine)
        groups.append(f'<section class="area"><h3>{area.number} {escape(area.short.get(lang))}</h3>'
                      f'<ul class="tiles">{rows}</ul></section>')
    return f'<div class="board">{"".join(groups)}</div>'


def _slide_html(slide, base_url: str, lang: str, svg: bytes | None = None) -> str:
    number = escape(t("meeting.sequence.slide_of", lang, number=slide.number, count=slide.count))
    parts = [f'<section class="slide"><p class="slide__number">{number}</p>', f"<h2>{escape(slide.title)}</h2>"]
    chart = slide.chart
    if chart is not None:
        main = []
        if svg:
            main.append(_svg_img(svg, chart.alt_short or chart.summary or chart.title, "chart"))
        if chart.summary:
            main.append(f'<h3>{escape(t("meeting.sequence.summary", lang))}</h3>'
                        f'<p class="summary">{escape(chart.summary)}</p>')
        side = _goals_html(slide.goals, lang) if slide.goals else ""
        parts.append(f'<div class="cols"><div class="cols__main">{"".join(main)}</div>'
                     f'<div class="cols__side">{side}</div></div>')
    else:
        parts.append(_tiles_html(slide.tiles, lang))
    url = base_url.rstrip("/") + slide.live_href
    parts.append(f'<div class="slide__foot"><p class="source">{escape(slide.source_line(lang))}</p>'
                 f'<p class="asof">{escape(slide.as_of_line(lang))}</p>'
                 f'<p class="url">{escape(t("meeting.sequence.live_url", lang, url=""))}'
                 f'<a href="{escape(url)}">{escape(url)}</a></p></div></section>')
    return "".join(parts)


def document_html(seq: Sequence, base_url: str) -> str:
    """The whole pre-read as HTML for WeasyPrint (every text escaped; nothing from the page shell)."""
    seq = pinned_sequence(seq)
    lang = seq.lang
    registry = current_context().registry
    contents, pictures = [], []
    for s in seq.slides:
        content = slides.slide_content(s.state, number=s.number, count=len(seq.slides), title=s.title, path=s.path)
        contents.append(content)
        pictures.append(_start_chart_svg(content.chart, lang) if content.chart is not None else None)
    synthetic = any(c.synthetic for c in contents)
    as_of = pin.as_of_text(seq.as_of, lang)
    cover = (
        f'<section class="cover"><p class="cover__kind">{escape(t("meeting.pdf.cover", lang))}</p>'
        f"<h1>{escape(seq.title)}</h1>"
        f'<p class="cover__date">{escape(t("meeting.sequence.meeting_date", lang, date=date_text(seq.date.isoformat(), lang)))}</p>'
        f'<p class="cover__asof">{escape(as_of)}</p>'
        f'<p>{escape(t("meeting.pin.notice", lang))}</p>'
        f'<p class="cover__county">{escape(registry.county.name.get(lang))} · {escape(getattr(registry.county.agreement, lang))}</p>'
        + (f'<p class="cover__synthetic">{escape(t("meeting.pdf.synthetic", lang))}</p>' if synthetic else "")
        + "</section>")
    body = "".join(_slide_html(c, base_url, lang, wait() if wait else None) for c, wait in zip(contents, pictures))
    running = escape(f"{seq.title} · {as_of}")
    page_word = escape(t("meeting.pdf.page", lang))
    css = _with_token_values(CSS_FILE.read_text(encoding="utf-8")).replace("RUNNING_TITLE", running.replace('"', "'")).replace(
        "PAGE_WORD", page_word)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(seq.title)}</title>'
            f"<style>{css}</style></head><body>{cover}{body}</body></html>")


def render_pdf(seq: Sequence, base_url: str) -> bytes:
    """The pre-read as PDF/UA-1 bytes. The same document (a pinned sequence downloaded again by
    every participant) is typeset once per data version: WeasyPrint drawing the charts' SVG is
    most of the time a PDF takes."""
    import hashlib

    from weasyprint import HTML

    from dashboard.data import queries

    started = time.perf_counter()
    html = document_html(seq, base_url)
    built = time.perf_counter()
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    try:
        return queries.memo(current_context().engine, "pdf_document", (digest,), lambda: HTML(
            string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False))
    finally:
        log.info("PDF %s: %d slides, content %.2f s, typesetting %.2f s", seq.slug, len(seq.slides),
                 built - started, time.perf_counter() - built)


def view_sequence(state, path: str, title: str) -> Sequence:
    """One view as a one-slide sequence (the PDF of a single page)."""
    from datetime import date

    planned = PlannedSlide(1, title, path, state.replace(forum=False))
    return Sequence("nakyma", title, date.today(), state.as_of, state.lang, (planned,))
