"""The server's edges: one error handler, HSTS over HTTPS, and a request size limit.

Why: bad input is the client's error and gets a 4xx with a sentence, never an HTTP 500 from deep
inside Dash (a path outside a component package, a JSON body nested deeper than the parser's
recursion limit). Only real faults answer 500, and those are logged with their traceback here
(a handler for ``Exception`` replaces Flask's own logging). HSTS is sent only when the request
really arrived over HTTPS: gunicorn sets the scheme from ``X-Forwarded-Proto`` only for proxies in
``FORWARDED_ALLOW_IPS``, so a client cannot switch it on by sending the header itself.
"""
from __future__ import annotations

import json
import logging

import dash.exceptions
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from data_pipeline.tabular import max_file_bytes

log = logging.getLogger(__name__)

HSTS = "max-age=31536000; includeSubDomains"
#: Exceptions that mean "this request asked for something that does not exist".
NOT_FOUND = (dash.exceptions.DependencyException, dash.exceptions.InvalidResourceError)
#: Exceptions that mean "this request's body cannot be read".
UNREADABLE = (RecursionError, json.JSONDecodeError, UnicodeDecodeError)

MESSAGES = {
    404: "Sivua tai tiedostoa ei löydy / not found",
    400: "Pyyntöä ei voi lukea (esim. liian syvälle sisäkkäinen JSON) / the request cannot be read",
    500: "Palvelussa tapahtui virhe; yritä hetken päästä uudelleen / internal error, please try again",
}


def client_error(exc: BaseException) -> int | None:
    """The 4xx a client's bad request deserves, or None for a real server fault."""
    if isinstance(exc, NOT_FOUND):
        return 404
    if isinstance(exc, UNREADABLE) and request.content_length:
        return 400
    return None


def register(server: Flask) -> None:
    # A browser upload is limited like any file read (TILANNEKUVA_MAX_FILE_MB) plus form overhead.
    server.config.setdefault("MAX_CONTENT_LENGTH", max_file_bytes() + 1024 * 1024)

    @server.errorhandler(Exception)
    def answer(exc: Exception):
        if isinstance(exc, HTTPException):
            return exc
        code = client_error(exc)
        if code is None:
            log.error("Exception on %s [%s]", request.path, request.method, exc_info=exc)
            code = 500
        else:
            log.info("refused %s %s: %s", request.method, request.path, type(exc).__name__)
        resp = jsonify({"error": MESSAGES[code]})
        resp.status_code = code
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @server.after_request
    def strict_transport(response):
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
