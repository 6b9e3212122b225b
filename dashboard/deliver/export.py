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
import shutil
import struct
import textwrap
import threading
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.core import tokens
from dashboard.core.format import date_text, separators
from dashboard.core.i18n import normalise_lang, t
from dashboard.draw.figures.trend import with_breaks

log = logging.getLogger(__name__)

LICENCE = "CC BY 4.0"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Base-map topojson for geo traces: the app's assets/topo/ when it has one, else our empty one.
TOPO_DIRS = (PROJECT_ROOT / "assets" / "topo", Path(__file__).resolve().parents[1] / "static" / "topo")
RENDER_TIMEOUT = float(os.environ.get("TILANNEKUVA_EXPORT_TIMEOUT", "30"))
START_TIMEOUT = 60.0



@dataclass(frozen=True)
class Preset:
    """Layout size in CSS pixels; PNG pixels = size × scale. ``suffix`` goes into the file name."""

    width: int
    height: int
    scale: int
    font_size: int
    suffix: str


PRESETS = {
    # 16:9 slide: 1600×900 layout, 3200×1800 pixels — sharp on a projector and in a report.
    "slide": Preset(1600, 900, 2, 20, "dia"),
    # Square for social media: 1080×1080 pixels (540×540 layout at 2×, so text stays large).
    "square": Preset(540, 540, 2, 13, "neliö"),
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


def _wrap(text: str, width_px: int, font_px: int) -> list[str]:
    chars = max(20, int(width_px / (font_px * 0.55)))
    return textwrap.wrap(text, chars) or [""]


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


CARTESIAN = ("scatter", "bar", "box", "histogram", "heatmap", "violin", "waterfall")


def _axis_title(axis) -> str:
    if not isinstance(axis, dict):
        return ""
    title = axis.get("title")
    return (title.get("text") or "") if isinstance(title, dict) else (title or "")


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


def _legend_names(data: list) -> list[str]:
    shown = [tr for tr in data if tr.get("showlegend", len(data) > 1) and tr.get("name")]
    return [str(tr["name"]) for tr in shown]


def _place_top_legend(layout: dict, data: list, p: Preset, top_px: int, font: int) -> int:
    """Move a horizontal legend from above the plot to just under the subtitle; return its height.

    On screen such a legend sits above the plot area; with the export's taller header it would
    overlap the title. Its rows are estimated from the entry names.
    """
    legend = layout.get("legend")
    if not isinstance(legend, dict) or legend.get("orientation") != "h" or layout.get("showlegend") is False:
        return 0
    if legend.get("yref", "paper") != "paper" or (legend.get("y") or 0) < 1:
        return 0
    names = _legend_names(data)
    if not names:
        return 0
    lfont = (legend.get("font") or {}).get("size") or font
    rows, used = 1, 0.0
    for name in names:
        w = 40 + 0.6 * lfont * len(name)
        if used and used + w > p.width - 80:
            rows, used = rows + 1, 0.0
        used += w
    legend.update(yref="container", y=1 - (top_px - 8) / p.height, yanchor="top", x=0, xanchor="left")
    return round(rows * lfont * 1.6) + 8


def export_figure(chart, preset: str = "slide", lang: str = "fi") -> dict:
    """The chart's figure dressed for export: title, subtitle + unit, footer, size, no modebar.

    Pure (no browser): the route and the tests can inspect exactly what will be rendered.
    """
    lang = normalise_lang(lang)
    if preset not in PRESETS:
        raise ExportError(f"unknown preset {preset!r}")
    if not chart.figure or not chart.figure.get("data"):
        raise ExportError("chart has no figure")
    p = PRESETS[preset]
    # A trend's series breaks are drawn in every export (the screen's explorer trend has none yet).
    fig = copy.deepcopy(with_breaks(chart.figure, (getattr(chart, "extra", None) or {}).get("breaks")))
    fig.setdefault("data", [])
    _inline_geojson(fig, chart.geojson_path, (getattr(chart, "extra", None) or {}).get("geojson_files"))
    layout = fig.setdefault("layout", {})
    font = p.font_size
    line_px = round(font * 1.35)

    title_lines = _wrap(chart.title, p.width - 60, round(font * 1.3))
    sub = chart.subtitle or ""
    if chart.unit and chart.unit not in sub:
        sub = f"{sub} · {t('export.unit', lang)}: {chart.unit}" if sub else f"{t('export.unit', lang)}: {chart.unit}"
    sub_lines = _wrap(sub, p.width - 60, font) if sub else []
    foot: list[str] = []
    for i, line in enumerate(footer_lines(chart, lang)):
        wrapped = [_esc(x) for x in _wrap(line, p.width - 40, round(font * 0.8))]
        foot += [f"<b>{x}</b>" for x in wrapped] if (chart.synthetic and i == 1) else wrapped

    has_axes = any(k.startswith(("xaxis", "yaxis")) for k in layout) or any(
        tr.get("type", "scatter") in CARTESIAN for tr in fig["data"]
    )
    x_titled = any(_axis_title(v) for k, v in layout.items() if k.startswith("xaxis"))
    axis_space = round(font * (4.8 if x_titled else 2.4)) if has_axes else 10
    for key, axis in list(layout.items()):
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("automargin", True)
    foot_px = len(foot) * round(font * 0.8 * 1.35) + 12
    # plotly lifts a title of several lines by part of a line per extra line (a two-line title on
    # the square preset touched the image's top edge): the pad and the header grow to match.
    title_pad = 14 + round(font * 1.3 * 0.65) * (len(title_lines) - 1)
    top_px = round(font * 1.3 * 1.3) * len(title_lines) + line_px * len(sub_lines) + 30 + (title_pad - 14)
    if any(isinstance(v, dict) and v.get("side") == "top" for k, v in layout.items() if k.startswith("xaxis")):
        top_px += round(font * 1.8)  # tick labels of a top x axis sit between the header and the plot
    factor = font / float((layout.get("font") or {}).get("size") or 12)
    _scale_fonts(fig, factor)
    top_px += _place_top_legend(layout, fig["data"], p, top_px, font)

    layout.update(
        width=p.width,
        height=p.height,
        separators=layout.get("separators") or separators(lang),
        paper_bgcolor=layout.get("paper_bgcolor") or tokens.BG,
    )
    layout["font"] = {**layout.get("font", {}), "size": font}
    layout["title"] = {
        "text": "<br>".join(_esc(x) for x in title_lines),
        "subtitle": {"text": "<br>".join(_esc(x) for x in sub_lines), "font": {"size": font, "color": tokens.EXPORT_TEXT}},
        "x": 0.0, "xref": "paper", "xanchor": "left",
        "y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": title_pad},
        "font": {"size": round(font * 1.3), "color": tokens.HIGHLIGHT},
    }
    margin = dict(layout.get("margin") or {})
    margin.update(t=max(margin.get("t", 0), top_px), b=axis_space + foot_px, l=max(margin.get("l", 0), 60),
                  r=max(margin.get("r", 0), 30))
    layout["margin"] = margin
    # The on-screen source line (an annotation named "source") is replaced by the export footer.
    kept = [a for a in layout.get("annotations") or [] if not (isinstance(a, dict) and a.get("name") == "source")]
    layout["annotations"] = kept + [
        {
            "name": "export-footer",
            "text": "<br>".join(foot),
            "xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "top",
            "yshift": -axis_space, "showarrow": False, "align": "left",
            "font": {"size": round(font * 0.8), "color": tokens.EXPORT_TEXT},
        }
    ]
    return fig


def render_image(chart, fmt: str = "png", preset: str = "slide", lang: str = "fi") -> bytes:
    """PNG (slide 3200×1800 px or square 1080×1080 px) or SVG of the chart with title and footer."""
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"unknown image format {fmt!r}")
    fig = export_figure(chart, preset, lang)
    p = PRESETS[preset]
    body = RENDERER.render(fig, fmt, p.width, p.height, p.scale if fmt == "png" else 1)
    text = image_text(chart, lang)
    return png_with_text(body, text) if fmt == "png" else svg_with_text(body, text)


def image_text(chart, lang: str = "fi") -> dict[str, str]:
    """What the image says in words, for the file's own metadata (title, source, licence, footer).

    Pasted into a document or a CMS, the file still names its source, and a screen reader or an
    image search can read the title; the same words are drawn in the image's footer.
    """
    lang = normalise_lang(lang)
    title = chart.title + (f" ({chart.subtitle})" if chart.subtitle else "")
    return {
        "Title": title,
        "Source": (chart.source or "").strip(),
        "Copyright": LICENCE,
        "Description": " ".join(footer_lines(chart, lang)),
        "Software": "Tilannekuva",
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
    extra = f"<title>{_esc(text.get('Title'))}</title><desc>{_esc(text.get('Description'))}</desc>"
    return (doc[: end + 1] + extra + doc[end + 1:]).encode("utf-8")


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


def _sheet_title(text: str) -> str:
    cleaned = "".join(ch for ch in (text or "") if ch not in '[]:*?/\\')
    return (cleaned.strip() or "Tiedot")[:31]


def _xlsx(chart, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    table = chart.table
    numeric = _numeric_columns(table)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(chart.filename_stem)
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
                 (("png-dia", "export.menu.png_slide", "dia"), ("png-nelio", "export.menu.png_square", "nelio"))),
    ExportFormat("svg", "image/svg+xml", True, lambda chart, preset, lang: render_image(chart, "svg", preset or "slide", lang),
                 (("svg", "export.menu.svg", None),)),
    ExportFormat("csv", "text/csv; charset=utf-8", False, lambda chart, _preset, lang: _csv(chart, lang),
                 (("csv", "export.menu.csv", None),)),
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
    """``<stem>[-dia|-neliö].<ext>``; the suffix marks PNG sizes and a square SVG."""
    suffix = ""
    if fmt == "png":
        suffix = "-" + PRESETS[preset or "slide"].suffix
    elif fmt == "svg" and preset == "square":
        suffix = "-" + PRESETS["square"].suffix
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
