"""The collection area ``/tiedonkeruu``: partners report, coordinators review and publish.

A Flask blueprint of server-rendered pages (forms need no JavaScript, so the strict CSP holds with
no inline script or style). The rules live in :mod:`data_pipeline.collect`; these views only check
who may do what, read the request and render. Security: Flask-Login sessions in a signed cookie
(secret from ``TILANNEKUVA_SECRET_KEY``, so every worker and instance accepts it; HttpOnly,
SameSite=Lax, Secure when the request came over HTTPS), idle and absolute timeouts, CSRF tokens on
every form of this blueprint only (Dash's own POST routes are left alone), login attempts limited
with the server's one Flask-Limiter (Redis when ``REDIS_URL`` is set). Public pages never touch the
session, so they stay anonymous and cacheable.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

import flask
from flask import (
    Blueprint,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from limits import parse as parse_limit
from werkzeug.utils import secure_filename

from dashboard.core.i18n import LANGS, normalise_lang, t

log = logging.getLogger(__name__)

PREFIX = "/tiedonkeruu"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 8 * 60 * 60
MAX_UPLOAD = 5 * 1024 * 1024
#: Wrong passwords per user name: the 6th within a minute is refused; 20 in an hour lock it for that hour.
LOGIN_LIMITS = (parse_limit("5/minute"), parse_limit("20/hour"))
#: Wrong passwords from one address, whatever the user name (someone trying many names).
ADDRESS_LIMIT = parse_limit("30/minute")

bp = Blueprint("collect", __name__, url_prefix=PREFIX, template_folder="templates",
               static_folder="static", static_url_path="/static")
csrf = CSRFProtect()
login_manager = LoginManager()


class Account(UserMixin):
    """The logged-in account (a row of ``account``)."""

    def __init__(self, row: dict):
        self.row = row
        self.id = row["id"]

    def get_id(self) -> str:
        return str(self.row["id"])

    def __getattr__(self, name):
        try:
            return self.__dict__["row"][name]
        except KeyError:
            raise AttributeError(name) from None


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies exactly when the request came over HTTPS (directly or via a trusted proxy)."""

    def get_cookie_secure(self, app) -> bool:
        try:
            return bool(request.is_secure) or bool(app.config.get("SESSION_COOKIE_SECURE"))
        except RuntimeError:
            return bool(app.config.get("SESSION_COOKIE_SECURE"))


def _ctx():
    from dashboard.data.context import current_context

    return current_context()


def _engine():
    return _ctx().engine


def _registry():
    return _ctx().registry


def secret_key(env=None) -> str:
    """TILANNEKUVA_SECRET_KEY; without it a random key per process (sessions then end at restart
    and do not pass between workers: fine for development, logged as a warning)."""
    env = os.environ if env is None else env
    key = env.get("TILANNEKUVA_SECRET_KEY")
    if key:
        return key
    log.warning("TILANNEKUVA_SECRET_KEY is not set: collection-area sessions work in this process only")
    return secrets.token_hex(32)


def register(server: flask.Flask) -> None:
    """Mount ``/tiedonkeruu`` on the server (one call in :func:`dashboard.create_app`)."""
    server.secret_key = server.secret_key or secret_key()
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME="tk_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH=PREFIX, PERMANENT_SESSION_LIFETIME=ABSOLUTE_SECONDS,
        WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=ABSOLUTE_SECONDS, WTF_CSRF_SSL_STRICT=True,
    )
    csrf.init_app(server)
    login_manager.init_app(server)
    login_manager.login_view = "collect.login"
    login_manager.login_message = None
    from dashboard.deliver.collect import oidc, views  # noqa: F401 - routes register on the blueprint
    from dashboard.deliver.meeting import editor  # noqa: F401 - the meeting editor /tiedonkeruu/kokoukset

    oidc.init_app(server)
    server.register_blueprint(bp)


@login_manager.user_loader
def _load_user(user_id: str):
    from data_pipeline import collect

    with _engine().connect() as conn:
        row = collect.get_user(conn, user_id=int(user_id))
    if row is None or row["disabled"]:
        return None  # a disabled account's session ends at its next request
    return Account(row)


@login_manager.unauthorized_handler
def _unauthorized():
    return redirect(url_for("collect.login", seuraava=request.full_path if request.method == "GET" else None))


# --- per request ------------------------------------------------------------------------------


def lang() -> str:
    return normalise_lang(getattr(g, "tk_lang", None))


@bp.before_request
def _before():
    asked = request.args.get("kieli")
    if asked in LANGS:
        session["kieli"] = asked
    g.tk_lang = normalise_lang(session.get("kieli"))
    if request.method == "POST":
        csrf.protect()
    now = int(time.time())
    if current_user.is_authenticated:
        started, seen = session.get("tk_login_at", 0), session.get("tk_seen", 0)
        if now - seen > IDLE_SECONDS or now - started > ABSOLUTE_SECONDS:
            audit_event("session_expired", account_id=current_user.id, username=current_user.username)
            logout_user()
            session.clear()
            session["tk_notice"] = "expired"
            return redirect(url_for("collect.login"))
        session["tk_seen"] = now
    return None


@bp.after_request
def _after(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Vary", "Cookie")
    return response


@bp.errorhandler(CSRFError)
def _csrf_error(exc):
    return render_page("error.html", status=400, message=t("collect.error.csrf", lang())), 400


@bp.errorhandler(403)
def _forbidden(exc):
    return render_page("error.html", status=403, message=t("collect.error.forbidden", lang())), 403


@bp.errorhandler(404)
def _not_found(exc):
    return render_page("error.html", status=404, message=t("collect.error.not_found", lang())), 404


@bp.errorhandler(409)
def _conflict(exc):
    return render_page("error.html", status=409, message=getattr(exc, "description", "") or t("collect.error.conflict", lang())), 409


@bp.errorhandler(413)
def _too_large(exc):
    return render_page("error.html", status=413, message=t("collect.error.too_large", lang())), 413


def render_page(page: str, **values):
    lg = lang()
    values.setdefault("title", t("collect.title", lg))
    return render_template(f"collect/{page}", t=lambda key, **kw: t(key, lg, **kw), lang=lg, langs=LANGS,
                           tx=lambda text: getattr(text, lg, None) or getattr(text, "fi", ""),
                           fmt=lambda x: (f"{x:.10g}" if isinstance(x, float) else str(x)).replace(".", ","),
                           user=current_user if current_user.is_authenticated else None,
                           registry=_registry(), **values)


def audit_event(event: str, **kw) -> None:
    from data_pipeline import collect

    with _engine().begin() as conn:
        collect.audit(conn, event, ip=request.remote_addr, **kw)


def start_session(row: dict, method: str) -> None:
    """Log in: a fresh session (no fixation), timestamps for the idle and absolute timeouts."""
    lg = session.get("kieli")
    session.clear()
    if lg:
        session["kieli"] = lg
    login_user(Account(row))
    now = int(time.time())
    session["tk_login_at"] = now
    session["tk_seen"] = now
    session["tk_method"] = method


def login_refused(username: str) -> bool:
    """True when this user name has used up its wrong-password allowance (minute or hour)."""
    from dashboard.core.ratelimit import limiter

    key = (username or "").strip().lower()
    return not (all(limiter.limiter.test(item, "tk-login", key) for item in LOGIN_LIMITS)
                and limiter.limiter.test(ADDRESS_LIMIT, "tk-login-ip", request.remote_addr or ""))


def count_failure(username: str) -> None:
    from dashboard.core.ratelimit import limiter

    key = (username or "").strip().lower()
    for item in LOGIN_LIMITS:
        limiter.limiter.hit(item, "tk-login", key)
    limiter.limiter.hit(ADDRESS_LIMIT, "tk-login-ip", request.remote_addr or "")


def save_upload(storage) -> Path:
    """The uploaded file in a private temporary folder under its own (sanitised) name: the manual
    validator recognises the template by the name and the format by the suffix."""
    name = secure_filename(storage.filename or "") or "tiedosto.csv"
    folder = Path(tempfile.mkdtemp(prefix="tk-upload-"))
    path = folder / name
    data = storage.stream.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        abort(413)
    path.write_bytes(data)
    return path


def csv_response(rows: list[dict], columns: list[str], filename: str) -> flask.Response:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    resp = flask.Response(buf.getvalue().encode("utf-8-sig"), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def today() -> date:
    from dashboard.data.queries import visibility_today

    return visibility_today()


__all__ = ["PREFIX", "bp", "register"]
