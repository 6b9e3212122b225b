"""Shared look of all figures: type, colours, the in-figure title and the source line.

Every figure carries its own title, subtitle (unit, year) and a source line with the data date, so
that what the modebar or the export route saves stands alone (OWID #6962: exported charts without
titles). On screen the same header is what the user sees; the HTML around the chart adds a text
summary and a data table.
"""
from __future__ import annotations

from dashboard.format import separators

FONT_FAMILY = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', "
               "'Liberation Sans', 'DejaVu Sans', sans-serif")
TEXT = "#1b1b1b"
MUTED = "#595959"
GRID = "#e3e3e3"
ACCENT = "#0f4c81"
COUNTY = "#2b2b2b"
COUNTRY = "#7a7a7a"
CONTEXT = "#cfcfcf"
HEADER_PX = 64
FOOTER_PX = 44

ALLOWED_TRACES = {"bar", "scatter", "choropleth", "scattergeo"}


def base_layout(lang: str, title: str, subtitle: str, footer: str, height: int,
                margin: dict | None = None) -> dict:
    lines = title.count("<br>") + 1
    m = {"l": 12, "r": 12, "t": HEADER_PX + 20 * (lines - 1), "b": FOOTER_PX}
    m.update(margin or {})
    return {
        "separators": separators(lang),
        "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": m,
        "title": {
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": 13, "color": MUTED}},
            "x": 0, "xref": "paper", "xanchor": "left",
            "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10, "l": 0},
            "font": {"size": 16, "color": TEXT},
            "automargin": False,
        },
        "annotations": [footer_annotation(footer)],
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 13}, "bgcolor": "#ffffff", "bordercolor": "#8a8a8a"},
        "dragmode": False,
        "showlegend": True,
    }


def footer_annotation(text: str) -> dict:
    return {
        "name": "source",
        "text": text,
        "showarrow": False,
        "xref": "paper", "yref": "container",
        "x": 0, "y": 0, "xanchor": "left", "yanchor": "bottom",
        "align": "left",
        "font": {"size": 11, "color": MUTED},
    }


def footer_text(source: str, data_date_label: str, synthetic_note: str | None = None) -> str:
    parts = [source, data_date_label]
    if synthetic_note:
        parts.append(synthetic_note)
    return " · ".join(p for p in parts if p)


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
