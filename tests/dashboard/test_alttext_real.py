"""Alt text on the real recorded values: every indicator, chart kind and language fits 250
characters, and a real view names its real extremes."""
from __future__ import annotations

import pytest

from dashboard.core.state import ViewState
from dashboard.draw import alttext
from dashboard.draw.charts import CHART_KINDS, build_chart, manual_rule
from tests.dashboard.data import REGISTRY, write_geometry
from tests.dashboard.real_data import build_real_database

pytestmark = pytest.mark.snapshot
CRIME = "rikokset_henki_terveys_per1000"


@pytest.fixture(scope="module")
def real_app(tmp_path_factory, offline_dir, facts_file):
    from dashboard import create_app

    root = tmp_path_factory.mktemp("alt-real")
    engine = build_real_database(root / "real.sqlite3", offline_dir, facts_file)
    write_geometry(root / "geo")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
    with app.server.test_request_context():
        yield engine
    engine.dispose()


def test_altr001_every_indicator_kind_and_language_fits_on_real_values(real_app):
    too_long, empty = [], []
    for ind in REGISTRY.catalogue.indicators:
        rule = manual_rule(REGISTRY, ind)
        kinds = [k for k, spec in CHART_KINDS.items() if spec.rule == rule]
        for lang in ("fi", "sv", "en"):
            views = [(k, None) for k in kinds] + ([("trend", "109")] if "trend" in kinds else [])
            for kind, muni in views:
                chart = build_chart(kind, ViewState(page="overview", indicator=ind.key, municipality=muni, lang=lang),
                                    engine=real_app)
                if not chart.alt_short:
                    empty.append((ind.key, kind, lang))
                if len(chart.alt_short) > alttext.SHORT_MAX:
                    too_long.append((ind.key, kind, muni, lang, len(chart.alt_short), chart.alt_short))
    assert empty == [] and too_long == []


def test_altr002_real_crime_map_names_forssa_largest_and_ypaja_smallest(real_app):
    chart = build_chart("map", ViewState(page="turvallisuus", indicator=CRIME, year=2020), engine=real_app)
    assert "Suurin Forssa 8,21, pienin Ypäjä 0,86." in chart.alt_short
    assert "Kanta-Häme 5,48" in chart.alt_short and "tilastovuosi 2020" in chart.alt_short
    assert "Lähde: Tilastokeskus." in chart.alt_short
