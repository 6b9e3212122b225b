"""Download routes and the per-chart download menu.

``GET /vienti/<kind>.<fmt>?<view state>&koko=dia|nelio|linkki|a4`` returns the chart ``kind`` for
the view state in the query string as PNG, SVG, PDF, CSV (with its CSVW description
``<kind>.csv-metadata.json``, linked by the CSV's ``Link: rel="describedby"`` header) or XLSX, as an
attachment named ``<filename_stem>[-dia|-neliö|-linkki|-a4].<ext>``. Every input is whitelisted before any work: the chart kind
and format, the size, the set of query parameters, and the view state itself through
``dashboard.core.state.validate_state`` (strict). Bad input → 400 with a Finnish message, never 500;
a failing or busy image renderer → 503 with ``Retry-After``. The menu is a ``<details>`` list of
plain links, so it works without JavaScript and under a strict CSP.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlencode

from dash import html
from flask import Response, request

from dashboard.core import state as state_module
from dashboard.core.format import slug
from dashboard.core.i18n import normalise_lang, t
from dashboard.core.state import InvalidState
from dashboard.data.context import current_context
from dashboard.deliver import export
from dashboard.draw import charts
from dashboard.draw.charts import DataUnavailable

log = logging.getLogger(__name__)

ROUTE_PREFIX = "/vienti"
FORMATS = tuple(export.FORMATS)
#: URL value of ``koko`` → preset name (the ASCII spelling is what links use)
PRESET_PARAM = "koko"
PRESET_VALUES = {**{p.param: name for name, p in export.PRESETS.items()}, **{name: name for name in export.PRESETS},
                 "neliö": "square"}
#: Query parameters the view state may use (Finnish and English names), plus the size.
STATE_PARAMS = frozenset(
    {"sivu", "page", "indikaattori", "indicator", "vuosi", "year", "kunta", "municipality",
     "kartta", "map_mode", "kieli", "lang", "esitys", "forum", "tilanne", "as_of", "vertailu", "comparison",
     "jako", "breakdown"}
)
MAX_PARAM_LENGTH = 80
_KIND_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")

MENU = export.MENU


class BadRequest(ValueError):
    """Rejected input; ``message`` is Finnish and safe to show."""


# --- helpers ----------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 5987)."""
    stem, dot, ext = filename.rpartition(".")
    ascii_name = (slug(stem) or "tilannekuva") + (dot + slug(ext) if dot else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _shown(value) -> str:
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= 40 else text[:39] + "…"


def _state_params(state) -> dict[str, str]:
    """The view state as URL parameters (the page too, so an area's indicator validates)."""
    params = dict(state.query()) if hasattr(state, "query") else {}
    page = getattr(state, "page", None)
    if page and page != "overview":
        params = {"sivu": page, **params}
    return params


def download_links(kind: str, state) -> list[dict]:
    """Label and href of each download for ``kind`` in ``state`` (for a callback to refresh hrefs)."""
    lang = normalise_lang(getattr(state, "lang", "fi"))
    base = _state_params(state)
    links = []
    for key, label, fmt, size in MENU:
        params = {**base, PRESET_PARAM: size} if size else base
        query = urlencode(params)
        links.append({
            "key": key,
            "label": t(label, lang),
            "format": fmt,
            "href": f"{ROUTE_PREFIX}/{kind}.{fmt}" + (f"?{query}" if query else ""),
        })
    return links


def download_menu(chart_id: str, kind: str, state):
    """A per-chart "Lataa" menu: ``<details>`` with links (works without JS and under CSP).

    Link ids are ``<chart_id>-vienti-<key>`` (keys: ``export.MENU``: png-dia, png-nelio, png-linkki, svg, pdf-a4, csv, csvw, xlsx) so a
    callback can update their ``href`` from :func:`download_links` when the state changes.
    """
    lang = normalise_lang(getattr(state, "lang", "fi"))
    items = [
        html.Li(
            html.A(
                link["label"],
                href=link["href"],
                download="",
                id=f"{chart_id}-vienti-{link['key']}",
                className="export-menu__link",
                **{"data-format": link["format"]},
            ),
            className="export-menu__item",
        )
        for link in download_links(kind, state)
    ]
    from dashboard.deliver.api.embed import menu_item

    items.append(menu_item(chart_id, kind, state))  # "Upota": the iframe code and a PNG fallback
    return html.Details(
        [
            html.Summary(
                [
                    html.Span("⤓", className="export-menu__icon", **{"aria-hidden": "true"}),
                    html.Span(t("export.menu.summary", lang), className="export-menu__summary-text"),
                ],
                className="export-menu__summary",
                title=t("export.menu.label", lang),
                id=f"{chart_id}-vienti-open",  # an opened menu asks for the view's embed code (alttext_panel)
            ),
            html.Ul(items, className="export-menu__list", **{"aria-label": t("export.menu.label", lang)}),
        ],
        id=f"{chart_id}-vienti",
        className="export-menu",
    )


# --- the route --------------------------------------------------------------------------------


def parse_request(name: str, args, lang: str = "fi") -> tuple[str, str, str, dict]:
    """Split and whitelist ``<kind>.<fmt>`` and the query; returns (kind, fmt, preset, state params)."""
    suffix = next((f for f in sorted(FORMATS, key=len, reverse=True) if name.endswith("." + f)), None)
    kind, dot, fmt = (name[: -len(suffix) - 1], ".", suffix) if suffix else name.rpartition(".")
    if not dot or not _KIND_RE.match(kind):
        raise BadRequest(t("export.errors.bad_kind", lang, value=_shown(name)))
    if fmt not in FORMATS:
        raise BadRequest(t("export.errors.bad_format", lang, value=_shown(fmt)))
    params = args.to_dict(flat=False) if hasattr(args, "to_dict") else {k: [v] for k, v in dict(args).items()}
    for key, values in params.items():
        if key != PRESET_PARAM and key not in STATE_PARAMS:
            raise BadRequest(t("export.errors.bad_parameter", lang, value=_shown(key)))
        if any(len(v) > MAX_PARAM_LENGTH for v in values):
            raise BadRequest(t("export.errors.bad_parameter", lang, value=_shown(key)))
    size = params.pop(PRESET_PARAM, ["dia"])
    if len(size) != 1 or size[0].strip().lower() not in PRESET_VALUES:
        raise BadRequest(t("export.errors.bad_preset", lang, value=_shown(size[0] if size else "")))
    return kind, fmt, PRESET_VALUES[size[0].strip().lower()], params


def _invalid_state_text(exc, lang: str = "fi") -> str:
    try:
        return exc.text(lang)
    except Exception:  # noqa: BLE001 - a missing catalogue key must not turn a 400 into a 500
        return t("export.errors.bad_parameter", lang, value=_shown(getattr(exc, "field", "")))


def _sibling_url(kind: str, fmt: str) -> str:
    """The URL of the same view's download in another format (the request's own query kept)."""
    query = request.query_string.decode("ascii", "replace")
    return f"{ROUTE_PREFIX}/{kind}.{fmt}" + (f"?{query}" if query else "")


def register_export_routes(server, *, build_chart=None, validate_state=None) -> None:
    """Add ``/vienti/<kind>.<fmt>`` to the Flask ``server``.

    ``build_chart`` / ``validate_state`` default to ``dashboard.draw.charts.build_chart`` and
    ``dashboard.core.state.validate_state`` (tests may pass stand-ins).
    Nothing heavy happens here: the image renderer starts on the first image request.
    """
    def text_response(message: str, status: int, **headers) -> Response:
        resp = Response(message + "\n", status=status, mimetype="text/plain")
        resp.headers["Content-Type"] = "text/plain; charset=utf-8"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Cache-Control"] = "no-store"
        for k, v in headers.items():
            resp.headers[k.replace("_", "-")] = v
        return resp

    def export_view(name: str):
        build = build_chart or charts.build_chart
        known = charts.KINDS if build_chart is None else None  # a stand-in builder knows its own kinds
        validate = validate_state or state_module.validate_state
        # Errors speak the language the view asked for (``kieli``), before anything is validated.
        lang = normalise_lang(request.args.get("kieli"))
        try:
            kind, fmt, preset, params = parse_request(name, request.args, lang)
            if known is not None and kind not in known:
                raise BadRequest(t("export.errors.bad_kind", lang, value=_shown(kind)))
            state = validate(params, current_context())
            chart = build(kind, state)
            if fmt == export.CSVW:  # the sidecar names the CSV of exactly this view
                body = export.csv_metadata(chart, lang, csv_url=_sibling_url(kind, "csv"))
            else:
                body = export.FORMATS[fmt].write(chart, preset, lang)
        except BadRequest as exc:
            return text_response(str(exc), 400)
        except InvalidState as exc:
            return text_response(_invalid_state_text(exc, lang), 400)
        except export.ExportUnavailable:
            return text_response(t("export.errors.unavailable", lang), 503, Retry_After="30")
        except DataUnavailable:
            raise  # the one handler: dashboard.deliver.errors (503, try again later)
        except export.ExportError:
            return text_response(t("export.errors.no_figure", lang), 400)
        except (LookupError, ValueError, TypeError):
            log.info("export of %r rejected", name, exc_info=True)
            return text_response(t("export.errors.build_failed", lang), 400)
        except Exception:
            log.exception("export of %r failed", name)
            return text_response(t("export.errors.internal", lang), 500)
        filename = export.export_filename(chart.filename_stem, fmt, preset if fmt in export.IMAGE_FORMATS else None)
        resp = Response(body, status=200, mimetype=export.MIME[fmt].split(";")[0])
        resp.headers["Content-Type"] = export.MIME[fmt]
        resp.headers["Content-Disposition"] = content_disposition(filename)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Cache-Control"] = "private, max-age=300"
        if fmt == "csv":  # the CSVW description of this CSV (dashboard.deliver.export.csv_metadata)
            resp.headers["Link"] = f'<{_sibling_url(kind, export.CSVW)}>; rel="describedby"; type="application/csvm+json"'
        return resp

    server.add_url_rule(f"{ROUTE_PREFIX}/<path:name>", "vienti", export_view, methods=["GET"])
