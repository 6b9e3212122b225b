"""Trend of the selected municipality against the county region and the whole country.

The other municipalities of the county are drawn as thin grey context lines (where the selected
one sits in the spread matters more than its exact neighbours). Synthetic points are drawn hollow,
with a legend entry; hidden values ("< 5") are gaps.
"""
from __future__ import annotations

from dashboard.core import tokens
from dashboard.data.provenance import hover_citation
from dashboard.draw.figures.common import (
    ACCENT,
    CONTEXT,
    COUNTRY,
    COUNTY,
    GRID,
    MUTED,
    base_layout,
    round_values,
    top_legend,
)


def _symbols(series, filled: str = "circle") -> list[str]:
    return [f"{filled}-open" if syn else filled for syn in series.synthetic]


def _hover(series, lang: str) -> list[str]:
    """Each point's tooltip text; a cited value adds its citation on a line of its own."""
    cites = list(getattr(series, "citations", None) or []) + [None] * len(series.texts)
    out = []
    for text, synthetic, status, cite in zip(series.texts, series.synthetic, series.statuses, cites):
        note = "" if synthetic or status == "missing" else hover_citation(cite, lang)
        out.append(f"{text}<br>{note}" if note else text)
    return out


def trend_figure(*, focus, county, country, context: list, lang: str, title: str, subtitle: str, footer: str,
                 axis_title: str, labels: dict, digits: int = 4) -> dict:
    data: list[dict] = []
    for s in context:
        data.append({
            "type": "scatter", "mode": "lines", "name": s.name, "x": s.years, "y": round_values(s.values, digits),
            "line": {"color": CONTEXT, "width": 1}, "hoverinfo": "skip", "showlegend": False,
            "legendgroup": "context", "connectgaps": False,
        })
    if context:
        data.append({"type": "scatter", "mode": "lines", "name": labels["context"], "x": [None], "y": [None],
                     "line": {"color": CONTEXT, "width": 1}, "hoverinfo": "skip", "showlegend": True})
    styles = [
        (country, COUNTRY, 2, "dash", 6),
        (county, COUNTY, 2.5, "solid", 7),
        (focus, ACCENT, 3.5, "solid", 9),
    ]
    for s, color, width, dash, size in styles:
        if s is None or not s.years:
            continue
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": s.name, "x": s.years, "y": round_values(s.values, digits),
            "line": {"color": color, "width": width, "dash": dash},
            "marker": {"color": color, "size": size, "symbol": _symbols(s), "line": {"color": color, "width": 2}},
            "customdata": _hover(s, lang),
            "hovertemplate": f"<b>{s.name}</b> %{{x}}<br>%{{customdata}}<extra></extra>",
            "connectgaps": False,
        })
    synthetic_any = any(any(s.synthetic) for s in (focus, county, country) if s is not None)
    if synthetic_any:
        data.append({"type": "scatter", "mode": "markers", "name": labels["synthetic_legend"], "x": [None], "y": [None],
                     "marker": {"symbol": "circle-open", "size": 9, "color": MUTED, "line": {"width": 2}},
                     "hoverinfo": "skip", "showlegend": True})
    years = sorted({y for s in (focus, county, country, *context) if s is not None for y in s.years})
    values = [v for s in (focus, county, country, *context) if s is not None for v in s.values if v is not None]
    span = (years[-1] - years[0]) if years else 0
    height = 400
    legend, legend_px = top_legend(1)
    layout = base_layout(lang, title, subtitle, footer, height, margin={"l": 10, "r": 20, "b": 40, "t": legend_px})
    layout.update({
        "xaxis": {"tickformat": "d", "gridcolor": GRID, "showgrid": False,
                  "fixedrange": True, "ticks": "outside", "tickcolor": tokens.AXIS, "automargin": True},
        "yaxis": {"title": {"text": axis_title, "font": {"size": tokens.SIZE_FONT_SMALL, "color": MUTED}}, "gridcolor": GRID,
                  "rangemode": "tozero" if values and min(values) >= 0 else "normal", "separatethousands": True,
                  "exponentformat": "none", "fixedrange": True, "zeroline": True, "zerolinecolor": tokens.AXIS,
                  "automargin": True},
        "legend": legend,
        "hovermode": "closest",
    })
    if years and span <= 14:
        # Explicit ticks: every year labelled once (an axis dtick made plotly.js loop forever here).
        layout["xaxis"].update(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    return {"data": data, "layout": layout}



def break_marks(breaks, years) -> tuple[list[dict], list[dict]]:
    """The labelled dotted lines of series breaks ((year, marker label), registry ``series_breaks``)
    between the last year before and the break year, for breaks inside ``years``: (shapes,
    annotations). The one drawing of a break: server figures (:func:`with_breaks`) and the browser's
    explorer (its store carries these, ``dashboard.deliver.explorer``) both use it."""
    years = sorted({int(y) for y in years if y is not None})
    shapes, notes = [], []
    for year, label in breaks or ():
        if years and not (years[0] < year <= years[-1]):
            continue
        shapes.append({"type": "line", "name": "break", "xref": "x", "yref": "paper", "x0": year - 0.5,
                       "x1": year - 0.5, "y0": 0, "y1": 1, "line": {"color": MUTED, "width": 1.5, "dash": "dot"}})
        notes.append({"name": "break", "text": label, "showarrow": False, "xref": "x", "yref": "paper",
                      "x": year - 0.5, "y": 1 - 0.08 * len(notes), "xanchor": "left", "yanchor": "top",
                      "align": "left", "font": {"size": 11, "color": MUTED}, "bgcolor": tokens.LABEL_BG})
    return shapes, notes


def with_breaks(figure: dict, breaks) -> dict:
    """The trend with its series breaks drawn (:func:`break_marks`) for the years its traces show.
    A figure that already carries its breaks (every trend chart does, ``charts._trend``) is returned
    as it is, so its forum-mode font sizes stay."""
    layout = figure.get("layout", {})
    if not breaks or any(sh.get("name") == "break" for sh in layout.get("shapes") or []):
        return figure
    years = [y for tr in figure.get("data", []) for y in (tr.get("x") or [])]
    shapes, notes = break_marks(breaks, years)
    if not shapes:
        return figure
    layout = dict(layout)
    layout["shapes"] = list(layout.get("shapes") or []) + shapes
    layout["annotations"] = list(layout.get("annotations") or []) + notes
    return {**figure, "layout": layout}
