"""Where every text of an exported image goes, decided once from the preset's size.

An exported chart must be usable as it is: no title cut at the image edge, no legend entry left
alone on a row, no municipality label on top of another. Plotly neither wraps titles nor moves
colliding labels, and its own automatic margins move the plot after our header and footer have been
placed, so the export decides everything itself, from measured text widths:

* :func:`text_width` measures with the font the renderer (Chromium on the server) draws the design
  token ``FONT_FAMILY`` with — fontconfig's sans-serif, DejaVu Sans on Debian — through Pillow, so a
  wrap width is a width in pixels, not a guess in characters;
* :func:`plan` (the one layout function) takes the chart's figure and a preset and returns an
  :class:`ExportPlan`: the font sizes, the wrapped title, subtitle, selection and footer lines, the
  legend grid (entries per row, balanced rows), the margins, the axis tick step and each map label's
  font and position. ``dashboard.deliver.export`` only applies it.

The rules are the same for every chart kind and size: text that does not fit is wrapped (a word
longer than a line is broken), fonts shrink down to a floor when rows are too tight, labels move
to a free side of their point; nothing is clipped.
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from functools import lru_cache

#: Line height of plotly's multi-line text (its LINE_SPACING).
LINE = 1.3
_MEASURE_LOCK = threading.Lock()  # one FreeType face shared by the server's threads
#: The smallest font (CSS px of the layout) any export text shrinks to.
MIN_FONT = 8.0
_TAG = re.compile(r"<[^>]+>")


# --- measuring text ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _font_file(bold: bool) -> str | None:
    """The file of fontconfig's sans-serif (what Chromium draws ``FONT_FAMILY`` with on the server)."""
    if not shutil.which("fc-match"):
        return None
    style = ":bold" if bold else ""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", f"sans-serif{style}"], capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


@lru_cache(maxsize=8)
def _font(bold: bool):
    from PIL import ImageFont

    path = _font_file(bold)
    if not path:
        return None
    try:
        return ImageFont.truetype(path, 100)
    except OSError:
        return None


def plain(text: str) -> str:
    """Plotly's pseudo-HTML as the words it draws (tags dropped, entities read)."""
    import html

    return html.unescape(_TAG.sub("", text or ""))


@lru_cache(maxsize=8192)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of one line of ``text`` at ``size`` px (measured at 100 px and scaled)."""
    font = _font(bold)
    words = plain(text)
    if font is None:  # no fontconfig: a wide sans-serif's average advance
        return len(words) * size * (0.66 if bold else 0.62)
    with _MEASURE_LOCK:
        length = font.getlength(words)
    return length * size / 100 * (1.02 if bold else 1.0)


def lines_width(lines: list[str], size: float, bold: bool = False) -> float:
    return max((text_width(x, size, bold) for x in lines), default=0.0)


def wrap_px(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` px; a too-long word is broken too."""
    out: list[str] = []
    line = ""
    for word in (text or "").split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            out.append(line)
        line = ""
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and text_width(word[:cut] + "-", size, bold) > width:
                cut -= 1
            out.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        out.append(line)
    return out or [""]


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class LegendGrid:
    per_row: int
    rows: int
    entrywidth: float
    font: float
    height: float


@dataclass
class ExportPlan:
    width: int
    height: int
    font: float
    title_font: float
    small_font: float
    title: list[str]
    subtitle: list[str]
    selection: list[str]
    footer: list[str]
    margin: dict
    #: pixel y (from the top) of the title, subtitle, selection and legend blocks
    y_title: float = 0
    y_subtitle: float = 0
    y_selection: float = 0
    y_legend: float = 0
    legend: LegendGrid | None = None
    extras: dict = field(default_factory=dict)

    @property
    def plot_w(self) -> float:
        return self.width - self.margin["l"] - self.margin["r"]

    @property
    def plot_h(self) -> float:
        return self.height - self.margin["t"] - self.margin["b"]


def legend_names(data: list) -> list[str]:
    shown = [tr for tr in data if tr.get("showlegend", len(data) > 1) and tr.get("name")
             and tr.get("visible", True) is not False]
    return [str(tr["name"]) for tr in shown]


def legend_grid(names: list[str], avail: float, font: float) -> LegendGrid | None:
    """Entries per row so every entry fits and the rows are balanced (8 entries that fit 5 a row
    become 4 + 4, never 5 + 3 or 7 + 1); the font shrinks when one entry alone is too wide."""
    if not names:
        return None
    size = font
    while True:
        entry = max(text_width(n, size) for n in names) + 72  # symbol, gap and padding (see export.py)
        if entry <= avail or size <= MIN_FONT:
            break
        size = max(MIN_FONT, size - 1)
    fit = max(1, int(avail // entry))
    rows = math.ceil(len(names) / fit)
    per_row = math.ceil(len(names) / rows)
    row_h = max(size * LINE, 16) + 6  # plotly's row (measured 19 px at 11.7 px text) and a margin
    # Several rows: every entry the same share of the width, so plotly wraps after exactly per_row.
    return LegendGrid(per_row, rows, avail / per_row if rows > 1 else 0, size, rows * row_h + 4)


def _cartesian(fig: dict) -> bool:
    layout = fig.get("layout", {})
    return any(k.startswith(("xaxis", "yaxis")) for k in layout) or any(
        tr.get("type", "scatter") in ("scatter", "bar") and "lon" not in tr for tr in fig.get("data", []))


def _category_labels(fig: dict, axis: str) -> list[str]:
    """The tick labels a category axis will draw (bar names, grid rows)."""
    layout = fig.get("layout", {})
    ax = layout.get(f"{axis}axis") or {}
    if ax.get("ticktext"):
        return [str(x) for x in ax["ticktext"]]
    seen: list[str] = []
    for tr in fig.get("data", []):
        if tr.get("type", "scatter") not in ("bar", "scatter") or "lon" in tr:
            continue
        for v in tr.get(axis) or []:
            if isinstance(v, str) and v not in seen:
                seen.append(v)
    return seen


def _numeric_ticks(fig: dict, axis: str, separators: str) -> list[str]:
    """Roughly the longest tick labels of a numeric axis (the largest magnitude, one decimal)."""
    values = [abs(v) for tr in fig.get("data", []) for v in (tr.get(axis) or [])
              if isinstance(v, (int, float)) and not isinstance(v, bool)]
    rng = (fig.get("layout", {}).get(f"{axis}axis") or {}).get("range")
    if rng:
        values += [abs(v) for v in rng if isinstance(v, (int, float))]
    top = max(values, default=1.0)
    digits = f"{top:,.1f}".replace(",", " ").replace(".", separators[:1] or ",")
    return [digits, f"-{digits}"]


def plan(fig: dict, *, width: int, height: int, font: float, title: str, subtitle: str, selection: str,
         footer: list[str], separators: str = ", ") -> ExportPlan:
    """The one layout function: every text's size, lines and place for this figure at this size."""
    pad = max(10.0, round(font * 0.8))
    inner = width - 2 * pad
    title_font = round(font * 1.3, 1)
    small = round(font * 0.8, 1)
    p = ExportPlan(width=width, height=height, font=font, title_font=title_font, small_font=small,
                   title=wrap_px(title, inner, title_font, bold=True),
                   subtitle=wrap_px(subtitle, inner, font) if subtitle else [],
                   selection=wrap_px(selection, inner, font, bold=True) if selection else [],
                   footer=[x for line in footer for x in wrap_px(line, inner, small)], margin={})
    layout = fig.get("layout", {})
    y = pad
    p.y_title = y
    y += len(p.title) * title_font * LINE + font * 0.3
    p.y_subtitle = y
    y += len(p.subtitle) * font * LINE
    p.y_selection = y
    y += len(p.selection) * font * LINE + font * 0.4
    p.y_legend = y
    top_extra = 0.0
    bottom = pad + len(p.footer) * small * LINE + font * 0.6
    left = right = pad
    extras: dict = {}
    if _cartesian(fig):
        xa, ya = layout.get("xaxis") or {}, layout.get("yaxis") or {}
        tick = font * 0.9
        extras["tick_font"] = tick
        # y axis: category names (bars, grid rows) or numbers; its title is drawn rotated.
        ylabels = _category_labels(fig, "y") if ya.get("type") == "category" or any(
            tr.get("orientation") == "h" for tr in fig["data"]) else _numeric_ticks(fig, "y", separators)
        ytitle = _title_text(ya)
        left += lines_width(ylabels, tick) + 10 + (font * LINE + 6 if ytitle else 0)
        xtitle = _title_text(xa)
        x_h = tick * LINE + 8 + (font * LINE + 4 if xtitle else 0)
        if xa.get("side") == "top":
            top_extra += x_h
        else:
            bottom += x_h
        right += font * 1.5
        extras["x_top"] = xa.get("side") == "top"
        top_extra += tick * 0.7  # the top y tick label reaches above the plot by half its height
    names = legend_names(fig.get("data", []))
    if layout.get("showlegend") is not False and names:
        # plotly wraps a horizontal legend within the plot area's width, not the image's
        p.legend = legend_grid(names, width - left - right, round(font * 0.9, 1))
        y += p.legend.height
    top = y + font * 0.5 + top_extra
    p.margin = {"l": round(left), "r": round(right), "t": round(top), "b": round(bottom), "pad": 0, "autoexpand": False}
    p.extras = extras
    return p


def _title_text(axis: dict) -> str:
    title = axis.get("title") if isinstance(axis, dict) else None
    return (title.get("text") or "") if isinstance(title, dict) else (title or "")


# --- rules applied to the figure after the margins are known ----------------------------------


def year_ticks(years: list, plot_w: float, font: float) -> list:
    """Every k-th year, k the smallest step at which the year labels do not touch."""
    if not years:
        return years
    label = max(text_width(str(y), font) for y in years) + font
    step = max(1, math.ceil(len(years) * label / max(plot_w, 1)))
    last = years[-1]
    return [y for i, y in enumerate(years) if (len(years) - 1 - i) % step == 0 or y == last]


def fit_rows(n_rows: int, plot_h: float, font: float) -> float:
    """The largest font ≤ ``font`` whose line fits ``n_rows`` rows in ``plot_h`` px."""
    if n_rows <= 0:
        return font
    return max(MIN_FONT, min(font, plot_h / n_rows / LINE * 0.95))


def mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def geo_projector(lon_range, lat_range, plot_w: float, plot_h: float):
    """lon/lat → px inside the plot area, as plotly fits a mercator range box: scaled to fit,
    centred."""
    x0, x1 = lon_range
    y0, y1 = mercator_y(lat_range[0]), mercator_y(lat_range[1])
    kx = plot_w / math.radians(x1 - x0)
    ky = plot_h / (y1 - y0)
    k = min(kx, ky)
    ox = (plot_w - k * math.radians(x1 - x0)) / 2
    oy = (plot_h - k * (y1 - y0)) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ox + k * math.radians(lon - x0), oy + k * (y1 - mercator_y(lat))

    return project


#: Where a map label may go around its point: plotly textposition and the box's offset (in box
#: widths/heights) from centred on the point.
PLACES = (("middle center", 0, 0), ("top center", 0, -0.5), ("bottom center", 0, 0.5),
          ("middle right", 0.5, 0), ("middle left", -0.5, 0), ("top right", 0.5, -0.5),
          ("bottom left", -0.5, 0.5), ("top left", -0.5, -0.5), ("bottom right", 0.5, 0.5))


def _overlap(a, b, gap: float = 2.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _box(cx, cy, w, h, dx, dy, off):
    x = cx + dx * (w + off) - w / 2
    y = cy + dy * (h + off) - h / 2
    return (x, y, x + w, y + h)


def _arrange(points, sizes_wh, places, size: float, plot_w: float, plot_h: float, budget: int = 4000):
    """Textpositions so no two boxes overlap and all stay inside, by depth-first search (the first
    free place of each label in ``places`` order, backing up when a later label finds none); None
    when there is none within ``budget`` tries."""
    n = len(points)
    chosen: list[str] = []
    placed: list[tuple] = []
    tries = 0

    def solve(i: int) -> bool:
        nonlocal tries
        if i == n:
            return True
        if points[i] is None:
            chosen.append("middle center")
            if solve(i + 1):
                return True
            chosen.pop()
            return False
        (x, y), (w, h) = points[i], sizes_wh[i]
        for name, dx, dy in places:
            tries += 1
            if tries > budget:
                return False
            box = _box(x, y, w, h, dx, dy, size * 0.4)
            if box[0] < 0 or box[1] < 0 or box[2] > plot_w or box[3] > plot_h:
                continue
            if any(_overlap(box, other) for other in placed):
                continue
            chosen.append(name)
            placed.append(box)
            if solve(i + 1):
                return True
            chosen.pop()
            placed.pop()
        return False

    return list(chosen) if solve(0) else None


def place_labels(points: list[tuple[float, float] | None], texts: list[str], font: float, plot_w: float,
                 plot_h: float) -> tuple[float, list[str]]:
    """(font, textposition per label) so no two map labels overlap and every label stays inside
    the plot: the largest font (down to 80 %) at which all labels sit centred on their points,
    else the largest font at which colliding labels can move to a free side of their point."""
    sizes = [font - i for i in range(int(font - MIN_FONT) + 1)]
    for size in sizes:
        boxes = []
        for text in texts:
            lines = text.split("<br>")
            w = max(text_width(line, size, bold=line.startswith("<b>")) for line in lines)
            boxes.append((w, len(lines) * size * LINE))
        centred_only = size >= font * 0.8
        chosen = _arrange(points, boxes, PLACES[:1] if centred_only else PLACES, size, plot_w, plot_h)
        if chosen is not None:
            return size, chosen
    return sizes[-1], ["middle center"] * len(texts)
