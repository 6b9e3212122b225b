"""One reader for every tabular input (CSV, tab-separated text, XLSX).

Why: files come from people's Excel in every encoding and shape Finnish Excel writes (UTF-8 with or
without BOM, Windows-1252 "CSV (semicolon)", UTF-16 "Unicode text" with tabs, XLSX). A damaged file
must be refused with the file and row named, never read into fewer rows than it has: a stray quote
that swallows the next row, a bare CR inside a field, a field over 128 KB, NUL bytes. The size is
checked before anything is parsed, while streaming, so a huge file costs neither minutes nor memory.

The reader never raises for bad content: it returns a :class:`Table` whose ``problems`` say, in
Finnish with English after the slash, what is wrong and where.
"""
from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from data_pipeline.errors import Problem

#: Largest field a row may carry (a text cell of a template holds at most a few thousand characters).
MAX_FIELD = 128 * 1024
#: Default largest file, in megabytes (``TILANNEKUVA_MAX_FILE_MB``).
DEFAULT_MAX_MB = 20
#: An XLSX larger than this once unpacked is refused (a zip bomb would exhaust memory).
MAX_UNPACKED_FACTOR = 20
DELIMITERS = (";", ",", "\t")
CHUNK = 1 << 20


def max_file_bytes() -> int:
    """The configured limit in bytes (``TILANNEKUVA_MAX_FILE_MB``, default 20)."""
    raw = os.environ.get("TILANNEKUVA_MAX_FILE_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0.001) * 1024 * 1024)


@dataclass
class Table:
    """What a tabular file holds: its bytes (for the hash), header and numbered rows, or problems."""

    path: Path
    content: bytes
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number in the file, cells)
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",")


def _too_big(path: Path, size: int | None, limit: int) -> Problem:
    got = f"{_mb(size)} Mt" if size is not None else f"yli {_mb(limit)} Mt"
    return Problem(
        str(path),
        f"tiedosto on liian suuri ({got}, enintään {_mb(limit)} Mt); jaa se osiin / file too large "
        f"(limit {_mb(limit)} MB, TILANNEKUVA_MAX_FILE_MB)",
    )


def read_limited(stream: BinaryIO, path: Path, limit: int) -> tuple[bytes | None, Problem | None]:
    """Read at most ``limit`` bytes in chunks; (None, problem) as soon as the stream is larger."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return b"".join(parts), None
        total += len(chunk)
        if total > limit:
            return None, _too_big(path, None, limit)
        parts.append(chunk)


def read_table(path: Path, *, sheet: str | None = None, max_bytes: int | None = None) -> Table:
    """Read a CSV/TXT/XLSX file from disk (size checked before reading)."""
    path = Path(path)
    limit = max_file_bytes() if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            return Table(path, b"", problems=[_too_big(path, size, limit)])
        with path.open("rb") as fh:
            content, problem = read_limited(fh, path, limit)
    except OSError as exc:
        return Table(path, b"", problems=[Problem(str(path), f"tiedostoa ei voi lukea / cannot read the file: {exc.strerror or exc}")])
    if problem is not None:
        return Table(path, b"", problems=[problem])
    return parse_table(path, content, sheet=sheet, max_bytes=limit)


def parse_table(path: Path, content: bytes, *, sheet: str | None = None, max_bytes: int | None = None) -> Table:
    """Parse bytes already in memory (an upload) by the file name's suffix."""
    path = Path(path)
    limit = max_file_bytes() if max_bytes is None else max_bytes
    if len(content) > limit:
        return Table(path, b"", problems=[_too_big(path, len(content), limit)])
    if not content.strip():
        return Table(path, content, problems=[Problem(str(path), "tiedosto on tyhjä / the file is empty (no header row)")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _parse_xlsx(path, content, sheet, limit)
    if suffix in (".csv", ".txt", ".tsv"):
        return _parse_text(path, content)
    return Table(path, content, problems=[Problem(str(path), "tuntematon tiedostomuoto / unknown file type: use .csv or .xlsx")])


# --- text ---------------------------------------------------------------------------------------


def decode(content: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, encoding, None) or (None, None, Finnish reason)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            try:
                return content.decode(enc), enc, None
            except UnicodeDecodeError as exc:
                return None, None, f"tiedosto alkaa {enc}-tunnisteella, mutta tavu {exc.start} ei ole {enc}-merkki / broken {enc} text"
    head = content[:4096]
    if len(head) >= 4 and head.count(b"\x00") * 3 >= len(head):  # UTF-16 without a BOM
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            return content.decode(enc), enc, None
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252", None  # Excel's "CSV (semicolon)" on Finnish Windows
    except UnicodeDecodeError as exc:
        return None, None, (
            f"merkistöä ei tunnistettu (tavu {exc.start}); tallenna UTF-8-muodossa / text encoding not recognised "
            "(expected UTF-8, Windows-1252 or UTF-16)"
        )


def _sniff_delimiter(first_line: str) -> str:
    """The delimiter the header row uses most (outside quotes); ';' on a tie, as Finnish Excel writes."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _parse_text(path: Path, content: bytes) -> Table:
    where = str(path)
    text, encoding, why = decode(content)
    if text is None:
        return Table(path, content, problems=[Problem(where, why or "")])
    table = Table(path, content, encoding=encoding)
    if "\r" in text and "\n" not in text:  # old Mac line ends: CR only
        text = text.replace("\r", "\n")
    else:
        text = text.replace("\r\n", "\n")
    problems = table.problems
    for m in re.finditer("\x00", text):
        problems.append(Problem(f"{where}:{_line_of(text, m.start())}", "tiedostossa on NUL-merkki (tavu 0) / NUL byte in the file"))
        break
    for m in re.finditer("\r", text):
        problems.append(Problem(
            f"{where}:{_line_of(text, m.start())}",
            "kentässä on yksinäinen rivinvaihtomerkki (CR); poista rivinvaihto solun sisältä / bare carriage return inside a field",
        ))
        break
    if problems:
        return table
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    table.delimiter = delimiter = _sniff_delimiter(first)
    width = None
    records: list[tuple[int, list]] = []
    # The csv module reads the lines; its line counter gives each record's first physical line.
    lines = io.StringIO(text, newline="")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(len(text) + 1, old_limit))
    try:
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        start = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                message = str(exc)
                if "unexpected end of data" in message or "EOF" in message:
                    problems.append(Problem(
                        f"{where}:{start}",
                        "lainausmerkki jää sulkematta: kenttä jatkuisi tiedoston loppuun ja nielaisisi seuraavat rivit; "
                        "poista ylimääräinen \" tai sulje se / unterminated quote swallows the following rows",
                    ))
                else:
                    problems.append(Problem(
                        f"{where}:{start}",
                        f"rivi ei ole kelvollista CSV:tä (lainausmerkit) / malformed CSV row: {message}",
                    ))
                break
            end = reader.line_num
            number = start
            start = end + 1
            if width is None and any(c.strip() for c in record):
                width = len(record)
            for i, cell in enumerate(record, start=1):
                if len(cell) > MAX_FIELD:
                    problems.append(Problem(
                        f"{where}:{number}:{i}",
                        f"kenttä on liian pitkä ({len(cell) // 1024} kt, enintään {MAX_FIELD // 1024} kt) / field over 128 KB",
                    ))
                elif "\n" in cell and end > number and width is not None and cell.count(delimiter) >= 1 and _looks_like_rows(cell, delimiter, width):
                    problems.append(Problem(
                        f"{where}:{number}:{i}",
                        f"lainausmerkki nielaisee rivit {number + 1}–{end} tähän kenttään; poista ylimääräinen \" "
                        "/ a stray quote swallows the following row(s) into this field",
                    ))
            records.append((number, record))
    finally:
        csv.field_size_limit(old_limit)
    if problems:
        return table
    _fill(table, records)
    return table


def _looks_like_rows(cell: str, delimiter: str, width: int) -> bool:
    """A multi-line cell whose later lines have the header's shape is a row swallowed by a quote."""
    lines = cell.split("\n")[1:]
    return any(line.count(delimiter) >= max(1, width // 2) for line in lines)


# --- xlsx ---------------------------------------------------------------------------------------


def _parse_xlsx(path: Path, content: bytes, sheet: str | None, limit: int) -> Table:
    from openpyxl import load_workbook

    where = str(path)
    table = Table(path, content, encoding="xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > limit * MAX_UNPACKED_FACTOR:
            table.problems.append(_too_big(path, unpacked, limit * MAX_UNPACKED_FACTOR))
            return table
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        table.problems.append(Problem(where, f"ei luettava XLSX-tiedosto / not a readable XLSX file ({exc})"))
        return table
    try:
        name = wb.sheetnames[0] if sheet is None else next((n for n in wb.sheetnames if n.strip().lower() == sheet), None)
        if name is None:
            table.problems.append(Problem(
                where,
                f"välilehteä \"{sheet}\" ei löydy / sheet {sheet!r} not found (sheets: {', '.join(wb.sheetnames)})",
            ))
            return table
        records = []
        for number, row in enumerate(wb[name].iter_rows(values_only=True), start=1):
            cells = list(row)
            for i, cell in enumerate(cells, start=1):
                if isinstance(cell, str):
                    if "\x00" in cell:
                        table.problems.append(Problem(f"{where}:{number}:{i}", "solussa on NUL-merkki / NUL byte in a cell"))
                    elif len(cell) > MAX_FIELD:
                        table.problems.append(Problem(f"{where}:{number}:{i}", "solu on liian pitkä (yli 128 kt) / cell over 128 KB"))
            records.append((number, cells))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        table.problems.append(Problem(where, f"ei luettava XLSX-tiedosto / not a readable XLSX file ({exc})"))
        return table
    finally:
        wb.close()
    if not table.problems:
        _fill(table, records)
    return table


# --- shared -------------------------------------------------------------------------------------


def blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def _fill(table: Table, records: list[tuple[int, list]]) -> None:
    """Header = first non-blank record (lower-case, trailing empties dropped); rows = the rest."""
    numbered = [(n, r) for n, r in records if any(not blank(c) for c in r)]
    if not numbered:
        table.problems.append(Problem(str(table.path), "tiedosto on tyhjä / the file is empty (no header row)"))
        return
    _, header = numbered[0]
    names = [("" if blank(h) else str(h)).strip().lower() for h in header]
    while names and names[-1] == "":
        names.pop()
    table.header = names
    table.rows = [(n, list(r)) for n, r in numbered[1:]]
