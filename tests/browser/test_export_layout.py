"""Files that need no fixing: every chart kind at every size preset, exported as SVG and measured
in Chromium. No drawn text may reach outside the image or overlap another text (real bounding
boxes of every ``<text>``, not estimates), and the image names the selection (municipality, year)
and carries its legend. Real recorded data and the real municipal boundaries, where the square map
once had Humppila's and Forssa's labels on top of each other."""
from __future__ import annotations

import types

import pytest

from dashboard.core.state import ViewState
from dashboard.deliver import export
from dashboard.draw.charts import CHART_KINDS
from tests.dashboard.data import REGISTRY
from tests.dashboard.export_fixtures import warm_renderer  # noqa: F401 - pytest fixture, used by name

pytestmark = pytest.mark.snapshot

FORSSA = "061"
#: one indicator per chart kind (the status kinds need their manual measures)
INDICATOR = {"status_map": "varautumissopimus_voimassa", "rounds": "turvallisuuskuva_kierrokset"}
DEFAULT = "toimeentulotuki_pct"

MEASURE = """
() => {
  const svg = document.querySelector('svg');
  const frame = svg.getBoundingClientRect();
  const boxes = [];
  for (const el of svg.querySelectorAll('text')) {
    const text = el.textContent.trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    // every line (tspan) of a multi-line text separately: its lines are what can collide
    const parts = el.querySelectorAll('tspan.line').length ? el.querySelectorAll('tspan.line') : [el];
    for (const part of parts) {
      const r = part.getBoundingClientRect();
      if (!r.width || !r.height || !part.textContent.trim()) continue;
      boxes.push({text: part.textContent.trim(), x0: r.left - frame.left, y0: r.top - frame.top,
                  x1: r.right - frame.left, y1: r.bottom - frame.top, legend: el.classList.contains('legendtext')});
    }
  }
  return {width: frame.width, height: frame.height, boxes};
}
"""


@pytest.fixture(scope="module")
def real_charts(tmp_path_factory, offline_dir, facts_file):
    """build(kind) → the chart for Forssa in 2013, on the real recording and real boundaries."""
    from flask import Flask

    from dashboard.data.context import AppContext, install
    from dashboard.draw.charts import build_chart
    from data_pipeline.geo_tiles import build_tiles
    from data_pipeline.sources.boundaries import refresh_boundaries
    from tests.dashboard.real_data import build_real_database

    root = tmp_path_factory.mktemp("export-layout")
    engine = build_real_database(root / "real.sqlite3", offline_dir, facts_file)
    refresh_boundaries(engine, types.SimpleNamespace(geo_dir=root / "geo"), REGISTRY, offline_dir=offline_dir)
    build_tiles(REGISTRY, root / "geo" / "build")
    app = Flask("export-layout")
    install(app, AppContext(registry=REGISTRY, engine=engine, geo_dir=root / "geo"))

    def build(kind: str, lang: str = "fi"):
        key = INDICATOR.get(kind, DEFAULT)
        state = ViewState(page=REGISTRY.indicators[key].area, indicator=key, year=2013, municipality=FORSSA, lang=lang)
        with app.app_context():
            return build_chart(kind, state, engine=engine)

    yield build
    engine.dispose()


def _overlap(a, b, tol=0.75):
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tol and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tol


def measured_text(page, chart, preset: str, lang: str) -> str:
    """Render ``chart`` as SVG at ``preset``, measure every drawn text in Chromium, assert none lies
    outside the image or on another; return the drawn words."""
    p = export.PRESETS[preset]
    svg = export.render_image(chart, "svg", preset, lang).decode("utf-8")
    page.set_content(f"<html><body style='margin:0'>{svg}</body></html>")
    found = page.evaluate(MEASURE)
    assert (found["width"], found["height"]) == (p.width, p.height)
    boxes = found["boxes"]
    outside = [b["text"] for b in boxes if b["x0"] < -0.5 or b["y0"] < -0.5
               or b["x1"] > p.width + 0.5 or b["y1"] > p.height + 0.5]
    assert not outside, (chart.kind, preset, lang, outside)
    clashes = [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
    assert not clashes, (chart.kind, preset, lang, clashes)
    # Legend rows are balanced: never one entry left alone on a row under a full one.
    rows: dict[int, int] = {}
    for b in boxes:
        if b["legend"]:
            rows[round(b["y0"] / 4)] = rows.get(round(b["y0"] / 4), 0) + 1
    assert not rows or max(rows.values()) - min(rows.values()) <= 1, (chart.kind, preset, lang, rows)
    return " ".join(b["text"] for b in boxes)


@pytest.mark.usefixtures("warm_renderer")
@pytest.mark.parametrize("kind", list(CHART_KINDS))
def test_lay001_every_text_inside_the_image_and_apart_at_every_size(kind, real_charts, browser):
    chart = real_charts(kind)
    page = browser.new_page()
    try:
        for preset in export.PRESETS:
            drawn = measured_text(page, chart, preset, "fi")
            assert chart.title.split()[0] in drawn and "CC BY 4.0" in drawn
            if kind in ("map", "bar", "trend", "status_map"):
                assert "Valittu kunta: Forssa" in drawn, (kind, preset)
            if kind in ("map", "bar"):
                year = str(chart.extra["year"])
                assert f"Vuosi {year}" in drawn, (kind, preset)
                legend = [label for label, _colour in chart.extra.get("legend", [])] if kind == "map" else []
                assert all(label in drawn for label in legend), (preset, legend)
            if kind == "trend":
                assert "Vertailu: Kanta-Häme ja Koko maa" in drawn and "Vuodet " in drawn
    finally:
        page.close()


@pytest.mark.usefixtures("warm_renderer")
@pytest.mark.parametrize("lang,selected", [("sv", "Vald kommun: Forssa"), ("en", "Selected municipality: Forssa")])
def test_lay002_swedish_and_english_exports_fit_too(lang, selected, real_charts, browser):
    page = browser.new_page()
    try:
        for kind in CHART_KINDS:
            chart = real_charts(kind, lang)
            for preset in ("square", "link"):
                drawn = measured_text(page, chart, preset, lang)
                if kind in ("map", "bar", "trend", "status_map"):
                    assert selected in drawn, (kind, preset)
    finally:
        page.close()
