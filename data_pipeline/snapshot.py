"""Raw snapshots: every response is written to disk, with a sidecar, before it is parsed.

Layout (relative to the snapshot folder; a live refresh writes it, ``refresh --offline DIR`` reads it):

    sotkanet/indicators.json        GET /rest/1.1/indicators
    sotkanet/regions.json           GET /rest/1.1/regions
    sotkanet/data/<id>.json         GET /rest/1.1/json?indicator=<id>&years=…&genders=…
    statfin/<file>.json             POST <table>.px, JSON-stat 2.0 (file names in registry/sources.yaml)
    geo/<file>.geojson              WFS GetFeature, GeoJSON

Each file may have a sidecar ``<file>.meta.json``: source, URL, query, fetched_at, sha256, licence.
Recordings made elsewhere may lack sidecars; the sha256 is then computed from the file.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from data_pipeline.errors import InputError, Problem

SIDECAR_SUFFIX = ".meta.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """A raw file as read from (or written to) the snapshot folder."""

    path: Path
    content: bytes
    sha256: str
    meta: dict = field(default_factory=dict)

    @property
    def location(self) -> str:
        """What the load run records as its location: the URL if known, else the file."""
        return self.meta.get("url") or str(self.path)

    def json(self):
        """Parse the content as JSON; malformed or truncated content is an InputError naming the file."""
        try:
            return json.loads(self.content.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise InputError(str(self.path), [Problem(str(self.path), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
        except json.JSONDecodeError as exc:
            raise InputError(
                str(self.path),
                [Problem(f"{self.path}:{exc.lineno}:{exc.colno}", f"malformed or truncated JSON: {exc.msg}")],
            ) from exc


#: Modes of what a refresh writes: the web server may run as another user and must read it.
FILE_MODE, DIR_MODE = 0o644, 0o755


def readable_dirs(folder: Path) -> None:
    """Create ``folder`` (and parents) readable by every user; existing folders get read + search bits."""
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for p in missing:
        os.chmod(p, DIR_MODE)
    if folder.stat().st_mode & 0o055 != 0o055:
        with contextlib.suppress(PermissionError):
            os.chmod(folder, folder.stat().st_mode | 0o055)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so readers never see half a file; mode 0644
    (mkstemp alone gives 0600, unreadable to a web server running as another user)."""
    readable_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_snapshot(
    root: Path, relpath: str, content: bytes, *, source: str, url: str, query: dict | list | None = None, licence: str
) -> Snapshot:
    """Write a raw response and its sidecar atomically (a crash never leaves half a file)."""
    path = Path(root) / relpath
    digest = sha256_bytes(content)
    meta = {
        "source": source,
        "url": url,
        "query": query,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": digest,
        "bytes": len(content),
        "licence": licence,
    }
    atomic_write(path, content)
    atomic_write(path.with_name(path.name + SIDECAR_SUFFIX), json.dumps(meta, ensure_ascii=False, indent=2).encode())
    return Snapshot(path=path, content=content, sha256=digest, meta=meta)


def read_snapshot(root: Path, relpath: str) -> Snapshot:
    """Read a recorded response; a missing file is an InputError naming the expected path."""
    path = Path(root) / relpath
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), [Problem(str(path), f"recorded response missing (expected {relpath} in {root})")]) from None
    meta: dict = {}
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar.exists():
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            meta = {}
    return Snapshot(path=path, content=content, sha256=sha256_bytes(content), meta=meta)
