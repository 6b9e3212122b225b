"""Published figures (``refresh --facts FILE``): the real file of cited figures loads beside the
recording; each value keeps its citation; statistics are never overwritten; unmapped keys and
bad rows are reported."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from data_pipeline.db.schema import load_run, observation
from data_pipeline.refresh import run_refresh


def _cited(engine, key):
    with engine.connect() as conn:
        return {(r.region_code, r.period): r for r in conn.execute(
            select(observation).where(observation.c.indicator_key == key))}


def _facts_rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.snapshot
def test_fac001_cited_figures_load_with_their_citation_and_never_over_a_statistic(engine, registry, offline_dir, facts_file,
                                                                                  settings_for):
    settings = settings_for(str(engine.url), TILANNEKUVA_FACTS_FILE=str(facts_file))
    report = run_refresh(engine, settings, offline_dir=offline_dir, sources=("sotkanet", "statfin", "facts"))
    assert report.ok, report.render()
    result = report.get("facts", facts_file.name)
    assert result.status == "success"
    rows = _facts_rows(facts_file)

    # The welfare area's HYTE coefficient for 2024: its real value with its citation.
    hyte = next(r for r in rows if r["indicator_key"] == "hyte_kerroin" and r["region_code"] == "HVA07")
    got = _cited(engine, "hyte_kerroin")[("HVA07", "2024")]
    assert got.value == float(hyte["value"]) and got.citation == hyte["source_url_or_repo"]
    assert got.citation_note == hyte["source_note"] and not got.synthetic

    # Turnout gains 2017 for every municipality, cited; the Sotkanet years stay uncited.
    turnout = _cited(engine, "aanestysaktiivisuus_kuntavaalit_pct")
    for m in registry.county.municipalities:
        want = next(r for r in rows if r["indicator_key"] == "kuntavaalit_aanestysprosentti"
                    and r["region_code"] == m.code and r["year"] == "2017")
        assert turnout[(m.code, "2017")].value == float(want["value"])
        assert turnout[(m.code, "2017")].citation.startswith("github:akx/yle-kuntavaalit-2017-data")
        assert turnout[(m.code, "2012")].citation is None  # Sotkanet 3076 (recorded to 2012)

    # Crime per 1,000 comes from StatFin for the same years: every cited row is left out and named.
    crime = [r for r in rows if r["indicator_key"] == "rikokset_henki_terveys_per1000"]
    assert f"{len(crime)} left out because a statistical value exists (rikokset_henki_terveys_per1000 061 2000" in result.message
    stored = _cited(engine, "rikokset_henki_terveys_per1000")
    assert all(r.citation is None for r in stored.values())
    forssa_2015 = next(r for r in crime if r["region_code"] == "061" and r["year"] == "2015")
    assert stored[("061", "2015")].load_run_id != result.run_id and forssa_2015  # StatFin's value kept

    # Keys no indicator is mapped to are counted, by key, in the load run.
    with engine.connect() as conn:
        note = conn.execute(select(load_run.c.error).where(load_run.c.id == result.run_id)).scalar()
    monthly = sum(1 for r in rows if r["indicator_key"] == "tyottomat_pct_tyovoimasta_kk")
    assert f"tyottomat_pct_tyovoimasta_kk ({monthly})" in note and "thl_kortti_sairastavuusindeksi (2)" in note

    # Re-running writes nothing.
    again = run_refresh(engine, settings, offline_dir=offline_dir, sources=("facts",))
    assert again.ok and again.written == 0 and again.get("facts", facts_file.name).unchanged == result.inserted


def test_fac002_a_bad_row_of_a_mapped_key_loads_nothing_and_names_row_and_column(engine, tmp_path, mini_offline,
                                                                                 settings_for):
    bad = tmp_path / "facts.csv"
    bad.write_text(
        "indicator_key,region_code,year,value,source_url_or_repo,source_note\n"
        "hyte_kerroin,HVA07,2024,46,https://example.org/tiedote,ok\n"
        "hyte_kerroin,HVA07,,47,https://example.org/tiedote,no year\n"
        "ei_kartalla,061,2024,1,https://example.org,unmapped\n",
        encoding="utf-8",
    )
    settings = settings_for(str(engine.url))
    report = run_refresh(engine, settings, offline_dir=mini_offline, sources=("facts",), facts_file=bad)
    result = report.get("facts", "facts.csv")
    assert result.status == "bad_input" and report.bad_input
    assert "row 3: column year: '' is not a year (2024) or month (2024-07)" in result.message
    assert "nothing was loaded" in result.message
    assert _cited(engine, "hyte_kerroin") == {}


def test_fac003_without_a_file_the_source_is_skipped_and_says_how_to_give_one(engine, mini_offline, settings_for):
    report = run_refresh(engine, settings_for(str(engine.url)), offline_dir=mini_offline, sources=("facts",))
    assert report.ok
    assert "refresh --facts FILE" in report.get("facts", "facts").message


def test_fac004_a_statistic_loaded_later_replaces_a_cited_figure_and_its_citation(engine, tmp_path, mini_offline,
                                                                                  settings_for):
    import pandas as pd

    from data_pipeline.load import recorded_load, upsert_observations

    facts = tmp_path / "facts.csv"
    facts.write_text("indicator_key,region_code,year,value,source_url_or_repo,source_note\n"
                     "hyte_kerroin,HVA07,2024,46,https://example.org/tiedote,lause\n", encoding="utf-8")
    settings = settings_for(str(engine.url))
    run_refresh(engine, settings, offline_dir=mini_offline, sources=("facts",), facts_file=facts)
    assert _cited(engine, "hyte_kerroin")[("HVA07", "2024")].citation == "https://example.org/tiedote"
    with recorded_load(engine, source="manual", dataset="hyte_kerroin", location="x") as (run, conn):
        upsert_observations(conn, pd.DataFrame([{"indicator_key": "hyte_kerroin", "region_code": "HVA07",
                                                 "period": "2024", "value": 47.0}]), run.id)
    row = _cited(engine, "hyte_kerroin")[("HVA07", "2024")]
    assert (row.value, row.citation, row.citation_note) == (47.0, None, None)
    # …and the next facts refresh leaves the entered value alone.
    report = run_refresh(engine, settings, offline_dir=mini_offline, sources=("facts",), facts_file=facts)
    assert "1 left out because a statistical value exists (hyte_kerroin HVA07 2024)" in report.get("facts", "facts.csv").message
    assert _cited(engine, "hyte_kerroin")[("HVA07", "2024")].value == 47.0
