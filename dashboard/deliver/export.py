"""Exports for communications staff: images that stand alone and the data exactly as shown.

Images (:func:`render_image`) are made on the server with kaleido 1.x driving the system Chromium
(Debian ``chromium`` on PATH, or ``BROWSER_PATH``). Starting Chromium takes 2–3 s, a render on a
warm browser ~0.3–0.4 s, so one browser is started lazily on the first export and kept warm for the
life of the process (:data:`RENDERER`). We run kaleido's ``Kaleido`` object on our own event-loop
thread instead of ``kaleido.start_sync_server`` because the sync server can hand one caller's
result to another under concurrent requests and waits forever if the browser dies; here every call
has a timeout, a dead browser is restarted on the next request, and failures surface as
:class:`ExportUnavailable` (HTTP 503 in the routes). Nothing is started at import time.

Every exported image carries its title (+ subtitle), the unit, and a footer with the source, the
data date, the licence (CC BY 4.0) and — whenever the data are synthetic — the words
"synteettinen esimerkkiaineisto". Nothing is fetched from the network: MathJax is off, plotly.js
comes from the installed plotly package, geo traces get a local (empty) base-map topojson, and a
map's GeoJSON URL is replaced by the GeoJSON read from ``chart.geojson_path``.

Tables (:func:`table_export`) are exactly ``chart.table``. CSV is written for Finnish Excel, which
opens it correctly by double-click: UTF-8 with a BOM (so ä/ö survive), ``;`` as the field separator
and a decimal comma (the fi-FI list separator and decimal mark), CRLF line ends, no thousands
separators (so numbers stay numbers). The file starts with a header block of ``label;value`` lines
(title, unit, source, data date, licence, synthetic label) ended by one empty line; the table
follows. XLSX has the same header block above the table, numbers as numbers with number formats.
"""
from __future__ import annotations

import asyncio
import copy
import html as html_lib
import io
import json
import logging
import math
import os
import re
import shutil
import struct
import threading
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.core import tokens
from dashboard.core.format import date_text, separators, slug
from dashboard.core.i18n import normalise_lang, t
from dashboard.draw.figures.trend import with_breaks

log = logging.getLogger(__name__)

LICENCE = "CC BY 4.0"
#: Author and creator of every exported file.
AUTHOR = "Tilannekuva"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Base-map topojson for geo traces: the app's assets/topo/ when it has one, else our empty one.
TOPO_DIRS = (PROJECT_ROOT / "assets" / "topo", Path(__file__).resolve().parents[1] / "static" / "topo")
RENDER_TIMEOUT = float(os.environ.get("TILANNEKUVA_EXPORT_TIMEOUT", "30"))
START_TIMEOUT = 60.0



@dataclass(frozen=True)
class Preset:
    """Layout size in CSS pixels; PNG pixels = size × scale. ``suffix`` goes into the file name,
    ``param`` is the URL value (``koko``)."""

    width: int
    height: int
    scale: float
    font_size: int
    suffix: str
    param: str


PRESETS = {
    # 16:9 slide: 1600×900 layout, 3200×1800 pixels — sharp on a projector and in a report.
    "slide": Preset(1600, 900, 2, 20, "dia", "dia"),
    # Square for social media: 1080×1080 pixels (540×540 layout at 2×, so text stays large).
    "square": Preset(540, 540, 2, 13, "neliö", "nelio"),
    # Link preview (Open Graph / X summary card), 1.91:1: 1200×628 pixels from a 900×471 layout.
    "link": Preset(900, 471, 4 / 3, 14, "linkki", "linkki"),
    # A4 portrait page (210×297 mm at 96 px/in): the PDF's page; PNG at 2× for print.
    "a4": Preset(794, 1123, 2, 14, "a4", "a4"),
}


class ExportError(ValueError):
    """The request cannot be exported as asked (bad format, no figure); message in Finnish."""


class ExportUnavailable(RuntimeError):
    """The image renderer (kaleido/Chromium) failed or timed out; try again later."""


# --- the warm renderer ------------------------------------------------------------------------


def topojson_url() -> str:
    """``file://`` URL of a folder holding ``world_110m.json`` etc. (no CDN)."""
    for folder in TOPO_DIRS:
        if (folder / "world_110m.json").is_file():
            return folder.as_uri() + "/"
    raise ExportUnavailable("no local topojson folder")


def configure_plotly_offline() -> None:
    """Make plotly.io's own image export offline-safe too (no MathJax, local topojson)."""
    import plotly.io as pio

    pio.defaults.mathjax = None
    pio.defaults.topojson = topojson_url()


class Renderer:
    """One kaleido browser per process on a private event-loop thread; lazy, thread-safe start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self.running:
                return
            self._stop_locked()
            configure_plotly_offline()
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="kaleido-renderer", daemon=True)
            thread.start()
            self._loop, self._thread = loop, thread
            try:
                self._kaleido = asyncio.run_coroutine_threadsafe(self._open(), loop).result(START_TIMEOUT)
            except Exception as exc:
                self._stop_locked()
                raise ExportUnavailable(f"image renderer could not start: {exc}") from exc

    @staticmethod
    async def _open():
        import kaleido

        kwargs = {}
        browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
        if browser:
            kwargs["path"] = browser
        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, **kwargs)
        await k.open()
        return k

    def render(self, figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        self.start()
        with self._lock:  # another thread may be replacing a dead browser right now
            kal, loop = self._kaleido, self._loop
        if kal is None or loop is None:
            raise ExportUnavailable("image renderer is restarting")
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        future = asyncio.run_coroutine_threadsafe(kal.calc_fig(figure, opts=opts, topojson=topojson_url()), loop)
        try:
            return future.result(RENDER_TIMEOUT + 5)
        except Exception as exc:
            future.cancel()
            if not self.running or isinstance(exc, TimeoutError):
                self.stop()  # a hung or dead browser is replaced on the next request
            log.warning("image export failed: %s", exc)
            raise ExportUnavailable(str(exc) or type(exc).__name__) from exc

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        loop, kal = self._loop, self._kaleido
        self._kaleido = None
        if loop is not None and loop.is_running():
            if kal is not None:
                try:
                    asyncio.run_coroutine_threadsafe(kal.close(), loop).result(10)
                except Exception:
                    log.debug("kaleido close failed", exc_info=True)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        if loop is not None and not loop.is_running():
            loop.close()
        self._loop, self._thread = None, None


RENDERER = Renderer()


# --- composing the exported figure ------------------------------------------------------------


def _esc(text: str | None) -> str:
    """Plain text for Plotly's pseudo-HTML labels (a ``<`` in a source name must stay text)."""
    return html_lib.escape(text or "", quote=False)


def _shown_date(value: str | None, lang: str) -> str:
    return date_text(value, lang) if value else "–"


_SOURCE_PREFIXES = ("lähde", "källa", "source")


def footer_lines(chart, lang: str = "fi") -> list[str]:
    """The footer in words: source, data date, licence, and the synthetic label when needed.

    ``chart.source`` may already be a full attribution line ("Lähde: …; Lisenssi CC BY 4.0"):
    then it is used as it is, without a second "Lähde:" or licence.
    """
    lang = normalise_lang(lang)
    source = (chart.source or "").strip()
    parts = []
    if source:
        has_label = source.lower().startswith(_SOURCE_PREFIXES)
        parts.append(source if has_label else f"{t('export.source_label', lang)}: {source}")
    parts.append(f"{t('export.data_label', lang)}: {_shown_date(chart.data_date, lang)}")
    if "cc by" not in source.lower():
        parts.append(f"{t('export.licence_label', lang)}: {LICENCE}")
    lines = [" · ".join(parts)]
    if (getattr(chart, "extra", None) or {}).get("as_of"):  # pinned view (dashboard.core.pin)
        from dashboard.core.pin import as_of_text

        lines.append(as_of_text(chart.extra["as_of"], lang))
    if chart.synthetic:
        lines.append(t("export.synthetic", lang))
    return lines


@lru_cache(maxsize=16)
def _read_geojson(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _inline_geojson(figure: dict, geojson_path: str | None, files: dict | None = None) -> None:
    """Replace a GeoJSON URL in geo/map traces by the GeoJSON itself (kaleido has no server to ask).
    ``files``: URL -> path of further geometry (the county outline of the whole-country map)."""
    for trace in figure.get("data", []):
        if isinstance(trace.get("geojson"), str):
            path = (files or {}).get(trace["geojson"], geojson_path)
            if not path:
                raise ExportError("map trace has a GeoJSON URL but the chart has no geojson_path")
            p = Path(path)
            trace["geojson"] = _read_geojson(str(p), p.stat().st_mtime)


_FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "grouptitlefont")


def _scale_fonts(node, factor: float) -> None:
    """Scale every explicit font size so the figure's proportions survive the larger canvas."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FONT_KEYS and isinstance(value, dict) and isinstance(value.get("size"), (int, float)):
                value["size"] = round(value["size"] * factor, 1)
            if key not in ("geojson", "z", "x", "y", "locations", "customdata", "text"):
                _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _scale_fonts(item, factor)


def selection_text(chart, lang: str = "fi") -> str:
    """The view's choices in words ("Valinta: Forssa · Vertailu: Kanta-Häme ja koko maa · Vuosi 2020"),
    drawn in the image under the subtitle (``chart.extra["selection"]``, dashboard.draw.charts)."""
    lang = normalise_lang(lang)
    parts = [t(f"export.selection.{key}", lang, value=value)
             for key, value in (getattr(chart, "extra", None) or {}).get("selection") or []]
    return " · ".join(parts)


def _header_note(name: str, text: str, size: float, y_px: float, p, plan, bold: bool = False, color=None) -> dict:
    """A header block (title, subtitle, selection) as an annotation at an exact pixel height.

    Plotly places a multi-line title by its own rules; an annotation in paper units of the plot
    area, whose size the plan fixes (no automargin), lands exactly where the plan says."""
    return {
        "name": name, "text": text, "showarrow": False, "align": "left",
        "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
        "x": -(plan.margin["l"] - plan.margin["pad"] - _pad(p)) / plan.plot_w,
        "y": 1 + (plan.margin["t"] - y_px) / plan.plot_h,
        "font": {"size": size, "color": color or tokens.EXPORT_TEXT, **({"weight": "bold"} if bold else {})},
    }


def _pad(p) -> float:
    return max(10.0, round(p.font_size * 0.8))


def _fit_cartesian(fig: dict, plan) -> None:
    """Axis rules: tick fonts from the plan, category rows that fit their height, every k-th year."""
    from dashboard.deliver.export_layout import fit_rows, year_ticks

    layout = fig["layout"]
    tick = plan.extras.get("tick_font", plan.font)
    for key in ("xaxis", "yaxis"):
        axis = layout.setdefault(key, {})
        axis["automargin"] = False
        axis["tickfont"] = {**(axis.get("tickfont") or {}), "size": tick}
        title = axis.get("title")
        if isinstance(title, dict):
            title["font"] = {**(title.get("font") or {}), "size": plan.font}
            title.setdefault("standoff", 6)
    hbars = [tr for tr in fig["data"] if tr.get("orientation") == "h" and tr.get("type") == "bar"]
    rows = len(_rows_of(fig))
    if hbars or (layout["yaxis"].get("type") == "category"):
        size = fit_rows(rows, plan.plot_h, tick)
        layout["yaxis"]["tickfont"]["size"] = size
        for tr in fig["data"]:
            if tr.get("mode", "") in ("text",) or tr.get("type") == "bar":
                tr["textfont"] = {**(tr.get("textfont") or {}), "size": size}
    xa = layout["xaxis"]
    if xa.get("tickmode") == "array" and all(isinstance(v, (int, float)) for v in xa.get("tickvals") or []):
        kept = year_ticks(list(xa["tickvals"]), plan.plot_w, tick)
        xa["tickvals"], xa["ticktext"] = kept, [str(v) for v in kept]
    elif xa.get("type") != "category":
        xa.setdefault("nticks", max(3, int(plan.plot_w // (tick * 6))))


def _rows_of(fig: dict) -> list:
    seen = []
    for tr in fig["data"]:
        for v in tr.get("y") or []:
            if isinstance(v, str) and v not in seen:
                seen.append(v)
    return seen


def _fit_cells(fig: dict, plan) -> None:
    """A grid of status cells (markers with text): the words shrink to fit a cell; where they cannot,
    the cell keeps its symbol and the legend gives the words (symbol + colour = status)."""
    from dashboard.deliver.export_layout import MIN_FONT, text_width

    for tr in list(fig["data"]):
        if tr.get("mode") != "markers+text" or not tr.get("text"):
            continue
        cols = len({str(x) for x in tr.get("x") or []}) or 1
        rows = len({str(y) for y in tr.get("y") or []}) or 1
        cell_w, cell_h = plan.plot_w / cols, plan.plot_h / rows
        size = min(plan.small_font, cell_h / 2.6)
        texts = [str(x) for x in tr["text"]]
        marker = tr.setdefault("marker", {})
        marker["size"] = max(8, min(cell_w, cell_h) * 0.8)  # a square cell: the words must fit inside it
        box = marker["size"] * 0.92
        while size > MIN_FONT and max(text_width(x, size) for x in texts) > box:
            size -= 0.5
        # Exact category ranges: plotly would pad them for the markers and narrow every cell.
        layout = fig["layout"]
        layout.setdefault("xaxis", {}).update(range=[-0.5, cols - 0.5], autorange=False)
        layout.setdefault("yaxis", {}).update(range=[rows - 0.5, -0.5], autorange=False)
        if max(text_width(x, size) for x in texts) > box:
            colours = marker.get("color") if isinstance(marker.get("color"), list) else [marker.get("color")] * len(texts)
            keys: dict[str, str] = {}
            short = []
            for text, colour in zip(texts, colours):
                symbol, _, rest = text.partition(" ")
                short.append(symbol if rest else text)
                keys.setdefault(text.removesuffix(" *"), colour)
            tr["text"] = short
            size = min(plan.small_font, cell_h / 2.6)
            for label, colour in keys.items():
                fig["data"].append({"type": "scatter", "mode": "markers", "name": label, "x": [None], "y": [None],
                                    "marker": {"symbol": "square", "size": 12, "color": colour,
                                               "line": {"color": tokens.OUTLINE, "width": 1}},
                                    "showlegend": True, "hoverinfo": "skip"})
            fig["layout"]["showlegend"] = True
        tr["textfont"] = {**(tr.get("textfont") or {}), "size": size}


def _fit_map_labels(fig: dict, plan) -> None:
    """Municipality labels: the largest font at which none collides, or moved to a free side."""
    from dashboard.deliver.export_layout import geo_projector, place_labels

    geo = fig["layout"].get("geo") or {}
    lon_r, lat_r = (geo.get("lonaxis") or {}).get("range"), (geo.get("lataxis") or {}).get("range")
    for tr in fig["data"]:
        if tr.get("type") != "scattergeo" or tr.get("mode") != "text" or not lon_r or not lat_r:
            continue
        project = geo_projector(lon_r, lat_r, plan.plot_w, plan.plot_h)
        points = [project(lo, la) if lo is not None and la is not None else None
                  for lo, la in zip(tr.get("lon") or [], tr.get("lat") or [])]
        base = min(plan.font * 0.9, (tr.get("textfont") or {}).get("size") or plan.font)
        size, places = place_labels(points, [str(x) for x in tr.get("text") or []], base, plan.plot_w, plan.plot_h)
        tr["textfont"] = {**(tr.get("textfont") or {}), "size": size}
        tr["textposition"] = places


def export_figure(chart, preset: str = "slide", lang: str = "fi") -> dict:
    """The chart's figure dressed for export: title, subtitle + unit, the selection, the legend,
    footer, size, no modebar — every text placed by :func:`dashboard.deliver.export_layout.plan`.

    Pure (no browser): the route and the tests can inspect exactly what will be rendered.
    """
    from dashboard.deliver.export_layout import plan as layout_plan

    lang = normalise_lang(lang)
    if preset not in PRESETS:
        raise ExportError(f"unknown preset {preset!r}")
    if not chart.figure:  # a figure without traces (a trend with no values) exports as the screen shows it
        raise ExportError("chart has no figure")
    p = PRESETS[preset]
    # A trend's series breaks are drawn in every export (the screen's explorer trend has none yet).
    fig = copy.deepcopy(with_breaks(chart.figure, (getattr(chart, "extra", None) or {}).get("breaks")))
    fig.setdefault("data", [])
    _inline_geojson(fig, chart.geojson_path, (getattr(chart, "extra", None) or {}).get("geojson_files"))
    layout = fig.setdefault("layout", {})
    if not fig["data"]:  # nothing to draw: the image says so in the chart's own words, without empty axes
        for key in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
            layout[key] = {**(layout.get(key) or {}), "visible": False}
        layout["annotations"] = [{"text": _esc(chart.summary or ""), "showarrow": False, "xref": "paper",
                                  "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": p.font_size * 1.3}}]
    font = p.font_size
    sub = chart.subtitle or ""
    if chart.unit and chart.unit not in sub:
        sub = f"{sub} · {t('export.unit', lang)}: {chart.unit}" if sub else f"{t('export.unit', lang)}: {chart.unit}"
    # The on-screen header and source line are replaced by the export's own.
    kept = [a for a in layout.get("annotations") or [] if not (isinstance(a, dict) and a.get("name") == "source")]
    layout["annotations"] = kept
    layout["title"] = {"text": ""}
    seps = layout.get("separators") or separators(lang)
    _scale_fonts(fig, font / float((layout.get("font") or {}).get("size") or 12))
    # Cells too small for their words get symbols and legend entries before the legend is planned.
    probe = layout_plan(fig, width=p.width, height=p.height, font=font, title=chart.title, subtitle=sub,
                        selection=selection_text(chart, lang), footer=footer_lines(chart, lang), separators=seps)
    _fit_cells(fig, probe)
    pl = layout_plan(fig, width=p.width, height=p.height, font=font, title=chart.title, subtitle=sub,
                     selection=selection_text(chart, lang), footer=footer_lines(chart, lang), separators=seps)
    layout.update(width=p.width, height=p.height, separators=seps,
                  paper_bgcolor=layout.get("paper_bgcolor") or tokens.BG, margin=pl.margin)
    layout["font"] = {**layout.get("font", {}), "size": font}
    if pl.legend is not None:
        layout["showlegend"] = True
        layout["legend"] = {
            **{k: v for k, v in (layout.get("legend") or {}).items() if k in ("traceorder", "itemclick", "itemdoubleclick")},
            "orientation": "h", "xref": "container", "yref": "container", "x": _pad(p) / p.width, "xanchor": "left",
            "y": 1 - pl.y_legend / p.height, "yanchor": "top", "font": {"size": pl.legend.font},
            "bgcolor": tokens.TRANSPARENT, "valign": "middle", "tracegroupgap": 0,
        }
        if pl.legend.entrywidth:  # the symbol, its gap and the padding come on top of the entry width
            layout["legend"].update(entrywidth=pl.legend.entrywidth - 64, entrywidthmode="pixels")
    else:
        layout["showlegend"] = False
    if pl.extras.get("tick_font"):
        _fit_cartesian(fig, pl)
    _fit_map_labels(fig, pl)
    _fit_breaks(fig, pl)
    notes = [_header_note("export-title", "<br>".join(_esc(x) for x in pl.title), pl.title_font, pl.y_title, p, pl,
                          bold=True, color=tokens.HIGHLIGHT)]
    if pl.subtitle:
        notes.append(_header_note("export-subtitle", "<br>".join(_esc(x) for x in pl.subtitle), font, pl.y_subtitle, p, pl))
    if pl.selection:
        notes.append(_header_note("export-selection", "<br>".join(_esc(x) for x in pl.selection), font, pl.y_selection,
                                  p, pl, bold=True))
    foot = []
    synthetic_line = t("export.synthetic", lang)
    for line in pl.footer:
        foot.append(f"<b>{_esc(line)}</b>" if chart.synthetic and line in synthetic_line else _esc(line))
    foot_top = p.height - _pad(p) - len(pl.footer) * pl.small_font * 1.3
    footer = _header_note("export-footer", "<br>".join(foot), pl.small_font, foot_top, p, pl)
    layout["annotations"] = layout["annotations"] + notes + [footer]
    return fig


def _fit_breaks(fig: dict, plan) -> None:
    """Series-break labels: wrapped to a third of the plot, on the side of the line with room."""
    from dashboard.deliver.export_layout import plain, wrap_px

    layout = fig["layout"]
    years = sorted({v for tr in fig["data"] for v in (tr.get("x") or []) if isinstance(v, (int, float))})
    notes = [a for a in layout.get("annotations") or [] if isinstance(a, dict) and a.get("name") == "break"]
    if not notes or not years:
        return
    lo, hi = years[0], years[-1]
    y = 1.0
    for note in notes:
        size = plan.small_font
        note["font"] = {**(note.get("font") or {}), "size": size}
        lines = wrap_px(plain(note["text"]), plan.plot_w / 3, size)
        note["text"] = "<br>".join(_esc(x) for x in lines)
        right_half = hi > lo and (note["x"] - lo) / (hi - lo) > 0.5
        note["xanchor"] = "right" if right_half else "left"
        note["y"] = y
        y -= (len(lines) * size * 1.3 + 6) / max(plan.plot_h, 1)


def render_image(chart, fmt: str = "png", preset: str = "slide", lang: str = "fi") -> bytes:
    """PNG, SVG or PDF of the chart at a size preset (slide, square, link preview, A4 page) with
    title, selection, legend and footer; the words also in the file's own metadata."""
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"unknown image format {fmt!r}")
    fig = export_figure(chart, preset, lang)
    p = PRESETS[preset]
    body = RENDERER.render(fig, fmt, p.width, p.height, p.scale if fmt == "png" else 1)
    text = image_text(chart, lang)
    return EMBED_TEXT[fmt](body, text)


def image_text(chart, lang: str = "fi") -> dict[str, str]:
    """What the image says in words, for the file's own metadata (title, source, licence, footer).

    Pasted into a document or a CMS, the file still names its source, and a screen reader or an
    image search can read the title; the same words are drawn in the image's footer. "Description"
    is the chart's short alt text and "Comment" its long description (``dashboard.draw.alttext``;
    the SVG's ``<desc>`` carries the long one), the footer's words when a chart has none.
    """
    lang = normalise_lang(lang)
    title = chart.title + (f" ({chart.subtitle})" if chart.subtitle else "")
    return {
        "Title": title,
        "Source": (chart.source or "").strip(),
        "Copyright": LICENCE,
        "Description": getattr(chart, "alt_short", "") or " ".join(footer_lines(chart, lang)),
        "Comment": getattr(chart, "alt_long", ""),
        "Software": AUTHOR,
    }


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """``png`` with an iTXt chunk (UTF-8: "Lähde", "väestö") per non-empty entry, after IHDR.

    Chunks are spliced into the byte stream (no re-encoding: a 3200×1800 image stays as kaleido
    drew it and costs microseconds).
    """
    signature, ihdr_end = b"\x89PNG\r\n\x1a\n", 8 + 4 + 4 + 13 + 4
    if not png.startswith(signature) or png[12:16] != b"IHDR":
        raise ExportError("renderer did not return a PNG")
    chunks = b"".join(
        _png_chunk(b"iTXt", key.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + value.encode("utf-8"))
        for key, value in text.items() if value
    )
    return png[:ihdr_end] + chunks + png[ihdr_end:]


def svg_with_text(svg: bytes, text: dict[str, str]) -> bytes:
    """``svg`` with ``<title>`` and ``<desc>`` as its first children (read by screen readers)."""
    doc = svg.decode("utf-8")
    start = doc.find("<svg")
    end = doc.find(">", start)
    if start < 0 or end < 0:
        raise ExportError("renderer did not return an SVG")
    extra = f"<title>{_esc(text.get('Title'))}</title><desc>{_esc(text.get('Comment') or text.get('Description'))}</desc>"
    return (doc[: end + 1] + extra + doc[end + 1:]).encode("utf-8")


def pdf_with_text(pdf: bytes, text: dict[str, str]) -> bytes:
    """``pdf`` with its document information set from :func:`image_text`: title, author
    "Tilannekuva", subject (the footer's words: source, data date, licence), keywords (source and
    licence); Chromium's own title and creator are replaced."""
    from pypdf import PdfReader, PdfWriter

    if not pdf.startswith(b"%PDF"):
        raise ExportError("renderer did not return a PDF")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    keywords = ", ".join(x for x in (AUTHOR, text.get("Source"), text.get("Copyright")) if x)
    writer.metadata = None
    writer.add_metadata({"/Title": text.get("Title", ""), "/Author": AUTHOR, "/Creator": AUTHOR,
                         "/Producer": AUTHOR, "/Subject": text.get("Description", ""), "/Keywords": keywords})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: How each image format carries :func:`image_text` in the file itself.
EMBED_TEXT = {"png": lambda body, text: png_with_text(body, text),
              "svg": lambda body, text: svg_with_text(body, text),
              "pdf": lambda body, text: pdf_with_text(body, text)}


# --- tables -----------------------------------------------------------------------------------


def header_block(chart, lang: str = "fi", today: date | None = None) -> list[tuple[str, str]]:
    """The (label, value) lines above an exported table."""
    lang = normalise_lang(lang)
    rows = [
        (t("export.meta.title", lang), chart.title),
        (t("export.meta.subtitle", lang), chart.subtitle),
        (t("export.meta.unit", lang), chart.unit),
        (t("export.meta.source", lang), chart.source),
        (t("export.meta.data_date", lang), _shown_date(chart.data_date, lang)),
        (t("export.meta.licence", lang), LICENCE),
        (t("export.meta.downloaded", lang), date_text((today or date.today()).isoformat(), lang)),
    ]
    if (getattr(chart, "extra", None) or {}).get("as_of"):  # pinned view (dashboard.core.pin)
        from dashboard.core.pin import as_of_text

        rows.append((t("meeting.pin.label", lang), as_of_text(chart.extra["as_of"], lang)))
    if chart.synthetic:
        rows.append((t("export.meta.note", lang), t("export.synthetic", lang)))
    return [(k, v) for k, v in rows if v]


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _decimals(series: pd.Series, cap: int = 4) -> int:
    """Fewest decimals that show every value of a numeric column exactly (at most ``cap``)."""
    best = 0
    for v in series.dropna():
        v = float(v)
        d = 0
        while d < cap and abs(round(v, d) - v) > 1e-9 * max(1.0, abs(v)):
            d += 1
        best = max(best, d)
    return best


def _numeric_columns(table: pd.DataFrame) -> dict[str, int]:
    out = {}
    for col in table.columns:
        s = table[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        out[col] = _decimals(s)
    return out


def _safe_text(value: str) -> str:
    """Spreadsheet formula injection guard: text starting with = + - @ is shown, never evaluated."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_cell(value, decimals: int | None, lang: str) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return t("export.value_true" if value else "export.value_false", lang)
    if decimals is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"{float(value):.{decimals}f}" if decimals else str(int(round(float(value))))
        return text.replace(".", ",")
    text = _safe_text(str(value))
    if any(ch in text for ch in (';', '"', "\n", "\r")):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _csv(chart, lang: str) -> bytes:
    table = chart.table
    numeric = _numeric_columns(table)
    lines = [f"{_csv_cell(k, None, lang)};{_csv_cell(v, None, lang)}" for k, v in header_block(chart, lang)]
    lines.append("")
    lines.append(";".join(_csv_cell(str(c), None, lang) for c in table.columns))
    for row in table.itertuples(index=False, name=None):
        lines.append(";".join(_csv_cell(v, numeric.get(c), lang) for c, v in zip(table.columns, row)))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


_SHEET_BAD = set("[]:*?/\\")


def sheet_name(text: str, fallback: str = "Tiedot") -> str:
    """An Excel sheet name from a title: the characters Excel refuses (``[]:*?/\\``) removed, at most
    31 characters cut at a word boundary, without a dangling comma or sign at the end
    ("Toimeentulotukea saaneet, % väestöstä" → "Toimeentulotukea saaneet")."""
    cleaned = " ".join("".join(" " if ch in _SHEET_BAD else ch for ch in (text or "")).split()).strip("'")
    if len(cleaned) > 31:
        out = ""
        for word in cleaned.split(" "):
            if len(f"{out} {word}".strip()) > 31:
                break
            out = f"{out} {word}".strip()
        cleaned = out or cleaned[:31]
    cleaned = cleaned.rstrip(" ,;.-–·%(").strip("'")
    return cleaned or fallback


def _about(chart) -> dict:
    return (getattr(chart, "extra", None) or {}).get("about") or {}


def notes_rows(chart, lang: str = "fi") -> list[tuple[str, str]]:
    """The notes sheet of an XLSX (and the comments of the CSV's description): what the numbers
    are, where from, under which licence, when loaded, which period and the series breaks."""
    lang = normalise_lang(lang)
    about = _about(chart)
    licence = about.get("licence") or LICENCE
    if about.get("licence_url"):
        licence = f"{licence} ({about['licence_url']})"
    rows = [
        (t("export.notes.indicator", lang), about.get("name") or chart.title),
        (t("export.notes.definition", lang), about.get("definition", "")),
        (t("export.meta.unit", lang), chart.unit),
        (t("export.notes.source_name", lang), about.get("source_name", "")),
        (t("export.notes.publisher", lang), about.get("publisher", "")),
        (t("export.meta.source", lang), chart.source),
        (t("export.meta.licence", lang), licence),
        (t("export.meta.data_date", lang), _shown_date(chart.data_date, lang)),
        (t("export.notes.period", lang), about.get("period", "")),
    ]
    rows += [(t("export.notes.series_break", lang), b) for b in about.get("breaks") or []]
    rows.append((t("export.notes.caveats", lang), about.get("caveats", "")))
    selection = selection_text(chart, lang)
    if selection:
        rows.append((t("export.notes.selection", lang), selection))
    if (getattr(chart, "extra", None) or {}).get("as_of"):
        from dashboard.core.pin import as_of_text

        rows.append((t("meeting.pin.label", lang), as_of_text(chart.extra["as_of"], lang)))
    if chart.synthetic:
        rows.append((t("export.meta.note", lang), t("export.synthetic", lang)))
    return [(k, v) for k, v in rows if v]


def _column_patterns(lang: str) -> list[tuple[re.Pattern, str]]:
    """Header patterns of the columns the chart builders write (dashboard.draw.charts, ``table.*``)."""
    def pattern(template: str) -> str:
        return re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.+)", re.escape(template))

    shown, source = t("table.shown", lang), t("source.column", lang)
    out = [(re.compile(f"^{pattern(t(f'table.{key}', lang))}$"), key)
           for key in ("region", "code", "year", "value", "shown", "class", "note", "rank", "vs_county", "status",
                       "period")]
    out += [(re.compile(f"^{re.escape(source)}$"), "source"),
            (re.compile(f"^(?P<name>.+): {re.escape(shown)}$"), "series_shown"),
            (re.compile(f"^(?P<name>.+): {re.escape(source)}$"), "series_source"),
            (re.compile(r"^(?P<name>.+) \((?P<unit>.+)\)$"), "series_value"),
            (re.compile(r"^(?P<year>\d{4})$"), "year_shown"),
            (re.compile(r"^(?P<period>\d{4}\W?\w{1,3})$"), "period_status")]
    return out


def column_notes(chart, lang: str = "fi") -> list[dict]:
    """Per column of ``chart.table``: its header, what it holds (words) and its datatype
    (``number``, ``integer``, ``boolean`` or ``string``)."""
    lang = normalise_lang(lang)
    table = chart.table
    numeric = _numeric_columns(table)
    patterns = _column_patterns(lang)
    out = []
    for col in table.columns:
        header = str(col)
        text = ""
        for rx, key in patterns:
            m = rx.match(header)
            if m:
                text = t(f"export.columns.{key}", lang, **{"unit": chart.unit, **m.groupdict()})
                break
        if col in numeric:
            kind = "integer" if numeric[col] == 0 else "number"
        elif pd.api.types.is_bool_dtype(table[col]):
            kind = "boolean"
        else:
            kind = "string"
        out.append({"header": header, "description": text, "datatype": kind})
    return out


#: The CSV's sidecar: the W3C "CSV on the Web" metadata file (``<name>.csv-metadata.json``).
CSVW = "csv-metadata.json"


def csv_metadata(chart, lang: str = "fi", csv_url: str | None = None) -> bytes:
    """A W3C CSVW (``http://www.w3.org/ns/csvw``) description of the CSV download, as a sidecar.

    Why a sidecar and not more comment lines: the CSV already opens with a short ``label;value``
    block for a person in Excel; column definitions there too would make it longer and still
    leave a program guessing where the table starts, which separator and decimal mark it uses
    and what each column means. The sidecar says all that in the standard vocabulary (a CSVW
    processor — or ``pandas.read_csv`` given ``skipRows``, ``delimiter`` and ``decimalChar`` —
    reads the table without guessing), leaves the CSV unchanged, and is found by its conventional
    name next to a downloaded ``<name>.csv`` and through the CSV route's
    ``Link: <…>; rel="describedby"`` header. ``url`` is the CSV's file name (relative to a
    downloaded sidecar) unless the route passes the CSV's own URL.
    """
    lang = normalise_lang(lang)
    about = _about(chart)
    skip = len(header_block(chart, lang)) + 1  # the label;value lines and the empty line after them
    columns = []
    used: set[str] = set()
    for i, col in enumerate(column_notes(chart, lang), start=1):
        name = re.sub(r"[^A-Za-z0-9_]", "_", slug(col["header"])).strip("_") or f"c{i}"
        while name in used:
            name += f"_{i}"
        used.add(name)
        if col["datatype"] == "number":
            datatype: dict | str = {"base": "decimal", "format": {"decimalChar": ","}}
        elif col["datatype"] == "integer":
            datatype = "integer"
        elif col["datatype"] == "boolean":
            datatype = {"base": "boolean", "format": f"{t('export.value_true', lang)}|{t('export.value_false', lang)}"}
        else:
            datatype = "string"
        entry = {"name": name, "titles": col["header"], "datatype": datatype}
        if col["description"]:
            entry["dc:description"] = col["description"]
        columns.append(entry)
    doc = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": lang}],
        "url": csv_url or export_filename(chart.filename_stem, "csv"),
        "dc:title": chart.title,
        "dc:description": about.get("definition") or chart.subtitle or chart.title,
        "dc:creator": AUTHOR,
        "dc:publisher": about.get("publisher") or AUTHOR,
        "dc:source": about.get("source_name") or chart.source,
        "dc:license": {"@id": about.get("licence_url") or "https://creativecommons.org/licenses/by/4.0/"},
        "dc:modified": chart.data_date or None,
        "dc:temporal": about.get("period") or None,
        "rdfs:comment": [f"{k}: {v}" for k, v in notes_rows(chart, lang)],
        "dialect": {"encoding": "utf-8", "delimiter": ";", "lineTerminators": ["\r\n"], "quoteChar": '"',
                    "doubleQuote": True, "skipRows": skip, "header": True, "headerRowCount": 1, "trim": False},
        "tableSchema": {"columns": columns},
    }
    doc = {k: v for k, v in doc.items() if v is not None}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _xlsx(chart, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    table = chart.table
    numeric = _numeric_columns(table)
    about = _about(chart)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(about.get("name") or chart.title)
    # Document properties (Excel: File → Info): what, by whom, from where, under which licence.
    props = wb.properties
    props.title = chart.title + (f" ({chart.subtitle})" if chart.subtitle else "")
    props.creator = AUTHOR
    props.lastModifiedBy = AUTHOR
    props.subject = about.get("definition") or chart.subtitle or None
    source_name = about.get("source_name") or (chart.source or "")
    props.description = "; ".join(x for x in (chart.source, f"{t('export.meta.licence', lang)}: {LICENCE}") if x)
    props.keywords = ", ".join(x for x in (AUTHOR, about.get("indicator", ""), source_name, LICENCE) if x)
    props.category = about.get("period") or None
    props.language = lang
    props.identifier = about.get("indicator") or chart.filename_stem
    for name, value in (("Source", source_name), ("Licence", about.get("licence") or LICENCE),
                        ("Licence URL", about.get("licence_url", "")), ("Attribution", chart.source or ""),
                        ("Data date", chart.data_date or "")):
        if value:
            wb.custom_doc_props.append(StringProperty(name=name, value=str(value)))
    bold = Font(bold=True)
    row = 1
    for label, value in header_block(chart, lang):
        ws.cell(row=row, column=1, value=label).font = bold
        cell = ws.cell(row=row, column=2, value=_safe_text(str(value)))
        if label == t("export.meta.title", lang):
            cell.font = Font(bold=True, size=13)
        if chart.synthetic and value == t("export.synthetic", lang):
            cell.font = Font(bold=True, color="8A3200")
        row += 1
    row += 1
    header_row = row
    for j, col in enumerate(table.columns, start=1):
        c = ws.cell(row=row, column=j, value=str(col))
        c.font = bold
        c.fill = PatternFill("solid", fgColor="E8E8E8")
        c.border = Border(bottom=Side(style="thin"))
    for values in table.itertuples(index=False, name=None):
        row += 1
        for j, (col, value) in enumerate(zip(table.columns, values), start=1):
            if _is_missing(value):
                continue
            if col in numeric:
                d = numeric[col]
                cell = ws.cell(row=row, column=j, value=float(value) if d else int(round(float(value))))
                cell.number_format = "0." + "0" * d if d else "0"
            elif isinstance(value, bool):
                ws.cell(row=row, column=j, value=t("export.value_true" if value else "export.value_false", lang))
            else:
                ws.cell(row=row, column=j, value=_safe_text(str(value)))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for j, col in enumerate(table.columns, start=1):
        longest = max([len(str(col))] + [len(str(v)) for v in table[col].head(500)])
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(10, longest + 2))
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 18)
    # The notes sheet: definition, source, licence, data date, period, series breaks, columns.
    notes = wb.create_sheet(sheet_name(t("export.notes.sheet", lang)))
    wrap = Alignment(wrap_text=True, vertical="top")
    r = 1
    for label, value in notes_rows(chart, lang):
        notes.cell(row=r, column=1, value=label).font = bold
        notes.cell(row=r, column=2, value=_safe_text(str(value))).alignment = wrap
        r += 1
    r += 1
    notes.cell(row=r, column=1, value=t("export.notes.columns", lang)).font = Font(bold=True, size=12)
    for col in column_notes(chart, lang):
        r += 1
        notes.cell(row=r, column=1, value=_safe_text(col["header"])).font = bold
        notes.cell(row=r, column=2, value=_safe_text(col["description"] or "–")).alignment = wrap
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_export(chart, fmt: str = "csv", lang: str = "fi") -> bytes:
    """Exactly ``chart.table`` with a header block: CSV for Finnish Excel or XLSX."""
    if fmt not in FORMATS or FORMATS[fmt].image:
        raise ExportError(f"unknown table format {fmt!r}")
    return FORMATS[fmt].write(chart, None, normalise_lang(lang))


# --- the registry of export formats -----------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """One download format: its file extension (``key``), MIME type, writer and menu entries.

    ``write(chart, preset, lang) -> bytes``; ``menu``: (menu key, i18n label, URL size or None).
    A new format is one entry here (and its labels in dashboard/i18n/export.*.yaml): the routes,
    the download menus, the explorer's links and the area page's outputs iterate this registry."""

    key: str
    mime: str
    image: bool
    write: object
    menu: tuple[tuple[str, str, str | None], ...]


FORMATS = {f.key: f for f in (
    ExportFormat("png", "image/png", True, lambda chart, preset, lang: render_image(chart, "png", preset or "slide", lang),
                 (("png-dia", "export.menu.png_slide", "dia"), ("png-nelio", "export.menu.png_square", "nelio"),
                  ("png-linkki", "export.menu.png_link", "linkki"))),
    ExportFormat("svg", "image/svg+xml", True, lambda chart, preset, lang: render_image(chart, "svg", preset or "slide", lang),
                 (("svg", "export.menu.svg", None),)),
    ExportFormat("pdf", "application/pdf", True, lambda chart, preset, lang: render_image(chart, "pdf", preset or "a4", lang),
                 (("pdf-a4", "export.menu.pdf_a4", "a4"),)),
    ExportFormat("csv", "text/csv; charset=utf-8", False, lambda chart, _preset, lang: _csv(chart, lang),
                 (("csv", "export.menu.csv", None),)),
    ExportFormat(CSVW, "application/csvm+json", False, lambda chart, _preset, lang: csv_metadata(chart, lang),
                 (("csvw", "export.menu.csvw", None),)),
    ExportFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False,
                 lambda chart, _preset, lang: _xlsx(chart, lang), (("xlsx", "export.menu.xlsx", None),)),
)}
MIME = {key: f.mime for key, f in FORMATS.items()}
IMAGE_FORMATS = tuple(key for key, f in FORMATS.items() if f.image)
TABLE_FORMATS = tuple(key for key, f in FORMATS.items() if not f.image)
#: The download menu: (key, i18n label, format, URL size), in menu order.
MENU = tuple((key, label, f.key, size) for f in FORMATS.values() for key, label, size in f.menu)


# --- file names and the in-browser modebar ----------------------------------------------------


def export_filename(stem: str, fmt: str, preset: str | None = None) -> str:
    """``<stem>[-dia|-neliö|-linkki|-a4].<ext>``; the suffix marks PNG sizes, an SVG of another size
    than the slide, and a PDF's page."""
    suffix = ""
    if fmt == "png":
        suffix = "-" + PRESETS[preset or "slide"].suffix
    elif fmt == "svg" and preset and preset != "slide":
        suffix = "-" + PRESETS[preset].suffix
    elif fmt == "pdf":
        suffix = "-" + PRESETS[preset or "a4"].suffix
    return f"{stem}{suffix}.{fmt}"


def graph_config(chart, lang: str = "fi") -> dict:
    """``dcc.Graph(config=…)``: local base maps, the chart's Finnish file name for plotly's own image
    download (used when a graph has no "Lataa" menu; the modebar's PNG and SVG buttons otherwise
    follow the menu, see dashboard/bundle/modebar.js). ``topojsonURL`` keeps geo maps off any CDN.
    """
    lang = normalise_lang(lang)
    return {
        "displaylogo": False,
        "locale": lang,
        "topojsonURL": "/assets/topo/",
        "toImageButtonOptions": {"format": "png", "filename": chart.filename_stem, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "scrollZoom": False,
        # The modebar's buttons (dashboard/bundle/modebar.js) download the same dressed PNG and SVG
        # as the chart's "Lataa" menu: title, unit, source and date, Finnish file name.
        "displayModeBar": "hover",
    }
