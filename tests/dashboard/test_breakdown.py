"""Breakdowns (issue 12 item 6): the ``jako`` toggle switches the series the area page and the
indicator page show, the exports name the variant, and the default view stays the total."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select

from dashboard.core.state import ViewState, parse_view
from data_pipeline.db.schema import observation
from tests.dashboard.conftest import DashClient, bar_value, expand, find, render_page, texts
from tests.dashboard.data import MUNIS, REGISTRY, build_database, write_geometry

KEY = "tyottomat_pct"
AGE_KEY = "nuorisotyottomat_pct"


def male(v: float) -> float:
    return round(v * 1.1 + 1.0, 3)


def female(v: float) -> float:
    return round(v * 0.9 - 0.5, 3)


def add_breakdowns(engine) -> dict:
    """Men's rows of the unemployment rate (as the Sotkanet connector stores them), synthetic
    women's rows (as the demo fills them) and the 18–24 age group's own indicator, next to the
    totals of the dashboard test database. Returns {(region, year): total}."""
    cols = observation.c
    with engine.begin() as conn:
        totals = conn.execute(select(observation).where(cols.indicator_key == KEY, cols.sex == "total")).mappings().all()
        rows = []
        for r in totals:
            base = {k: r[k] for k in ("indicator_key", "region_code", "period", "period_type", "year", "load_run_id")}
            base["synthetic"] = False  # every row names every column (executemany takes the first row's)
            rows.append({**base, "sex": "male", "value": male(r["value"])})
            rows.append({**base, "sex": "female", "value": female(r["value"]), "synthetic": True, "load_run_id": 4})
            rows.append({**base, "indicator_key": AGE_KEY, "sex": "total", "value": round(r["value"] * 2, 3)})
        conn.execute(insert(observation), rows)
    return {(r["region_code"], r["year"]): r["value"] for r in totals}


@pytest.fixture(scope="module")
def brk_env(tmp_path_factory):
    root = tmp_path_factory.mktemp("brk")
    engine = build_database(root / "brk.sqlite3")
    geo_dir = root / "geo"
    write_geometry(geo_dir)
    totals = add_breakdowns(engine)
    yield engine, geo_dir, totals
    engine.dispose()


@pytest.fixture(scope="module")
def brk_client(brk_env):
    from dashboard import create_app

    engine, geo_dir, _ = brk_env
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=geo_dir)
    return app.server.test_client()


@pytest.fixture(scope="module")
def brk_dash(brk_client):
    return DashClient(brk_client)


def page(dash, path, search=""):
    resp = render_page(dash, path, search)
    assert resp.status_code == 200, resp.data[:300]
    return json.loads(resp.data)


def links(tree, prefix):
    nav = find(tree, prefix)
    if nav is None:
        return None
    out = {}
    for item in nav["children"][1]["props"]["children"]:
        link = item["props"]["children"]["props"]
        out[link["children"]] = (link["href"], link.get("aria-current"))
    return out


def store(dash, tree):
    """The page's explorer store: its URL is in the page, the store is fetched as the browser does."""
    resp = dash.client.get(find(tree, "area-data")["data"])
    assert resp.status_code == 200, resp.data[:300]
    return json.loads(resp.data)


def test_brk101_state_parses_and_writes_jako():
    parsed = parse_view({"indikaattori": KEY, "jako": "naiset"}, REGISTRY, page="hyvinvointityo")
    assert parsed.problems == [] and parsed.state.breakdown == "female"
    assert parsed.state.query()["jako"] == "naiset"
    assert parse_view({"indikaattori": KEY, "jako": "ika_18_24"}, REGISTRY, page="hyvinvointityo").state.breakdown == "ika_18_24"
    assert ViewState(indicator=KEY).query() == {"indikaattori": KEY}  # the default (all) adds nothing
    bad = parse_view({"indikaattori": "toimeentulotuki_pct", "jako": "naiset"}, REGISTRY, page="hyvinvointityo")
    assert bad.state.breakdown is None
    assert [p.reason for p in bad.problems] == ["invalid_breakdown"]
    assert "ei sovi indikaattorille" in bad.problems[0].message


def test_brk102_area_page_toggle_switches_the_series(brk_dash, brk_env):
    _, _, totals = brk_env
    default = page(brk_dash, "/hyvinvointityo", f"?indikaattori={KEY}")
    found = links(default, "area-breakdown")
    assert list(found) == ["kaikki", "miehet", "naiset", "ikäryhmä 18–24-vuotiaat"]
    assert found["kaikki"][1] == "true" and found["naiset"][1] is None
    assert "jako=naiset" in found["naiset"][0] and f"indikaattori={KEY}" in found["naiset"][0]
    year = max(y for (_c, y) in totals)
    muni = MUNIS[0]
    default_store = store(brk_dash, default)["ind"][KEY]
    assert bar_value(default_store, year, muni) == pytest.approx(totals[(muni, year)], abs=1e-6)

    women = page(brk_dash, "/hyvinvointityo", f"?indikaattori={KEY}&jako=naiset")
    assert links(women, "area-breakdown")["naiset"][1] == "true"
    women_store = store(brk_dash, women)["ind"][KEY]
    assert bar_value(women_store, year, muni) == pytest.approx(female(totals[(muni, year)]), abs=1e-6)
    assert women_store["y"][str(year)]["o"][4].endswith("– naiset")  # the bar's title (out.y)
    text = " ".join(texts(women))
    assert "Työttömät, % työvoimasta – naiset" in text  # map and bar titles name the variant
    # another indicator's entry in the store stays the total
    assert store(brk_dash, women)["ind"]["toimeentulotuki_pct"] == store(brk_dash, default)["ind"]["toimeentulotuki_pct"]

    age = page(brk_dash, "/hyvinvointityo", f"?indikaattori={KEY}&jako=ika_18_24")
    age_store = store(brk_dash, age)["ind"][KEY]
    assert bar_value(age_store, year, muni) == pytest.approx(totals[(muni, year)] * 2, abs=1e-6)


def test_brk103_no_toggle_without_breakdowns_and_bad_jako_is_a_notice(brk_dash):
    tree = page(brk_dash, "/hyvinvointityo", "?indikaattori=toimeentulotuki_pct")
    assert links(tree, "area-breakdown") is None
    bad = page(brk_dash, "/hyvinvointityo", "?indikaattori=toimeentulotuki_pct&jako=naiset")
    assert "ei sovi indikaattorille" in " ".join(texts(bad))
    assert links(bad, "area-breakdown") is None


def test_brk104_map_type_switch_keeps_the_variant_and_the_store_lists_the_toggle(brk_dash):
    """The map-type switch (a server request) draws the chosen variant and rebuilds the toggle's
    links; the store lists the same links for the browser, which redraws the toggle on an
    indicator switch (no request)."""
    dep = next(d for d in brk_dash.deps if "area-map-source.children" in d["output"] and not d.get("clientside_function"))
    values = {"area-indicator.value": KEY, "area-year.value": 2020, "area-mapmode.value": "tiles",
              "area-municipality.value": "109", "page-meta.data": {"lang": "sv", "page": "hyvinvointityo"},
              "view-state.data": {"path": "/hyvinvointityo", "query": {"indikaattori": KEY, "jako": "naiset"}}}
    pick = lambda items: {f"{i['id']}.{i['property']}": values[f"{i['id']}.{i['property']}"] for i in items}
    resp = brk_dash.call("area-map-source.children", pick(dep["inputs"]), pick(dep["state"]), changed=["area-mapmode.value"])
    assert resp.status_code == 200, resp.data[:300]
    out = json.loads(resp.data)["response"]
    assert out["view-state"]["data"]["query"]["jako"] == "naiset"
    assert out["view-state"]["data"]["query"]["kartta"] == "ruudut"
    # the women's series (synthetic in this database) is what the map draws: its source says so
    source = json.dumps(out["area-map-source"], ensure_ascii=False)
    assert "yntetisk" in source and "THL" not in source
    found = links(out["area-breakdown-wrap"]["children"], "area-breakdown")
    assert found["kvinnor"][1] == "true"
    assert all(x in found["män"][0] for x in ("kartta=ruudut", "vuosi=2020", "kunta=109", "kieli=sv", "jako=miehet"))
    assert "jako=naiset" in found["kvinnor"][0]

    tree = page(brk_dash, "/hyvinvointityo", f"?indikaattori={KEY}&jako=naiset")
    entry = store(brk_dash, tree)["ind"][KEY]
    server = links(tree, "area-breakdown")
    browser = links(expand(entry["bd"]), "area-breakdown")
    assert list(browser) == list(server) == ["kaikki", "miehet", "naiset", "ikäryhmä 18–24-vuotiaat"]
    assert browser["naiset"][1] == "true" and browser["miehet"][0].endswith("{y}{m}{k}&jako=miehet")  # a template
    assert entry["seg"]["j"] == "&jako=naiset"
    assert "bd" not in store(brk_dash, tree)["ind"]["toimeentulotuki_pct"]


def test_brk105_indicator_page_table_shows_the_chosen_sex(brk_dash, brk_env):
    _, _, totals = brk_env
    year = max(y for (_c, y) in totals)
    muni_name = REGISTRY.county.municipalities[0].name.fi
    from dashboard.core.format import number

    default = page(brk_dash, f"/indikaattori/{KEY}")
    men = page(brk_dash, f"/indikaattori/{KEY}", "?jako=miehet")
    assert links(default, "indicator-breakdown")["kaikki"][1] == "true"
    assert links(men, "indicator-breakdown")["miehet"][1] == "true"
    men_text = " ".join(texts(men))
    default_text = " ".join(texts(default))
    code = REGISTRY.county.municipalities[0].code
    assert number(male(totals[(code, year)]), 1, "fi") in men_text
    assert number(totals[(code, year)], 1, "fi") in default_text
    assert muni_name in men_text
    assert "Työttömät, % työvoimasta – miehet" in men_text
    assert links(page(brk_dash, "/indikaattori/toimeentulotuki_pct"), "indicator-breakdown") is None


def test_brk106_exports_name_the_variant(brk_client):
    base = f"sivu=hyvinvointityo&indikaattori={KEY}"
    women = brk_client.get(f"/vienti/bar.csv?{base}&jako=naiset")
    assert women.status_code == 200, women.data[:300]
    text = women.data.decode("utf-8-sig")
    assert "Työttömät, % työvoimasta – naiset" in text
    assert "kanta-hame-tyottomat-pct-naiset-" in women.headers["Content-Disposition"]
    total = brk_client.get(f"/vienti/bar.csv?{base}").data.decode("utf-8-sig")
    assert "naiset" not in total and "Työttömät, % työvoimasta" in total
    xlsx = brk_client.get(f"/vienti/trend.xlsx?{base}&jako=miehet")
    assert xlsx.status_code == 200
    import io

    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row if c.value]
    assert any("– miehet" in c for c in cells)
    bad = brk_client.get("/vienti/bar.csv?sivu=hyvinvointityo&indikaattori=toimeentulotuki_pct&jako=naiset")
    assert bad.status_code == 400 and "ei sovi indikaattorille" in bad.data.decode()


def test_brk107_synthetic_variant_is_labelled_and_never_sourced_to_thl(brk_dash):
    women = page(brk_dash, "/hyvinvointityo", f"?indikaattori={KEY}&jako=naiset")
    entry = store(brk_dash, women)["ind"][KEY]
    src = entry["y"][entry["last"]]["ms"]["tiles"]
    assert "Synteettinen esimerkkiaineisto" in src and "THL" not in src and "sotkanet" not in src
    assert "synteettistä esimerkkiaineistoa" in " ".join(texts(women))  # the page banner
    men = page(brk_dash, "/hyvinvointityo", f"?indikaattori={KEY}&jako=miehet")
    men_entry = store(brk_dash, men)["ind"][KEY]
    assert "THL" in men_entry["y"][men_entry["last"]]["ms"]["tiles"]
    assert men_entry["t"][MUNIS[0]]["s"] == 0  # no synthetic flag on a real series
