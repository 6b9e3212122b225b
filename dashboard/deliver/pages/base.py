"""What every page layout does before drawing: parse and validate the URL, check the database,
and turn failures into readable states (empty database, unreachable database, unexpected error),
never a traceback. Page modules only write the ``build`` part.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from dash import html

from dashboard.core.i18n import t
from dashboard.core.pin import pinned
from dashboard.core.state import parse_view
from dashboard.data.context import current_context
from dashboard.deliver import errors
from dashboard.deliver.components import db_error_state, empty_state, frame, invalid_notices

log = logging.getLogger(__name__)

#: Query parameters Dash Pages passes to layouts that are not view parameters.
_NOT_VIEW = {"_popstate"}


@dataclass
class Built:
    content: object
    title: str
    view: dict = field(default_factory=dict)
    synthetic: bool = False


def render(*, page: str, path: str, active: str, query: dict, build, needs_data: bool = True,
           default_title_key: str = "nav.overview") -> html.Div:
    """Parse ``query`` for ``page``, check the database and call ``build(ctx, state, parsed)``."""
    ctx = current_context()
    registry = ctx.registry
    params = {k: v for k, v in query.items() if k not in _NOT_VIEW}
    parsed = parse_view(params, registry, page=page, years_for=ctx.years_for)
    state = parsed.state
    lang = state.lang
    notices = invalid_notices(parsed.problems, lang)
    title = t(default_title_key, lang)
    if not needs_data:
        # Pages that work without the database (statement, sources) handle its state themselves.
        return _built_frame(registry, state, active, path, title, build, parsed, notices)
    status = ctx.status()
    if not status.reachable:
        return frame(registry, state, active=active, path=path, title=t("dberror.title", lang),
                     content=db_error_state(lang), notices=notices)
    if needs_data and not status.schema_current:
        return frame(registry, state, active=active, path=path, title=t("empty.schema_title", lang),
                     content=empty_state(lang, schema=True), notices=notices)
    if needs_data and status.observations == 0:
        return frame(registry, state, active=active, path=path, title=t("empty.title", lang),
                     content=empty_state(lang), notices=notices)
    return _built_frame(registry, state, active, path, title, build, parsed, notices)


def _built_frame(registry, state, active, path, title, build, parsed, notices):
    lang = state.lang
    ctx = current_context()
    try:
        with pinned(state.as_of):  # a pinned view (?tilanne=) reads the values of its moment
            built = build(ctx, state, parsed)
    except Exception as exc:  # noqa: BLE001 - the one handler (dashboard.deliver.errors) words and logs it; the frame stays
        return frame(registry, state, active=active, path=path, title=errors.error_title(exc, lang),
                     content=errors.error_page(exc, lang, path), notices=notices)
    return frame(registry, state, active=active, path=path, title=built.title, content=built.content,
                 view=built.view, synthetic=built.synthetic, notices=notices)
