"""One error handler for pages, callbacks and routes.

Callbacks raise; Dash's ``on_error`` (:func:`callback_error`) answers every server callback the
same way: the output whose id ends in ``-notice`` gets :func:`error_notice`, every other output
stays as it is (``create_app`` passes it to ``dash.Dash``). Flask routes get one handler for
:class:`DataUnavailable` (503, "try again later"): :func:`register`, kept small so another
handler (4xx on bad input) can sit beside it.
"""
from __future__ import annotations

import logging

import dash
import flask
from dash import no_update

from dashboard.core.i18n import normalise_lang, t
from dashboard.core.state import InvalidState
from dashboard.data.queries import DataUnavailable
from dashboard.deliver.components import notice

log = logging.getLogger(__name__)


def error_notice(exc: Exception, lang: str):
    """The notice a user sees for ``exc``: their input, a database outage, or our fault (logged)."""
    if isinstance(exc, InvalidState):
        return notice(t("notice.invalid_input", lang, message=exc.text(lang)), "warning")
    if isinstance(exc, DataUnavailable):
        log.warning("database unavailable in a callback: %s", exc)
        return notice(t("dberror.body", lang), "error")
    log.error("callback failed", exc_info=exc)
    return notice(t("dberror.contact", lang), "error")


def callback_error(exc: Exception):
    """Dash ``on_error``: the callback's outputs, matched by id — a notice, everything else kept."""
    ctx = dash.callback_context
    meta = ctx.states.get("page-meta.data") or ctx.inputs.get("page-meta.data")
    lang = normalise_lang(meta.get("lang") if isinstance(meta, dict) and isinstance(meta.get("lang"), str) else None)
    outputs = ctx.outputs_list if isinstance(ctx.outputs_list, list) else [ctx.outputs_list]
    values = [error_notice(exc, lang) if str(o.get("id", "")).endswith("-notice") else no_update for o in outputs]
    return values if isinstance(ctx.outputs_list, list) else values[0]


def register(server) -> None:
    """The Flask handler: a database outage anywhere in a route is 503 "try again later" in the
    request's language (``kieli``), never a stack trace. (Dash callbacks: ``on_error=callback_error``.)"""

    def unavailable(exc: DataUnavailable):
        log.warning("database unavailable: %s", exc)
        lang = normalise_lang(flask.request.args.get("kieli"))
        return (t("export.errors.data_unavailable", lang) + "\n", 503,
                {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "30", "Cache-Control": "no-store"})

    server.register_error_handler(DataUnavailable, unavailable)
