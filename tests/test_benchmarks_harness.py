"""The benchmark harness's pure parts: statistics, target rows, callback request building, report
rendering. The benchmarks themselves are not tests (they time things); these check that what they
compute and print is right."""
from __future__ import annotations

import argparse
import json

import pytest

from benchmarks import dash_requests as dr
from benchmarks import report
from benchmarks.__main__ import parse_only
from benchmarks._common import median, percentile, ratio, summary, target
from benchmarks.bench_map import switch_plan


def test_bh001_percentile_interpolates_like_numpy():
    data = [15, 20, 35, 40, 50]
    assert percentile(data, 0) == 15
    assert percentile(data, 100) == 50
    assert percentile(data, 50) == 35
    assert percentile(data, 40) == pytest.approx(29.0)  # numpy.percentile(data, 40)
    assert percentile(data, 95) == pytest.approx(48.0)
    assert percentile([7], 95) == 7
    assert percentile([], 95) is None


def test_bh002_percentile_ignores_input_order_and_rejects_bad_q():
    assert percentile([3, 1, 2], 50) == 2
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_bh003_summary_and_median():
    s = summary([0.1, 0.3, 0.2, 0.4], digits=3)
    assert s == {"n": 4, "median": 0.25, "p95": 0.385, "min": 0.1, "max": 0.4}
    assert summary([]) == {"n": 0, "median": None, "p95": None, "min": None, "max": None}
    assert median([5, 1, 3]) == 3


def test_bh004_ratio_handles_missing_and_zero():
    assert ratio(500, 100) == 5.0
    assert ratio(1, 3, 3) == 0.333
    assert ratio(None, 3) is None
    assert ratio(3, 0) is None


def test_bh005_target_rows_max_min_and_missing():
    assert target("a", 120.0, 150.0, unit="ms")["met"] is True
    assert target("a", 151.0, 150.0, unit="ms")["met"] is False
    assert target("b", 5.0, 5.0, kind="min")["met"] is True
    assert target("b", 4.9, 5.0, kind="min")["met"] is False
    # A missing measurement is never a met target.
    assert target("c", None, 1.0)["met"] is False
    assert target("e", 0, 0)["met"] is True
    assert target("e", 3, 0)["met"] is False
    with pytest.raises(ValueError):
        target("d", 1, 1, kind="between")


def test_bh006_parse_outputs_multi_single_and_duplicate():
    multi = dr.parse_outputs("..area-map.figure...view-state.data@9c90..")
    assert multi == [{"id": "area-map", "property": "figure"}, {"id": "view-state", "property": "data@9c90"}]
    assert dr.parse_outputs("tk-sink-url.title") == [{"id": "tk-sink-url", "property": "title"}]
    # Dotted ids split at the last dot.
    assert dr.parse_outputs("a.b.c") == [{"id": "a.b", "property": "c"}]


DEPS = [
    {"output": "..out-a.children...out-b.data@ff..", "inputs": [{"id": "sel", "property": "value"},
                                                               {"id": "btn", "property": "n_clicks"}],
     "state": [{"id": "meta", "property": "data"}], "clientside_function": None},
    {"output": "sink.title", "inputs": [{"id": "meta", "property": "data"}], "state": [],
     "clientside_function": {"namespace": "x", "function_name": "y"}},
]


def test_bh007_request_body_matches_the_renderer_envelope():
    cb = dr.find_callback(DEPS, "out-b", "data")
    body = dr.request_body(cb, {"sel.value": "k", "meta.data": {"lang": "fi"}})
    assert body["output"] == "..out-a.children...out-b.data@ff.."
    assert body["outputs"] == [{"id": "out-a", "property": "children"}, {"id": "out-b", "property": "data@ff"}]
    # An input never set is sent without "value", like the renderer's undefined.
    assert body["inputs"] == [{"id": "sel", "property": "value", "value": "k"}, {"id": "btn", "property": "n_clicks"}]
    assert body["state"] == [{"id": "meta", "property": "data", "value": {"lang": "fi"}}]
    assert body["changedPropIds"] == ["sel.value"]
    json.dumps(body)  # serialisable as is


def test_bh008_clientside_callbacks_are_not_server_callbacks():
    assert dr.server_callbacks(DEPS) == [DEPS[0]]
    with pytest.raises(LookupError):
        dr.find_callback(DEPS, "sink", "title")


def test_bh009_walk_finds_nested_components_and_options():
    tree = {"type": "Div", "namespace": "h", "props": {"id": "root", "children": [
        {"type": "Select", "namespace": "dbc", "props": {"id": "pick", "value": "b", "options": [
            {"label": "— heading —", "value": "__group", "disabled": True}, {"label": "A", "value": "a"},
            {"label": "B", "value": "b"}]}},
        {"type": "Div", "namespace": "h", "props": {"children": {"type": "Store", "namespace": "dcc",
                                                                 "props": {"id": "meta", "data": {"lang": "sv"}}}}},
    ]}}
    assert [c["props"].get("id") for c in dr.walk(tree)] == ["root", "pick", None, "meta"]
    assert dr.find_props(tree, "meta")["data"] == {"lang": "sv"}
    assert dr.find_props(tree, "missing") is None
    assert dr.option_values(dr.find_props(tree, "pick")) == ["a", "b"]


def test_bh010_switch_plan_alternates_indicator_and_year():
    plan = switch_plan(["a", "b", "c"], 2020, 6)
    assert plan == [("indicator", "b", 2020), ("year", "b", 2019), ("indicator", "c", 2019),
                    ("year", "c", 2020), ("indicator", "a", 2020), ("year", "a", 2019)]
    # Every step changes exactly one of indicator and year.
    prev = ("a", 2020)
    for _kind, key, year in plan:
        assert (key != prev[0]) != (year != prev[1])
        prev = (key, year)


def test_bh011_parse_only():
    assert parse_only("map,load") == ["map", "load"]
    assert parse_only("first-view") == ["first_view"]
    with pytest.raises(argparse.ArgumentTypeError, match="unknown benchmark"):
        parse_only("nope")


def _report() -> dict:
    return {
        "machine": {"date": "2026-11-22T12:00:00+00:00", "cpus": 2, "python": "3.11.2", "chromium": "Chromium 156",
                    "dash": "4.4.1", "plotly": "7.1.0", "git_commit": "abc1234"},
        "quick": False,
        "benchmarks": {
            "map": {"targets": [target("Map switch, ours (median)", 120.0, 150.0, unit="ms"),
                                target("Map switch speed-up vs textbook", 3.2, 5.0, kind="min", unit="×")]},
            "load": {"error": "RuntimeError: gunicorn did not start"},
            "export": {"targets": [target("Export map PNG", 0.31, 0.5, unit="s", note="render 0.28 s")]},
        },
    }


def test_bh012_all_targets_in_report_order_and_errors_count_as_missed():
    rows = report.all_targets(_report())
    assert [r["benchmark"] for r in rows] == ["map", "map", "load", "export"]
    assert [r["met"] for r in rows] == [True, False, False, True]
    assert "did not run" in rows[2]["note"]


def test_bh013_markdown_shows_measured_figures_and_misses():
    md = report.render_markdown(_report())
    assert "2 of 4 targets met" in md
    assert "| 1 | Map switch, ours (median) | 120 ms | ≤ 150 ms | **yes** |" in md
    assert "| 1 | Map switch speed-up vs textbook | 3.2× | ≥ 5× | **NO** |" in md
    assert "gunicorn did not start" in md
    assert "- CPUs: 2" in md and "- Chromium: Chromium 156" in md
    assert "make bench" in md


def test_bh014_readme_section_has_heading_table_and_rerun():
    text = report.render_readme_section(_report())
    assert text.startswith("## Suorituskyky / Performance")
    assert "| # | Measure | Measured | Target | Met |" in text
    assert "2 of 4 targets met" in text
    assert "python -m benchmarks --only" in text


def test_bh015_value_formatting():
    assert report.fmt(None) == "–"
    assert report.fmt(0.318, "s") == "0.318 s"
    assert report.fmt(2167.3, "ms") == "2,167 ms"
    assert report.fmt(12.25, "ms") == "12.2 ms"
    assert report.fmt(5.0, "×") == "5×"
    assert report.fmt(True) == "yes"
    assert report.fmt(0) == "0"
    assert report.fmt_bytes(77313) == "77.3 KB"
    assert report.fmt_bytes(1415166) == "1.4 MB"
    assert report.fmt_bytes(512) == "512 B"


def test_bh016_write_creates_the_three_files(tmp_path):
    paths = report.write(_report(), tmp_path / "results")
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["machine"]["cpus"] == 2
    assert paths["md"].read_text(encoding="utf-8").startswith("# Tilannekuva benchmarks")
    assert paths["readme"].read_text(encoding="utf-8").startswith("## Suorituskyky / Performance")


def test_bh017_load_users_follow_the_callback_answer():
    from benchmarks.bench_load import follow_answer

    user = {"years": [2019, 2020], "state": {"indicator": "a", "year": 2020, "municipality": ""}}
    follow_answer(user, {"multi": True, "response": {
        "area-year": {"marks": {"2015": "2015", "2017": "", "2016": ""}, "value": 2017},
        "area-indicator": {"value": "b"}}})
    assert user["years"] == [2015, 2016, 2017]
    assert user["state"] == {"indicator": "b", "year": 2017, "municipality": ""}
    # A notice-only answer changes nothing.
    follow_answer(user, {"multi": True, "response": {"area-notice": {"children": "x"}}})
    assert user["state"]["year"] == 2017 and user["years"] == [2015, 2016, 2017]


def test_bh_missing_recording_is_one_sentence_and_exit_2(tmp_path, capsys):
    from benchmarks.__main__ import main

    assert main(["--quick", "--only", "map", "--offline", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "recorded snapshot not found at" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "latest.json").exists()  # no half report


def test_strings_finds_every_string_of_a_dash_tree_in_order():
    tree = {"type": "Div", "namespace": "dash_html_components", "props": {"children": [
        {"type": "A", "namespace": "dash_html_components", "props": {"href": "/vienti/a.csv?x", "children": "CSV"}},
        {"options": [{"label": "b", "value": "/vienti/b.png?y"}], "n": 3, "none": None},
    ]}}
    assert list(dr.strings(tree)) == ["Div", "dash_html_components", "A", "dash_html_components",
                                      "/vienti/a.csv?x", "CSV", "b", "/vienti/b.png?y"]
