"""Views for manual status measures: the preparedness-agreement status map and the grid of
safety situational-picture rounds (municipality × half-year).

Colours are the Okabe–Ito set (distinguishable with the common colour-vision deficiencies), and
every cell or area also carries the status in words and a symbol — colour is never the only cue.
"""
from __future__ import annotations

from dashboard.core import tokens
from dashboard.core.tokens import AGREEMENT_COLORS, ROUND_COLORS
from dashboard.draw.figures.common import MUTED, base_layout
from dashboard.judge.classify import text_color

#: varautumissopimukset: status code -> colour (done: blues/green, in progress: yellow/orange,
#: not started / expired: vermillion / purple, not needed: grey).
NO_ENTRY_COLOR = tokens.BG

#: turvallisuuskuva: status code -> (symbol, colour).
ROUND_SYMBOLS = {"submitted": "✓", "submitted_late": "✓", "requested": "…", "not_submitted": "✗",
                 "not_requested": "–", "not_applicable": "○"}
ROUND_STYLE = {code: (symbol, ROUND_COLORS[code]) for code, symbol in ROUND_SYMBOLS.items()}


def status_color(code: str | None) -> str:
    return AGREEMENT_COLORS.get(code or "", NO_ENTRY_COLOR)


def rounds_figure(*, periods: list[str], rows, status_label, lang: str, title: str, subtitle: str, footer: str,
                  no_entry: str) -> dict:
    """Municipality × half-year grid as a scatter of square markers with the status written in."""
    xs, ys, colors, texts, hover = [], [], [], [], []
    names = [name for _, name, _ in rows]
    for _code, name, cells in rows:
        for p in periods:
            cell = cells.get(p)
            code = cell.status if cell else None
            symbol, color = ROUND_STYLE.get(code or "", ("", tokens.BG))
            label = status_label(code) if code else no_entry
            xs.append(p)
            ys.append(name)
            colors.append(color)
            texts.append(f"{symbol} {label}".strip() + (" *" if cell and cell.synthetic else ""))
            hover.append([name, p, label])
    width_per = 130
    data = [{
        "type": "scatter", "mode": "markers+text", "x": xs, "y": ys, "name": "",
        "marker": {"symbol": "square", "size": 34, "color": colors, "line": {"color": tokens.BORDER_STRONG, "width": 1}},
        "text": texts, "textposition": "middle center",
        "textfont": {"size": tokens.SIZE_FONT_TINY, "color": [text_color(c) for c in colors]},
        "customdata": hover, "hovertemplate": "<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        "showlegend": False,
    }]
    layout = base_layout(lang, title, subtitle, footer, 120 + 40 * max(len(names), 1),
                         margin={"l": 10, "r": 10, "b": 56}, self_contained=True)
    layout.update({
        "xaxis": {"type": "category", "side": "top", "fixedrange": True, "showgrid": False, "tickfont": {"size": tokens.SIZE_FONT_SMALL}},
        "yaxis": {"type": "category", "autorange": "reversed", "fixedrange": True, "showgrid": False,
                  "automargin": True, "tickfont": {"size": tokens.SIZE_FONT_SMALL}},
        "width": max(520, 180 + width_per * len(periods)),
        "showlegend": False,
    })
    layout["font"]["color"] = layout["font"].get("color", MUTED)
    return {"data": data, "layout": layout}
