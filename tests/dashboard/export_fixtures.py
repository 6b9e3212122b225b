"""Stand-in charts for the export tests (same fields as ``dashboard.draw.charts.ChartData``) and PNG helpers."""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest


@dataclass
class StubChartData:
    kind: str
    figure: dict
    table: pd.DataFrame
    title: str
    subtitle: str
    unit: str
    source: str
    data_date: str
    synthetic: bool
    filename_stem: str
    geojson_path: str | None


TABLE = pd.DataFrame(
    {
        "Alue": ["Hämeenlinna", "Forssa", "Kanta-Häme", "=HYPERLINK(\"http://x\")"],
        "Vuosi": [2024, 2024, 2024, 2024],
        "Arvo": [1.25, None, 0.875, 2.0],
        "Asukkaita": [68000, 16900, 170000, 1],
    }
)


def line_chart(synthetic: bool = False, title: str = "Yksin elävät asunnottomat, Kanta-Häme") -> StubChartData:
    figure = {
        "data": [{"type": "scatter", "mode": "lines+markers", "x": ["2020", "2021", "2022", "2023"],
                  "y": [1.2, 1.1, 0.95, 0.9], "name": "Kanta-Häme"}],
        "layout": {"xaxis": {"title": {"text": "Vuosi"}}, "yaxis": {"title": {"text": "/ 1 000 asukasta"}}},
    }
    return StubChartData(
        kind="trendi", figure=figure, table=TABLE.copy(), title=title, subtitle="2020–2023, kaikki kunnat",
        unit="/ 1 000 asukasta", source="THL, Sotkanet (ARA/Varke)", data_date="2026-11-22",
        synthetic=synthetic, filename_stem="kanta-häme-asunnottomat-2023", geojson_path=None,
    )


def write_geojson(folder: Path) -> Path:
    """Two square 'municipalities' (clockwise rings, as d3-geo expects)."""
    def square(x0, y0, x1, y1):
        return [[[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]]

    geo = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"kunta": "109"}, "geometry": {"type": "Polygon", "coordinates": square(24.0, 61.0, 24.6, 61.3)}},
            {"type": "Feature", "properties": {"kunta": "061"}, "geometry": {"type": "Polygon", "coordinates": square(23.4, 60.7, 24.0, 61.0)}},
        ],
    }
    path = folder / "kunnat.json"
    path.write_text(json.dumps(geo), encoding="utf-8")
    return path


def map_chart(geojson_path: Path, synthetic: bool = True) -> StubChartData:
    figure = {
        "data": [{"type": "choropleth", "geojson": "/assets/geo/kunnat.json", "featureidkey": "properties.kunta",
                  "locations": ["109", "061"], "z": [1.0, 2.0], "colorscale": "Blues"}],
        "layout": {"geo": {"fitbounds": "locations", "visible": False}},
    }
    return StubChartData(
        kind="kartta", figure=figure, table=pd.DataFrame({"Kunta": ["Hämeenlinna", "Forssa"], "Arvo": [1.0, 2.0]}),
        title="Asunnottomat kunnittain 2023", subtitle="Kanta-Häme", unit="/ 1 000 asukasta", source="THL",
        data_date="2026-11-22", synthetic=synthetic, filename_stem="kartta-asunnottomat-2023",
        geojson_path=str(geojson_path),
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="session")
def warm_renderer():
    """One kaleido browser for the whole test session (the process-wide renderer, started once)."""
    from dashboard.deliver.export import RENDERER

    RENDERER.start()
    yield RENDERER
    RENDERER.stop()
