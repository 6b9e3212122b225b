"""Single sign-on with OpenID Connect (Authlib), configured by environment variables.

``TILANNEKUVA_OIDC_METADATA_URL`` (the provider's ``.well-known/openid-configuration``),
``TILANNEKUVA_OIDC_CLIENT_ID`` and ``TILANNEKUVA_OIDC_CLIENT_SECRET`` turn it on; the claims named by
``TILANNEKUVA_OIDC_ORG_CLAIM`` (default ``organisation``) and ``TILANNEKUVA_OIDC_ROLE_CLAIM``
(default ``role``) give the organisation key and the role. An account is matched by the token's
``sub`` (or created on first login when the claims name a known organisation and role).
"""
from __future__ import annotations

import os

from flask import abort, current_app, redirect, request, url_for

from dashboard.deliver.collect import _engine, _registry, audit_event, bp, start_session

EXTENSION = "tk_oidc"


def settings(env=None) -> dict | None:
    env = os.environ if env is None else env
    url, client, secret = (env.get(k) for k in ("TILANNEKUVA_OIDC_METADATA_URL", "TILANNEKUVA_OIDC_CLIENT_ID",
                                                 "TILANNEKUVA_OIDC_CLIENT_SECRET"))
    if not (url and client and secret):
        return None
    return {"metadata_url": url, "client_id": client, "client_secret": secret,
            "org_claim": env.get("TILANNEKUVA_OIDC_ORG_CLAIM") or "organisation",
            "role_claim": env.get("TILANNEKUVA_OIDC_ROLE_CLAIM") or "role"}


def _client():
    """This app's OpenID client, or None when single sign-on is not configured."""
    found = current_app.extensions.get(EXTENSION)
    return found[0].sso if found else None


def enabled() -> bool:
    return current_app.extensions.get(EXTENSION) is not None


def init_app(server) -> None:
    conf = settings()
    if conf is None:
        return
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(server)
    oauth.register("sso", server_metadata_url=conf["metadata_url"], client_id=conf["client_id"],
                   client_secret=conf["client_secret"], client_kwargs={"scope": "openid profile email"})
    server.extensions[EXTENSION] = (oauth, conf)


@bp.route("/sso")
def sso_start():
    if _client() is None:
        abort(404)
    return _client().authorize_redirect(url_for("collect.sso_return", _external=True))


@bp.route("/sso/paluu")
def sso_return():
    from data_pipeline import collect

    if _client() is None:
        abort(404)
    conf = current_app.extensions[EXTENSION][1]
    try:
        token = _client().authorize_access_token()
    except Exception as exc:  # noqa: BLE001 - any provider or token error is a refused login
        audit_event("login_failed", reason="oidc", error=type(exc).__name__)
        abort(403)
    claims = token.get("userinfo") or {}
    subject = claims.get("sub")
    role = claims.get(conf["role_claim"])
    org = claims.get(conf["org_claim"])
    if not subject:
        abort(403)
    with _engine().begin() as conn:
        row = collect.get_user(conn, oidc_subject=subject)
        if row is None:
            try:
                uid = collect.add_user(conn, _registry(), username=claims.get("email") or f"sso:{subject}",
                                       display_name=claims.get("name") or subject, role=role or "", organisation=org,
                                       oidc_subject=subject, actor="sso")
            except collect.CollectError as exc:
                collect.audit(conn, "login_failed", username=claims.get("email"), ip=request.remote_addr,
                              reason="oidc_claims", error=str(exc))
                abort(403)
            row = collect.get_user(conn, user_id=uid)
        else:
            row = dict(row)
            if row["disabled"]:
                collect.audit(conn, "login_failed", account_id=row["id"], username=row["username"],
                              ip=request.remote_addr, reason="disabled")
                abort(403)
            if role and org is not None and (role, org) != (row["role"], row["organisation"]):
                try:  # the provider is the source of truth for role and organisation, within the rules
                    collect.check_account_fields(_registry(), role, org, row["scope"] or [])
                except collect.CollectError as exc:
                    collect.audit(conn, "login_failed", account_id=row["id"], username=row["username"],
                                  ip=request.remote_addr, reason="oidc_claims", error=str(exc))
                    abort(403)
                collect.set_role_from_provider(conn, row["id"], role, org)
                row.update(role=role, organisation=org)
        collect.audit(conn, "login", account_id=row["id"], username=row["username"], ip=request.remote_addr,
                      method="oidc")
    start_session(dict(row), "oidc")
    return redirect(url_for("collect.home"))
