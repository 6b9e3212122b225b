"""build_chart: the same ChartData for screen and export — values, suppression, texts, file names."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.core.state import InvalidState, ViewState
from dashboard.draw.charts import KINDS, ChartData, build_chart


@pytest.fixture(autouse=True)
def _ctx(dash_app):
    with dash_app.server.test_request_context():
        yield


def test_ch001_chartdata_has_every_field_of_the_interface():
    c = build_chart("map", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2020))
    assert isinstance(c, ChartData) and c.kind == "map"
    assert isinstance(c.table, pd.DataFrame) and len(c.table) == 11
    assert c.title.startswith("Asunnottomat") and "2020" in c.subtitle and c.unit == "/ 1 000 asukasta"
    # The test database's values are invented and flagged so: no statistical authority is named.
    assert c.source.startswith("Synteettinen esimerkkiaineisto, ei tilastolähdettä") and "THL" not in c.source
    assert c.data_date == "2026-11-18"
    assert c.synthetic is True
    assert c.filename_stem == "kanta-hame-asunnottomat-yksinaiset-per1000-2020-kartta"


def test_ch002_table_headers_follow_the_ui_language():
    fi = build_chart("bar", ViewState(page="asuminen", year=2020))
    sv = build_chart("bar", ViewState(page="asuminen", year=2020, lang="sv"))
    assert "Alue" in fi.table.columns and "Område" in sv.table.columns
    assert any(col.startswith("Arvo (") for col in fi.table.columns)


def test_ch003_synthetic_values_are_flagged():
    c = build_chart("map", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2024))
    assert c.synthetic is True
    assert c.table["Huomautus"].str.contains("synteettinen").any()


def test_ch004_small_counts_are_suppressed_identically_in_map_and_bar():
    state = ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_lkm", year=2019)
    for kind in ("map", "bar"):
        c = build_chart(kind, state)
        shown = dict(zip(c.table["Aluekoodi"], c.table["Näytetty arvo"]))
        values = dict(zip(c.table["Aluekoodi"], c.table["Arvo (henkilöä)"]))
        # 2019: Loppi 3, Tammela 2, Jokioinen 1 are hidden as "< 5"; zero is shown (no person behind it).
        assert shown["433"] == shown["834"] == shown["169"] == "< 5"
        assert all(math.isnan(values[k]) for k in ("433", "834", "169"))
        assert shown["103"] == "0" and shown["109"] == "39"
    fig = build_chart("map", state).figure
    labels = dict(zip(fig["data"][0]["locations"], fig["data"][2]["text"]))
    assert labels["433"] == "<b>Loppi</b><br>< 5 *"  # the hidden value is nowhere in the figure (* synthetic)
    hover = dict(zip(fig["data"][0]["locations"], fig["data"][0]["customdata"]))
    assert hover["433"][0] == "< 5"


def test_ch005_source_flagged_suppression_is_hidden():
    c = build_chart("map", ViewState(page="hyvinvointityo", indicator="toimeentulotuki_pct", year=2024))
    row = c.table[c.table["Aluekoodi"] == "981"].iloc[0]
    assert row["Näytetty arvo"] == ".." and math.isnan(row["Arvo (% asukkaista)"])


def test_ch006_status_map_and_rounds_views_of_manual_measures():
    s = build_chart("status_map", ViewState(page="turvallisuus", indicator="varautumissopimus_voimassa"))
    statuses = dict(zip(s.table["Aluekoodi"], s.table["Tila"]))
    assert statuses["061"] == "voimassa"  # the superseded 2025 entry is ignored
    assert statuses["694"] == "ei kirjausta"
    r = build_chart("rounds", ViewState(page="turvallisuus", indicator="turvallisuuskuva_kierrokset"))
    assert list(r.table.columns[-3:]) == ["2025H1", "2025H2", "2026H1"]
    assert r.table.set_index("Aluekoodi").loc["981", "2025H1"] == "ei kirjausta"


def test_ch007_wrong_kind_for_an_indicator_is_a_handled_error():
    with pytest.raises(InvalidState):
        build_chart("rounds", ViewState(page="asuminen"))
    with pytest.raises(InvalidState):
        build_chart("pie", ViewState())


def test_ch008_every_kind_builds_in_all_languages():
    for lang in ("fi", "sv", "en"):
        for kind in ("map", "bar", "trend", "table"):
            c = build_chart(kind, ViewState(page="hyvinvointityo", indicator="tyottomat_pct", lang=lang, municipality="109"))
            assert c.title and c.summary and not c.table.empty
    assert set(KINDS) >= {"map", "bar", "trend", "status_map", "rounds"}


def test_ch009_monthly_series_show_the_last_month_of_the_year():
    c = build_chart("map", ViewState(page="overview", indicator="vaesto_kuukausi"))
    assert set(c.table["Arvo (asukasta)"].dropna()) == {10012.0}


def test_ch010_region_only_survey_indicator_has_no_municipal_values_but_a_county_trend():
    c = build_chart("trend", ViewState(page="hyvinvointityo", indicator="yksinaisyys_pct"))
    assert c.extra["years"] == [2020, 2022, 2024]
    m = build_chart("map", ViewState(page="hyvinvointityo", indicator="yksinaisyys_pct"))
    assert m.table["Arvo (%)"].isna().all()


def test_ch011_an_unreadable_database_is_a_temporary_condition(tmp_path):
    from sqlalchemy import create_engine

    from dashboard.draw.charts import DataUnavailable

    broken = create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}")
    with pytest.raises(DataUnavailable):
        build_chart("map", ViewState(page="asuminen"), broken)


def test_no_values_is_a_sentence_with_or_without_a_year():
    import pandas as pd

    from dashboard.deliver.components import data_table
    from dashboard.draw.charts import _no_values

    assert _no_values(2024, "fi") == "Ei arvoja 2024." and _no_values(None, "fi") == "Ei arvoja."
    assert _no_values(None, "sv") == "Inga värden." and _no_values(None, "en") == "No values."
    empty = data_table(pd.DataFrame(), "Työttömät", "fi")
    assert empty.children[1] == "ei arvoja."  # "Työttömät: ei arvoja." — no gap before the full stop
