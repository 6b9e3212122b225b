"""The one tabular reader: files as Finnish Excel really writes them, and damaged ones refused in words.

Each damaged case is refused through ``load-manual`` with the file and row named, and nothing changes
in the database; no traceback reaches the user (the CLI exits 2 with sentences).
"""
from __future__ import annotations

import codecs
import time
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select

from data_pipeline.cli import main as cli_main
from data_pipeline.db.schema import load_run, manual_entry, observation
from data_pipeline.errors import InputError
from data_pipeline.manual import load_manual_files, read_upload
from data_pipeline.tabular import read_table

HEAD = "alue;vuosi;varke_yksinaiset;yksinaiset;pitkaaikaiset;perheet;todennus;perustelu;ilmoittaja\n"


def _state(engine):
    with engine.connect() as conn:
        return (
            [tuple(r) for r in conn.execute(select(manual_entry).order_by(manual_entry.c.id))],
            [tuple(r) for r in conn.execute(select(observation).order_by(observation.c.id))],
            [tuple(r) for r in conn.execute(select(load_run.c.id))],
        )


def _refused(engine, registry, path: Path) -> list:
    before = _state(engine)
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [path], registry=registry)
    assert "nothing was loaded" in str(err.value)
    assert _state(engine) == before
    return err.value.problems


def test_tab001_unterminated_quote_swallowing_the_next_row_is_refused_with_its_row(engine, registry, tmp_path):
    # a stray quote opens the perustelu cell of row 2; the municipality on row 3 would vanish into it
    path = tmp_path / "asunnottomuus.csv"
    path.write_text(HEAD + '109;2025;3;3;;;todennettu;"Rekisteri;X\n165;2025;4;4;;;todennettu;;Y\n', encoding="utf-8")
    [problem] = _refused(engine, registry, path)
    assert problem.where == f"{path}:2"
    assert "lainausmerkki jää sulkematta" in problem.message and "seuraavat rivit" in problem.message


def test_tab002_quote_that_closes_later_and_hides_a_row_in_a_cell_is_refused(engine, registry, tmp_path):
    path = tmp_path / "asunnottomuus.csv"
    path.write_text(HEAD + '109;2025;3;3;;;todennettu;"Rekisteri\n165;2025;4;4;;;todennettu;;Y";Z\n', encoding="utf-8")
    [problem] = _refused(engine, registry, path)
    assert problem.where == f"{path}:2:8" and "nielaisee rivit 3–3" in problem.message


def test_tab003_a_quoted_multiline_text_cell_is_still_one_row(engine, registry, tmp_path):
    path = tmp_path / "asunnottomuus.csv"
    path.write_text(HEAD + '109;2025;3;5;;;korjattu;"Kolme lisää\nrekisteristä";X\n165;2025;4;4;;;todennettu;;Y\n', encoding="utf-8")
    [summary] = load_manual_files(engine, [path], registry=registry)
    assert summary["inserted"] == 2


def test_tab004_excel_unicode_text_utf16_with_tabs_is_read(engine, registry, tmp_path):
    path = tmp_path / "asunnottomuus.txt"
    text = HEAD.replace(";", "\t") + "Hämeenlinna\t2025\t3\t3\t\t\ttodennettu\t\tPäivi Mäkelä\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    table = read_table(path)
    assert table.encoding == "utf-16" and table.delimiter == "\t"
    [summary] = load_manual_files(engine, [path], registry=registry)
    assert summary["inserted"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(manual_entry.c.entered_by)).scalar_one() == "Päivi Mäkelä"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_tab005_utf8_with_or_without_bom_and_windows_1252(encoding, tmp_path):
    path = tmp_path / "asunnottomuus.csv"
    path.write_bytes((HEAD + "Hämeenlinna;2025;3;3;;;todennettu;;Ä\n").encode(encoding))
    table = read_table(path)
    assert not table.problems and table.header[0] == "alue" and table.rows == [(2, ["Hämeenlinna", "2025", "3", "3", "", "", "todennettu", "", "Ä"])]


def test_tab006_bare_cr_inside_a_field_is_refused_in_words(engine, registry, tmp_path):
    path = tmp_path / "asunnottomuus.csv"
    path.write_bytes((HEAD + "109;2025;3;3;;;todennettu;Rivi\ryksi;X\n").replace("\n", "\r\n").encode())
    [problem] = _refused(engine, registry, path)
    assert problem.where == f"{path}:2" and "rivinvaihtomerkki (CR)" in problem.message


def test_tab007_field_over_128_kb_is_refused_with_row_and_column(engine, registry, tmp_path):
    path = tmp_path / "asunnottomuus.csv"
    path.write_text(HEAD + "109;2025;3;3;;;todennettu;" + "x" * 140_000 + ";X\n", encoding="utf-8")
    [problem] = _refused(engine, registry, path)
    assert problem.where == f"{path}:2:8" and "kenttä on liian pitkä" in problem.message


def test_tab008_nul_bytes_are_refused(engine, registry, tmp_path):
    path = tmp_path / "asunnottomuus.csv"
    path.write_text(HEAD + "109;2025;3;3;;;todennettu;a\x00b;X\n", encoding="utf-8")
    [problem] = _refused(engine, registry, path)
    assert problem.where == f"{path}:2" and "NUL" in problem.message


def test_tab009_a_200_mb_file_is_refused_in_seconds_with_bounded_memory(engine, registry, tmp_path, monkeypatch):
    path = tmp_path / "asunnottomuus.csv"
    with path.open("wb") as fh:
        fh.write(HEAD.encode())
        fh.seek(200 * 1024 * 1024)
        fh.write(b"\n")
    tracemalloc.start()
    started = time.perf_counter()
    [problem] = _refused(engine, registry, path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 5 and peak < 20 * 1024 * 1024
    assert problem.where == str(path) and "tiedosto on liian suuri (200,0 Mt, enintään 20,0 Mt)" in problem.message
    monkeypatch.setenv("TILANNEKUVA_MAX_FILE_MB", "1")
    upload = read_upload("asunnottomuus.csv", b"x" * (2 * 1024 * 1024))
    assert "enintään 1,0 Mt" in upload.problems[0].message


def test_tab010_cli_answers_damage_with_sentences_and_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    path = tmp_path / "asunnottomuus.csv"
    path.write_text(HEAD + '109;2025;3;3;;;todennettu;"Rekisteri;X\n165;2025;4;4;;;todennettu;;Y\n', encoding="utf-8")
    assert cli_main(["-q", "load-manual", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{path}:2: lainausmerkki jää sulkematta" in err


def test_tab011_read_only_database_is_a_sentence_not_a_sql_dump(tmp_path, capsys, monkeypatch):
    db = tmp_path / "ro.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert cli_main(["-q", "migrate"]) == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{db}?mode=ro&uri=true")
    path = Path(__file__).resolve().parent.parent / "fixtures" / "manual" / "esteettomat_asunnot_2025.csv"
    assert cli_main(["-q", "load-manual", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Tietokantaan ei voi kirjoittaa" in err and "readonly" in err
    assert "Traceback" not in err and "INSERT" not in err
