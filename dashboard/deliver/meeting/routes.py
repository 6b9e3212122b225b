"""HTTP routes of the meeting package: the PDF pre-read of a sequence and of a single view.

``/kokous/<name>.pdf`` — the sequence; ``/pdf/<page path>?<view query>`` — one view (``/pdf/`` is
the overview / board). Bad input answers 400 with a Finnish sentence, a database outage 503; a
PDF is CPU work, so the routes are rate limited per client.
"""
from __future__ import annotations

import logging

from flask import Response, request

from dashboard.core.i18n import t
from dashboard.core.ratelimit import limiter
from dashboard.core.state import InvalidState
from dashboard.data.context import current_context
from dashboard.deliver.meeting import pdf, sequence
from dashboard.draw.charts import DataUnavailable

log = logging.getLogger(__name__)
LIMIT = "20/minute"


def _text(message: str, status: int) -> Response:
    resp = Response(message + "\n", status=status, mimetype="text/plain")
    resp.headers["Content-Type"] = "text/plain; charset=utf-8"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _pdf(build, filename: str) -> Response:
    try:
        body = build()
    except sequence.SequenceError as exc:
        return _text(str(exc), 404 if "ei löydy" in str(exc) else 400)
    except InvalidState as exc:
        return _text(exc.message, 400)
    except DataUnavailable:
        log.warning("PDF: database unavailable", exc_info=True)
        return _text(t("export.errors.data_unavailable", "fi"), 503)
    resp = Response(body, status=200, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, max-age=60"
    return resp


def register(server) -> None:
    @limiter.limit(LIMIT)
    def sequence_pdf(slug: str):
        def build():
            seq = sequence.default_store().load(slug, current_context().registry)
            return pdf.render_pdf(seq, request.host_url)

        return _pdf(build, f"{slug}-ennakkomateriaali.pdf")

    @limiter.limit(LIMIT)
    def view_pdf(path: str = ""):
        def build():
            registry = current_context().registry
            target = "/" + path + ("?" + request.query_string.decode("utf-8", "replace") if request.query_string else "")
            state = sequence.parse_view_url(target, registry)
            page_path = sequence.view_path(registry, state)
            seq = pdf.view_sequence(state, page_path, _view_title(registry, state))
            return pdf.render_pdf(seq, request.host_url)

        return _pdf(build, "tilannekuva-nakyma.pdf")

    server.add_url_rule("/kokous/<slug>.pdf", "meeting_pdf", sequence_pdf, methods=["GET"])
    server.add_url_rule("/pdf/", "view_pdf_root", view_pdf, methods=["GET"])
    server.add_url_rule("/pdf/<path:path>", "view_pdf", view_pdf, methods=["GET"])


def _view_title(registry, state) -> str:
    lang = state.lang
    if state.indicator and state.indicator in registry.indicators:
        return registry.indicators[state.indicator].title.get(lang)
    for area in registry.agreement.areas:
        if area.key == state.page:
            return area.short.get(lang)
    return t("meeting.board.title", lang, county=registry.county.name.get(lang))
