"""Ranked bar chart of the municipalities, coloured with the map's classes so the two read as one.

Bars carry the municipality code in ``customdata`` (click selects it, hover highlights it on the
map); hidden values ("< 5", "..") and missing values are listed at the bottom with their text
instead of a bar. Vertical reference lines mark the county region and the whole country.
Synthetic values get a hatched bar and a legend entry.
"""
from __future__ import annotations

from dashboard.core import tokens
from dashboard.draw.figures.common import ACCENT, COUNTRY, COUNTY, GRID, MUTED, base_layout, top_legend

HATCH = "/"
#: The bar outline of the chosen municipality (True) and of the others: the server's bars and the
#: browser's highlight (the explorer's store carries these) use the same values.
OUTLINES = {True: (tokens.HIGHLIGHT, 2.5), False: (tokens.RANK_OUTLINE, 0.5)}


def bar_figure(*, ranked, colors: dict, county, country, lang: str, title: str, subtitle: str, footer: str,
               axis_title: str, labels: dict, highlight: str | None = None, cite_notes: dict | None = None) -> dict:
    """``ranked``: cells (code, name, value, text, status, synthetic) in display order, largest first.

    ``colors``: code -> fill colour (the map class). ``labels``: i18n strings for legend entries
    (county, country, synthetic, hidden, missing). ``county`` / ``country``: cells or None.
    ``cite_notes``: code -> the tooltip line of a cited value's citation.
    """
    names = [c.name for c in ranked]
    values = [c.value if c.status == "ok" else None for c in ranked]
    shown = [v for v in values if v is not None]
    refs = [c.value for c in (county, country) if c is not None and c.status == "ok"]
    top = max(shown + refs + [0.0])
    low = min(shown + refs + [0.0])
    span = (top - low) or 1.0
    synthetic_any = any(c.synthetic for c in ranked if c.status == "ok")
    data: list[dict] = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "",
            "y": names,
            "x": values,
            "text": [c.text + (" *" if c.synthetic and c.status == "ok" else "") if c.status == "ok" else "" for c in ranked],
            "textposition": "outside",
            "cliponaxis": False,
            # "auto": a white halo keeps a value readable where a reference line crosses it.
            "textfont": {"size": tokens.SIZE_FONT_SMALL, "shadow": "auto"},
            "marker": {
                "color": [colors.get(c.code, tokens.NO_CLASS) for c in ranked],
                "line": {
                    "color": [OUTLINES[c.code == highlight][0] for c in ranked],
                    "width": [OUTLINES[c.code == highlight][1] for c in ranked],
                },
                "pattern": {
                    "shape": [HATCH if c.synthetic and c.status == "ok" else "" for c in ranked],
                    "fillmode": "overlay", "fgcolor": tokens.TEXT, "fgopacity": 0.3, "size": 7, "solidity": 0.15,
                    "bgcolor": tokens.TRANSPARENT,
                },
            },
            "customdata": [[c.code, c.name, c.text, labels["synthetic"] if c.synthetic
                            else (cite_notes or {}).get(c.code, "")] for c in ranked],
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>",
            "showlegend": False,
        },
        {
            # Hidden / missing values: their text where the bar would start.
            "type": "scatter",
            "mode": "text",
            "name": "",
            "y": [c.name for c in ranked if c.status != "ok"],
            "x": [low for c in ranked if c.status != "ok"],
            "text": [(labels["hidden"] if c.status in ("suppressed", "secondary") else labels["missing"]).format(text=c.text)
                     for c in ranked if c.status != "ok"],
            "textposition": "middle right",
            "textfont": {"size": tokens.SIZE_FONT_SMALL, "color": MUTED},
            "hoverinfo": "skip",
            "showlegend": False,
            "customdata": [[c.code, c.name, c.text, ""] for c in ranked if c.status != "ok"],
        },
    ]
    shapes, annotations = [], []
    for ref, color, dash, label in (
        (county, COUNTY, "solid", labels["county"]),
        (country, COUNTRY, "dash", labels["country"]),
    ):
        if ref is None or ref.status != "ok":
            continue
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": ref.value, "x1": ref.value,
                       "y0": 0, "y1": 1, "line": {"color": color, "width": 2, "dash": dash}, "layer": "above"})
        data.append({"type": "scatter", "mode": "lines", "name": f"{label} {ref.text}", "x": [None], "y": [None],
                     "line": {"color": color, "width": 2, "dash": dash}, "hoverinfo": "skip", "showlegend": True})
    if synthetic_any:
        data.append({"type": "bar", "orientation": "h", "name": labels["synthetic_legend"], "x": [None], "y": [None],
                     "marker": {"color": tokens.BG, "line": {"color": tokens.OUTLINE, "width": 1},
                                "pattern": {"shape": HATCH, "fillmode": "overlay", "fgcolor": tokens.TEXT,
                                            "fgopacity": 0.5, "size": 7, "solidity": 0.15}},
                     "showlegend": True, "hoverinfo": "skip"})
    legend_rows = 2  # fixed, so the figure height (and the graph's box) never changes between updates
    height = 110 + 30 * len(ranked) + 24 * legend_rows
    legend, legend_px = top_legend(legend_rows)
    layout = base_layout(lang, title, subtitle, footer, height, margin={"l": 10, "r": 56, "b": 44, "t": legend_px})
    layout.update({
        "barmode": "overlay",
        "bargap": 0.28,
        "xaxis": {
            "title": {"text": axis_title, "font": {"size": tokens.SIZE_FONT_SMALL, "color": MUTED}},
            "range": [min(0.0, low - 0.02 * span), top + 0.24 * span],
            "gridcolor": GRID, "zeroline": True, "zerolinecolor": tokens.AXIS,
            "separatethousands": True, "exponentformat": "none", "fixedrange": True, "automargin": True,
        },
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True, "ticks": "",
                  "tickfont": {"size": tokens.SIZE_FONT}},
        "legend": legend,
        "shapes": shapes,
        "annotations": layout["annotations"] + annotations,
        "hovermode": "closest",
    })
    return {"data": data, "layout": layout}


__all__ = ["bar_figure", "ACCENT", "OUTLINES"]
