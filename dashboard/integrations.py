"""Goal evaluation, gauges and exports come from modules written alongside this one
(``dashboard.goals``, ``dashboard.gauges``, ``dashboard.export``, ``dashboard.export_routes``).
They are imported lazily, and a page degrades to a plain placeholder if one is missing or fails,
so the dashboard never breaks because an optional part is absent.
"""
from __future__ import annotations

import logging

from dash import html

from dashboard.i18n import t

log = logging.getLogger(__name__)


def graph_config(chart, lang: str) -> dict:
    """dcc.Graph config: local topojson, no plotly logo, modebar PNG and SVG with the Finnish file name."""
    try:
        from dashboard.export import graph_config as export_config

        config = dict(export_config(chart, lang))
    except Exception:  # noqa: BLE001 - fall back to a safe local config
        config = {
            "displaylogo": False,
            "locale": lang,
            "toImageButtonOptions": {"format": "png", "filename": chart.filename_stem, "scale": 2},
        }
    config["topojsonURL"] = "/assets/topo/"
    config.setdefault("displaylogo", False)
    config["scrollZoom"] = False
    # The modebar's buttons (assets bundle: dashboard/bundle/modebar.js) download the same dressed
    # PNG and SVG as the chart's "Lataa" menu: title, unit, source and date, Finnish file name.
    config["displayModeBar"] = "hover"
    return config


def download_menu(chart_id: str, kind: str, state):
    """The per-chart download menu, or a small hint when the export module is not available."""
    try:
        from dashboard.export_routes import download_menu as menu

        return menu(chart_id, kind, state)
    except Exception:  # noqa: BLE001
        log.debug("download menu unavailable", exc_info=True)
        return html.Span(t("placeholder.download_hint", state.lang), className="tk-hint")


def _evaluated(engine, registry, lang: str, area: str | None) -> list:
    """Goal statuses, evaluated once per data version and day (pages ask on every render)."""
    from datetime import date

    from dashboard import model, queries
    from dashboard.meeting.goals_at import evaluate_goals

    today = date.today()
    # registry_key carries the pinned moment; evaluate_goals reads the values of that moment.
    return queries.memo(engine, "goals", (model.registry_key(registry), lang, area, today),
                        lambda: evaluate_goals(engine, registry, lang, area=area, today=today))


def download_links(kind: str, state) -> list[dict]:
    """Label and href of each download of ``kind`` (empty when the export module is not available)."""
    try:
        from dashboard.export_routes import download_links as links

        return links(kind, state)
    except Exception:  # noqa: BLE001
        log.debug("download links unavailable", exc_info=True)
        return []


def goal_section(engine, registry, lang: str, area: str | None):
    """The goal gauges of an area (or all), or a placeholder."""
    try:
        from dashboard.gauges import goal_gauges

        return goal_gauges(_evaluated(engine, registry, lang, area), lang)
    except Exception:  # noqa: BLE001
        log.warning("goal gauges unavailable", exc_info=True)
        return html.P(t("placeholder.gauges", lang), className="tk-hint")


def goal_statuses(engine, registry, lang: str, area: str | None) -> list:
    try:
        return _evaluated(engine, registry, lang, area)
    except Exception:  # noqa: BLE001
        log.warning("goal evaluation unavailable", exc_info=True)
        return []


def register_export_routes(server) -> bool:
    try:
        from dashboard.export_routes import register_export_routes as register
    except Exception:  # noqa: BLE001
        log.warning("export routes unavailable", exc_info=True)
        return False
    register(server)
    return True
