"""Dash Pages of the dashboard, registered from the app factory (not discovered from a folder), so
the area pages are generated from the agreement registry and the same page functions serve every
app in the process (the app's database is found through ``flask.current_app``).

Paths: ``/`` etusivu, ``/<area slug>`` per priority area, ``/kuntaprofiili``, ``/indikaattori/<key>``,
``/tietolahteet``, ``/saavutettavuus``.
"""
from __future__ import annotations

from dashboard.deliver.pages import area, groups, indicator, misc, overview, profile


def register_pages(registry) -> None:
    overview.register(registry)
    area.register(registry)
    profile.register(registry)
    indicator.register(registry)
    misc.register(registry)
    from dashboard.deliver.meeting import player

    player.register(registry)
    groups.register(registry)


def register_callbacks(app) -> None:
    area.register_callbacks(app)
    profile.register_callbacks(app)
