"""The HYTE coefficient in parts (issue 12 item 7): the template carries the parts (process and
outcome indicators, each 0–100), ``load-manual`` validates and stores them, and the collection
area's form (generated from the template) asks for them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from data_pipeline.db.schema import manual_entry
from data_pipeline.errors import InputError
from data_pipeline.manual import load_manual_files, validate_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manual"


def test_hyp001_template_declares_process_and_outcome_parts(registry):
    tpl = registry.templates.templates["hyte_kerroin"]
    parts = tpl.part_columns
    kinds = {(c.part.level, c.part.kind) for c in parts}
    assert kinds == {("hyvinvointialue", "process"), ("hyvinvointialue", "outcome"), ("kunta", "process"),
                     ("kunta", "outcome")}
    assert all(c.min == 0 and c.max == 100 and not c.required for c in parts)
    assert "Yli 65-vuotiaiden lonkkamurtumat" in [c.part.label.fi for c in parts]
    assert "sijoitus" in tpl.column_names and "arvo" in tpl.column_names


def test_hyp002_load_manual_stores_the_parts_with_the_reporter(engine, registry):
    summary = load_manual_files(engine, [FIXTURES / "hyte_kerroin_osat.csv"], registry=registry)
    assert summary
    with engine.connect() as conn:
        rows = {r.region_code: r for r in conn.execute(select(manual_entry).where(manual_entry.c.template == "hyte_kerroin"))}
    hva = rows["HVA07"].data
    assert (hva["arvo"], hva["sijoitus"], hva["osa_mpr_rokotus"], hva["osa_mielenterveys_elake"]) == (46, 7, 62.5, 28)
    assert hva["ilmoittaja"] == "Hyte-koordinaattori, Oma Häme" and not rows["HVA07"].synthetic
    assert rows["109"].data["osa_kuntajohto"] == 74 and rows["109"].data.get("osa_neet") is None


@pytest.mark.parametrize("content, column, message", [
    ("alue;vuosi;arvo;lahde;osa_neet;ilmoittaja\nHVA07;2024;46;THL;120;X\n", "osa_neet", "above the maximum 100"),
    ("alue;vuosi;arvo;lahde;osa_neet;ilmoittaja\n109;2024;46;THL;40;X\n", "osa_neet", "osa koskee vain tasoa hyvinvointialue"),
    ("alue;vuosi;arvo;lahde;osa_kuntajohto;ilmoittaja\nHVA07;2024;46;THL;40;X\n", "osa_kuntajohto", "osa koskee vain tasoa kunta"),
])
def test_hyp003_bad_part_is_refused_naming_row_and_column(engine, registry, tmp_path, content, column, message):
    path = tmp_path / "hyte_kerroin.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_manual_files(engine, [path], registry=registry)
    [problem] = err.value.problems
    assert problem.where == f"{path}:2:{column}"
    assert re.search(message, problem.message)
    with engine.connect() as conn:
        assert conn.execute(select(manual_entry)).first() is None


def test_hyp004_collection_form_rows_carry_the_parts(registry):
    valid, problems = validate_records("hyte_kerroin", [
        {"alue": "HVA07", "vuosi": "2024", "arvo": "46", "sijoitus": "7", "lahde": "THL", "osa_alkoholi_mini": "81",
         "ilmoittaja": "Hyte-koordinaattori"}], registry)
    assert problems == []
    assert valid.rows[0].data["osa_alkoholi_mini"] == 81


def test_hyp005_demo_fills_synthetic_parts_and_gives_way_to_real_ones(engine, registry):
    from data_pipeline.db.schema import observation
    from data_pipeline.demo import fill_demo

    fill_demo(engine, registry=registry)
    hva = registry.county.welfare_area.code
    with engine.connect() as conn:
        entries = conn.execute(select(manual_entry).where(manual_entry.c.template == "hyte_kerroin")).all()
        obs = {r.period: r.value for r in conn.execute(select(observation).where(
            observation.c.indicator_key == "hyte_kerroin", observation.c.region_code == hva))}
    assert len(entries) == 2 and all(e.synthetic and e.region_code == hva for e in entries)
    for e in entries:
        assert e.data["arvo"] == round(obs[e.period])  # the same headline value as the demo's observation
        assert e.data["lahde"] is None and e.data["osa_kuntajohto"] is None
        assert 0 <= e.data["osa_neet"] <= 100 and 0 <= e.data["osa_mpr_rokotus"] <= 100
    load_manual_files(engine, [FIXTURES / "hyte_kerroin_osat.csv"], registry=registry)
    fill_demo(engine, registry=registry)
    with engine.connect() as conn:
        current = conn.execute(select(manual_entry).where(manual_entry.c.template == "hyte_kerroin",
                                                          manual_entry.c.superseded_at.is_(None))).all()
    assert current and not any(e.synthetic for e in current)
