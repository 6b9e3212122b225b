"""Plausibility bounds (registry/bounds.yaml): impossible years, periods and values are refused with a
sentence, for every source, and nothing is loaded."""
from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_pipeline.bounds import load_bounds
from data_pipeline.cli import main
from data_pipeline.db.engine import make_engine
from data_pipeline.db.schema import load_run, manual_entry, observation
from data_pipeline.errors import InputError
from data_pipeline.manual import load_manual_files
from data_pipeline.validate import validate_observations
from tests.pipeline.test_bad_input import (  # noqa: F401
    CRIME,
    DATA_127,
    DATA_181,
    baseline,
    crime_index,
    edit,
)

NEXT = date.today().year + 1

CASES = [
    ("sotkanet_year_3000", edit(DATA_127, lambda rows: rows[0].update(year=3000)), ("sotkanet", "vaesto"),
     ["127.json [0]", f"vuosi 3000 on myöhemmin kuin kuluva vuosi + julkaisuväli ({NEXT})"]),
    ("sotkanet_count_1e20", edit(DATA_127, lambda rows: rows[0].update(value=1e20)), ("sotkanet", "vaesto"),
     ["127.json [0]", "vaesto: arvo ei ole uskottava (sallittu 0–10\u00a0000\u00a0000)"]),
    ("sotkanet_abs_value_1e20", edit(DATA_181, lambda rows: rows[1].update(absValue=1e20)), ("sotkanet", "tyottomat_pct"),
     ["181.json [1]", "column count: lukumäärä ei ole uskottava"]),
    ("statfin_year_3000", crime_index("Vuosi", {"2019": 0, "3000": 1}), ("statfin", "rikokset"),
     ["Vuosi=3000", "vuosi 3000 on myöhemmin kuin"]),
    ("statfin_year_1200", crime_index("Vuosi", {"1200": 0, "2020": 1}), ("statfin", "rikokset"),
     ["Vuosi=1200", "vuosi 1200 on ennen vuotta 1900"]),
]


@pytest.mark.parametrize("case_id,mutate,dataset,fragments", CASES, ids=[c[0] for c in CASES])
def test_bnd001_source_rows_outside_the_bounds_are_refused(case_id, mutate, dataset, fragments, baseline, tmp_path,  # noqa: F811
                                                            monkeypatch, capsys, db_state):
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
        failed = conn.execute(select(load_run.c.source, load_run.c.dataset).where(
            load_run.c.id > last_run, load_run.c.status == "failed")).all()
        assert conn.execute(select(func.max(observation.c.year))).scalar() <= NEXT
    assert [tuple(r) for r in failed] == [dataset]
    engine.dispose()


def test_bnd002_latest_year_follows_the_cadence(registry):
    bounds = load_bounds()
    ind = registry.indicators
    frame = pd.DataFrame({"indicator_key": ["vaesto", "vaesto"], "region_code": ["109", "109"],
                          "period": ["2027", "2028"], "value": [1.0, 2.0]})
    with pytest.raises(InputError) as err:
        validate_observations(frame, indicators=ind, regions=["109"], source="t", today=date(2026, 6, 1))
    [problem] = err.value.problems
    assert "row 2" in problem.where and "vuosi 2028" in problem.message
    survey = next(k for k, i in ind.items() if i.cadence == "survey_2y")
    assert bounds.latest_year("survey_2y", date(2026, 6, 1)) == 2028
    ok = frame.assign(indicator_key=survey, value=[10.0, 20.0])
    validate_observations(ok, indicators=ind, regions=["109"], source="t", today=date(2026, 6, 1))


HEAD_TK = "alue;kausi;tila;ilmoittaja\n"
HEAD_EST = "alue;vuosi;uudet;peruskorjatut;esteettomat_uudet;esteettomat_peruskorjatut;ilmoittaja\n"


@pytest.mark.parametrize("name,content,where,message", [
    ("esteettomat_asunnot.csv", HEAD_EST + "109;2090;5;1;0;0;X\n", ":2:vuosi", f"value above the maximum {NEXT}"),
    ("turvallisuuskuva.csv", HEAD_TK + "109;2031H1;toimitettu;X\n", ":2:kausi", f"vuosi 2031 ei ole väliltä 2000–{NEXT}"),
    ("esteettomat_asunnot.csv", HEAD_EST + "109;2025;1e20;1;0;0;X\n", ":2:uudet", "value above the maximum 10000000"),
])
def test_bnd003_manual_files_refuse_future_years_periods_and_huge_counts(name, content, where, message, engine, registry, tmp_path):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [path], registry=registry)
    [problem] = err.value.problems
    assert problem.where == f"{path}{where}" and message in problem.message
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(manual_entry)).scalar() == 0


def test_bnd004_bounds_registry_names_only_known_indicators_and_units(registry):
    bounds = load_bounds()
    assert set(bounds.indicators) <= set(registry.indicators)
    assert {i.unit.kind for i in registry.catalogue.indicators} <= set(bounds.units)
    assert {i.cadence for i in registry.catalogue.indicators} <= set(bounds.cadence_years)


