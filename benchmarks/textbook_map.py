"""The textbook Dash map: the baseline our map is measured against (benchmark 1).

What most Dash choropleth examples do: load a DataFrame at start, and on every indicator or year
change return a whole new ``px.choropleth`` figure with the GeoJSON inline. Same database and the
same geometry file as our map (``<geo_dir>/build/county.json``); controls are plain selects
(``dbc.Select``) like our indicator picker, so a switch is one native ``change`` event in both apps.
The base map's topojson is served locally (offline, as our app does), otherwise plotly.js would
fetch it from a CDN and the map would stay blank.

    python -m benchmarks.textbook_map   # serves it on 127.0.0.1:8051 with DATABASE_URL's data
"""
from __future__ import annotations

import json
from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html
from flask import send_from_directory
from sqlalchemy import select

from benchmarks._common import PROJECT_ROOT

TOPO_DIR = PROJECT_ROOT / "assets" / "topo"
GRAPH_ID = "textbook-map"


def load_frame(engine, indicators: list[str], codes: list[str]) -> pd.DataFrame:
    """Yearly values of ``indicators`` for the municipalities ``codes`` (one row per key, code, year)."""
    from data_pipeline.db.schema import observation

    stmt = select(observation.c.indicator_key, observation.c.region_code, observation.c.year, observation.c.period,
                  observation.c.value).where(
        observation.c.indicator_key.in_(indicators), observation.c.region_code.in_(codes),
        observation.c.value.is_not(None), observation.c.year.is_not(None))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).fetchall(), columns=["indicator", "code", "year", "period", "value"])
    if frame.empty:
        return frame
    # Monthly and broken-down series: keep the latest period of the year, as the dashboard does.
    frame = frame.sort_values(["indicator", "code", "year", "period"])
    frame = frame.groupby(["indicator", "code", "year"], as_index=False).last()
    frame["year"] = frame["year"].astype(int)
    return frame[["indicator", "code", "year", "value"]]


def create_textbook_app(engine, geojson_path: Path, indicators: list[str], codes: list[str],
                        names: dict[str, str] | None = None, titles: dict[str, str] | None = None,
                        year: int | None = None) -> Dash:
    """A minimal Dash app: two selects and a map rebuilt from scratch on every change."""
    geojson = json.loads(Path(geojson_path).read_text(encoding="utf-8"))
    frame = load_frame(engine, indicators, codes)
    names = names or {}
    titles = titles or {}
    frame["name"] = frame["code"].map(lambda c: names.get(c, c))
    years = sorted(frame["year"].unique().tolist()) if not frame.empty else []
    first = indicators[0]
    first_year = year if year is not None else (
        int(frame.loc[frame["indicator"] == first, "year"].max()) if not frame.empty else None)

    app = Dash(__name__, title="Textbook map", assets_folder=str(Path(__file__).parent / "_no_assets"))

    @app.server.route("/topo/<path:name>")
    def topo(name):  # the empty base-map topojson, so nothing is fetched from the internet
        return send_from_directory(TOPO_DIR, name)

    app.layout = html.Div([
        dbc.Select(id="textbook-indicator", options=[{"label": titles.get(k, k), "value": k} for k in indicators],
                   value=first),
        dbc.Select(id="textbook-year", options=[{"label": str(y), "value": str(y)} for y in years],
                   value=str(first_year) if first_year is not None else None),
        dcc.Graph(id=GRAPH_ID, config={"topojsonURL": "/topo/", "displaylogo": False}, style={"height": "560px"}),
    ])

    @app.callback(Output(GRAPH_ID, "figure"), Input("textbook-indicator", "value"), Input("textbook-year", "value"))
    def update_map(indicator, year):
        sub = frame[(frame["indicator"] == indicator) & (frame["year"] == int(year))]
        fig = px.choropleth(sub, geojson=geojson, locations="code", featureidkey="properties.code", color="value",
                            hover_name="name", color_continuous_scale="Blues", title=titles.get(indicator, indicator))
        fig.update_geos(fitbounds="locations", visible=False)
        fig.update_layout(margin={"l": 0, "r": 0, "t": 40, "b": 0}, height=560)
        return fig

    return app


def main() -> None:  # pragma: no cover - manual use
    from data_pipeline.db.engine import get_engine
    from data_pipeline.registry import load_registry
    from data_pipeline.settings import get_settings

    registry = load_registry()
    settings = get_settings()
    keys = [i.key for i in registry.catalogue.indicators][:10]
    app = create_textbook_app(get_engine(), Path(settings.geo_dir) / "build" / "county.json", keys,
                              registry.county.municipality_codes)
    app.run(host="127.0.0.1", port=8051, debug=False)


if __name__ == "__main__":
    main()
