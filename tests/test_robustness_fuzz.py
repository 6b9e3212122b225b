"""Callback and export fuzzing: untrusted input never becomes an HTTP 500, and an invalid input is
answered with the app's own user-readable state.

Dash delivers whatever a client posts to ``/_dash-update-component``, not only the options a
control offers, so the app's real callbacks (read from ``/_dash-dependencies``, posted in the
renderer's envelope via the Flask test client) get generated values: unknown indicator keys and
region codes, years out of range, wrong JSON types, injection strings (SQL, ``javascript:``, HTML),
oversized strings, missing values. The export route gets generated kinds, formats and query
strings. Runs are derandomised (same examples every run); the image renderer is replaced by a stub
in the export test because rendering is not what is fuzzed here.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import dash_requests as dr
from tests.dashboard.data import REGISTRY, build_database, write_geometry

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MUNIS = set(REGISTRY.county.municipality_codes)
MODES = {"geo", "tiles", "rajat", "ruudut"}
AREA_NAMES = {a.key for a in REGISTRY.agreement.areas} | {a.slug for a in REGISTRY.agreement.areas}
NOTICE_CLASSES = ("tk-notice--warning", "tk-notice--error")
TRACE_MARKERS = ("Traceback", "File \"", "Error:", "Exception")

INJECTIONS = [
    "'; DROP TABLE observation;--", "1 OR 1=1", "\" OR \"\"=\"", "asunnottomat_yksinaiset_per1000' --",
    "javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd", "%00", "\x00",
    "\u202e109", "109\n", " 109 ", "١٠٩", "NaN", "Infinity", "null", "[]", "{}", "0x7e4", "2020.0", "２０２０",
]
UNKNOWN_CODES = ["999", "000", "SSS", "MK05", "HVA07", "SK051", "091", "AB", "X" * 8, "109 ", "1o9"]


def junk() -> st.SearchStrategy:
    """Any JSON value a hostile or broken client could post."""
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30), st.sampled_from(INJECTIONS),
        st.sampled_from(UNKNOWN_CODES), st.integers(min_value=-5, max_value=99999),
        st.builds(lambda n, c: c * n, st.integers(min_value=1_000, max_value=200_000), st.sampled_from("xä<'9")),
    )
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                        max_leaves=8)


# --- the app under test -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from dashboard import create_app

    tmp = tmp_path_factory.mktemp("fuzz")
    engine = build_database(tmp / "fuzz.sqlite3")
    write_geometry(tmp / "geo")
    app = create_app(engine=engine, geo_dir=tmp / "geo")
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    post = dr.flask_post(client)
    pages = {}
    for area in REGISTRY.agreement.areas:
        status, tree = dr.page_content(post, deps, f"/{area.slug}")
        assert status == 200 and tree is not None, f"/{area.slug} does not render"
        ind = dr.find_props(tree, "area-indicator")
        if ind is None:
            continue
        meta = dr.find_props(tree, "page-meta")["data"]
        from dashboard.data.context import current_context

        with app.server.app_context():
            ctx = current_context()
            indicators = [v for v in dr.option_values(ind) if v]
            years = {k: ctx.years_for(k) for k in indicators}
        pages[area.key] = {
            "slug": area.slug, "meta": meta, "view": dr.find_props(tree, "view-state")["data"],
            "indicators": indicators, "years": years,
        }
    status, tree = dr.page_content(post, deps, "/kuntaprofiili")
    profile_meta = dr.find_props(tree, "page-meta")["data"]
    yield {"app": app, "client": client, "deps": deps, "post": post, "areas": pages, "profile_meta": profile_meta}
    engine.dispose()


def _walk_strings(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_strings(v, key)
    elif isinstance(node, str):
        yield key, node


def assert_handled(status: int, doc, raw: bytes, outputs: list[dict]) -> None:
    """The response is a valid Dash answer (200 JSON for declared outputs, 204) or a handled 4xx."""
    assert status < 500, f"HTTP {status}: {raw[:300]!r}"
    assert status in (200, 204) or 400 <= status < 500, status
    if status != 200:
        return
    assert isinstance(doc, dict) and isinstance(doc.get("response"), dict), raw[:300]
    declared = {(o["id"], o["property"].split("@")[0]) for o in outputs}
    for comp_id, props in doc["response"].items():
        for prop in props:
            assert (comp_id, prop) in declared, f"undeclared output {comp_id}.{prop}"
    text = raw.decode("utf-8", errors="replace")
    assert "Traceback" not in text
    for key, value in _walk_strings(doc):
        if key in ("href", "src", "action", "formAction", "data"):
            assert not re.match(r"\s*javascript:", value, re.I), f"{key}={value[:60]}"


def notice_text(doc, comp_id: str) -> str | None:
    """The user-readable text of the notice a callback put in ``comp_id`` (None when none)."""
    children = ((doc or {}).get("response") or {}).get(comp_id, {}).get("children")
    if not isinstance(children, dict):
        return None
    props = children.get("props") or {}
    if not any(c in (props.get("className") or "") for c in NOTICE_CLASSES):
        return None
    return " ".join(s for _k, s in _walk_strings(props.get("children")))


def assert_readable(text: str | None) -> None:
    assert text, "no user-readable notice"
    assert len(text) < 600
    assert not any(m in text for m in TRACE_MARKERS), text


# --- the explorer callback (area pages) -------------------------------------------------------


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _year_bad(v) -> bool:
    """Type or range violations, rejected whichever control triggered the callback."""
    if _blank(v):
        return False
    if isinstance(v, bool):
        return True
    if isinstance(v, int):
        return not 1900 <= v <= 2100
    if isinstance(v, float):
        return not (v.is_integer() and 1900 <= v <= 2100)
    if isinstance(v, str) and re.match(r"^\d{4}$", v.strip()):
        return not 1900 <= int(v.strip()) <= 2100
    return True


def explorer_invalid(area: dict, values: dict, meta) -> bool:
    """True when the request certainly has an input the app must reject."""
    ind = values["area-indicator.value"]
    muni = values["area-municipality.value"]
    mode = values["area-mapmode.value"]
    if not isinstance(meta, dict):
        return True  # without page-meta the callback cannot know its page
    lang = meta.get("lang")
    if not _blank(lang) and not (isinstance(lang, str) and lang.strip().lower() in ("fi", "sv", "en")):
        return True
    page = meta.get("page")
    if not _blank(page) and not (isinstance(page, str) and page.strip().lower() in AREA_NAMES):
        return True
    if not _blank(ind) and ind not in area["indicators"]:
        return True
    if not _blank(muni) and not (isinstance(muni, str) and muni.strip().upper() in MUNIS):
        return True
    if not _blank(mode) and not (isinstance(mode, str) and mode.strip().lower() in MODES):
        return True
    return _year_bad(values["area-year.value"])


@st.composite
def explorer_requests(draw, areas: dict, input_ids: list[str]):
    key = draw(st.sampled_from(sorted(areas)))
    area = areas[key]
    valid_ind = st.sampled_from(area["indicators"])
    all_years = sorted({y for ys in area["years"].values() for y in ys}) or [2020]
    values = {
        "area-indicator.value": draw(st.one_of(valid_ind, valid_ind, junk(),
                                               st.sampled_from([k for k in REGISTRY.indicators if k not in area["indicators"]]))),
        "area-year.value": draw(st.one_of(st.sampled_from(all_years), st.sampled_from(all_years).map(str),
                                          st.integers(min_value=-10, max_value=10_000), junk())),
        "area-mapmode.value": draw(st.one_of(st.sampled_from(sorted(MODES)), junk())),
        "area-municipality.value": draw(st.one_of(st.sampled_from(["", *sorted(MUNIS)]), st.sampled_from(UNKNOWN_CODES), junk())),
    }
    browser_meta = area["meta"]
    meta = draw(st.one_of(
        st.just(browser_meta),
        st.just({**browser_meta, "page": key}),  # what a page-aware meta store would hold
        st.builds(lambda lang, forum: {**browser_meta, "page": key, "lang": lang, "forum": forum},
                  st.one_of(st.sampled_from(["fi", "sv", "en"]), junk()), junk()),
        st.builds(lambda page: {**browser_meta, "page": page}, junk()),
        junk(),
    ))
    view = draw(st.one_of(st.just(area["view"]), junk()))
    # The control that changed: one of the callback's real inputs (read from /_dash-dependencies).
    changed = draw(st.sampled_from(input_ids))
    if changed not in values:
        values[changed] = draw(st.one_of(st.integers(min_value=1, max_value=50), junk()))
    # Sometimes a value is missing altogether (undefined in the renderer).
    for k in draw(st.lists(st.sampled_from(sorted(values)), max_size=2, unique=True)):
        values.pop(k)
    return key, values, meta, view, changed


def test_fuzz001_explorer_callback_never_500_and_rejects_invalid_input_readably(fuzz_app):
    cb = dr.find_callback(fuzz_app["deps"], "area-map", "figure")
    outputs = dr.parse_outputs(cb["output"])
    client = fuzz_app["client"]
    seen = {"n": 0, "invalid": 0}

    @settings(FUZZ, max_examples=500)
    @given(explorer_requests(fuzz_app["areas"], [dr.prop_id(i) for i in cb["inputs"]]))
    def check(req):
        key, values, meta, view, changed = req
        area = fuzz_app["areas"][key]
        body = dr.request_body(cb, {**values, "page-meta.data": meta, "view-state.data": view}, changed=[changed])
        resp = client.post(dr.UPDATE_PATH, json=body)
        doc = resp.get_json(silent=True)
        seen["n"] += 1
        assert_handled(resp.status_code, doc, resp.data, outputs)
        full = {k: values.get(k) for k in ("area-indicator.value", "area-year.value", "area-mapmode.value",
                                           "area-municipality.value")}
        if explorer_invalid(area, full, meta):
            seen["invalid"] += 1
            assert resp.status_code == 200, resp.data[:200]
            assert_readable(notice_text(doc, "area-notice"))
            # Nothing else changes: the charts keep showing the last valid view.
            assert set(doc["response"]) == {"area-notice"}, sorted(doc["response"])

    check()
    assert seen["n"] >= 500 and seen["invalid"] >= 100, seen


def test_fuzz002_valid_explorer_input_updates_the_map_without_a_notice(fuzz_app):
    """The browser's own request (page-meta as the page rendered it) for every indicator the picker
    offers is answered with new charts, not with an error notice or a 500."""
    cb = dr.find_callback(fuzz_app["deps"], "area-map", "figure")
    outputs = dr.parse_outputs(cb["output"])
    problems = []
    for _key, area in fuzz_app["areas"].items():
        for ind in area["indicators"]:
            values = {"area-indicator.value": ind, "area-year.value": None, "area-mapmode.value": "geo",
                      "area-municipality.value": "", "page-meta.data": area["meta"], "view-state.data": area["view"]}
            resp = fuzz_app["client"].post(dr.UPDATE_PATH, json=dr.request_body(cb, values, changed=["area-indicator.value"]))
            doc = resp.get_json(silent=True)
            if resp.status_code != 200:
                problems.append(f"/{area['slug']} {ind}: HTTP {resp.status_code}")
                continue
            assert_handled(resp.status_code, doc, resp.data, outputs)
            text = notice_text(doc, "area-notice")
            if text or "area-map" not in doc["response"]:
                problems.append(f"/{area['slug']} {ind}: {text or 'no map update'}")
    assert not problems, f"{len(problems)} valid requests failed, e.g. " + "; ".join(problems[:4])


# --- the profile callback -------------------------------------------------------------------


def test_fuzz003_profile_callback_never_500_and_rejects_invalid_input_readably(fuzz_app):
    cb = dr.find_callback(fuzz_app["deps"], "profile-content", "children")
    outputs = dr.parse_outputs(cb["output"])
    meta0 = fuzz_app["profile_meta"]
    seen = {"n": 0, "invalid": 0}

    @settings(FUZZ, max_examples=150)
    @given(st.one_of(st.sampled_from(sorted(MUNIS)), st.sampled_from(UNKNOWN_CODES), junk()),
           st.one_of(st.just(meta0), st.builds(lambda lang: {**meta0, "lang": lang}, junk()), junk()))
    def check(code, meta):
        resp = fuzz_app["client"].post(dr.UPDATE_PATH, json=dr.request_body(
            cb, {"profile-municipality.value": code, "page-meta.data": meta}))
        doc = resp.get_json(silent=True)
        seen["n"] += 1
        assert_handled(resp.status_code, doc, resp.data, outputs)
        lang = meta.get("lang") if isinstance(meta, dict) else None
        bad_lang = not _blank(lang) and not (isinstance(lang, str) and lang.strip().lower() in ("fi", "sv", "en"))
        bad_code = not (isinstance(code, str) and code.strip().upper() in MUNIS)
        if bad_lang or bad_code:
            seen["invalid"] += 1
            assert resp.status_code == 200
            assert_readable(notice_text(doc, "profile-notice"))
            assert set(doc["response"]) == {"profile-notice"}
        else:
            assert "profile-content" in doc["response"] and notice_text(doc, "profile-notice") is None

    check()
    assert seen["n"] >= 150 and seen["invalid"] >= 50, seen


# --- page rendering (Dash Pages' routing callback) ------------------------------------------

PARAM_NAMES = ["indikaattori", "vuosi", "kunta", "kartta", "kieli", "esitys", "sivu", "indicator", "year", "lang", "x"]
#: English aliases are read only when the Finnish name is absent.
FINNISH = {"indicator": "indikaattori", "year": "vuosi", "lang": "kieli"}


def effective_params(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    names = {n for n, _v in params}
    return [(n, v) for n, v in params if FINNISH.get(n) not in names]


def _param_bad(name: str, value: str) -> bool:
    v = value.strip()
    if name in ("vuosi", "year"):
        return _year_bad(value)
    if name in ("kieli", "lang"):
        return v != "" and v.lower() not in ("fi", "sv", "en")
    if name == "kartta":
        return v != "" and v.lower() not in MODES
    if name == "kunta":
        allowed = set(REGISTRY.county.municipality_codes) | {s.code for s in REGISTRY.county.subregions} | {
            REGISTRY.county.region.code, REGISTRY.county.welfare_area.code, REGISTRY.county.country.code}
        return v != "" and v.upper() not in allowed
    if name == "esitys":
        return v.lower() not in {"1", "true", "kylla", "kyllä", "on", "yes", "0", "false", "ei", "off", "no", ""}
    if name in ("indikaattori", "indicator"):
        return v != "" and value not in REGISTRY.indicators
    return False


@st.composite
def page_requests(draw):
    paths = ["/", *[f"/{a.slug}" for a in REGISTRY.agreement.areas], "/kuntaprofiili", "/tietolahteet",
             "/saavutettavuus", "/indikaattori/tyottomat_pct", "/indikaattori/<script>", "/ei-ole"]
    path = draw(st.one_of(st.sampled_from(paths), st.text(max_size=40).map(lambda s: "/" + s),
                          st.sampled_from(INJECTIONS).map(lambda s: "/" + s)))
    text_values = st.one_of(st.sampled_from(["2020", "2019", "fi", "sv", "rajat", "109", "1", "tyottomat_pct", ""]),
                            st.text(max_size=20), st.sampled_from(INJECTIONS), st.sampled_from(UNKNOWN_CODES),
                            st.integers(min_value=-10, max_value=100000).map(str), st.just("9" * 5000))
    params = draw(st.lists(st.tuples(st.sampled_from(PARAM_NAMES), text_values), max_size=4, unique_by=lambda p: p[0]))
    return path, params


def test_fuzz004_pages_render_any_url_with_a_readable_notice_for_bad_parameters(fuzz_app):
    cb = dr.find_callback(fuzz_app["deps"], "_pages_content", "children")
    outputs = dr.parse_outputs(cb["output"])
    seen = {"n": 0, "invalid": 0}

    @settings(FUZZ, max_examples=200)
    @given(page_requests())
    def check(req):
        path, params = req
        search = "?" + urlencode(params) if params else ""
        body = dr.request_body(cb, {"_pages_location.pathname": path, "_pages_location.search": search},
                               changed=["_pages_location.pathname", "_pages_location.search"])
        resp = fuzz_app["client"].post(dr.UPDATE_PATH, json=body)
        doc = resp.get_json(silent=True)
        seen["n"] += 1
        assert_handled(resp.status_code, doc, resp.data, outputs)
        assert resp.status_code == 200
        tree = doc["response"]["_pages_content"]["children"]
        assert tree, "empty page"
        if any(_param_bad(name, value) for name, value in effective_params(params)):
            seen["invalid"] += 1
            notices = [c for c in dr.walk(tree) if "tk-notice--warning" in (c["props"].get("className") or "")]
            assert notices, f"no notice for {search[:120]}"
            assert_readable(" ".join(s for _k, s in _walk_strings(notices[0]["props"].get("children"))))

    check()
    assert seen["n"] >= 200 and seen["invalid"] >= 50, seen


# --- the export route -----------------------------------------------------------------------


@pytest.fixture
def stub_renderer(monkeypatch):
    """Image rendering is kaleido's job (tested elsewhere); here only the input handling counts."""
    from dashboard.deliver import export

    monkeypatch.setattr(export, "render_image", lambda chart, fmt="png", preset="slide", lang="fi":
                        b"\x89PNG\r\n\x1a\n" if fmt == "png" else b"<svg xmlns='http://www.w3.org/2000/svg'/>")


EXPORT_PARAMS = ["sivu", "indikaattori", "vuosi", "kunta", "kartta", "kieli", "esitys", "koko", "page", "x", "callback"]


#: Text that stays inside the ``/vienti/<name>`` route ("/" or a newline would route elsewhere).
ROUTE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"), max_size=20)


@st.composite
def export_requests(draw):
    kind = draw(st.one_of(st.sampled_from(["map", "bar", "trend", "table", "status_map", "rounds"]), ROUTE_TEXT,
                          st.sampled_from([i for i in INJECTIONS if "/" not in i and "\x00" not in i])))
    fmt = draw(st.one_of(st.sampled_from(["png", "svg", "csv", "xlsx"]), ROUTE_TEXT.map(lambda t: t[:6])))
    values = st.one_of(st.sampled_from(["asuminen", "turvallisuus", "asunnottomat_yksinaiset_per1000", "2024", "2019",
                                        "109", "dia", "nelio", "neliö", "fi", "en", "ruudut", "1"]),
                       st.text(max_size=20), st.sampled_from(INJECTIONS), st.sampled_from(UNKNOWN_CODES),
                       st.just("9" * 3000))
    params = draw(st.lists(st.tuples(st.sampled_from(EXPORT_PARAMS), values), max_size=5))
    return f"{kind}.{fmt}", params


def test_fuzz005_export_route_never_500_and_answers_bad_input_in_finnish(fuzz_app, stub_renderer):
    from dashboard.deliver import export

    client = fuzz_app["client"]
    seen = {"n": 0, "ok": 0, "rejected": 0}

    @settings(FUZZ, max_examples=200)
    @given(export_requests())
    def check(req):
        name, params = req
        from urllib.parse import quote

        url = "/vienti/" + quote(name, safe="") + ("?" + urlencode(params) if params else "")
        resp = client.get(url)
        seen["n"] += 1
        assert resp.status_code < 500 or resp.status_code == 503, f"{url[:200]} -> {resp.status_code} {resp.data[:200]!r}"
        if resp.status_code == 200:
            seen["ok"] += 1
            fmt = name.rpartition(".")[2]
            assert resp.headers["Content-Type"].split(";")[0] == export.MIME[fmt].split(";")[0]
            assert resp.headers["Content-Disposition"].startswith("attachment;")
        elif resp.status_code == 503:
            assert resp.headers.get("Retry-After")
        elif resp.status_code in (404, 405):
            pass  # the URL does not reach the export view at all (e.g. a "/" or a newline in the name)
        else:
            seen["rejected"] += 1
            text = resp.get_data(as_text=True)
            assert resp.headers["Content-Type"].startswith("text/plain")
            assert_readable(text.strip())
            # Echoed input ("<script>…") stays text: plain text that the browser may not sniff as HTML.
            assert resp.headers["X-Content-Type-Options"] == "nosniff"

    check()
    assert seen["n"] >= 200 and seen["rejected"] >= 50 and seen["ok"] >= 1, seen


# --- malformed envelopes -------------------------------------------------------------------


@st.composite
def broken_envelopes(draw, deps):
    cb = draw(st.sampled_from(dr.server_callbacks(deps)))
    good = dr.request_body(cb, {})
    mutation = draw(st.sampled_from(["drop", "replace", "not_object", "unknown_output", "inputs_shape"]))
    if mutation == "not_object":
        return draw(st.one_of(st.lists(junk(), max_size=3), st.text(max_size=20), st.integers(), st.none()))
    body = dict(good)
    if mutation == "drop":
        for k in draw(st.lists(st.sampled_from(sorted(body)), min_size=1, max_size=3, unique=True)):
            body.pop(k)
        if "output" in body and "inputs" in body and "state" in body:
            body.pop("output")
    elif mutation == "replace":
        key = draw(st.sampled_from(["inputs", "state", "outputs", "changedPropIds"]))
        body[key] = draw(junk().filter(lambda v: not isinstance(v, list)))
    elif mutation == "unknown_output":
        body["output"] = draw(st.one_of(st.text(max_size=30), st.sampled_from(INJECTIONS)))
    else:
        body["inputs"] = draw(st.lists(st.fixed_dictionaries({"id": junk(), "property": junk()}), max_size=3))
    return body


def test_fuzz006_malformed_callback_envelopes_are_client_errors_not_500(fuzz_app):
    """A body the renderer would never send (missing fields, wrong shapes, unknown outputs, not an
    object) is the client's error: a 4xx, never an HTTP 500 with a server error page."""
    client = fuzz_app["client"]
    seen = {"n": 0}

    @settings(FUZZ, max_examples=100)
    @given(broken_envelopes(fuzz_app["deps"]))
    def check(body):
        resp = client.post(dr.UPDATE_PATH, data=json.dumps(body), content_type="application/json")
        seen["n"] += 1
        assert 400 <= resp.status_code < 500 or resp.status_code == 204, f"HTTP {resp.status_code} for {json.dumps(body)[:200]}"
        assert b"Traceback" not in resp.data

    check()
    assert seen["n"] >= 100
