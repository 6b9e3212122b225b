"""One error handler for pages, callbacks and routes.

Callbacks raise; Dash's ``on_error`` (:func:`callback_error`) answers every server callback the
same way: the output whose id ends in ``-notice`` gets :func:`error_notice`, every other output
stays as it is (``create_app`` passes it to ``dash.Dash``). A page is rendered by Dash Pages'
routing callback, so a failed page goes through the same handler: its content becomes
:func:`error_page` (inside the page frame when :mod:`dashboard.deliver.pages.base` catches it, bare
when the layout function itself failed). Each failure is logged once, here. Flask routes get one
handler for :class:`DataUnavailable` (503, "try again later"): :func:`register`, kept small so
another handler (4xx on bad input) can sit beside it.
"""
from __future__ import annotations

import logging
from urllib.parse import parse_qs

import dash
import flask
from dash import dcc, html, no_update

from dashboard.core.i18n import normalise_lang, t
from dashboard.core.state import InvalidState
from dashboard.data.queries import DataUnavailable
from dashboard.deliver.components import db_error_state, notice

log = logging.getLogger(__name__)
#: Dash Pages' routing callback: its output and the location it reads.
PAGES_CONTENT = "_pages_content"
PAGES_LOCATION = "_pages_location"


def _mark_failed() -> None:
    """A failure may be passing (a restart, a lock): its answer is never kept by the HTTP cache."""
    if flask.has_request_context():
        flask.g.tk_failed = True


def request_failed() -> bool:
    """True when this request's answer carries a failure (``dashboard.web.httpcache`` does not keep it)."""
    return flask.has_request_context() and bool(getattr(flask.g, "tk_failed", False))


def error_notice(exc: Exception, lang: str):
    """The notice a user sees for ``exc``: their input, a database outage, or our fault (logged)."""
    if isinstance(exc, InvalidState):
        return notice(t("notice.invalid_input", lang, message=exc.text(lang)), "warning")
    _mark_failed()
    if isinstance(exc, DataUnavailable):
        log.warning("database unavailable in a callback: %s", exc)
        return notice(t("dberror.body", lang), "error")
    log.error("callback failed", exc_info=exc)
    return notice(t("failure.body", lang), "error")


def error_title(exc: Exception, lang: str) -> str:
    """The page title of a failed page."""
    return t("dberror.title" if isinstance(exc, DataUnavailable) else "failure.title", lang)


def error_page(exc: Exception, lang: str, path: str = "") -> html.Section:
    """The content of a page that could not be built: a database outage ("try again when the connection is
    back"), or our fault, in plain Finnish (Swedish, English) with a way on; logged once."""
    _mark_failed()
    if isinstance(exc, DataUnavailable):
        log.warning("database unavailable while rendering %s: %s", path or "a page", exc)
        return db_error_state(lang)
    log.error("rendering %s failed", path or "a page", exc_info=exc)
    return html.Section(
        [html.H1(t("failure.title", lang)), html.P(t("failure.body", lang)), html.P(t("dberror.contact", lang)),
         html.P(dcc.Link(t("nav.overview", lang), href="/"))],
        className="tk-state tk-state--error", role="alert",
    )


def _callback_lang(ctx) -> str:
    """The view's language: the page's store, or ``kieli`` in the address of a page being routed."""
    meta = ctx.states.get("page-meta.data") or ctx.inputs.get("page-meta.data")
    if isinstance(meta, dict) and isinstance(meta.get("lang"), str):
        return normalise_lang(meta["lang"])
    search = ctx.inputs.get(f"{PAGES_LOCATION}.search") or ctx.states.get(f"{PAGES_LOCATION}.search")
    query = parse_qs(search.lstrip("?")) if isinstance(search, str) else {}
    return normalise_lang((query.get("kieli") or [None])[0])


def callback_error(exc: Exception):
    """Dash ``on_error``: the callback's outputs, matched by id — a notice, everything else kept."""
    ctx = dash.callback_context
    lang = _callback_lang(ctx)
    outputs = ctx.outputs_list if isinstance(ctx.outputs_list, list) else [ctx.outputs_list]
    if any(o.get("id") == PAGES_CONTENT for o in outputs):  # a page's layout function failed
        path = ctx.inputs.get(f"{PAGES_LOCATION}.pathname") or ""
        values = [error_page(exc, lang, path) if o.get("id") == PAGES_CONTENT else no_update for o in outputs]
    else:
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
