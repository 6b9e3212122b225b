"""Comparison sets (``vertailu``): the benchmark rule of a set (dashboard.judge.benchmark), the view
state, the benchmark per set on the test database (dashboard.data.benchmarks), and what map, bar,
trend, exports, the explorer's store and the profile show with it."""
from __future__ import annotations

import json

import pytest

from dashboard.core.i18n import t
from dashboard.core.state import ViewState, parse_view, validate_state
from dashboard.judge.benchmark import set_value
from data_pipeline.registry import load_registry
from tests.dashboard.data import COUNTRY, REGISTRY

IND = "toimeentulotuki_pct"  # percent, lower is better; values for the 11 municipalities, county, country
YEAR = 2020
FORSSA_SUB = ["061", "103", "169", "834", "981"]  # Forssan seutukunta (SK053)


# --- the rule --------------------------------------------------------------------------------


def test_bm001_a_published_value_is_the_benchmark_whatever_the_members():
    r = set_value("percent", {"a": 1.0, "b": None}, {"a": 10, "b": 10}, published=4.2)
    assert (r.value, r.method) == (4.2, "published")


def test_bm002_a_rate_is_weighted_by_population():
    r = set_value("per_1000", {"a": 10.0, "b": 20.0}, {"a": 3000, "b": 1000})
    assert r.method == "weighted" and r.value == pytest.approx(12.5)  # (10·3000 + 20·1000) / 4000


def test_bm003_without_every_population_a_rate_is_the_plain_mean():
    r = set_value("percent", {"a": 10.0, "b": 20.0}, {"a": 3000, "b": None})
    assert r.method == "mean" and r.value == pytest.approx(15.0)


def test_bm004_an_index_is_never_weighted():
    r = set_value("index", {"a": 10.0, "b": 20.0}, {"a": 3000, "b": 1000})
    assert r.method == "mean" and r.value == pytest.approx(15.0)


def test_bm005_a_missing_or_hidden_member_leaves_the_year_without_a_benchmark():
    r = set_value("percent", {"a": 10.0, "b": None, "c": 5.0}, {"a": 1, "b": 1, "c": 1})
    assert (r.value, r.method) == (None, "incomplete")
    assert set_value("percent", {}).method == "incomplete"


def test_bm006_counts_have_no_set_benchmark():
    assert set_value("count", {"a": 4.0, "b": 9.0}, {"a": 1, "b": 1}) .method == "not_comparable"


# --- the view state --------------------------------------------------------------------------


def test_bm010_vertailu_is_view_state_validated_with_a_finnish_message():
    parsed = parse_view({"vertailu": "seutukunta", "kunta": "981"}, REGISTRY, page="asuminen")
    assert parsed.state.comparison == "seutukunta" and parsed.problems == []
    assert parsed.state.query()["vertailu"] == "seutukunta"
    assert "vertailu" not in ViewState(page="asuminen").query()  # the county region is the default
    bad = parse_view({"vertailu": "naapurikunnat"}, REGISTRY, page="asuminen")
    assert bad.state.comparison == "maakunta"
    assert bad.problems[0].message.startswith("Tuntematon vertailukohde ”naapurikunnat”")

    class Ctx:
        registry = REGISTRY
        years_for = staticmethod(lambda key: [])

    from dashboard.core.state import InvalidState

    with pytest.raises(InvalidState):
        validate_state({"vertailu": "x"}, Ctx())
    assert validate_state({"vertailu": "koko-maa"}, Ctx()).comparison == "koko-maa"


@pytest.mark.parametrize("county_key", ["kanta-hame", "paijat-hame", "pirkanmaa"])
def test_bm011_every_configured_county_has_sub_region_and_neighbour_sets(county_key):
    from dashboard.data import benchmarks

    registry = load_registry(county_key)
    county = registry.county
    assert county.neighbours and county.region.code not in {r.code for r in county.neighbours}
    for muni in county.municipalities:
        group = benchmarks.members(None, registry, "seutukunta", muni.code, "fi")
        assert muni.code in [c for c, _ in group]
        assert {m.subregion for m in county.municipalities if m.code in {c for c, _ in group}} == {muni.subregion}
    assert benchmarks.members(None, registry, "naapurit", None, "sv") == [(r.code, r.name.sv) for r in county.neighbours]
    assert benchmarks.members(None, registry, "seutukunta", None, "fi") is None  # needs a municipality


# --- on the test database --------------------------------------------------------------------


@pytest.fixture
def ctx(dash_app):
    from dashboard.data.context import current_context

    with dash_app.server.test_request_context():
        yield current_context()


def _values(ctx, codes, year):
    from dashboard.data import model

    rows = model.year_rows(ctx.engine, ctx.registry, IND)[year]
    return [float(rows[c]["value"]) for c in codes]


def test_bm020_sub_region_without_a_published_row_is_computed_from_all_its_municipalities(ctx):
    from dashboard.data.benchmarks import benchmark

    b = benchmark(ctx.engine, ctx.registry, IND, "seutukunta", "981", "fi")
    assert (b.code, b.name) == ("SK053", "Forssan seutukunta")
    assert [c for c, _ in b.members] == sorted(FORSSA_SUB, key=lambda c: dict(b.members)[c])
    # no populations in the test database: the plain mean of the five
    expected = sum(_values(ctx, FORSSA_SUB, YEAR)) / 5
    assert b.methods[YEAR] == "mean" and b.cell(YEAR).value == pytest.approx(expected)
    # 2024: Ypäjä's value is suppressed at source, so the set has no benchmark that year
    assert b.methods[2024] == "incomplete" and b.cell(2024).value is None


def test_bm021_whole_country_is_the_published_series(ctx):
    from dashboard.data import model
    from dashboard.data.benchmarks import benchmark

    b = benchmark(ctx.engine, ctx.registry, IND, "koko-maa", None, "fi")
    country = model.series(ctx.engine, ctx.registry, IND, [COUNTRY], "fi")[0]
    assert b.code == COUNTRY and b.series.values == country.values and set(b.methods.values()) == {"published"}


def test_bm022_a_set_that_cannot_be_formed_falls_back_to_the_county_region(ctx):
    from dashboard.data.benchmarks import benchmark, effective_choice

    # no municipality chosen; no population and unemployment for the whole country in the test database
    assert benchmark(ctx.engine, ctx.registry, IND, "seutukunta", None, "fi") is None
    assert effective_choice(ctx.engine, ctx.registry, "samankaltaiset", "981") == "maakunta"
    # neighbours' rows are not in the test database: the set exists but has no values (nothing invented)
    b = benchmark(ctx.engine, ctx.registry, IND, "naapurit", None, "fi")
    assert b.code == "VERTAILU" and b.series.years == [] and b.cell(YEAR).value is None


def test_bm030_bar_table_and_csv_compare_with_the_chosen_benchmark(ctx):
    from dashboard.deliver.export import table_export
    from dashboard.draw.charts import build_chart
    from dashboard.judge.compare import compare

    state = ViewState(page="hyvinvointityo", indicator=IND, year=YEAR, municipality="981", comparison="seutukunta")
    bar = build_chart("bar", state)
    col = "Verrattuna: Forssan seutukunta"
    assert col in bar.table.columns and "Vertailukohde: Forssan seutukunta" in bar.subtitle
    bench = sum(_values(ctx, FORSSA_SUB, YEAR)) / 5
    assert bar.table["Alue"].tolist()[-2:] == ["Forssan seutukunta", "Koko maa"]
    for _i, row in bar.table.iloc[:-2].iterrows():
        verdict = compare(row.filter(like="Arvo (").iloc[0], bench, "lower", 1)
        assert row[col] == t(f"compare.{verdict}", "fi")
    assert bar.filename_stem.endswith("-vertailu-vs-forssan-seutukunta")
    csv = table_export(bar, "csv", "fi").decode("utf-8-sig")
    assert "Vertailukohde: Forssan seutukunta" in csv and col in csv
    county = build_chart("bar", state.replace(comparison="maakunta"))
    assert "Verrattuna: Kanta-Häme" in county.table.columns and "Vertailukohde" not in county.subtitle
    assert bar.table[col].iloc[:-2].tolist() != county.table["Verrattuna: Kanta-Häme"].iloc[:-2].tolist()


def test_bm031_trend_and_map_name_the_benchmark(ctx):
    from dashboard.draw.charts import build_chart

    state = ViewState(page="hyvinvointityo", indicator=IND, year=YEAR, municipality="981", comparison="koko-maa")
    trend = build_chart("trend", state)
    names = [d.get("name", "") for d in trend.figure["data"]]
    assert any(n.startswith("Koko maa") for n in names) and any(n.startswith("Kanta-Häme") for n in names)
    m = build_chart("map", state)
    assert "Vertailukohde: Koko maa" in m.subtitle and "Koko maa:" in m.summary


def test_bm040_the_explorer_store_carries_the_benchmark(ctx):
    from dashboard.data.benchmarks import benchmark
    from dashboard.deliver.explorer import store_json

    st = json.loads(store_json(ctx, "hyvinvointityo", "fi", "seutukunta", "981"))
    assert st["cmp"] == "seutukunta" and st["cmpBy"] == "981"
    ind = st["ind"][IND]
    entry = ind["y"][str(YEAR)]
    out = dict(zip(st["out"]["y"], entry["o"]))
    assert out["area-map-subtitle.children"].endswith("Vertailukohde: Forssan seutukunta")
    b = benchmark(ctx.engine, ctx.registry, IND, "seutukunta", "981", "fi")
    # the bar's reference line is the benchmark's value, named in its legend
    bench = b.series.texts[b.series.years.index(YEAR)]
    assert any(tr.get("name") == f"Forssan seutukunta {bench}" for tr in entry["b"][0][1])
    assert any(sh["x0"] == pytest.approx(b.cell(YEAR).value) for op in entry["b"] if op[0] == ["layout", "shapes"]
               for sh in op[1])
    assert set(ind["t"]) == {"981"}  # another municipality's set is made by the server
    plain = json.loads(store_json(ctx, "hyvinvointityo", "fi"))
    assert plain["cmpBy"] is None and "Forssan seutukunta" not in json.dumps(plain, ensure_ascii=False)


def test_bm050_profile_compares_with_the_chosen_set_and_shows_the_picker(dash_client):
    from tests.dashboard.conftest import find, render_page, texts

    body = json.loads(render_page(dash_client, "/kuntaprofiili", "?kunta=981&vertailu=seutukunta").data)
    words = texts(body)
    assert "Verrattuna: Forssan seutukunta" in words and "Vertailukohde" in words
    assert any(w.startswith("Vertailukohde: Forssan seutukunta. Joukkoon kuuluvat: Forssa, Humppila") for w in words)
    link = find(body, "profile-vertailu-koko-maa")
    assert link["href"] == "/kuntaprofiili?kunta=981&vertailu=koko-maa"
    assert find(body, "profile-vertailu-seutukunta")["aria-current"] == "true"


def test_bm032_the_map_colours_are_centred_on_the_chosen_benchmark(ctx):
    """The map's better/worse classes and its legend follow the comparison, as the table's words do."""
    from dashboard.deliver.explorer import store_json
    from dashboard.draw.charts import build_chart
    from tests.dashboard.conftest import expand, texts

    state = ViewState(page="hyvinvointityo", indicator=IND, year=YEAR, municipality="981", comparison="seutukunta")
    sub, county = build_chart("map", state), build_chart("map", state.replace(comparison="maakunta"))
    sub_labels = [label for label, _c in sub.extra["legend"]]
    county_labels = [label for label, _c in county.extra["legend"]]
    assert any("Forssan seutukunta" in label for label in sub_labels), sub_labels
    assert not any("Forssan seutukunta" in label for label in county_labels)
    # the browser's classes are the server's: the store of that comparison carries the same legend
    store = json.loads(store_json(ctx, "hyvinvointityo", "fi", "seutukunta", "981"))
    out = dict(zip(store["out"]["y"], store["ind"][IND]["y"][str(YEAR)]["o"]))
    legend = texts(expand(out["area-map-legend.children"]))
    assert legend == sub_labels, legend
