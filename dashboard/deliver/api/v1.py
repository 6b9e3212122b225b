"""``/api/v1/``: the read-only open data API (JSON and CSV, bulk zip and Parquet, OpenAPI).

Views only validate parameters and shape what :mod:`dashboard.deliver.api.data` returns. Parameters are
checked with the validators of :mod:`dashboard.core.state` (the same whitelists as the pages); anything
else is a 400 with a JSON body that says what and where in Finnish, Swedish and English. Every
response carries the licence (JSON field, or ``Link: rel="license"`` and ``X-Attribution``
headers for CSV and files), an ETag made of the data version and the request, and
``Cache-Control``; a matching ``If-None-Match`` answers 304 before any data is read. The whole
blueprint is rate-limited through the server's one limiter (``dashboard.core.ratelimit``).

A v2 gets its own module and blueprint under ``/api/v2``; v1 stays as it is.
"""
from __future__ import annotations

import hashlib
import logging
import os

from flask import Blueprint, Response, current_app, jsonify, request

from dashboard.core.i18n import LANGS, t
from dashboard.core.ratelimit import limiter
from dashboard.core.state import InvalidState, check_indicator, check_region, check_year
from dashboard.data import queries
from dashboard.data.context import current_context
from dashboard.deliver.api import data
from dashboard.deliver.api.openapi import spec

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
#: Default rate limit per client address (``TILANNEKUVA_API_RATE_LIMIT`` overrides it).
DEFAULT_RATE_LIMIT = "120/minute"
CACHE_CONTROL = "public, max-age=300"
MAX_PARAM_LENGTH = 400
MAX_VALUES = 60

bp = Blueprint("api_v1", __name__, url_prefix=PREFIX)


def rate_limit() -> str:
    return current_app.config.get("TILANNEKUVA_API_RATE_LIMIT") or DEFAULT_RATE_LIMIT


limiter.limit(rate_limit)(bp)


class ApiError(Exception):
    """A client error: HTTP ``status`` and an ``api.errors.*`` / ``errors.*`` message."""

    def __init__(self, status: int, parameter: str | None, texts: dict[str, str]) -> None:
        super().__init__(texts["fi"])
        self.status, self.parameter, self.texts = status, parameter, texts

    @classmethod
    def of(cls, status: int, parameter: str | None, key: str, **values) -> ApiError:
        return cls(status, parameter, {lang: t(key, lang, **values) for lang in LANGS})

    @classmethod
    def from_state(cls, parameter: str, exc: InvalidState) -> ApiError:
        return cls(400, parameter, {lang: exc.text(lang) for lang in LANGS})


def _error_response(err: ApiError) -> Response:
    body = {"error": {"status": err.status, "parameter": err.parameter, "message": err.texts["fi"],
                      "messages": err.texts}}
    resp = jsonify(body)
    resp.status_code = err.status
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.errorhandler(ApiError)
def _api_error(err: ApiError):
    return _error_response(err)


@bp.errorhandler(429)
def _rate_limited(exc):
    resp = _error_response(ApiError.of(429, None, "api.errors.rate_limited", limit=str(exc.description)))
    resp.headers["Retry-After"] = "60"
    return resp


@bp.errorhandler(queries.DataUnavailable)
def _database_down(exc):
    log.warning("API: database unavailable: %s", type(exc).__name__)
    resp = _error_response(ApiError.of(503, None, "api.errors.unavailable"))
    resp.headers["Retry-After"] = "30"
    return resp


@bp.after_request
def _open_data_headers(resp: Response) -> Response:
    # Open data: any site may read it from a browser (read-only, no cookies needed).
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers.setdefault("Access-Control-Expose-Headers", "ETag, Link, X-Attribution, Retry-After")
    return resp


# --- parameters -------------------------------------------------------------------------------


def _params(allowed: tuple[str, ...]) -> dict[str, list[str]]:
    """The query as name -> values; unknown or oversized parameters are refused."""
    params = request.args.to_dict(flat=False)
    for name, values in params.items():
        if name not in allowed:
            raise ApiError.of(400, name, "api.errors.unknown_parameter", value=_shown(name),
                              allowed=", ".join(allowed) or "–")
        if len(values) > MAX_VALUES or any(len(v) > MAX_PARAM_LENGTH for v in values):
            raise ApiError.of(400, name, "api.errors.too_long", value=_shown(name))
    return params


def _shown(value: str) -> str:
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= 40 else text[:39] + "…"


def _split(values: list[str] | None) -> list[str]:
    """``?x=a,b&x=c`` -> [a, b, c]."""
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _format(params: dict, suffix: str | None) -> str:
    values = params.get("format")
    if suffix:
        fmt = suffix
    elif values:
        if len(values) != 1:
            raise ApiError.of(400, "format", "errors.repeated_parameter", value="format")
        fmt = values[0].strip().lower()
    else:
        fmt = "json"
    if fmt not in ("json", "csv"):
        raise ApiError.of(400, "format", "api.errors.bad_format", value=_shown(fmt))
    return fmt


def _one_year(params: dict, name: str) -> int | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) != 1:
        raise ApiError.of(400, name, "errors.repeated_parameter", value=name)
    try:
        return check_year(values[0])
    except InvalidState as exc:
        raise ApiError.from_state(name, exc) from None


# --- caching ----------------------------------------------------------------------------------


def _etag(engine) -> str:
    version = queries.data_version(engine)
    raw = f"v1|{queries.version_tag(version)}|{request.path}|{request.query_string.decode('latin-1')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def client_has(etag: str) -> bool:
    """``If-None-Match`` names this ETag (Flask-Compress serves gzip bodies as ``<etag>:gzip``)."""
    return etag in request.if_none_match or f"{etag}:gzip" in request.if_none_match


def _not_modified(etag: str) -> Response | None:
    if client_has(etag):
        resp = Response(status=304)
        resp.set_etag(etag)
        resp.headers["Cache-Control"] = CACHE_CONTROL
        return resp
    return None


def _finish(resp: Response, etag: str, registry) -> Response:
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = CACHE_CONTROL
    resp.headers["Vary"] = "Accept-Encoding"
    lic = data.licence(registry)
    resp.headers["Link"] = f'<{lic["url"]}>; rel="license", <{PREFIX}/openapi.json>; rel="describedby"'
    resp.headers["X-Attribution"] = data.licence_header_text(registry)
    return resp


def _json(payload: dict, etag: str, registry) -> Response:
    return _finish(jsonify(payload), etag, registry)


def _file(body: bytes, mimetype: str, filename: str, etag: str, registry) -> Response:
    resp = Response(body, mimetype=mimetype)
    if mimetype == "text/csv":
        resp.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _finish(resp, etag, registry)


def _envelope(ctx, items: list[dict], **extra) -> dict:
    version = queries.data_version(ctx.engine)
    return {"api_version": "v1", "data_version": f"{queries.version_tag(version)}",
            "licence": data.licence(ctx.registry), **extra, "count": len(items), "data": items}


def _conditional(view):
    """Answer 304 when the client holds the current version; otherwise run the view with the ETag."""
    from functools import wraps

    @wraps(view)
    def wrapper(*args, **kwargs):
        ctx = current_context()
        etag = _etag(ctx.engine)
        cached = _not_modified(etag)
        if cached is not None:
            return cached
        return view(ctx, etag, *args, **kwargs)

    return wrapper


# --- routes -----------------------------------------------------------------------------------


@bp.get("/")
@_conditional
def index(ctx, etag):
    _params(())
    links = {name: f"{PREFIX}{path}" for name, path in (
        ("openapi", "/openapi.json"), ("indicators", "/indicators"), ("regions", "/regions"),
        ("observations", "/observations"), ("bulk_zip", "/bulk/tilannekuva.zip"),
        ("bulk_parquet", "/bulk/tilannekuva.parquet"))}
    version = queries.data_version(ctx.engine)
    return _json({"api_version": "v1", "data_version": f"{queries.version_tag(version)}",
                  "licence": data.licence(ctx.registry), "links": links}, etag, ctx.registry)


@bp.get("/openapi.json")
@_conditional
def openapi(ctx, etag):
    _params(())
    return _json(spec(), etag, ctx.registry)


@bp.get("/indicators")
@bp.get("/indicators.<any(csv):suffix>")
@_conditional
def indicators(ctx, etag, suffix=None):
    params = _params(("area", "format"))
    fmt = _format(params, suffix)
    areas = {a.key: a for a in ctx.registry.agreement.areas}
    wanted = _split(params.get("area"))
    for area in wanted:
        if area not in areas:
            raise ApiError.of(400, "area", "api.errors.unknown_area", value=_shown(area))
    items = [r for r in data.indicators(ctx.registry) if not wanted or r["area"] in wanted]
    if fmt == "csv":
        return _file(data.to_csv([data.indicator_row(r) for r in items], data.INDICATOR_CSV_COLUMNS),
                     "text/csv", "indicators.csv", etag, ctx.registry)
    return _json(_envelope(ctx, items), etag, ctx.registry)


@bp.get("/indicators/<key>")
@_conditional
def indicator(ctx, etag, key):
    _params(())
    try:
        check_indicator(key, ctx.registry)
    except InvalidState as exc:
        err = ApiError.from_state("key", exc)
        err.status = 404
        raise err from None
    rec = data.indicator_record(ctx.registry, ctx.registry.indicators[key])
    version = queries.data_version(ctx.engine)
    return _json({"api_version": "v1", "data_version": f"{queries.version_tag(version)}",
                  "licence": data.licence(ctx.registry), "data": rec}, etag, ctx.registry)


@bp.get("/regions")
@bp.get("/regions.<any(csv):suffix>")
@_conditional
def regions(ctx, etag, suffix=None):
    fmt = _format(_params(("format",)), suffix)
    items = data.regions(ctx.engine, ctx.registry)
    if fmt == "csv":
        return _file(data.to_csv([data.region_row(r) for r in items], data.REGION_CSV_COLUMNS),
                     "text/csv", "regions.csv", etag, ctx.registry)
    return _json(_envelope(ctx, items), etag, ctx.registry)


OBSERVATION_PARAMS = ("indicator", "region", "year", "from", "to", "format")


@bp.get("/observations")
@bp.get("/observations.<any(csv):suffix>")
@_conditional
def observations(ctx, etag, suffix=None):
    params = _params(OBSERVATION_PARAMS)
    fmt = _format(params, suffix)
    registry = ctx.registry
    try:
        inds = [check_indicator(v, registry) for v in _split(params.get("indicator"))]
    except InvalidState as exc:
        raise ApiError.from_state("indicator", exc) from None
    try:
        regs = [check_region(v, registry) for v in _split(params.get("region"))]
    except InvalidState as exc:
        raise ApiError.from_state("region", exc) from None
    try:
        years = [check_year(v) for v in _split(params.get("year"))]
    except InvalidState as exc:
        raise ApiError.from_state("year", exc) from None
    first, last = _one_year(params, "from"), _one_year(params, "to")
    if first is not None and last is not None and first > last:
        raise ApiError.of(400, "from", "api.errors.year_order", first=first, last=last)
    items = data.filter_observations(data.observations(ctx.engine, registry), indicators=inds, regions=regs,
                                     years=years, first=first, last=last)
    if fmt == "csv":
        return _file(data.to_csv([data.observation_row(r) for r in items], data.OBS_CSV_COLUMNS),
                     "text/csv", "observations.csv", etag, registry)
    filters = {"indicator": inds or None, "region": regs or None, "year": years or None, "from": first, "to": last}
    return _json(_envelope(ctx, items, filters=filters), etag, registry)


@bp.get("/bulk/tilannekuva.zip")
@_conditional
def bulk_zip(ctx, etag):
    _params(())
    return _file(data.bulk_zip(ctx.engine, ctx.registry), "application/zip", "tilannekuva.zip", etag, ctx.registry)


@bp.get("/bulk/tilannekuva.parquet")
@_conditional
def bulk_parquet(ctx, etag):
    _params(())
    return _file(data.bulk_parquet(ctx.engine, ctx.registry), "application/vnd.apache.parquet",
                 "tilannekuva.parquet", etag, ctx.registry)


@bp.route("/<path:rest>")
def not_found(rest):
    raise ApiError.of(404, None, "api.errors.not_found")


def register(server) -> None:
    """Mount ``/api/v1`` on the Flask ``server`` (rate limit from ``TILANNEKUVA_API_RATE_LIMIT``)."""
    server.config.setdefault("TILANNEKUVA_API_RATE_LIMIT",
                             os.environ.get("TILANNEKUVA_API_RATE_LIMIT") or DEFAULT_RATE_LIMIT)
    server.register_blueprint(bp)
