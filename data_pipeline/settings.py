"""Runtime settings read from the environment.

Everything a deployment may change lives here, with defaults that make a fresh checkout work:
an SQLite file in the git-ignored ``var/`` folder, live sources, the Kanta-Häme county profile.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

#: Every environment variable the project reads, with its meaning (README documents each one;
#: ``tests/test_docs.py`` checks that it does).
ENVIRONMENT = {
    "DATABASE_URL": "SQLAlchemy URL of the database (default: SQLite file var/tilannekuva.sqlite3)",
    "TILANNEKUVA_OFFLINE_DIR": "folder of recorded source responses; refresh reads it instead of the network",
    "TILANNEKUVA_FACTS_FILE": "CSV of published figures with a citation per value; refresh loads it (refresh --facts FILE)",
    "TILANNEKUVA_SNAPSHOT_DIR": "folder where a live refresh writes what it read (default var/snapshot)",
    "TILANNEKUVA_COUNTY": "county profile in data_pipeline/registry/counties/ (default kanta-hame)",
    "TILANNEKUVA_GEO_DIR": "folder of prepared geometry served to the dashboard (default geo/)",
    "TILANNEKUVA_USER_AGENT": "User-Agent header sent to source APIs",
    "TILANNEKUVA_DEMO": "0 turns off the labelled synthetic demo values bootstrap adds for indicators without real data (default 1)",
    "TILANNEKUVA_MAX_FILE_MB": "largest tabular file (CSV/XLSX, manual or uploaded) read, in megabytes (default 20); checked before parsing",
    "HOST": "address the dashboard listens on (default 127.0.0.1)",
    "PORT": "port the dashboard listens on (default 8050)",
    "TILANNEKUVA_DEBUG": "1 enables Dash debug mode (development only)",
    "WEB_CONCURRENCY": "gunicorn worker count in the Docker image (default 2)",
    "GUNICORN_THREADS": "gunicorn threads per worker (default 4)",
    "FORWARDED_ALLOW_IPS": "proxies gunicorn trusts for X-Forwarded-* headers",
    "TILANNEKUVA_EXPORT_TIMEOUT": "seconds a server-side image export may take before answering 503 (default 30)",
    "BROWSER_PATH": "Chromium binary kaleido uses for image export (default: chromium on PATH)",
    "LOGLEVEL": "Python log level of the dashboard (default INFO)",
    "TILANNEKUVA_MEETINGS_DIR": "folder of meeting sequence files, <name>.yaml (default var/kokoukset)",
    "REDIS_URL": "Redis shared by every worker and instance (rate limits, sessions, cache); memory when unset",
    "TILANNEKUVA_SECRET_KEY": "secret that signs the collection area's session cookies and CSRF tokens; the same value on every worker and instance",
    "TILANNEKUVA_NEW_PASSWORD": "password for `users add` / `users reset` in scripts (otherwise asked without echo)",
    "TILANNEKUVA_OIDC_METADATA_URL": "OpenID Connect provider metadata (.well-known/openid-configuration); with the client id and secret turns on single sign-on",
    "TILANNEKUVA_OIDC_CLIENT_ID": "OpenID Connect client id of the collection area",
    "TILANNEKUVA_OIDC_CLIENT_SECRET": "OpenID Connect client secret",
    "TILANNEKUVA_OIDC_ORG_CLAIM": "ID-token claim holding the organisation key (default organisation)",
    "TILANNEKUVA_OIDC_ROLE_CLAIM": "ID-token claim holding the role ilmoittaja | koordinaattori | yllapitaja (default role)",
    "TILANNEKUVA_EMBED_ANCESTORS": "sites that may frame the embed pages /upotus/ (CSP frame-ancestors sources; default none besides the site)",
    "TILANNEKUVA_API_RATE_LIMIT": "requests per client address to the open data API /api/v1/ (default 120/minute)",
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    offline_dir: Path | None
    snapshot_dir: Path
    county: str
    geo_dir: Path
    user_agent: str
    facts_file: Path | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        offline = env.get("TILANNEKUVA_OFFLINE_DIR") or None
        facts = env.get("TILANNEKUVA_FACTS_FILE") or None
        return cls(
            database_url=env.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tilannekuva.sqlite3'}",
            offline_dir=Path(offline).resolve() if offline else None,
            snapshot_dir=Path(env.get("TILANNEKUVA_SNAPSHOT_DIR") or VAR_DIR / "snapshot"),
            county=env.get("TILANNEKUVA_COUNTY") or "kanta-hame",
            geo_dir=Path(env.get("TILANNEKUVA_GEO_DIR") or PROJECT_ROOT / "geo"),
            user_agent=env.get("TILANNEKUVA_USER_AGENT")
            or "Tilannekuva/0.1 (Kanta-Hame shared situational picture; +https://github.com/)",
            facts_file=Path(facts).resolve() if facts else None,
        )


def get_settings() -> Settings:
    return Settings.from_env()
