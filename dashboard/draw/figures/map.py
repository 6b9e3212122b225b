"""Choropleth of the county's municipalities (geographic boundaries or equal-area tiles).

Geometry is referenced by URL (``geojson`` is a string), so the figure holds codes and values
only. The trace order is fixed — 0 fill, 1 highlight outline, 2 labels, 3 the county's outline (the
whole-country map; empty otherwise), 4… legend keys — so that an
update can patch values in place (:func:`value_patch`) without resending or re-laying out anything.
Classes are drawn with a stepped colour scale on the class index; every municipality is labelled
with its name and value, so colour is never the only cue, and no-data / suppressed areas are named
in the legend.
"""
from __future__ import annotations

from dashboard.core import tokens
from dashboard.draw.figures.common import base_layout, top_legend
from dashboard.judge.classify import (
    MAX_CLASSES,
    NO_DATA_COLOR,
    NO_DATA_OUTLINE,
    OUTLINE_COLOR,
    SUPPRESSED_COLOR,
    text_color,
)

#: Legend slots: value classes, then the special classes.
SPECIAL = ("suppressed", "secondary", "missing")
LEGEND_SLOTS = MAX_CLASSES + len(SPECIAL)
FILL, HIGHLIGHT, LABELS, OUTLINE, LEGEND0 = 0, 1, 2, 3, 4
TRANSPARENT = tokens.TRANSPARENT


def stepped_colorscale(colors: list[str]) -> list:
    """Colour scale with flat steps: z = i + 0.5 always gets colors[i]."""
    n = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale.append([i / n, c])
        scale.append([(i + 1) / n, c])
    return scale


def line_widths(country: bool) -> tuple[float, float]:
    """(shown, missing) outline widths: thin on the whole-country map, where 309 outlines of 1.5 px
    would bury the colours of small municipalities."""
    return (0.4, 0.4) if country else (1.5, 1.0)


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


def value_legend(classification, idx: list[int], colors: list[str], special_labels: dict) -> list[tuple]:
    """(label, colour, shown) of the map legend: every value class (the scale stays continuous),
    then the special classes, shown only when a cell has one."""
    n_bins = len(classification.bins)
    legend = [(b.label, b.color, True) for b in classification.bins]
    legend += [(special_labels[s], colors[n_bins + j], any(i == n_bins + j for i in idx))
               for j, s in enumerate(SPECIAL)]
    return legend[:LEGEND_SLOTS]


def map_figure(*, cells, classification, geojson_url: str, labels: dict, lang: str, title: str, subtitle: str,
               footer: str, special_labels: dict, note_texts: dict,
               highlight: str | None = None, height: int = 560, tiles: bool = False,
               categorical: list[tuple[str, str]] | None = None, cell_colors: list[str] | None = None,
               bounds: list[float] | None = None, outline: tuple[str, str, str] | None = None,
               cite_notes: dict | None = None) -> dict:
    """The map figure.

    ``cells``: objects with code, name, text, status ('ok'|'missing'|'suppressed'|'secondary'),
    value, synthetic. ``outline``: (geometry URL, code, name) of the county drawn as a thick line
    over the whole-country map; with it no municipality is labelled (309 names would hide the map:
    hover, the summary and the table carry the values). ``categorical``: for status maps, (label, colour) per category and
    ``cell_colors`` per cell instead of classes.
    """
    codes = [c.code for c in cells]
    if categorical is None:
        idx, colors = categories_for(cells, classification)
        legend = value_legend(classification, idx, colors, special_labels)
        fills = [colors[i] for i in idx]
    else:
        colors = [col for _, col in categorical]
        fills = list(cell_colors or [])
        idx = [colors.index(f) for f in fills]
        legend = [(label, col, col in fills) for label, col in categorical]
    z = [i + 0.5 for i in idx]
    line_colors = [NO_DATA_OUTLINE if c.status == "missing" else OUTLINE_COLOR for c in cells]
    widths = line_widths(outline is not None)
    line_widths_ = [widths[1] if c.status == "missing" else widths[0] for c in cells]
    # a cell's tooltip note: synthetic, or a cited value's citation (``cite_notes``: code -> line)
    notes = [note_texts.get("synthetic", "") if c.synthetic else (cite_notes or {}).get(c.code, "") for c in cells]
    # Names go into hovertext (static); customdata carries only what changes with the values.
    customdata = [[c.text, notes[i]] for i, c in enumerate(cells)]
    points = [labels.get(c.code, (None, None)) for c in cells]
    label_size = 12 if tiles else 11
    label_text = [f"<b>{c.name}</b><br>{c.text}{' *' if c.synthetic else ''}" for c in cells]
    if outline is not None:
        points, label_text = [], []

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
            "marker": {"line": {"color": line_colors, "width": line_widths_}},
            "hovertext": [c.name for c in cells],
            "customdata": customdata,
            "hovertemplate": "<b>%{hovertext}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
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
            "marker": {"line": {"color": tokens.HIGHLIGHT, "width": 3.5}},
            "hoverinfo": "skip",
        },
        {
            "type": "scattergeo",
            "name": "labels",
            "mode": "text",
            "lon": [p[0] for p in points],
            "lat": [p[1] for p in points],
            "text": label_text,
            # "auto" shadow: a halo in the contrasting colour keeps labels readable where a small
            # municipality's name runs over a neighbour of another class.
            "textfont": {"size": label_size, "color": [text_color(f) for f in fills] if label_text else [],
                         "shadow": "auto"},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {
            "type": "choropleth",
            # the county outline of the whole-country map; hidden (never computed by plotly.js) otherwise
            "visible": bool(outline),
            "name": outline[2] if outline else "",
            "geojson": outline[0] if outline else geojson_url,
            "featureidkey": "properties.code",
            "locations": [outline[1]] if outline else [],
            "z": [0] if outline else [],
            "colorscale": [[0, TRANSPARENT], [1, TRANSPARENT]],
            "showscale": False,
            "showlegend": False,
            "marker": {"line": {"color": tokens.HIGHLIGHT, "width": 2.5}},
            "hoverinfo": "skip",
        },
    ]
    for k in range(LEGEND_SLOTS if categorical is None else max(LEGEND_SLOTS, len(legend))):
        label, color, used = legend[k] if k < len(legend) else ("", tokens.BG, False)
        data.append({
            "type": "scattergeo",
            "name": label,
            "lon": [None], "lat": [None],
            "mode": "markers",
            "marker": {"symbol": "square", "size": 14, "color": color, "line": {"color": tokens.OUTLINE, "width": 1}},
            "showlegend": bool(used),
            "visible": bool(used),
            "hoverinfo": "skip",
            "legendgroup": "classes",
        })
    legend, legend_px = top_legend(2)
    # The unit is in the chart's subtitle; a legend title would cost a row on narrow screens.
    legend.update({"valign": "middle"})
    layout = base_layout(lang, title, subtitle, footer, height, margin={"b": 8, "t": legend_px})
    layout.update({
        "geo": geo_layout(bounds),
        "legend": legend,
        "uirevision": "map",
    })
    return {"data": data, "layout": layout}


def geo_layout(bounds: list[float] | None) -> dict:
    """Geo subplot without a base map, zoomed to the county.

    Explicit lon/lat ranges from the geometry's bounds (plus 3 %) fill the plot area much better
    than ``fitbounds`` (measured: 616×460 px vs 436×326 px in a 640×560 figure).
    """
    geo = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": TRANSPARENT,
           "domain": {"x": [0, 1], "y": [0, 1]}}
    if bounds and len(bounds) == 4:
        x0, y0, x1, y1 = bounds
        px, py = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
        geo.update(fitbounds=False, lonaxis={"range": [x0 - px, x1 + px]}, lataxis={"range": [y0 - py, y1 + py]})
    else:
        geo["fitbounds"] = "locations"
    return geo


def legend_items(fig: dict) -> list[tuple[str, str]]:
    """(label, colour) of the legend entries a map figure shows (its visible legend traces)."""
    return [(tr.get("name", ""), (tr.get("marker") or {}).get("color", "")) for tr in fig.get("data", [])[LEGEND0:]
            if tr.get("showlegend")]


def screen_figure(fig: dict) -> dict:
    """The map as the page draws it: the legend is HTML beside the map (readable text, and half the
    redraw time of eight legend traces), so the figure keeps only the fill, highlight and label
    traces. Exports keep the legend inside the image (the figure of ``build_chart``)."""
    layout = dict(fig["layout"])
    layout["margin"] = {**layout.get("margin", {}), "t": 8}
    layout["showlegend"] = False
    layout.pop("legend", None)
    return {"data": list(fig["data"][:LEGEND0]), "layout": layout}


#: What changes when only the indicator or year changes (paths inside the figure).
VALUE_PATHS = {
    FILL: [("z",), ("zmax",), ("colorscale",), ("customdata",), ("marker", "line", "color"), ("marker", "line", "width")],
    HIGHLIGHT: [("locations",), ("z",)],
    LABELS: [("text",), ("textfont", "color")],
    OUTLINE: [],
}
LAYOUT_PATHS = [("annotations",)]


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
        # A legend key is tiny: replacing it whole costs less than four separate operations.
        patch["data"][i] = fig["data"][i]
    for path in LAYOUT_PATHS:
        _assign(patch, ["layout", *path], _dig(fig["layout"], path))
    return patch


def _assign(patch, path, value):
    target = patch
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
