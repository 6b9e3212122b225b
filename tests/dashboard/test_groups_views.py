"""Tutkittavaa and Mikä muuttui without a browser: the agenda's rows, filter and sort, its CSV/XLSX,
goal status changes between two evaluations, and the Atom feed."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from openpyxl import load_workbook

from dashboard.data.changes import goal_changes
from dashboard.deliver.agenda import AgendaRow, agenda_rows, select_rows
from dashboard.judge.compare import compare_indicator
from dashboard.judge.goals import GoalStatus
from tests.dashboard.data import REGISTRY


def row(region, verdict, trend, value=1.0, order=0, kind="municipality"):
    return AgendaRow(indicator="x", indicator_title="X", unit="%", indicator_order=order, region=region,
                     region_name=region, kind=kind, year=2024, value=value, value_text=str(value), decimals=1,
                     verdict=verdict, trend=trend, synthetic=False)


def test_agd001_filter_keeps_exactly_worse_and_worsening():
    rows = [row("a", "worse", "worsening"), row("b", "worse", "no_change"), row("c", "better", "worsening"),
            row("d", "similar", "worsening"), row("e", "worse", "improving"), row("f", "worse", "worsening")]
    assert [r.region for r in select_rows(rows, only_agenda=True)] == ["a", "f"]
    assert len(select_rows(rows)) == 6


def test_agd002_sorting_by_value_comparison_and_trend():
    rows = [row("a", "better", "improving", 3.0), row("b", "worse", "no_change", 1.0), row("c", "similar", "worsening", 2.0)]
    assert [r.region for r in select_rows(rows, sort="arvo")] == ["b", "c", "a"]
    assert [r.region for r in select_rows(rows, sort="arvo", descending=True)] == ["a", "c", "b"]
    assert [r.region for r in select_rows(rows, sort="vertailu")] == ["b", "c", "a"]  # worse first
    assert [r.region for r in select_rows(rows, sort="suunta")] == ["c", "b", "a"]  # worsening first


def test_agd003_rows_use_the_compare_rule_against_the_chosen_benchmark(dash_env):
    engine, _ = dash_env
    rows = agenda_rows(engine, REGISTRY, "hyvinvointityo", "koko_maa", "fi")
    assert rows and {r.kind for r in rows} >= {"municipality", "county", "country"}
    country = REGISTRY.county.country.code
    for r in rows:
        if r.region == country:
            assert r.verdict == "benchmark"
    ind = REGISTRY.indicators["tyottomat_pct"]
    by_region = {r.region: r for r in rows if r.indicator == "tyottomat_pct"}
    bench = by_region[country].value
    for code, r in by_region.items():
        if code != country:
            assert r.verdict == compare_indicator(ind, r.value, bench)


def test_agd004_agenda_exports_csv_and_xlsx_with_the_rows_shown(client):
    resp = client.get("/tutkittavaa/vienti.csv?painopiste=hyvinvointityo&nayta=tutkittavaa")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "tutkittavaa" in resp.headers["Content-Disposition"]
    text = resp.data.decode("utf-8-sig")
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Indikaattori;"))
    body = [line for line in lines[header + 1:] if line]
    assert body and all(line.endswith(";heikompi;heikkenee") for line in body)
    xlsx = client.get("/tutkittavaa/vienti.xlsx?painopiste=hyvinvointityo&kieli=en")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for r in sheet.iter_rows(values_only=True) for c in r if c]
    assert "Indicator" in values and "Trend" in values
    assert client.get("/tutkittavaa/vienti.pdf").status_code == 400
    bad = client.get("/tutkittavaa/vienti.csv?painopiste=<script>")
    assert bad.status_code == 400
    assert bad.data.decode() == "Parametrin painopiste arvo ”<script>” ei kelpaa; näytetään oletus."
    assert bad.mimetype == "text/plain"


def _status(key, status, label):
    return GoalStatus(key=key, area="a", type="numeric_target", status=status, label=label, progress=None, value=None,
                      target=None, baseline=None, latest_period=None, explanation="", wording=f"Goal {key}",
                      target_basis="agreement", owner="", synthetic=False, indicator=None)


def test_chg001_goal_changes_compares_two_evaluations():
    before = [_status("a", "on_track", "On"), _status("b", "not_enough_data", "?"), _status("c", "achieved", "Yes")]
    after = [_status("a", "needs_acceleration", "Slower"), _status("b", "not_enough_data", "?"),
             _status("c", "achieved", "Yes"), _status("new", "on_track", "On")]
    changes = goal_changes(before, after)
    assert [(c.key, c.before, c.after) for c in changes] == [("a", "On", "Slower")]


def test_chg002_atom_feed_parses_and_lists_the_loads_since_the_date(client):
    resp = client.get("/mika-muuttui.atom?alkaen=2026-11-19")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    # loads 2, 3 and 4 finished on or after 19.11.; load 1 (18.11.) and the failed one are not listed
    assert [t.split(" (")[0] for t in titles] == ["demo: synthetic fill", "manual: varautumissopimukset", "statfin: rikokset"]
    assert root.findtext("a:title", namespaces=ns) == "Tilannekuva: mikä muuttui"
    bad = client.get("/mika-muuttui.atom?alkaen=eilen")  # not a date: the last 30 days, never an error
    assert bad.status_code == 200 and ET.fromstring(bad.data).tag == "{http://www.w3.org/2005/Atom}feed"
