"""Choropleth of the county's municipalities (geographic boundaries or equal-area tiles).

Geometry is referenced by URL (``geojson`` is a string), so the figure holds codes and values
only. The trace order is fixed — 0 fill, 1 highlight outline, 2 labels, 3… legend keys — so that an
update can patch values in place (:func:`value_patch`) without resending or re-laying out anything.
Classes are drawn with a stepped colour scale on the class index; every municipality is labelled
with its name and value, so colour is never the only cue, and no-data / suppressed areas are named
in the legend.
"""
from __future__ import annotations

from dashboard.classify import (
    MAX_CLASSES, NO_DATA_COLOR, NO_DATA_OUTLINE, OUTLINE_COLOR, SUPPRESSED_COLOR, text_color,
)
from dashboard.figures.common import base_layout

#: Legend slots: value classes, then the special classes.
SPECIAL = ("suppressed", "secondary", "missing")
LEGEND_SLOTS = MAX_CLASSES + len(SPECIAL)
FILL, HIGHLIGHT, LABELS, LEGEND0 = 0, 1, 2, 3
TRANSPARENT = "rgba(0,0,0,0)"


def stepped_colorscale(colors: list[str]) -> list:
    """Colour scale with flat steps: z = i + 0.5 always gets colors[i]."""
    n = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale.append([i / n, c])
        scale.append([(i + 1) / n, c])
    return scale


def categories_for(cells, classification, special_colors: dict | None = None):
    """Per cell: (category index into the colour list, colour); and the colour list.

    Value classes first, then suppressed / secondary / missing. Returns (indices, colors).
    """
    special = {"suppressed": SUPPRESSED_COLOR, "secondary": SUPPRESSED_COLOR, "missing": NO_DATA_COLOR}
    special.update(special_colors or {})
    colors = [b.color for b in classification.bins] + [special[s] for s in SPECIAL]
    n_bins = len(classification.bins)
    idx = []
    for c in cells:
        if c.status == "ok":
            idx.append(classification.index(c.value))
        else:
            idx.append(n_bins + SPECIAL.index(c.status if c.status in SPECIAL else "missing"))
    return idx, colors


def map_figure(*, cells, classification, geojson_url: str, labels: dict, lang: str, title: str, subtitle: str,
               footer: str, legend_title: str, special_labels: dict, note_texts: dict,
               highlight: str | None = None, height: int = 560, tiles: bool = False,
               categorical: list[tuple[str, str]] | None = None, cell_colors: list[str] | None = None) -> dict:
    """The map figure.

    ``cells``: objects with code, name, text, status ('ok'|'missing'|'suppressed'|'secondary'),
    value, synthetic. ``categorical``: for status maps, (label, colour) per category and
    ``cell_colors`` per cell instead of classes.
    """
    codes = [c.code for c in cells]
    if categorical is None:
        idx, colors = categories_for(cells, classification)
        legend = [(b.label, b.color, any(i == k for i in idx)) for k, b in enumerate(classification.bins)]
        n_bins = len(classification.bins)
        legend += [(special_labels[s], colors[n_bins + j], any(i == n_bins + j for i in idx))
                   for j, s in enumerate(SPECIAL)]
        fills = [colors[i] for i in idx]
    else:
        colors = [col for _, col in categorical]
        fills = list(cell_colors or [])
        idx = [colors.index(f) for f in fills]
        legend = [(label, col, col in fills) for label, col in categorical]
    z = [i + 0.5 for i in idx]
    line_colors = [NO_DATA_OUTLINE if c.status == "missing" else OUTLINE_COLOR for c in cells]
    line_widths = [1.0 if c.status == "missing" else 1.5 for c in cells]
    notes = [note_texts.get("synthetic", "") if c.synthetic else "" for c in cells]
    customdata = [[c.name, c.text, notes[i]] for i, c in enumerate(cells)]
    points = [labels.get(c.code, (None, None)) for c in cells]
    label_size = 12 if tiles else 11
    label_text = [f"<b>{c.name}</b><br>{c.text}{' *' if c.synthetic else ''}" for c in cells]

    data: list[dict] = [
        {
            "type": "choropleth",
            "name": "",
            "geojson": geojson_url,
            "featureidkey": "properties.code",
            "locations": codes,
            "z": z,
            "zmin": 0,
            "zmax": len(colors),
            "colorscale": stepped_colorscale(colors),
            "showscale": False,
            "showlegend": False,
            "marker": {"line": {"color": line_colors, "width": line_widths}},
            "customdata": customdata,
            "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        },
        {
            "type": "choropleth",
            "name": "highlight",
            "geojson": geojson_url,
            "featureidkey": "properties.code",
            "locations": [highlight] if highlight in codes else [],
            "z": [0] if highlight in codes else [],
            "colorscale": [[0, TRANSPARENT], [1, TRANSPARENT]],
            "showscale": False,
            "showlegend": False,
            "marker": {"line": {"color": "#111111", "width": 3.5}},
            "hoverinfo": "skip",
        },
        {
            "type": "scattergeo",
            "name": "labels",
            "mode": "text",
            "lon": [p[0] for p in points],
            "lat": [p[1] for p in points],
            "text": label_text,
            "textfont": {"size": label_size, "color": [text_color(f) for f in fills]},
            "hoverinfo": "skip",
            "showlegend": False,
        },
    ]
    for k in range(LEGEND_SLOTS if categorical is None else max(LEGEND_SLOTS, len(legend))):
        label, color, used = legend[k] if k < len(legend) else ("", "#ffffff", False)
        data.append({
            "type": "scattergeo",
            "name": label,
            "lon": [None], "lat": [None],
            "mode": "markers",
            "marker": {"symbol": "square", "size": 14, "color": color, "line": {"color": "#6f6f6f", "width": 1}},
            "showlegend": bool(used),
            "visible": True if used else False,
            "hoverinfo": "skip",
            "legendgroup": "classes",
        })
    layout = base_layout(lang, title, subtitle, footer, height)
    layout.update({
        "geo": {
            "visible": False,
            "fitbounds": "locations",
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
            "domain": {"x": [0, 0.78], "y": [0, 1]},
        },
        "legend": {
            "title": {"text": legend_title, "font": {"size": 12}},
            "x": 0.8, "xanchor": "left", "y": 0.98, "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": 12},
            "itemclick": False, "itemdoubleclick": False,
        },
        "uirevision": "map",
    })
    return {"data": data, "layout": layout}


#: What changes when only the indicator or year changes (paths inside the figure).
VALUE_PATHS = {
    FILL: [("z",), ("zmax",), ("colorscale",), ("customdata",), ("marker", "line", "color"), ("marker", "line", "width")],
    HIGHLIGHT: [("locations",), ("z",)],
    LABELS: [("text",), ("textfont", "color")],
}
LEGEND_PATHS = [("name",), ("marker", "color"), ("showlegend",), ("visible",)]
LAYOUT_PATHS = [("title", "text"), ("title", "subtitle", "text"), ("annotations",), ("legend", "title", "text")]


def _dig(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def value_patch(fig: dict):
    """A dash ``Patch`` carrying only the values of ``fig`` that change between indicators/years."""
    from dash import Patch

    patch = Patch()
    for i, paths in VALUE_PATHS.items():
        for path in paths:
            _assign(patch, ["data", i, *path], _dig(fig["data"][i], path))
    for i in range(LEGEND0, len(fig["data"])):
        for path in LEGEND_PATHS:
            _assign(patch, ["data", i, *path], _dig(fig["data"][i], path))
    for path in LAYOUT_PATHS:
        _assign(patch, ["layout", *path], _dig(fig["layout"], path))
    return patch


def _assign(patch, path, value):
    target = patch
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
