"""Shared look of all figures: type, colours and the source line.

On screen the chart's title, subtitle and source line are HTML around the figure (a real heading
that wraps at any width, next to the download menu; a caption screen readers can read). The export
routes (``dashboard.deliver.export``) dress the figure with the title, subtitle and footer from
:class:`ChartData`; the modebar's PNG and SVG buttons fetch those dressed files too.
``base_layout(self_contained=True)`` draws the header and source line inside the figure instead.
"""
from __future__ import annotations

from dashboard.core.format import separators
from dashboard.core.tokens import (
    ACCENT,
    BG,
    BORDER_STRONG,
    CONTEXT,
    COUNTRY,
    COUNTY,
    FONT_FAMILY,
    GRID,
    MUTED,
    SIZE_FONT,
    SIZE_FONT_FOOTNOTE,
    SIZE_FONT_SMALL,
    SIZE_FONT_TITLE,
    TEXT,
    TRANSPARENT,
)

__all__ = ["ACCENT", "CONTEXT", "COUNTRY", "COUNTY", "GRID", "MUTED", "TEXT"]

HEADER_PX = 66
FOOTER_PX = 40
LEGEND_ROW_PX = 24

ALLOWED_TRACES = {"bar", "scatter", "choropleth", "scattergeo"}


def round_values(values, digits: int) -> list:
    """Plot coordinates need no more precision than the screen shows (smaller payloads); None stays a gap."""
    return [None if v is None else round(v, digits) for v in values]


def base_layout(lang: str, title: str | None, subtitle: str | None, footer: str, height: int,
                margin: dict | None = None, self_contained: bool = False) -> dict:
    lines = (title or "").count("<br>") + 1
    top = HEADER_PX + 20 * (lines - 1) if self_contained else 12
    m = {"l": 12, "r": 12, "t": top, "b": FOOTER_PX if self_contained else 8}
    m.update(margin or {})
    layout = {
        "separators": separators(lang),
        "font": {"family": FONT_FAMILY, "size": SIZE_FONT, "color": TEXT},
        "paper_bgcolor": BG,
        "plot_bgcolor": BG,
        "height": height,
        "margin": m,
        "title": {
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": SIZE_FONT, "color": MUTED}},
            "x": 0, "xref": "paper", "xanchor": "left",
            "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10, "l": 0},
            "font": {"size": SIZE_FONT_TITLE, "color": TEXT},
            "automargin": False,
        },
        "annotations": [footer_annotation(footer, height, m)],
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": SIZE_FONT}, "bgcolor": BG, "bordercolor": BORDER_STRONG},
        "dragmode": False,
        "showlegend": True,
    }
    if not self_contained:
        layout["title"] = {"text": ""}
        layout["annotations"] = []
    return layout


def footer_annotation(text: str, height: int, margin: dict) -> dict:
    """The source line at the bottom edge of the figure.

    Annotations only know paper and axis coordinates, so the figure's bottom edge is expressed in
    paper units of the plot area: ``-(bottom margin) / plot height``.
    """
    plot_h = max(height - margin["t"] - margin["b"], 1)
    return {
        "name": "source",
        "text": text,
        "showarrow": False,
        "xref": "paper", "yref": "paper",
        "x": 0, "y": -(margin["b"] - 4) / plot_h, "xanchor": "left", "yanchor": "bottom",
        "align": "left",
        "font": {"size": SIZE_FONT_FOOTNOTE, "color": MUTED},
    }


def footer_text(source: str, data_date_label: str, synthetic_note: str | None = None) -> str:
    """Two lines: the source and licence; the data date (and the synthetic-data note)."""
    second = " · ".join(p for p in (data_date_label, synthetic_note) if p)
    return "<br>".join(p for p in (source, second) if p)


def top_legend(rows: int = 1) -> tuple[dict, int]:
    """A horizontal legend just above the plot area; returns (legend, top margin it needs).

    Above the plot (paper y = 1) is also where the export dressing (``dashboard.deliver.export``) expects
    a horizontal legend: it moves it under the export's title instead of letting it collide with
    the footer.
    """
    legend = {
        "orientation": "h", "x": 0, "xanchor": "left", "xref": "paper",
        "y": 1.0, "yref": "paper", "yanchor": "bottom",
        "font": {"size": SIZE_FONT_SMALL}, "itemclick": False, "itemdoubleclick": False, "bgcolor": TRANSPARENT,
        "traceorder": "normal",
    }
    return legend, 12 + LEGEND_ROW_PX * rows


def wrap(text: str, width: int = 70) -> str:
    """Break a long title onto lines with <br> (plotly does not wrap titles)."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


_FONT_KEYS = ("font", "tickfont", "textfont", "hoverlabel")


def scale_fonts(node, factor: float):
    """Multiply every explicit font size in a figure (forum mode: readable from the back of a room)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _FONT_KEYS and isinstance(value, dict) and isinstance(value.get("size"), (int, float)):
                value["size"] = round(value["size"] * factor, 1)
            if key not in ("geojson", "z", "x", "y", "lon", "lat", "locations", "customdata", "text"):
                scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                scale_fonts(item, factor)
    return node
