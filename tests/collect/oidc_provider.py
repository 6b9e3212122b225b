"""A small local OpenID Connect provider for tests (no internet): discovery, an authorisation
endpoint that consents at once, a token endpoint issuing RS256 ID tokens signed with joserfc (Authlib's JOSE library),
and the JWKS. ``claims`` decide who logs in next."""
from __future__ import annotations

import secrets
import threading
import time
from typing import Self
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class Provider:
    def __init__(self, client_id: str = "tilannekuva", client_secret: str = "salaisuus"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @Request.application
    def app(self, request: Request) -> Response:
        if request.path == "/.well-known/openid-configuration":
            import json

            body = {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}
            return Response(json.dumps(body), mimetype="application/json")
        if request.path == "/jwks":
            import json

            return Response(json.dumps({"keys": [self.key.as_dict(private=False)]}), mimetype="application/json")
        if request.path == "/authorize":
            args = request.args
            if args.get("client_id") != self.client_id:
                return Response("unknown client", status=400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": args.get("nonce"), "claims": dict(self.claims)}
            target = f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}"
            return Response(status=302, headers={"Location": target})
        if request.path == "/token" and request.method == "POST":
            import base64
            import json

            auth = request.headers.get("Authorization", "")
            cid, secret = request.form.get("client_id"), request.form.get("client_secret")
            if auth.startswith("Basic "):
                cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            if (cid, secret) != (self.client_id, self.client_secret):
                return Response(json.dumps({"error": "invalid_client"}), status=401, mimetype="application/json")
            grant = self.codes.pop(request.form.get("code"), None)
            if grant is None:
                return Response(json.dumps({"error": "invalid_grant"}), status=400, mimetype="application/json")
            now = int(time.time())
            payload = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                       "nonce": grant["nonce"], **grant["claims"]}
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, payload, self.key)
            return Response(json.dumps({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                        "expires_in": 300, "id_token": id_token}), mimetype="application/json")
        return Response("not found", status=404)
