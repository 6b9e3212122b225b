"""Sparklines as server-made SVG: a few hundred bytes of markup instead of a plotly chart.

The overview and the situation board show a small trend line per goal or headline indicator: a
recent stretch of years, the county against the country. No axes and no hover: the words and
values beside it carry the information, the line shows the shape at a glance. The county line is
dark and solid, the country line grey and dotted (never colour alone), the latest county value is
a dot. Drawn here as static SVG (an ``<img>`` with a data URI, allowed by the CSP's
``img-src data:``) it costs the browser no script at all, so the pages that show only sparklines
load no plotly.js; the PDF pre-read embeds the very same picture.
"""
from __future__ import annotations

import base64
from html import escape

from dashboard.draw.figures.common import COUNTRY, COUNTY, round_values

#: How many recent years a sparkline shows.
SPARK_YEARS = 10
#: The overview's sparkline; the board's is a little narrower.
WIDTH, HEIGHT = 132, 36
BOARD_WIDTH = 120


def _points(years: list[int], values: list, lo: float, hi: float, width: int, height: int, pad: float):
    span_x = (years[-1] - years[0]) or 1
    span_y = (hi - lo) or 1.0
    runs, run = [], []
    for y, v in zip(years, values):
        if v is None:
            if run:
                runs.append(run)
            run = []
            continue
        x = pad + (y - years[0]) / span_x * (width - 2 * pad)
        yy = height - pad - (v - lo) / span_y * (height - 2 * pad)
        run.append((round(x, 1), round(yy, 1)))
    if run:
        runs.append(run)
    return runs


def spark_svg(years: list[int], county: list, country: list | None = None, *, width: int = BOARD_WIDTH,
              height: int = HEIGHT, title: str = "") -> str:
    """The county's line (solid), the country's (dotted) and a dot on the latest county value."""
    country = country or [None] * len(years)
    county, country = round_values(county, 6), round_values(country, 6)
    values = [v for v in [*county, *country] if v is not None]
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
              f'viewBox="0 0 {width} {height}" role="img">')]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if values and len(years) > 1:
        lo, hi = min(values), max(values)
        pad = 3.5
        for series, color, extra in ((country, COUNTRY, ' stroke-dasharray="2 2" stroke-width="1.5"'),
                                     (county, COUNTY, ' stroke-width="2"')):
            for run in _points(years, series, lo, hi, width, height, pad):
                if len(run) == 1:
                    continue
                pts = " ".join(f"{x},{y}" for x, y in run)
                parts.append(f'<polyline fill="none" stroke="{color}"{extra} stroke-linejoin="round" points="{pts}"/>')
        last = _points(years, county, lo, hi, width, height, pad)
        if last:
            x, y = last[-1][-1]
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{COUNTY}"/>')
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
