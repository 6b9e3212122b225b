"""Exports: PNG/SVG through the warm kaleido renderer (offline), footers, CSV/XLSX, file names."""
from __future__ import annotations

import io
import json
import statistics
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

try:  # tests/dashboard is a package (tests.dashboard.…) or a plain folder on sys.path
    from .export_fixtures import line_chart, map_chart, png_size, warm_renderer, write_geojson
except ImportError:
    from export_fixtures import line_chart, map_chart, png_size, warm_renderer, write_geojson  # noqa: F401 - pytest fixtures, used by name

from dashboard.deliver import export
from dashboard.deliver.export import (
    ExportError,
    ExportUnavailable,
    Renderer,
    export_figure,
    export_filename,
    graph_config,
    render_image,
    table_export,
)
from dashboard.deliver.export_routes import content_disposition


def svg_text(data: bytes) -> str:
    """The words drawn in the SVG (its <text> elements; not the <title>/<desc> metadata)."""
    root = ET.fromstring(data)  # raises if the SVG is not well-formed XML
    assert root.tag.endswith("svg")
    drawn = [" ".join(el.itertext()) for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"]
    return " ".join(" ".join(drawn).split())


# --- images -----------------------------------------------------------------------------------


def test_exp001_png_slide_preset_is_16_9_at_2x(warm_renderer):
    data = render_image(line_chart(), "png", "slide", "fi")
    assert png_size(data) == (3200, 1800)


def test_exp002_png_square_preset_is_1080(warm_renderer):
    data = render_image(line_chart(), "png", "square", "fi")
    assert png_size(data) == (1080, 1080)


def test_exp003_svg_carries_title_unit_source_date_licence_and_synthetic_label(warm_renderer):
    text = svg_text(render_image(line_chart(synthetic=True), "svg", "slide", "fi"))
    for expected in ("Yksin elävät asunnottomat, Kanta-Häme", "2020–2023, kaikki kunnat", "Yksikkö: / 1 000 asukasta",
                     "Lähde: THL, Sotkanet (ARA/Varke)", "22.11.2026", "CC BY 4.0", "synteettinen esimerkkiaineisto"):
        assert expected in text, expected


def test_exp004_svg_without_synthetic_data_has_no_synthetic_label(warm_renderer):
    text = svg_text(render_image(line_chart(synthetic=False), "svg", "square", "fi"))
    assert "Lähde: THL" in text and "synteettinen" not in text
    english = svg_text(render_image(line_chart(synthetic=True), "svg", "slide", "en"))
    assert "Source: THL" in english and "synthetic example data" in english and "22 Nov 2026" in english


def test_exp005_map_exports_offline_with_inlined_geojson(warm_renderer, tmp_path):
    chart = map_chart(write_geojson(tmp_path))
    fig = export_figure(chart, "square", "fi")
    assert isinstance(fig["data"][0]["geojson"], dict)
    assert chart.figure["data"][0]["geojson"] == "/assets/geo/kunnat.json"  # the app's figure is untouched
    assert "http" not in json.dumps(fig)  # nothing in the figure points at the network
    assert export.topojson_url().startswith("file://")
    # This machine has no internet: a CDN base map would make kaleido fail here.
    assert png_size(render_image(chart, "png", "square", "fi")) == (1080, 1080)
    text = svg_text(render_image(chart, "svg", "slide", "fi"))
    assert "Asunnottomat kunnittain 2023" in text and "synteettinen esimerkkiaineisto" in text
    assert text.count("choroplethlocation") == 0  # itertext has no markup; the shapes are paths
    raw = render_image(chart, "svg", "slide", "fi").decode("utf-8")
    assert raw.count('class="choroplethlocation"') == 2


def test_exp005b_images_name_title_and_source_in_their_own_metadata(warm_renderer):
    from PIL import Image

    png = render_image(line_chart(synthetic=True), "png", "square", "fi")
    meta = Image.open(io.BytesIO(png))
    meta.load()  # a broken chunk (length, CRC) raises here
    assert meta.size == (1080, 1080)
    assert meta.text["Title"] == "Yksin elävät asunnottomat, Kanta-Häme (2020–2023, kaikki kunnat)"
    assert meta.text["Source"] == "THL, Sotkanet (ARA/Varke)" and meta.text["Copyright"] == "CC BY 4.0"
    assert "synteettinen esimerkkiaineisto" in meta.text["Description"]
    root = ET.fromstring(render_image(line_chart(synthetic=False), "svg", "slide", "sv"))
    children = [el.tag.rsplit("}", 1)[-1] for el in root][:2]
    assert children == ["title", "desc"]
    assert root[0].text.startswith("Yksin elävät asunnottomat") and "Källa: THL" in root[1].text


def test_exp005c_png_text_chunks_are_spliced_without_reencoding():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(buf, "PNG")
    out = export.png_with_text(buf.getvalue(), {"Title": "Väestö <&>", "Source": "", "Software": "Tilannekuva"})
    img = Image.open(io.BytesIO(out))
    img.load()
    assert img.text == {"Title": "Väestö <&>", "Software": "Tilannekuva"}  # empty values are left out
    assert out.endswith(buf.getvalue()[33:])  # the image data itself is untouched
    with pytest.raises(ExportError):
        export.png_with_text(b"<svg/>", {"Title": "x"})


def test_exp005d_a_title_of_several_lines_keeps_its_distance_from_the_top_edge(warm_renderer):
    import numpy as np
    from PIL import Image

    chart = line_chart()
    chart.title = "Poliisin tietoon tulleet henkeen ja terveyteen kohdistuneet rikokset / 1 000 asukasta, Kanta-Häme"
    for preset in ("square", "slide"):
        fig = export_figure(chart, preset, "fi")
        if preset == "square":
            assert fig["layout"]["title"]["text"].count("<br>") >= 1  # wrapped: the case that touched the edge
        scale = export.PRESETS[preset].scale
        ink = np.asarray(Image.open(io.BytesIO(render_image(chart, "png", preset, "fi"))).convert("L")) < 200
        first_row = int(np.where(ink.any(axis=1))[0][0]) / scale
        assert first_row >= 8, (preset, first_row)


def test_exp006_export_figure_layout_and_escaping():
    chart = line_chart()
    chart.source = "THL <b>x</b> & co"
    fig = export_figure(chart, "slide", "sv")
    layout = fig["layout"]
    assert (layout["width"], layout["height"]) == (1600, 900)
    assert layout["title"]["text"] == "Yksin elävät asunnottomat, Kanta-Häme"
    assert "Enhet: / 1 000 asukasta" in layout["title"]["subtitle"]["text"]
    footer = layout["annotations"][-1]["text"]
    assert "Källa: THL &lt;b&gt;x&lt;/b&gt; &amp; co" in footer and "Licens: CC BY 4.0" in footer
    assert layout["separators"] == ",\u202f"
    assert chart.figure["layout"].get("title") is None  # the input figure is not modified


def test_exp007_image_input_errors():
    with pytest.raises(ExportError):
        render_image(line_chart(), "gif", "slide", "fi")
    with pytest.raises(ExportError):
        export_figure(line_chart(), "banner", "fi")
    empty = line_chart()
    empty.figure = {}
    with pytest.raises(ExportError):
        export_figure(empty, "slide", "fi")
    nomap = map_chart(Path("/nonexistent.json"))
    nomap.geojson_path = None
    with pytest.raises(ExportError):
        export_figure(nomap, "slide", "fi")


def test_exp008_renderer_is_kept_warm_and_serves_threads(warm_renderer):
    browser = warm_renderer._kaleido
    render_image(line_chart(), "png", "square", "fi")
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        render_image(line_chart(), "png", "square", "fi")
        times.append(time.perf_counter() - t0)
    assert warm_renderer._kaleido is browser  # the same browser, not restarted per call
    assert statistics.median(times) < 1.5  # a cold start alone takes ~2.5 s
    results: dict[str, tuple[int, int]] = {}

    def work(preset):
        results[preset] = png_size(render_image(line_chart(), "png", preset, "fi"))

    threads = [threading.Thread(target=work, args=(p,)) for p in ("slide", "square")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert results == {"slide": (3200, 1800), "square": (1080, 1080)}


def test_exp009_missing_browser_is_export_unavailable(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    renderer = Renderer()
    with pytest.raises(ExportUnavailable):
        renderer.render(export_figure(line_chart(), "square", "fi"), "png", 540, 540, 2)
    assert not renderer.running


# --- tables -----------------------------------------------------------------------------------


def _csv_parts(data: bytes) -> tuple[list[str], str]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads ä/ö
    text = data.decode("utf-8-sig")
    head, _, body = text.partition("\r\n\r\n")
    return head.split("\r\n"), body


def test_exp010_csv_header_block_and_exact_rows_for_finnish_excel():
    chart = line_chart(synthetic=True)
    head, body = _csv_parts(table_export(chart, "csv", "fi"))
    assert head[0] == "Otsikko;Yksin elävät asunnottomat, Kanta-Häme"
    assert "Yksikkö;/ 1 000 asukasta" in head and "Lähde;THL, Sotkanet (ARA/Varke)" in head
    assert "Haettu;22.11.2026" in head and "Lisenssi;CC BY 4.0" in head
    assert "Huom.;synteettinen esimerkkiaineisto" in head
    lines = body.rstrip("\r\n").split("\r\n")
    assert lines[0] == "Alue;Vuosi;Arvo;Asukkaita"
    assert lines[1] == "Hämeenlinna;2024;1,250;68000"
    assert lines[2] == "Forssa;2024;;16900"  # missing value stays empty, never 0
    back = pd.read_csv(io.StringIO(body), sep=";", decimal=",")
    assert len(back) == len(chart.table)
    assert back["Arvo"].tolist()[0] == 1.25 and back["Asukkaita"].tolist() == [68000, 16900, 170000, 1]
    assert back["Alue"].tolist()[3].startswith("'=")  # formula text is neutralised
    plain = table_export(line_chart(synthetic=False), "csv", "fi").decode("utf-8-sig")
    assert "synteettinen" not in plain


def test_exp011_xlsx_header_block_and_numbers_as_numbers():
    from openpyxl import load_workbook

    chart = line_chart(synthetic=True)
    wb = load_workbook(io.BytesIO(table_export(chart, "xlsx", "fi")))
    ws = wb.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    meta = {r[0]: r[1] for r in rows if r[0] and r[1] is not None and r[0] != "Alue"}
    assert meta["Otsikko"] == "Yksin elävät asunnottomat, Kanta-Häme"
    assert meta["Yksikkö"] == "/ 1 000 asukasta" and meta["Lisenssi"] == "CC BY 4.0"
    assert meta["Lähde"] == "THL, Sotkanet (ARA/Varke)" and meta["Haettu"] == "22.11.2026"
    assert meta["Huom."] == "synteettinen esimerkkiaineisto"
    start = next(i for i, r in enumerate(rows) if r[:4] == ["Alue", "Vuosi", "Arvo", "Asukkaita"])
    data = rows[start + 1:]
    assert len(data) == len(chart.table)
    assert data[0] == ["Hämeenlinna", 2024, 1.25, 68000]
    assert data[1][2] is None
    assert all(isinstance(r[1], int) and isinstance(r[3], int) for r in data)
    assert ws.cell(row=start + 2, column=3).number_format == "0.000"
    assert ws.cell(row=start + 2, column=2).number_format == "0"  # years without a thousands separator
    assert ws.freeze_panes == f"A{start + 2}"
    plain = load_workbook(io.BytesIO(table_export(line_chart(False), "xlsx", "sv"))).active
    values = [c for r in plain.iter_rows(values_only=True) for c in r if c]
    assert "Rubrik" in values and "syntetiskt exempeldata" not in values


def test_exp012_table_format_is_whitelisted():
    with pytest.raises(ExportError):
        table_export(line_chart(), "json", "fi")


# --- names and config -------------------------------------------------------------------------


def test_exp013_file_names_and_content_disposition():
    stem = "kanta-häme-asunnottomat-2023"
    assert export_filename(stem, "png", "slide") == "kanta-häme-asunnottomat-2023-dia.png"
    assert export_filename(stem, "png", "square") == "kanta-häme-asunnottomat-2023-neliö.png"
    assert export_filename(stem, "svg", "slide") == "kanta-häme-asunnottomat-2023.svg"
    assert export_filename(stem, "csv") == "kanta-häme-asunnottomat-2023.csv"
    cd = content_disposition("kanta-häme-asunnottomat-2023-neliö.png")
    assert cd == ("attachment; filename=\"kanta-hame-asunnottomat-2023-nelio.png\"; "
                  "filename*=UTF-8''kanta-h%C3%A4me-asunnottomat-2023-neli%C3%B6.png")
    assert cd.isascii()


def test_exp014_graph_config_for_the_modebar():
    cfg = graph_config(line_chart(), "fi")
    assert cfg["displaylogo"] is False and cfg["locale"] == "fi"
    assert cfg["topojsonURL"] == "/assets/topo/"
    assert cfg["toImageButtonOptions"] == {"format": "png", "filename": "kanta-häme-asunnottomat-2023", "scale": 2}


def test_exp015_attribution_line_and_on_screen_footer_are_not_doubled():
    chart = line_chart(synthetic=True)
    chart.source = "Lähde: sotkanet.fi, THL; Lisenssi CC BY 4.0"
    chart.subtitle = "/ 1 000 asukasta · 2023 · Kanta-Häme"
    chart.figure["layout"]["annotations"] = [
        {"name": "source", "text": "on-screen footer", "xref": "paper", "yref": "paper", "x": 0, "y": 0},
        {"name": "label", "text": "Hämeenlinna", "x": 1, "y": 1},
    ]
    layout = export_figure(chart, "slide", "fi")["layout"]
    texts = [a["text"] for a in layout["annotations"]]
    assert "on-screen footer" not in texts and "Hämeenlinna" in texts
    footer = texts[-1]
    assert footer.startswith("Lähde: sotkanet.fi, THL; Lisenssi CC BY 4.0 · Haettu: 22.11.2026")
    assert footer.count("Lähde") == 1 and footer.count("CC BY") == 1
    assert "<b>synteettinen esimerkkiaineisto</b>" in footer
    assert layout["title"]["subtitle"]["text"] == "/ 1 000 asukasta · 2023 · Kanta-Häme"


def test_exp016_fonts_scale_with_the_preset_and_a_top_legend_moves_under_the_subtitle():
    chart = line_chart()
    chart.figure["layout"].update(
        font={"size": 13},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 12}},
        xaxis={"title": {"text": "Vuosi", "font": {"size": 11}}, "tickfont": {"size": 10}, "side": "top"},
    )
    chart.figure["data"].append({"type": "scatter", "x": ["2020"], "y": [1.0], "name": "Koko maa"})
    slide = export_figure(chart, "slide", "fi")["layout"]
    assert slide["font"]["size"] == 20
    assert slide["xaxis"]["tickfont"]["size"] == pytest.approx(10 * 20 / 13, abs=0.1)
    assert slide["legend"]["yref"] == "container" and slide["legend"]["yanchor"] == "top"
    top_px = slide["margin"]["t"]
    legend_top_px = (1 - slide["legend"]["y"]) * slide["height"]
    assert legend_top_px < top_px  # the legend sits in the header band, below title and subtitle
    assert legend_top_px > 20 * 1.3 * 1.3  # …and not on top of the title
    square = export_figure(chart, "square", "fi")["layout"]
    assert square["xaxis"]["tickfont"]["size"] == 10  # 13 px base stays 13 px on the 540 px layout
    assert chart.figure["layout"]["legend"]["y"] == 1.0  # the on-screen figure is untouched


def test_exp017_stand_in_chart_matches_the_dashboard_chartdata_contract():
    import dataclasses

    from dashboard.draw.charts import ChartData

    try:
        from .export_fixtures import StubChartData
    except ImportError:
        from export_fixtures import StubChartData
    real = {f.name: f for f in dataclasses.fields(ChartData)}
    stub = {f.name for f in dataclasses.fields(StubChartData)}
    assert stub <= set(real)
    # everything the export reads without a default is in the stand-in
    required = {n for n, f in real.items() if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert required <= stub
