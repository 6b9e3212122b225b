"""Load runs whose process died: closed as ``interrupted`` when the next run starts.

Why: a load killed with SIGKILL (or a power cut) never reaches the code that marks its run failed, so
the run would stay ``running`` in ``load_run``, in ``status`` and on the sources page forever. Each run
records its host and process id; a later run on the same host checks whether that process still
exists (and is the same process, not a reused id). A run from another host is judged by age only.
Its data transaction was never committed, so closing the run is all that is left to do.
"""
from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select, update

from data_pipeline.db.schema import load_run

#: A run on another host that has been running longer than this is taken as interrupted.
FOREIGN_RUN_MAX = timedelta(hours=6)
MESSAGE = ("Keskeytyi: latausprosessi päättyi kesken (esim. kill -9 tai sähkökatko), eikä mitään tallennettu "
           "/ interrupted: the loading process died before finishing; nothing was saved")


def this_process() -> dict:
    return {"host": socket.gethostname()[:255], "pid": os.getpid()}


def _boot_time() -> float | None:
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def _started(pid: int) -> tuple[str, float | None] | None:
    """(state, start time as a Unix timestamp) of a process from /proc; None when it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    boot = _boot_time()
    start = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK") if boot is not None else None
    return fields[0], start


def process_alive(pid: int, since: datetime | None = None) -> bool:
    """Does the process that started a run at ``since`` still run? (Zombies and reused ids do not.)"""
    if pid == os.getpid():
        return True
    info = _started(pid)
    if info is None:
        if os.path.isdir("/proc"):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    state, start = info
    if state in ("Z", "X"):
        return False
    if since is not None and start is not None:
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        return start <= since.timestamp() + 5  # a process started after the run is another one
    return True


def close_interrupted(conn: Connection, now: datetime) -> list[int]:
    """Mark ``running`` runs whose process is gone as ``interrupted``; return their ids."""
    me = this_process()
    rows = conn.execute(
        select(load_run.c.id, load_run.c.host, load_run.c.pid, load_run.c.started_at).where(load_run.c.status == "running")
    ).all()
    dead = []
    for run in rows:
        started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=UTC)
        if run.host == me["host"] and run.pid is not None:
            gone = not process_alive(run.pid, started)
        else:  # another host, or a run recorded before hosts were recorded
            gone = now - started > FOREIGN_RUN_MAX
        if gone:
            dead.append(run.id)
    if dead:
        conn.execute(
            update(load_run).where(load_run.c.id.in_(dead), load_run.c.status == "running")
            .values(status="interrupted", finished_at=now, error=MESSAGE)
        )
    return dead
