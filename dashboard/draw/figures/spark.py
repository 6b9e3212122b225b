"""Sparklines of the overview: a headline indicator's recent years, the county against the country.

A static plotly figure (no axes, no hover, ``staticPlot``): the words and values next to it carry
the information; the sparkline shows the shape at a glance. The county line is dark and solid,
the country line grey and dashed (never colour alone), the latest county value is a dot.
"""
from __future__ import annotations

from dashboard.core.tokens import TRANSPARENT
from dashboard.draw.figures.common import COUNTRY, COUNTY, round_values

#: How many recent years a sparkline shows.
SPARK_YEARS = 10
WIDTH, HEIGHT = 132, 36


def sparkline_figure(years: list[int], county: list, country: list, digits: int = 3) -> dict:
    """``county`` / ``country``: values aligned with ``years`` (None for a gap)."""
    data = []
    if any(v is not None for v in country):
        data.append({"type": "scatter", "mode": "lines", "x": years, "y": round_values(country, digits),
                     "line": {"color": COUNTRY, "width": 1.5, "dash": "dot"}, "connectgaps": False,
                     "hoverinfo": "skip", "showlegend": False})
    data.append({"type": "scatter", "mode": "lines", "x": years, "y": round_values(county, digits),
                 "line": {"color": COUNTY, "width": 2}, "connectgaps": False, "hoverinfo": "skip",
                 "showlegend": False})
    last = max((i for i, v in enumerate(county) if v is not None), default=None)
    if last is not None:
        data.append({"type": "scatter", "mode": "markers", "x": [years[last]], "y": round_values([county[last]], digits),
                     "marker": {"color": COUNTY, "size": 5}, "hoverinfo": "skip", "showlegend": False})
    axis = {"visible": False, "fixedrange": True}
    return {
        "data": data,
        "layout": {
            "width": WIDTH, "height": HEIGHT, "margin": {"l": 3, "r": 4, "t": 4, "b": 4},
            "paper_bgcolor": TRANSPARENT, "plot_bgcolor": TRANSPARENT, "showlegend": False,
            "xaxis": {**axis, "range": [years[0] - 0.3, years[-1] + 0.3] if years else None},
            "yaxis": axis, "hovermode": False,
        },
    }


SPARK_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": False}
