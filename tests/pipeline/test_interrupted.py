"""A load whose process is killed (kill -9) is closed as interrupted when the next run starts, and shown
so by ``status`` and on the sources page (never "käynnissä" forever)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update

from data_pipeline.cli import main as cli_main
from data_pipeline.db.schema import load_run
from data_pipeline.interrupted import close_interrupted
from data_pipeline.load import utcnow
from data_pipeline.manual import load_manual_files
from tests.dashboard.conftest import DashClient, render_page, texts
from tests.dashboard.data import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "manual" / "esteettomat_asunnot_2025.csv"
HANGING_LOAD = """
import sys, time
from data_pipeline.db.engine import make_engine
from data_pipeline.load import recorded_load
engine = make_engine(sys.argv[1])
with recorded_load(engine, source="manual", dataset="esteettomat_asunnot", location="killed.csv") as (run, conn):
    print(run.id, flush=True)
    time.sleep(600)
"""


def _killed_run(url: str) -> int:
    proc = subprocess.Popen([sys.executable, "-c", HANGING_LOAD, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        run_id = int(proc.stdout.readline())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    return run_id


def _status(engine, run_id):
    with engine.connect() as conn:
        return conn.execute(select(load_run.c.status, load_run.c.error).where(load_run.c.id == run_id)).one()


def test_int001_killed_run_is_closed_as_interrupted_by_the_next_run(engine, registry, tmp_path):
    url = str(engine.url)
    run_id = _killed_run(url)
    assert _status(engine, run_id).status == "running"
    [summary] = load_manual_files(engine, [FIXTURE], registry=registry)
    status, error = _status(engine, run_id)
    assert status == "interrupted" and "Keskeytyi" in error
    assert summary["run_id"] != run_id and _status(engine, summary["run_id"]).status == "success"


def test_int002_a_live_run_is_left_running(engine):
    url = str(engine.url)
    proc = subprocess.Popen([sys.executable, "-c", HANGING_LOAD, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        run_id = int(proc.stdout.readline())
        with engine.begin() as conn:
            assert close_interrupted(conn, utcnow()) == []
        assert _status(engine, run_id).status == "running"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    with engine.begin() as conn:
        assert close_interrupted(conn, utcnow()) == [run_id]


def test_int003_status_and_sources_page_show_interrupted(tmp_path, monkeypatch, capsys):
    from dashboard import create_app
    from data_pipeline.db.engine import make_engine

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli_main(["-q", "load-manual", str(FIXTURE)]) == 0
    engine = make_engine(url)
    run_id = _killed_run(url)
    with engine.begin() as conn:  # a run recorded by another host long ago is judged by its age
        conn.execute(update(load_run).where(load_run.c.id == 1).values(status="running", host="other-host", pid=1,
                                                                          started_at=utcnow().replace(year=2020)))
    capsys.readouterr()
    assert cli_main(["status"]) == 0
    out = capsys.readouterr().out
    assert "interrupted" in out and "Keskeytyi" in out and "running" not in out
    assert _status(engine, run_id).status == "interrupted" and _status(engine, 1).status == "interrupted"
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    page = " ".join(texts(render_page(DashClient(app.server.test_client()), "/tietolahteet").get_json()))
    assert "keskeytyi" in page and "käynnissä" not in page
    engine.dispose()


def test_int004_migration_0005_goes_down_and_up_on_a_database_with_data(tmp_path):
    from data_pipeline.db.migrate import current_revision, downgrade, head_revision, upgrade
    from tests.dashboard.data import build_database

    engine = build_database(tmp_path / "data.sqlite3")  # observations reference load runs
    downgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(select(load_run.c.host, load_run.c.pid)).first() is not None
    engine.dispose()
