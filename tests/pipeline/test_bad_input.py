"""Bad input is rejected with a message saying what and where, nothing changes, the CLI exits 2.

Every case starts from the same loaded database (the fixture recording, refreshed once), breaks
one recorded response, and runs ``python -m data_pipeline refresh --offline`` through
``data_pipeline.cli.main``.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_pipeline.cli import main
from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from data_pipeline.db.schema import load_run
from data_pipeline.refresh import run_refresh
from data_pipeline.settings import Settings

DATA_127 = "sotkanet/data/127.json"
DATA_181 = "sotkanet/data/181.json"
CATALOGUE = "sotkanet/indicators.json"
REGIONS = "sotkanet/regions.json"
CRIME = "statfin/rikokset_kunnittain_1987-2020.json"
POP_MONTH = "statfin/vaesto_kunnittain_2024.json"
HTML = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Huoltokatko</body></html>\n"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, build_recording):
    """A database loaded from the fixture recording, and the recording itself."""
    root = tmp_path_factory.mktemp("baseline")
    recording = build_recording(root / "recording")
    url = f"sqlite:///{root / 'base.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings.from_env({"DATABASE_URL": url, "TILANNEKUVA_SNAPSHOT_DIR": str(root / "snap"),
                                  "TILANNEKUVA_GEO_DIR": str(root / "geo")})
    report = run_refresh(engine, settings, sources=["sotkanet", "statfin"], offline_dir=recording)
    assert report.ok, report.render()
    engine.dispose()
    return root / "base.sqlite3", recording


def edit(relpath: str, change, *, replace: bool = False):
    """A mutation of one JSON file: ``change(obj)`` edits in place (or returns a replacement)."""

    def apply(rec: Path) -> None:
        path = rec / relpath
        obj = json.loads(path.read_text(encoding="utf-8"))
        new = change(obj)
        path.write_text(json.dumps(new if replace else obj, ensure_ascii=False), encoding="utf-8")

    return apply


def raw(relpath: str, change):
    def apply(rec: Path) -> None:
        path = rec / relpath
        path.write_bytes(change(path.read_bytes()))

    return apply


def remove(relpath: str):
    return lambda rec: (rec / relpath).unlink()


def _set(obj, path, value):
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def crime_index(dim: str, index):
    return edit(CRIME, lambda d: _set(d, ["dimension", dim, "category", "index"], index))


def rename_area(old: str, new: str):
    def change(d):
        idx = d["dimension"]["Alue"]["category"]["index"]
        d["dimension"]["Alue"]["category"]["index"] = {(new if k == old else k): v for k, v in idx.items()}

    return edit(CRIME, change)


# (id, mutation, (source, dataset) whose run fails, fragments the message must contain)
CASES = [
    ("bad001_truncated_sotkanet_json", raw(DATA_127, lambda b: b[: len(b) // 2]), ("sotkanet", "vaesto"),
     ["127.json:", "malformed or truncated JSON"]),
    ("bad002_sotkanet_top_level_object", edit(DATA_127, lambda rows: {"data": rows}, replace=True), ("sotkanet", "vaesto"),
     ["127.json $", "the data response must be a JSON list, got dict"]),
    ("bad003_sotkanet_missing_field", edit(DATA_127, lambda rows: rows[2].pop("year")), ("sotkanet", "vaesto"),
     ["127.json [2]", "field 'year' is missing"]),
    ("bad004_sotkanet_value_abc", edit(DATA_127, lambda rows: rows[3].update(value="abc")), ("sotkanet", "vaesto"),
     ["127.json [3]", "column value: 'abc' is not a finite number"]),
    ("bad005_sotkanet_value_object", edit(DATA_127, lambda rows: rows[1].update(value={"arvo": 5})),
     ("sotkanet", "vaesto"), ["127.json [1]", "column value:", "is not a finite number"]),
    ("bad006_percent_130", edit(DATA_181, lambda rows: rows[0].update(value=130)), ("sotkanet", "tyottomat_pct"),
     ["181.json [0]", "column value: tyottomat_pct: a percentage must lie between 0 and 100 (got 130)"]),
    ("bad007_negative_count", edit(DATA_127, lambda rows: rows[0].update(value=-5)), ("sotkanet", "vaesto"),
     ["127.json [0]", "vaesto: cannot be negative for unit count (got -5)"]),
    ("bad008_negative_abs_value", edit(DATA_181, lambda rows: rows[1].update(absValue=-990)),
     ("sotkanet", "tyottomat_pct"), ["181.json [1]", "column count: an absolute number cannot be negative"]),
    ("bad009_malformed_region_id", edit(DATA_127, lambda rows: rows[0].update(region="KU109")), ("sotkanet", "vaesto"),
     ["127.json [0].region", "expected an integer region id, got 'KU109'"]),
    ("bad010_duplicate_rows", edit(DATA_127, lambda rows: rows.append(dict(rows[0]))), ("sotkanet", "vaesto"),
     ["127.json [0], [21]", "duplicate row for vaesto/109/2021/total"]),
    ("bad011_row_of_another_indicator", edit(DATA_127, lambda rows: rows[4].update(indicator=128)),
     ("sotkanet", "vaesto"), ["127.json [4].indicator", "row of indicator 128, expected 127"]),
    ("bad012_invalid_gender", edit(DATA_127, lambda rows: rows[0].update(gender="unknown")), ("sotkanet", "vaesto"),
     ["127.json [0]", "column sex: invalid sex 'unknown'"]),
    ("bad013_html_instead_of_sotkanet_json", raw(DATA_127, lambda b: HTML), ("sotkanet", "vaesto"),
     ["127.json:1:1", "malformed or truncated JSON"]),
    ("bad014_html_instead_of_catalogue", raw(CATALOGUE, lambda b: HTML), ("sotkanet", "indicators"),
     ["indicators.json:1:1", "malformed or truncated JSON"]),
    ("bad015_catalogue_entry_without_finnish_title",
     edit(CATALOGUE, lambda cat: cat[2].update(title={"en": "English only"})), ("sotkanet", "indicators"),
     ["indicators.json [2].title.fi", "a Finnish title (title.fi) is required"]),
    ("bad016_regions_top_level_object", edit(REGIONS, lambda regs: {"regions": regs}, replace=True), ("sotkanet", "regions"),
     ["regions.json $", "the region list must be a JSON list, got dict"]),
    ("bad017_truncated_statfin_json", raw(CRIME, lambda b: b[:-40]), ("statfin", "rikokset"),
     ["rikokset_kunnittain_1987-2020.json:", "malformed or truncated JSON"]),
    ("bad018_jsonstat_size_value_mismatch", edit(CRIME, lambda d: d.update(value=d["value"][:-1])),
     ("statfin", "rikokset"), ["rikokset_kunnittain_1987-2020.json $.value", "has 69 values but the sizes multiply to 70"]),
    ("bad019_jsonstat_dimension_missing", edit(CRIME, lambda d: d["dimension"].pop("Alue")), ("statfin", "rikokset"),
     ["$.dimension.Alue", "dimension 'Alue' is listed in id but missing"]),
    ("bad020_jsonstat_wrong_category_index", crime_index("Vuosi", {"2019": 1, "2020": 1}), ("statfin", "rikokset"),
     ["$.dimension.Vuosi.category.index", "positions must be 0…1, each once"]),
    ("bad021_jsonstat_empty_dataset",
     edit(CRIME, lambda d: (_set(d, ["dimension", "Vuosi", "category", "index"], {}), d.update(size=[0, 7, 5, 1], value=[]))),
     ("statfin", "rikokset"), ["rikokset_kunnittain_1987-2020.json $.size", "the dataset is empty"]),
    ("bad022_unknown_ku_code", rename_area("KU091", "KU998"), ("statfin", "rikokset"),
     ["Alue=KU998", "column Alue: unknown municipality 'KU998' (not in the region table)"]),
    ("bad023_malformed_time", crime_index("Vuosi", {"2019": 0, "20x4": 1}), ("statfin", "rikokset"),
     ["Vuosi=20x4", "column period: malformed period '20x4'"]),
    ("bad024_wrong_unit_code", crime_index("Tiedot", {"rik_lkm": 0}), ("statfin", "rikokset"),
     ["$.dimension.Tiedot", "selects Tiedot=rik_1000, not in the dataset (has rik_lkm)"]),
    ("bad025_statfin_value_abc", edit(CRIME, lambda d: _set(d, ["value", 5], "abc")), ("statfin", "rikokset"),
     ["$.value[5] (Vuosi=2019", "column value: 'abc' is not a finite number"]),
    ("bad026_statfin_negative_rate", edit(CRIME, lambda d: _set(d, ["value", 0], -3.2)), ("statfin", "rikokset"),
     ["$.value[0] (Vuosi=2019, Rikosnimike=00A, Alue=MK05", "cannot be negative for unit per_1000 (got -3.2)"]),
    ("bad027_unrecognised_area_code", rename_area("KU186", "Järvenpää"), ("statfin", "rikokset"),
     ["Alue=Järvenpää", "unrecognised area code 'Järvenpää'"]),
    ("bad028_jsonstat_not_a_dataset", edit(CRIME, lambda d: d.update({"class": "collection"})), ("statfin", "rikokset"),
     ["$.class", "expected 'dataset', got 'collection'"]),
    ("bad029_jsonstat_status_wrong_type", edit(POP_MONTH, lambda d: d.update(status=7)), ("statfin", "vaesto_kuukausi"),
     ["vaesto_kunnittain_2024.json $.status", "must be a string, list or object, got int"]),
    ("bad030_jsonstat_top_level_list", edit(CRIME, lambda d: [d], replace=True), ("statfin", "rikokset"),
     ["rikokset_kunnittain_1987-2020.json $", "a JSON-stat dataset is an object, got list"]),
    ("bad031_sotkanet_row_not_an_object", edit(DATA_127, lambda rows: _set(rows, [6], [127, 58, 2022])),
     ("sotkanet", "vaesto"), ["127.json [6]", "row must be an object, got list"]),
    ("bad032_catalogue_missing_from_recording", remove(CATALOGUE), ("sotkanet", "indicators"),
     ["indicators.json", "recorded response missing (expected sotkanet/indicators.json"]),
    ("bad033_html_instead_of_jsonstat", raw(POP_MONTH, lambda b: HTML), ("statfin", "vaesto_kuukausi"),
     ["vaesto_kunnittain_2024.json:1:1", "malformed or truncated JSON"]),
    ("bad034_several_problems_reported_together",
     edit(DATA_127, lambda rows: (rows[0].update(value=-5), rows[2].update(indicator=128), rows[3].update(value="abc"))),
     ("sotkanet", "vaesto"),
     ["3 problem(s), nothing was loaded", "127.json [0]", "cannot be negative", "[2].indicator: row of indicator 128",
      "127.json [3]", "'abc' is not a finite number"]),
]


@pytest.mark.parametrize("case_id,mutate,dataset,fragments", CASES, ids=[c[0] for c in CASES])
def test_bad_input_rejected_nothing_changes_exit_2(
    case_id, mutate, dataset, fragments, baseline, tmp_path, monkeypatch, capsys, db_state
):
    base_db, base_rec = baseline
    db = tmp_path / "db.sqlite3"
    shutil.copyfile(base_db, db)
    rec = tmp_path / "recording"
    shutil.copytree(base_rec, rec)
    mutate(rec)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    before = db_state(engine)
    with engine.connect() as conn:
        last_run = conn.execute(select(func.max(load_run.c.id))).scalar()

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TILANNEKUVA_GEO_DIR", str(tmp_path / "geo"))
    monkeypatch.delenv("TILANNEKUVA_OFFLINE_DIR", raising=False)
    code = main(["-q", "refresh", "--offline", str(rec), "--source", "sotkanet", "statfin"])
    err = capsys.readouterr().err

    assert code == 2, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert db_state(engine) == before
    with engine.connect() as conn:
        runs = conn.execute(select(load_run).where(load_run.c.id > last_run).order_by(load_run.c.id)).all()
    failed = [r for r in runs if r.status != "success"]
    assert [(r.source, r.dataset, r.status) for r in failed] == [(*dataset, "failed")]
    assert fragments[-1] in failed[0].error
    engine.dispose()
