"""What a request needs from the running app: registry, database engine, geometry folder.

The context is stored on the Flask app (``server.extensions``), not in module globals, so several
apps (tests: an empty and a loaded database) can live in one process, and Dash page layouts, which
are registered process-wide, find the right database through ``flask.current_app``.

Database state is never cached as "broken": every request asks again, so the dashboard recovers by
itself when the database comes back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

EXTENSION_KEY = "tilannekuva"


@dataclass
class DbStatus:
    reachable: bool
    schema_current: bool = False
    observations: int = 0
    latest_load: dict | None = None
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.reachable and self.schema_current and self.observations > 0


@dataclass
class AppContext:
    registry: object
    engine: Engine
    geo_dir: Path
    _schema_ok: bool = field(default=False, repr=False)
    _geo: object = field(default=None, repr=False)

    @property
    def geo(self):
        """The geometry files of the county profile (:class:`dashboard.data.geo.GeoStore`)."""
        if self._geo is None:
            from dashboard.data.geo import GeoStore

            self._geo = GeoStore(self.geo_dir, self.registry)
        return self._geo

    # The geometry prepared by the pipeline lives in <geo_dir>/build.
    @property
    def geo_build(self) -> Path:
        return self.geo_dir / "build"

    def status(self) -> DbStatus:
        """Reachability, schema and content of the database, asked afresh (cheap queries)."""
        from dashboard.data import queries
        from data_pipeline.db.migrate import is_current

        try:
            queries.ping(self.engine)
        except queries.DataUnavailable as exc:
            return DbStatus(reachable=False, error=str(exc))
        if not self._schema_ok:
            # Only a positive answer is remembered: a later migration makes the schema current.
            self._schema_ok = is_current(self.engine)
        if not self._schema_ok:
            return DbStatus(reachable=True, schema_current=False)
        try:
            return DbStatus(
                reachable=True,
                schema_current=True,
                observations=queries.observation_count(self.engine),
                latest_load=queries.latest_load(self.engine),
            )
        except queries.DataUnavailable as exc:
            return DbStatus(reachable=False, error=str(exc))

    def years_for(self, indicator: str | None) -> list[int]:
        """The years a view of the indicator offers (URL checks and callbacks ask the same thing)."""
        from dashboard.data import model

        if indicator is None:
            return []
        return model.selectable_years(self.engine, self.registry, indicator)


def install(server, ctx: AppContext) -> None:
    server.extensions[EXTENSION_KEY] = ctx


def current_context(registry=None, engine=None) -> AppContext:
    """The running app's context; outside a request a default one from settings.

    Explicit ``registry`` / ``engine`` arguments override what the app holds.
    """
    ctx = None
    try:
        from flask import current_app

        ctx = current_app.extensions.get(EXTENSION_KEY)
    except RuntimeError:  # no application context
        ctx = None
    if ctx is None:
        ctx = default_context()
    same = (registry is None or registry is ctx.registry) and (engine is None or engine is ctx.engine)
    if not same:
        ctx = AppContext(registry=registry or ctx.registry, engine=engine or ctx.engine, geo_dir=ctx.geo_dir)
    return ctx


def default_context() -> AppContext:
    from data_pipeline.db.engine import get_engine
    from data_pipeline.registry import load_registry
    from data_pipeline.settings import get_settings

    settings = get_settings()
    return AppContext(registry=load_registry(), engine=get_engine(), geo_dir=Path(settings.geo_dir))


def iso_date(value) -> str | None:
    """ISO date of a datetime or ISO string from the database (SQLite returns strings or naive values)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    text = str(value)
    return text[:10] if len(text) >= 10 else text
