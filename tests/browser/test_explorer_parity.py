"""The explorer drawn in the browser (assets/tilannekuva.js) against the server (Python).

Python makes every view of an area page and the browser only picks and applies the view's entries
(dashboard/deliver/explorer.py). These tests run the browser's glue in Chromium and require
identical results: every view of the test database's explorer (all areas, indicators, years, with
and without a municipality, three languages, forum mode, all map types, comparisons) against
``build_chart``, and whole pages switched in the browser against the server's render of the URL.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import plotly.io.json as plotly_json
import pytest

from tests.dashboard.data import REGISTRY

CORE = Path(__file__).resolve().parents[2] / "assets" / "tilannekuva.js"


def as_json(value):
    """A Python value (figure, Dash component) as the browser receives it."""
    return json.loads(plotly_json.to_json_plotly(value))


@pytest.fixture(scope="module")
def core(browser):
    """A blank page with only tilannekuva.js: its explorer (``tilannekuvaRender``), no app around it."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><html lang='fi'><head><title>core</title></head><body></body></html>")
    page.add_script_tag(path=str(CORE))
    yield page
    context.close()


# --- formats and classes on generated vectors -------------------------------------------------

def test_par001b_a_slider_step_onto_a_year_without_data_goes_on_that_way(core):
    """Years with gaps give the slider a step of one; a step onto a missing year goes on to the next
    year with data in the step's direction (not back to the latest year). Python writes the way on
    (``snap``); the browser's explorer follows it."""
    from dashboard.deliver.explorer import _snap

    years = [2012, 2014, 2015, 2018]
    view = {"m": [], "ms": {"geo": ""}, "b": [], "o": [], "s": 0}
    st = {"links": {"view": "?{i}{y}"}, "cmpBy": None, "out": {"y": [], "t": []}, "munis": [], "banner": None,
          "hl": {"map": 1, "bar": [["a", 1], ["b", 1]]}, "seg": {"m": {}, "k": {}}, "statusSynthetic": False,
          "ind": {"i": {"snap": _snap(years), "last": "2018", "years": years, "marks": {}, "P": [], "lo": [],
                        "seg": {"i": "indikaattori=i", "j": "", "y": {str(y): f"&vuosi={y}" for y in years}},
                        "y": {str(y): view for y in years}, "t": {"": {"d": [], "o": [], "s": 0}}}}}
    cases = [
        (2013, 2012, 2014),  # right from 2012: on to 2014
        (2013, 2014, 2012),  # left from 2014: back to 2012
        (2016, 2015, 2018),
        (2017, 2018, 2015),
        (2014, 2012, 2014),  # a year with data stays
        (2019, 2018, 2018),  # nothing that way: the latest is shown
    ]
    got = core.evaluate("""([st, cases]) => cases.map(c => window.tilannekuvaRender(st, null,
        {indicator: "i", year: c[0], from: c[1], municipality: null, mode: "geo"},
        {data: [{customdata: []}], layout: {}}, {data: [], layout: {}}, ["area-year"],
        class { assign() { return this; } build() { return []; } })["area-year-label.children"])""", [st, cases])
    assert got == [str(c[2]) for c in cases]


# --- every view of the test database: the browser's model against build_chart -----------------

HARNESS = """
({store, country, views, bar, trend}) => {
  class RecordingPatch {
    constructor() { this.ops = []; }
    assign(path, value) { this.ops.push([path, value]); return this; }
    build() { return this.ops; }
  }
  const st = JSON.parse(store), cst = country ? JSON.parse(country) : null;
  return views.map(v => window.tilannekuvaRender(st, cst, {...v, from: NaN}, bar, trend, ["area-indicator"], RecordingPatch));
}
"""


def _views(registry, area_key, lang, forum, engine, mode, comparison="maakunta", municipality=None):
    from dashboard.core.state import ViewState
    from dashboard.data import model
    from dashboard.deliver.pages.area import explorer_indicators

    munis = registry.county.municipality_codes
    n = 0
    for ind in explorer_indicators(registry, area_key):
        years = model.selectable_years(engine, registry, ind.key) or [None]
        for year in years:
            n += 1
            muni = municipality or (munis[n % len(munis)] if n % 2 else None)
            yield ViewState(page=area_key, indicator=ind.key, year=year, municipality=muni, map_mode=mode,
                            lang=lang, forum=forum, comparison=comparison)


def _area_path(area_key: str) -> str:
    return "/" + REGISTRY.agreement.area(area_key).slug


def _expected(state, status_synthetic: bool) -> dict:
    from dashboard.core.state import COMPARISONS
    from dashboard.deliver.components import map_legend, page_href, source_text
    from dashboard.deliver.explorer import year_marks
    from dashboard.deliver.export_routes import download_links
    from dashboard.draw.charts import build_chart
    from dashboard.draw.figures.map import legend_items, screen_figure, value_patch

    lang = state.lang
    map_chart = build_chart("map", state)
    bar_chart = build_chart("bar", state)
    trend_chart = build_chart("trend", state)
    ops = value_patch(screen_figure(map_chart.figure)).to_plotly_json()["operations"]
    texts = lambda c: {"title": c.title, "subtitle": c.subtitle, "summary": c.summary,
                       "source": source_text(c, lang)}
    synthetic = map_chart.synthetic or trend_chart.synthetic or status_synthetic
    return {
        "year": map_chart.extra["year"],
        "map": {tuple(op["location"]): op["params"]["value"] for op in as_json(ops)},
        "legendItems": [list(x) for x in legend_items(map_chart.figure)],
        "legend": as_json(map_legend(legend_items(map_chart.figure), lang))["props"]["children"],
        "mapTexts": texts(map_chart), "barTexts": texts(bar_chart), "trendTexts": texts(trend_chart),
        "bar": as_json(bar_chart.figure), "trend": as_json(trend_chart.figure),
        "hrefs": {f"area-{kind}-vienti-{link['key']}.href": link["href"] for kind in ("map", "bar", "trend")
                  for link in download_links(kind, state.replace(year=map_chart.extra["year"]))},
        "indicatorHref": page_href(f"/indikaattori/{state.indicator}", state),
        # the comparison picker's links keep the view (dashboard/deliver/comparison.py)
        "cmpHrefs": {f"area-vertailu-{c}.href": _area_path(state.page) + state.replace(
            year=map_chart.extra["year"], comparison=c).query_string() for c in COMPARISONS},
        "query": state.replace(year=map_chart.extra["year"]).query(),
        "marks": {str(k): v for k, v in year_marks(map_chart.extra["years"]).items()},
        "synthetic": synthetic,
    }


def _shown(value) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:300]
    except TypeError:  # a value that is no JSON (the mismatch itself) is shown as Python sees it
        return repr(value)[:300]


def _compare(state, got: dict, want: dict) -> list[str]:
    problems = []
    ops = {tuple(path): value for path, value in got["area-map.figure"]}
    year = got["area-year-label.children"]
    checks = [
        ("year", int(year) if year else None, want["year"]), ("map", ops, want["map"]),
        ("legend", got["area-map-legend.children"], want["legend"]),
        ("bar.data", got["area-bar.figure"]["data"], want["bar"]["data"]),
        ("bar.layout", got["area-bar.figure"]["layout"], want["bar"]["layout"]),
        ("trend.data", got["area-trend.figure"]["data"], want["trend"]["data"]),
        ("trend.layout", got["area-trend.figure"]["layout"], want["trend"]["layout"]),
        ("hrefs", {k: v for k, v in got.items() if "-vienti-" in k}, want["hrefs"]),
        ("indicatorHref", got["area-indicator-link.href"], want["indicatorHref"]),
        ("cmpHrefs", {k: v for k, v in got.items() if k.startswith("area-vertailu-")}, want["cmpHrefs"]),
        ("query", got["view-state.data"]["query"], want["query"]),
        ("marks", got["area-year.marks"], want["marks"]),
        ("synthetic", got["tk-banner.children"] is not None, want["synthetic"]),
    ] + [(f"{k}.{part}", got[f"area-{k}-{part}.children"], want[f"{k}Texts"][part]) for k in ("map", "bar", "trend")
         for part in ("title", "subtitle", "summary", "source")]
    for name, g, w in checks:
        if g != w:
            problems.append(f"{state}: {name}: browser {_shown(g)} != server {_shown(w)}")
    return problems


@pytest.mark.parametrize("lang,forum,mode,comparison,municipality", [
    ("fi", False, "geo", "maakunta", None), ("sv", True, "tiles", "maakunta", None), ("en", False, "geo", "maakunta", None),
    ("fi", False, "country", "maakunta", None),
    # a chosen comparison: the sub-region of one municipality (the store is made for it), the whole country
    ("fi", False, "geo", "seutukunta", "981"), ("sv", False, "geo", "koko-maa", None),
])
def test_par003_every_explorer_view_drawn_in_the_browser_equals_the_servers_charts(core, live_app, lang, forum, mode,
                                                                                  comparison, municipality):
    from dashboard.data.context import current_context
    from dashboard.deliver import explorer as explorer_data
    from dashboard.draw.charts import build_chart

    app, _url = live_app
    problems, count = [], 0
    with app.server.app_context():
        ctx = current_context()
        for area in REGISTRY.agreement.areas:
            views = list(_views(REGISTRY, area.key, lang, forum, ctx.engine, mode, comparison, municipality))
            if not views:
                continue
            store = explorer_data.store_json(ctx, area.key, lang, comparison, municipality, forum=forum)
            country = explorer_data.country_json(ctx, area.key, lang, forum, comparison, municipality) \
                if mode == "country" else None
            status_synthetic = json.loads(store)["statusSynthetic"]
            first = views[0]
            # The browser keeps the layout of the figures it already shows (another view's).
            current_bar = as_json(build_chart("bar", first.replace(indicator=views[-1].indicator, year=None)).figure)
            current_trend = as_json(build_chart("trend", first.replace(indicator=views[-1].indicator)).figure)
            got = core.evaluate(HARNESS, {
                "store": store, "country": country, "bar": current_bar, "trend": current_trend,
                "views": [{"indicator": v.indicator, "year": v.year, "municipality": v.municipality, "mode": v.map_mode,
                           "forum": v.forum} for v in views]})
            for state, g in zip(views, got):
                count += 1
                problems += _compare(state, g, _expected(state, status_synthetic))
    assert count > 60, count
    kinds = sorted({p.split(": ")[1] for p in problems})
    assert not problems, f"{len(problems)} differences in {kinds}, e.g.\n" + "\n".join(problems[:4])


# --- whole pages: switched in the browser against the server's render of the URL --------------

SNAPSHOT = """
() => {
  const graph = id => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    return {data: JSON.parse(JSON.stringify(gd.data)), layout: JSON.parse(JSON.stringify(gd.layout))};
  };
  const text = id => { const el = document.getElementById(id); return el ? el.innerText : null; };
  const out = {url: location.search, map: graph('area-map'), bar: graph('area-bar'), trend: graph('area-trend')};
  for (const g of ['area-map', 'area-bar', 'area-trend']) {
    for (const part of ['title', 'subtitle', 'summary', 'source']) out[g + '-' + part] = text(g + '-' + part);
    // the downloads (the Upota entry's image link follows them when its menu opens: test_embed_browser)
    out[g + '-links'] = Array.from(document.querySelectorAll('#' + g + '-vienti a[id*="-vienti-"]')).map(a => a.getAttribute('href'));
  }
  out.legend = document.getElementById('area-map-legend').innerHTML;
  out.tables = ['area-map-table-body', 'area-trend-table-body'].map(id => document.getElementById(id).innerHTML);
  out.year = text('area-year-label');
  out.marks = Array.from(document.querySelectorAll('#area-year .rc-slider-mark-text, #area-year [class*=mark]'))
    .map(m => m.textContent);
  out.indicatorLink = document.getElementById('area-indicator-link').getAttribute('href');
  out.indicator = document.getElementById('area-indicator').value;
  out.municipality = document.getElementById('area-municipality').value;
  out.banner = document.getElementById('tk-banner').innerText;
  return out;
}
"""


def _settle(page):
    page.wait_for_function(
        "() => { const g = document.querySelector('#area-map .js-plotly-plot');"
        " return g && g._fullData && g.querySelectorAll('.choroplethlocation').length >= 11; }")
    page.wait_for_timeout(400)


def _open_tables(page):
    """Open the tables as a person does (a click on the summary): an open table asks the server for
    its view (dashboard/deliver/alttext_panel.py). Forum mode hides them; the click is what counts."""
    for panel in ("area-map-table-panel", "area-trend-table-panel"):
        if not page.eval_on_selector(f"#{panel}", "d => d.open"):
            page.eval_on_selector(f"#{panel}-open", "s => s.click()")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def _first_difference(a, b):
    """Where two snapshot values first differ (short, readable)."""
    a, b = json.dumps(a, ensure_ascii=False), json.dumps(b, ensure_ascii=False)
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return {"browser": a[max(0, i - 150):i + 150], "server": b[max(0, i - 150):i + 150]}


SCENARIOS = [
    ("/asuminen?vuosi=2020", [("select", "#area-indicator", "asunnottomat_yksinaiset_lkm"), ("click", "#area-prev-year"),
                              ("select", "#area-municipality", "109")]),
    ("/asuminen?kieli=sv&esitys=1&indikaattori=tehostettu_palveluasuminen_65_pct&vuosi=2016",
     [("key", "ArrowRight"), ("key", "ArrowRight"), ("key", "ArrowUp"), ("key", "ArrowLeft")]),
    ("/asuminen?kartta=ruudut&vuosi=2018", [("select", "#area-indicator", "esteettomat_asunnot_pct"),
                                           ("select", "#area-municipality", "694"), ("click", "#area-prev-year")]),
    ("/hyvinvointityo?kieli=en", [("select", "#area-indicator", "yksinaisyys_pct"), ("open", None),
                                  ("select", "#area-indicator", "tyottomat_pct"), ("click", "#area-prev-year")]),
    ("/turvallisuus", [("select", "#area-indicator", "rikokset_omaisuus_per1000"), ("click", "#area-prev-year"),
                       ("click", "#area-prev-year"), ("select", "#area-municipality", "061")]),
]


@pytest.mark.parametrize("start,actions", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_par004_a_view_switched_in_the_browser_equals_the_servers_page_for_its_url(watched_page, live_server, start,
                                                                                  actions):
    page, _watch = watched_page
    page.goto(live_server + start)
    _settle(page)
    for kind, target, *rest in [(a[0], a[1], *a[2:]) for a in actions]:
        if kind == "select":
            page.select_option(target, rest[0])
        elif kind == "click":
            page.click(target)
        elif kind == "key":
            page.locator("#main").focus()
            page.keyboard.press(target)
        elif kind == "open":
            _open_tables(page)
        page.wait_for_timeout(150)
    _settle(page)
    url = page.evaluate("() => location.pathname + location.search")
    _open_tables(page)
    switched = page.evaluate(SNAPSHOT)
    page.goto(live_server + url)
    _settle(page)
    _open_tables(page)
    rendered = page.evaluate(SNAPSHOT)
    assert switched["url"] == rendered["url"]
    differences = {k: _first_difference(switched[k], rendered[k]) for k in rendered if switched[k] != rendered[k]}
    assert not differences, json.dumps(differences, ensure_ascii=False)[:3000]
    assert not math.isnan(len(switched["tables"][0]))
