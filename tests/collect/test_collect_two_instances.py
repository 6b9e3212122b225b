"""Scale-out: two gunicorn instances (two workers each) on different ports, one PostgreSQL, one
Redis. A session opened through one instance continues through the other, the login limit is
counted across both, and a publication made through one is shown by the other within seconds."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests

from data_pipeline import collect
from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from tests.dashboard.data import REGISTRY
from tests.test_serving import _free_port

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kaksi-instanssia-123"
ROUNDS_CSV = "/vienti/rounds.csv?indikaattori=turvallisuuskuva_kierrokset"


def _start(port: int, env: dict, log: Path) -> subprocess.Popen:
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"]
    out = open(log, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=ROOT, env={**env, "PORT": str(port)}, stdout=out, stderr=subprocess.STDOUT)


def _wait(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-2000:]
        try:
            if requests.get(base + "/health", timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:
            time.sleep(0.3)
    pytest.fail(f"{base} did not answer: {log.read_text()[-2000:]}")


@pytest.fixture
def two_instances(pg_url, tmp_path):
    from data_pipeline.sync import sync_registry

    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.begin() as conn:
        sync_registry(conn, REGISTRY)
        collect.add_user(conn, REGISTRY, username="koordi", display_name="Kaisa Koordinaattori", role="koordinaattori",
                         password=PASSWORD)
        collect.add_user(conn, REGISTRY, username="hml", display_name="Hannu Hämeenlinna", role="ilmoittaja",
                         organisation="hameenlinna", password=PASSWORD)
    env = dict(os.environ)
    env.pop("TILANNEKUVA_OFFLINE_DIR", None)
    env.update({"HOST": "127.0.0.1", "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2", "DATABASE_URL": pg_url,
                "REDIS_URL": "redis://127.0.0.1:6379/0", "TILANNEKUVA_SECRET_KEY": uuid.uuid4().hex,
                "TILANNEKUVA_GEO_DIR": str(tmp_path / "geo"), "TILANNEKUVA_COUNTY": "kanta-hame",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"})
    procs, bases = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"{name}.log"
            procs.append(_start(port, env, log))
            bases.append(f"http://127.0.0.1:{port}")
        for base, proc, name in zip(bases, procs, "ab"):
            _wait(base, proc, tmp_path / f"{name}.log")
        yield bases[0], bases[1], engine
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        engine.dispose()


def _token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text).group(1)


def _login(session, base, username):
    resp = session.post(base + "/tiedonkeruu/kirjaudu", timeout=10, allow_redirects=False,
                        data={"tunnus": username, "salasana": PASSWORD,
                              "csrf_token": _token(session, base + "/tiedonkeruu/kirjaudu")})
    assert resp.status_code == 302, resp.text[:500]


def test_two001_session_limit_and_publication_across_two_instances(two_instances):
    a, b, _engine = two_instances
    # Logged in through A, continuing through B (same signed session; a token from A works on B).
    coord = requests.Session()
    _login(coord, a, "koordi")
    home_b = coord.get(b + "/tiedonkeruu/", timeout=10, allow_redirects=False)
    assert home_b.status_code == 200 and "Kaisa Koordinaattori" in home_b.text
    opened = coord.post(b + "/tiedonkeruu/kierros", timeout=10, allow_redirects=False, data={
        "lomake": "turvallisuuskuva", "nimi": "Turvallisuuden tilannekuva 2026/2", "kausi": "2026H2",
        "erapaiva": "2026-12-31", "organisaatiot": ["hameenlinna"], "csrf_token": _token(coord, a + "/tiedonkeruu/")})
    assert opened.status_code == 302
    rid = int(opened.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    # Wrong passwords counted in Redis across both instances: 5 through A, the 6th through B is refused.
    name = f"brute-{uuid.uuid4().hex[:8]}"
    anon = requests.Session()
    for _ in range(5):
        r = anon.post(a + "/tiedonkeruu/kirjaudu", timeout=10, data={
            "tunnus": name, "salasana": "väärä-salasana-1", "csrf_token": _token(anon, a + "/tiedonkeruu/kirjaudu")})
        assert r.status_code == 401
    r = anon.post(b + "/tiedonkeruu/kirjaudu", timeout=10, data={
        "tunnus": name, "salasana": "väärä-salasana-1", "csrf_token": _token(anon, b + "/tiedonkeruu/kirjaudu")})
    assert r.status_code == 429

    # The reporter fills in through B, the coordinator accepts through A.
    rep = requests.Session()
    _login(rep, b, "hml")
    form = f"/tiedonkeruu/kierros/{rid}/hameenlinna"
    saved = rep.post(a + form, timeout=10, allow_redirects=False, data={
        "r0-alue": "109", "r0-tila": "submitted", "r0-toimitettu_pvm": "2026-11-14", "r0-ilmoittaja": "Hannu",
        "csrf_token": _token(rep, b + form)})
    assert saved.status_code == 302, saved.text[:800]
    assert rep.post(b + form + "/laheta", timeout=10, allow_redirects=False,
                    data={"csrf_token": _token(rep, b + form)}).status_code == 302
    before = requests.get(b + ROUNDS_CSV, timeout=30)
    assert "2026H2" not in before.text
    accepted = coord.post(a + form + "/arvio", timeout=30, allow_redirects=False, data={
        "toiminto": "hyvaksy", "julkaisupaiva": date.today().isoformat(), "kommentti": "",
        "csrf_token": _token(coord, a + form)})
    assert accepted.status_code == 302, accepted.text[:800]
    published = time.monotonic()
    while time.monotonic() - published < 5:
        after = requests.get(b + ROUNDS_CSV, timeout=30)
        if after.status_code == 200 and "2026H2" in after.text:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"B does not show the publication: {after.status_code} {after.text[:300]}")
    assert "Hämeenlinna" in after.text
