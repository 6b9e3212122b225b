"""Shared fixtures: databases (SQLite per test, a throwaway PostgreSQL database per run) and the
recorded snapshot folder."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from data_pipeline.registry import Registry, load_registry

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_ADMIN_URL = os.environ.get("TILANNEKUVA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def offline_dir() -> Path:
    """The recorded source responses (../shared/data/snapshot), as CI sets TILANNEKUVA_OFFLINE_DIR."""
    configured = os.environ.get("TILANNEKUVA_OFFLINE_DIR")
    path = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data" / "snapshot"
    if not (path / "sotkanet" / "regions.json").exists():
        pytest.fail(
            f"recorded snapshot not found at {path}: set TILANNEKUVA_OFFLINE_DIR to ../shared/data/snapshot",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def facts_file(offline_dir) -> Path:
    """The published figures (../shared/data/facts/kanta_hame_facts.csv, beside the recording), as CI
    sets TILANNEKUVA_FACTS_FILE."""
    configured = os.environ.get("TILANNEKUVA_FACTS_FILE")
    path = Path(configured) if configured else offline_dir.parent / "facts" / "kanta_hame_facts.csv"
    if not path.exists():
        pytest.fail(f"published figures not found at {path}: set TILANNEKUVA_FACTS_FILE", pytrace=False)
    return path


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry("kanta-hame")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def engine(sqlite_url):
    """A migrated, empty SQLite database."""
    eng = make_engine(sqlite_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def pg_server():
    """Admin engine of the PostgreSQL server; the suite fails (not skips) if it is down."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection error is the same "server down" failure
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}", pytrace=False)
    yield admin
    admin.dispose()


@pytest.fixture
def pg_url(pg_server):
    """URL of a throwaway PostgreSQL database, dropped after the test."""
    name = f"tilannekuva_test_{uuid.uuid4().hex[:10]}"
    with pg_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with pg_server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_engine(pg_url):
    eng = make_engine(pg_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path):
    """The same test on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'any.sqlite3'}")
    else:
        eng = make_engine(request.getfixturevalue("pg_url"))
    upgrade(eng)
    yield eng
    eng.dispose()
