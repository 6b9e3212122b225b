"""Manual measures: templates, validation with every problem at once, history-keeping loads, derived values."""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from data_pipeline.cli import main as cli_main
from data_pipeline.db.schema import load_run, manual_entry, observation
from data_pipeline.errors import InputError
from data_pipeline.manual import EXAMPLE_MARK, load_manual_files, write_templates

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manual"
ESTEETON = FIXTURES / "esteettomat_asunnot_2025.csv"


@pytest.fixture(scope="module")
def templates_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    return out, write_templates(out)


def _obs(engine, indicator):
    with engine.connect() as conn:
        rows = conn.execute(
            select(observation.c.region_code, observation.c.period, observation.c.value, observation.c.synthetic).where(
                observation.c.indicator_key == indicator
            )
        ).all()
    return {(r.region_code, r.period): r.value for r in rows}


def _tables(engine):
    with engine.connect() as conn:
        entries = conn.execute(select(manual_entry).order_by(manual_entry.c.id)).all()
        obs = conn.execute(select(observation).order_by(observation.c.id)).all()
    return [tuple(r) for r in entries], [tuple(r) for r in obs]


def _runs(engine):
    with engine.connect() as conn:
        return conn.execute(select(load_run).where(load_run.c.source == "manual").order_by(load_run.c.id)).mappings().all()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- templates --------------------------------------------------------------------------------


def test_man001_csv_templates_have_header_and_one_example_row(templates_dir, registry):
    out, written = templates_dir
    names = registry.templates.templates
    assert sorted(p.name for p in written) == sorted([f"{n}.csv" for n in names] + [f"{n}.xlsx" for n in names])
    for name, tpl in names.items():
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel reads ä and ö"
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == tpl.column_names
        assert len(rows) == 2 and len(rows[1]) == len(tpl.column_names)
        assert rows[1][tpl.column_names.index("alue")] != ""


def test_man002_xlsx_templates_have_dropdowns_and_finnish_instructions(templates_dir, registry):
    out, _ = templates_dir
    for name, tpl in registry.templates.templates.items():
        wb = load_workbook(out / f"{name}.xlsx")
        assert wb.sheetnames == ["tiedot", "ohjeet"]
        data = wb["tiedot"]
        rows = list(data.iter_rows(values_only=True))
        assert list(rows[0]) == tpl.column_names and len(rows) == 2
        lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in data.data_validations.dataValidation if dv.type == "list"}
        for i, col in enumerate(tpl.columns):
            letter = chr(ord("A") + i)
            assert data.column_dimensions[letter].width >= len(col.name)
            if col.type == "enum":
                assert lists[letter] == '"' + ",".join(c.fi for c in col.choices) + '"'
        help_rows = [[c for c in r if c is not None] for r in wb["ohjeet"].iter_rows(values_only=True)]
        text = "\n".join(" ".join(str(c) for c in r) for r in help_rows)
        assert tpl.title.fi in text and tpl.owner.fi in text and tpl.instructions.fi in text
        assert "Näin täytät" in text and "Pakollinen" in text and "Sallitut arvot" in text
        documented = {r[0] for r in help_rows if r and r[0] in tpl.column_names and len(r) >= 3}
        assert documented == set(tpl.column_names)
        for col in tpl.columns:
            if col.type == "enum":
                assert ", ".join(c.fi for c in col.choices) in text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_man003_example_rows_are_valid_once_the_example_mark_is_removed(suffix, templates_dir, registry, engine, tmp_path):
    out, _ = templates_dir
    for name, tpl in registry.templates.templates.items():
        src = out / f"{name}{suffix}"
        with pytest.raises(InputError, match="example row"):
            load_manual_files(engine, [src], registry=registry)
        dst = tmp_path / src.name
        mark_col = "lisatieto" if "lisatieto" in tpl.column_names else "ilmoittaja"
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8-sig")), delimiter=";"))
            rows[1][tpl.column_names.index(mark_col)] = "tarkistettu"
            buf = io.StringIO()
            csv.writer(buf, delimiter=";").writerows(rows)
            dst.write_text(buf.getvalue(), encoding="utf-8-sig")
        else:
            wb = load_workbook(src)
            wb["tiedot"].cell(row=2, column=tpl.column_names.index(mark_col) + 1).value = "tarkistettu"
            wb.save(dst)
        [summary] = load_manual_files(engine, [dst], registry=registry)
        assert summary["template"] == name and summary["rows"] == 1


# --- loading ----------------------------------------------------------------------------------


def test_man010_valid_file_creates_entries_and_derived_ratio_with_county_aggregate(any_engine, registry):
    [summary] = load_manual_files(any_engine, [ESTEETON], registry=registry)
    assert summary["template"] == "esteettomat_asunnot" and summary["inserted"] == 4
    with any_engine.connect() as conn:
        entries = conn.execute(select(manual_entry).order_by(manual_entry.c.source_row)).mappings().all()
    assert [(e["region_code"], e["period"], e["source_row"]) for e in entries] == [
        ("109", "2025", 2), ("694", "2025", 3), ("061", "2025", 4), ("433", "2024", 5)
    ]
    first = entries[0]
    assert first["entered_by"] == "Liisa Laine, Hämeenlinnan rakennusvalvonta"
    assert first["data"]["esteettomat_uudet"] == 240 and first["source_file"] == str(ESTEETON)
    assert first["superseded_at"] is None and first["synthetic"] is False
    values = _obs(any_engine, "esteettomat_asunnot_pct")
    assert values[("109", "2025")] == pytest.approx(100 * (240 + 30) / (310 + 85))
    assert values[("694", "2025")] == pytest.approx(100 * (60 + 10) / (120 + 40))
    assert ("061", "2025") not in values, "0 of 0 dwellings has no share (missing is not 0)"
    # county: ratio of sums over the municipalities that reported (Forssa reported zero dwellings)
    assert values[("MK05", "2025")] == pytest.approx(100 * (270 + 70 + 0) / (395 + 160 + 0))
    assert values[("MK05", "2024")] == pytest.approx(100 * 20 / 25)
    run = _runs(any_engine)[-1]
    assert run["status"] == "success" and run["dataset"] == "esteettomat_asunnot"
    assert run["location"] == str(ESTEETON) and len(run["sha256"]) == 64
    assert "MK05 2025: 3/11" in run["error"] and "MK05 2024: 1/11" in run["error"]


def test_man011_identical_reload_writes_nothing(engine, registry):
    load_manual_files(engine, [ESTEETON], registry=registry)
    before = _tables(engine)
    [again] = load_manual_files(engine, [ESTEETON], registry=registry)
    assert (again["inserted"], again["superseded"], again["unchanged"]) == (0, 0, 4)
    assert again["observations"]["inserted"] == again["observations"]["updated"] == again["observations"]["deleted"] == 0
    run = _runs(engine)[-1]
    assert (run["rows_inserted"], run["rows_updated"], run["rows_deleted"]) == (0, 0, 0)
    assert _tables(engine) == before


def test_man012_changed_row_supersedes_and_keeps_history(any_engine, registry, tmp_path):
    load_manual_files(any_engine, [ESTEETON], registry=registry)
    changed = tmp_path / "esteettomat_asunnot_korjaus.csv"
    changed.write_text(
        ESTEETON.read_text(encoding="utf-8-sig").replace("109;2025;310;85;240;30", "109;2025;310;85;250;30"), encoding="utf-8"
    )
    [summary] = load_manual_files(any_engine, [changed], registry=registry)
    assert (summary["inserted"], summary["superseded"], summary["unchanged"]) == (0, 1, 3)
    with any_engine.connect() as conn:
        history = conn.execute(
            select(manual_entry).where(manual_entry.c.region_code == "109").order_by(manual_entry.c.id)
        ).mappings().all()
    assert len(history) == 2
    old, new = history
    assert old["data"]["esteettomat_uudet"] == 240 and new["data"]["esteettomat_uudet"] == 250
    assert old["superseded_at"] is not None and old["superseded_by"] == new["id"]
    assert new["superseded_at"] is None and new["source_file"] == str(changed)
    values = _obs(any_engine, "esteettomat_asunnot_pct")
    assert values[("109", "2025")] == pytest.approx(100 * 280 / 395)
    assert values[("MK05", "2025")] == pytest.approx(100 * 350 / 555)
    # loading the original again supersedes once more: history grows, nothing is overwritten
    load_manual_files(any_engine, [ESTEETON], registry=registry)
    with any_engine.connect() as conn:
        n = conn.execute(select(manual_entry.c.id).where(manual_entry.c.region_code == "109")).all()
    assert len(n) == 3 and _obs(any_engine, "esteettomat_asunnot_pct")[("109", "2025")] == pytest.approx(100 * 270 / 395)


def test_man013_half_year_rounds_counted_per_year(engine, registry):
    load_manual_files(engine, [FIXTURES / "turvallisuuskuva.csv"], registry=registry)
    assert _obs(engine, "turvallisuuskuva_kierrokset") == {("109", "2025"): 2.0, ("694", "2025"): 1.0}
    with engine.connect() as conn:
        rows = conn.execute(select(manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.data)).all()
    periods = sorted((r.region_code, r.period) for r in rows)
    assert periods == [("109", "2025H1"), ("109", "2025H2"), ("694", "2025H1"), ("694", "2025H2")]
    by_key = {(r.region_code, r.period): r.data for r in rows}
    assert by_key[("109", "2025H1")]["toimitettu_pvm"] == "2025-05-15"  # 15.5.2025 accepted
    assert by_key[("694", "2025H2")]["tila"] == "not_submitted"  # Finnish label with a space accepted


def test_man014_names_codes_and_missing_values(engine, registry):
    load_manual_files(engine, [FIXTURES / "asunnottomuus.csv"], registry=registry)
    assert _obs(engine, "asunnottomat_yksinaiset_lkm") == {("109", "2025"): 41.0, ("694", "2025"): 12.0, ("061", "2025"): 4.0}
    # Riihimäki left pitkaaikaiset empty: no value, not 0
    assert _obs(engine, "pitkaaikaisasunnottomat_lkm") == {("109", "2025"): 9.0, ("061", "2025"): 0.0}
    with engine.connect() as conn:
        forssa = conn.execute(select(manual_entry.c.data).where(manual_entry.c.region_code == "061")).scalar_one()
    assert forssa["todennus"] == "verified" and forssa["pitkaaikaiset"] == 0


def test_man015_comma_separated_file_and_welfare_area_rows(engine, registry):
    [s] = load_manual_files(engine, [FIXTURES / "yhteiset_tavoitteet_kevat.csv"], registry=registry)
    assert s["template"] == "yhteiset_tavoitteet"
    values = _obs(engine, "yhteiset_tavoitteet_pct")
    assert values == {("109", "2025"): 37.5, ("HVA07", "2025"): 40.0, ("MK05", "2025"): 37.5}
    assert any("1/11" in note for note in s["coverage"])


def test_man016_decimal_comma_and_template_from_header(engine, registry, tmp_path):
    renamed = tmp_path / "kevaan_tiedot.csv"
    shutil.copy(FIXTURES / "hyte_kerroin.csv", renamed)
    [s] = load_manual_files(engine, [renamed], registry=registry)
    assert s["template"] == "hyte_kerroin"
    assert _obs(engine, "hyte_kerroin") == {("HVA07", "2024"): 46.0, ("109", "2024"): 61.5}


def test_man017_filled_xlsx_with_numeric_codes_and_dates(engine, registry, templates_dir, tmp_path):
    out, _ = templates_dir
    wb = load_workbook(out / "varautumissopimukset.xlsx")
    ws = wb["tiedot"]
    ws.delete_rows(2)
    ws.append([61, 2025, "voimassa", None, None, None, "valmiussuunnittelu", "Pelastuslaitos", None])
    ws.append(["109", 2025.0, "valmistelussa", None, None, None, None, "Pelastuslaitos", None])
    from datetime import datetime

    ws.append(["694", 2025, "allekirjoitettu", datetime(2025, 6, 12), "2029-12-31", None, None, "Pelastuslaitos", None])
    path = tmp_path / "varautumissopimukset_2025.xlsx"
    wb.save(path)
    [s] = load_manual_files(engine, [path], registry=registry)
    assert s["inserted"] == 3
    assert _obs(engine, "varautumissopimus_voimassa") == {("061", "2025"): 1.0, ("109", "2025"): 0.0, ("694", "2025"): 1.0}
    with engine.connect() as conn:
        data = conn.execute(select(manual_entry.c.data).where(manual_entry.c.region_code == "694")).scalar_one()
    assert data["allekirjoitettu_pvm"] == "2025-06-12" and data["tila"] == "signed"


def test_man018_windows_csv_and_excel_quirks(engine, registry, tmp_path):
    cp1252 = tmp_path / "asunnottomuus_windows.csv"
    cp1252.write_bytes((HEAD_ASU + "Hämeenlinna;2025;3;3;;;todennettu;;Päivi Mäkelä\n").encode("cp1252"))
    [s] = load_manual_files(engine, [cp1252], registry=registry)
    assert s["inserted"] == 1
    with engine.connect() as conn:
        row = conn.execute(select(manual_entry.c.region_code, manual_entry.c.entered_by)).one()
    assert tuple(row) == ("109", "Päivi Mäkelä")
    # sheet name in another case, a date typed as a plain number (Excel serial 45822 = 2025-06-14)
    book = _xlsx(tmp_path / "turvallisuuskuva.xlsx", "Tiedot",
                 [["alue", "kausi", "tila", "toimitettu_pvm", "ilmoittaja"], ["694", "2025h1", "toimitettu", 45822, "X"]])
    load_manual_files(engine, [book], registry=registry)
    with engine.connect() as conn:
        data = conn.execute(select(manual_entry.c.data).where(manual_entry.c.template == "turvallisuuskuva")).scalar_one()
    assert data["toimitettu_pvm"] == "2025-06-14" and data["kausi"] == "2025H1"


# --- bad input --------------------------------------------------------------------------------

HEAD_EST = "alue;vuosi;uudet;peruskorjatut;esteettomat_uudet;esteettomat_peruskorjatut;ilmoittaja\n"
HEAD_ASU = "alue;vuosi;varke_yksinaiset;yksinaiset;pitkaaikaiset;perheet;todennus;perustelu;ilmoittaja\n"
HEAD_TK = "alue;kausi;tila;ilmoittaja\n"


def _xlsx(path: Path, sheet: str, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


BAD = [
    ("missing_column", "esteettomat_asunnot.csv", "alue;vuosi;peruskorjatut;esteettomat_uudet;esteettomat_peruskorjatut;ilmoittaja\n109;2025;1;1;1;X\n",
     [(":1:uudet", "required column is missing")]),
    ("unknown_column", "esteettomat_asunnot.csv", HEAD_EST.strip() + ";kommentti\n109;2025;1;1;1;1;X;hei\n",
     [(":1:kommentti", "unknown column")]),
    ("text_in_int", "asunnottomuus.csv", HEAD_ASU + "109;2025;3;kolme;;;todennettu;;X\n",
     [(":2:yksinaiset", "not a whole number: 'kolme'")]),
    ("negative_count", "esteettomat_asunnot.csv", HEAD_EST + "109;2025;-5;1;0;0;X\n",
     [(":2:uudet", "below the minimum 0")]),
    ("fraction_in_int", "esteettomat_asunnot.csv", HEAD_EST + "109;2025;5,5;1;0;0;X\n",
     [(":2:uudet", "not a whole number: '5,5'")]),
    ("enum_not_allowed", "asunnottomuus.csv", HEAD_ASU + "109;2025;3;3;;;ehkä;;X\n",
     [(":2:todennus", "value not allowed.*todentamaton, todennettu, korjattu")]),
    ("unknown_region", "asunnottomuus.csv", HEAD_ASU + "999;2025;3;3;;;todennettu;;X\n",
     [(":2:alue", "unknown region code '999'")]),
    ("region_level_not_allowed", "asunnottomuus.csv", HEAD_ASU + "HVA07;2025;3;3;;;todennettu;;X\n",
     [(":2:alue", "region level not allowed here: kunta")]),
    ("malformed_half_year", "turvallisuuskuva.csv", HEAD_TK + "109;2025H3;toimitettu;X\n",
     [(":2:kausi", "malformed half-year '2025H3'")]),
    ("duplicate_rows", "esteettomat_asunnot.csv", HEAD_EST + "109;2025;5;1;0;0;X\n694;2025;1;1;1;1;X\n109;2025;6;1;0;0;Y\n",
     [(":4:vuosi", "duplicate of row 2")]),
    ("accessible_exceeds_total", "esteettomat_asunnot.csv", HEAD_EST + "109;2025;5;1;6;2;X\n",
     [(":2:esteettomat_uudet", "cannot exceed uudet"), (":2:esteettomat_peruskorjatut", "cannot exceed peruskorjatut")]),
    ("shared_exceeds_goals", "yhteiset_tavoitteet.csv", "alue;vuosi;tavoitteet;yhteiset;ilmoittaja\n109;2025;10;11;X\n",
     [(":2:yhteiset", "cannot exceed tavoitteet")]),
    ("communal_exceeds_respondents", "yhteisollisyyskysely.csv", "alue;vuosi;vastaajat;yhteisolliseksi_kokevat;ilmoittaja\n109;2025;10;12;X\n",
     [(":2:yhteisolliseksi_kokevat", "cannot exceed vastaajat")]),
    ("perustelu_missing", "asunnottomuus.csv", HEAD_ASU + "109;2025;3;5;;;korjattu;;X\n",
     [(":2:perustelu", "required when todennus is corrected")]),
    ("required_empty", "esteettomat_asunnot.csv", HEAD_EST + "109;2025;5;1;0;0;\n",
     [(":2:ilmoittaja", "required value is missing")]),
    ("above_max", "hyte_kerroin.csv", "alue;vuosi;arvo;lahde;ilmoittaja\nHVA07;2024;120;THL;X\n",
     [(":2:arvo", "above the maximum 100")]),
    ("malformed_date", "turvallisuuskuva.csv", "alue;kausi;tila;toimitettu_pvm;ilmoittaja\n109;2025H1;toimitettu;31.2.2025;X\n",
     [(":2:toimitettu_pvm", "malformed date '31.2.2025'")]),
    ("example_row_left", "ruoka_apu.csv", "alue;vuosi;jakokerrat;ilmoittaja;lisatieto\n109;2025;3;X;" + EXAMPLE_MARK + " – poista\n",
     [(":2:lisatieto", "example row")]),
    ("empty_file", "esteettomat_asunnot.csv", "", [("", "the file is empty")]),
    ("header_only", "esteettomat_asunnot.csv", HEAD_EST, [("", "no data rows")]),
    ("unknown_template", "tiedot.csv", "a;b\n1;2\n", [("", "unknown template")]),
]


@pytest.mark.parametrize("case,filename,content,expected", BAD, ids=[b[0] for b in BAD])
def test_man020_bad_csv_is_rejected_with_file_row_column_and_nothing_changes(case, filename, content, expected, engine, registry, tmp_path):
    load_manual_files(engine, [ESTEETON, FIXTURES / "asunnottomuus.csv"], registry=registry)
    before = _tables(engine)
    runs_before = len(_runs(engine))
    path = _write(tmp_path / filename, content)
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [path], registry=registry)
    problems = err.value.problems
    assert len(problems) == len(expected), [str(p) for p in problems]
    for problem, (where, message) in zip(problems, expected):
        assert problem.where == f"{path}{where}"
        assert re.search(message, problem.message), problem.message
    assert "nothing was loaded" in str(err.value)
    assert _tables(engine) == before
    assert len(_runs(engine)) == runs_before


def test_man021_wrong_sheet_and_broken_xlsx(engine, registry, tmp_path):
    wrong = _xlsx(tmp_path / "esteettomat_asunnot.xlsx", "Taul1", [HEAD_EST.strip().split(";"), ["109", 2025, 1, 1, 1, 1, "X"]])
    broken = _write(tmp_path / "asunnottomuus.xlsx", "this is not a zip file")
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [wrong, broken], registry=registry)
    [p1, p2] = err.value.problems
    assert p1.where == str(wrong) and "sheet 'tiedot' not found (sheets: Taul1)" in p1.message
    assert p2.where == str(broken) and "not a readable XLSX file" in p2.message
    assert _tables(engine) == ([], [])


def test_man022_all_problems_of_a_file_are_reported_at_once(engine, registry, tmp_path):
    path = _write(
        tmp_path / "esteettomat_asunnot.csv",
        HEAD_EST + "109;2025;x;1;0;0;A\n999;2025;1;1;0;0;B\n694;2025;1;1;2;0;\n",
    )
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [path], registry=registry)
    wheres = [p.where for p in err.value.problems]
    assert wheres == [f"{path}:2:uudet", f"{path}:3:alue", f"{path}:4:ilmoittaja", f"{path}:4:esteettomat_uudet"]


def test_man023_one_bad_file_blocks_the_good_one_too(engine, registry, tmp_path):
    bad = _write(tmp_path / "asunnottomuus.csv", HEAD_ASU + "109;2025;3;-1;;;todennettu;;X\n")
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [ESTEETON, bad], registry=registry)
    assert err.value.source == "2 files"
    assert _tables(engine) == ([], [])


def test_man024_cli_exit_codes(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    bad = _write(tmp_path / "asunnottomuus.csv", HEAD_ASU + "109;2025;3;kolme;;;todennettu;;X\n")
    assert cli_main(["-q", "load-manual", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:yksinaiset" in err and "not a whole number" in err and "nothing was loaded" in err
    assert cli_main(["-q", "load-manual", str(ESTEETON)]) == 0
    assert cli_main(["-q", "templates", str(tmp_path / "lomakkeet")]) == 0
    assert (tmp_path / "lomakkeet" / "asunnottomuus.xlsx").exists()
