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


def note(layout: dict, name: str) -> str:
    """The text of the export's header or footer block ``name`` (export-title, export-subtitle, …)."""
    return next(a["text"] for a in layout["annotations"] if a.get("name") == name)


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
            assert note(fig["layout"], "export-title").count("<br>") >= 1  # wrapped: the case that touched the edge
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
    assert note(layout, "export-title") == "Yksin elävät asunnottomat, Kanta-Häme"
    assert "Enhet: / 1 000 asukasta" in note(layout, "export-subtitle")
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
    assert export_filename(stem, "png", "link") == "kanta-häme-asunnottomat-2023-linkki.png"
    assert export_filename(stem, "pdf", "a4") == "kanta-häme-asunnottomat-2023-a4.pdf"
    assert export_filename(stem, "csv-metadata.json") == "kanta-häme-asunnottomat-2023.csv-metadata.json"
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
    assert note(layout, "export-subtitle") == "/ 1 000 asukasta · 2023 · Kanta-Häme"


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
    assert slide["xaxis"]["tickfont"]["size"] == pytest.approx(20 * 0.9)  # the plan's tick size for the preset
    assert slide["legend"]["yref"] == "container" and slide["legend"]["yanchor"] == "top"
    top_px = slide["margin"]["t"]
    legend_top_px = (1 - slide["legend"]["y"]) * slide["height"]
    assert legend_top_px < top_px  # the legend sits in the header band, below title and subtitle
    assert legend_top_px > 20 * 1.3 * 1.3  # …and not on top of the title
    square = export_figure(chart, "square", "fi")["layout"]
    assert square["xaxis"]["tickfont"]["size"] == pytest.approx(13 * 0.9)
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


# --- files that need no fixing (issue 14) -----------------------------------------------------


ABOUT = {"indicator": "toimeentulotuki_pct", "name": "Toimeentulotukea saaneet, % väestöstä",
         "definition": "Toimeentulotukea saaneiden osuus väestöstä.", "caveats": "", "source_name": "THL Sotkanet.fi",
         "publisher": "Terveyden ja hyvinvoinnin laitos (THL)", "licence": "CC BY 4.0",
         "licence_url": "https://creativecommons.org/licenses/by/4.0/", "period": "2020–2023",
         "breaks": ["2017: Kelan siirto – perustoimeentulotuki siirtyi Kelaan."]}


def described_chart(synthetic: bool = False):
    chart = line_chart(synthetic=synthetic)
    chart.extra = {"about": dict(ABOUT), "selection": [("municipality", "Forssa"), ("years", "2020–2023")]}
    return chart


def test_exp020_link_preview_and_a4_presets_have_their_sizes(warm_renderer):
    from pypdf import PdfReader

    assert png_size(render_image(described_chart(), "png", "link", "fi")) == (1200, 628)  # 1.91:1
    assert png_size(render_image(described_chart(), "png", "a4", "fi")) == (1588, 2246)
    pdf = PdfReader(io.BytesIO(render_image(described_chart(), "pdf", "a4", "fi")))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4 portrait
    meta = pdf.metadata
    assert meta.title.startswith("Yksin elävät asunnottomat") and meta.author == "Tilannekuva"
    assert "THL, Sotkanet" in meta.subject and "CC BY 4.0" in meta.subject
    page_text = pdf.pages[0].extract_text()
    assert "Valittu kunta: Forssa" in page_text and "Lähde: THL" in page_text


def test_exp021_the_selection_and_legend_are_drawn_in_the_image(warm_renderer):
    chart = described_chart()
    chart.figure["data"].append({"type": "scatter", "x": ["2020"], "y": [1.0], "name": "Koko maa"})
    for lang, words in (("fi", "Valittu kunta: Forssa · Vuodet 2020–2023"), ("sv", "Vald kommun: Forssa · År 2020–2023"),
                        ("en", "Selected municipality: Forssa · Years 2020–2023")):
        drawn = svg_text(render_image(chart, "svg", "square", lang))
        assert words in drawn and "Koko maa" in drawn and "Kanta-Häme" in drawn, (lang, drawn)


def test_exp022_layout_rules_wrap_balance_and_never_clip():
    from dashboard.deliver.export_layout import legend_grid, text_width, wrap_px

    title = "Toimeentulotukea saaneet henkilöt vuoden aikana, % asukkaista (Kanta-Hämeen kunnat ja koko maa)"
    for width in (200, 300, 520):
        lines = wrap_px(title, width, 17, bold=True)
        assert all(text_width(x, 17, bold=True) <= width for x in lines)
        assert " ".join(lines) == title  # nothing lost: the % sign and all after it are there
    assert all(text_width(x, 13) <= 60 for x in wrap_px("Epäasiallisesti-pitkä-yhdyssana", 60, 13))
    labels = ["< 4,4", "4,4 – < 5,0", "5,0 – < 6,0", "6,0 – < 6,6", "≥ 6,6", "ei tietoa"]
    grid = legend_grid(labels, 520, 12)
    assert grid.rows * grid.per_row >= len(labels) and len(labels) - (grid.rows - 1) * grid.per_row >= grid.per_row - 1
    assert legend_grid(labels, 5000, 12).rows == 1


def test_exp023_map_labels_move_or_shrink_until_none_collides():
    from dashboard.deliver.export_layout import LINE, PLACES, _box, _overlap, place_labels, text_width

    points = [(100, 100), (112, 104), (300, 200)]  # the first two as close as Humppila and Forssa
    texts = ["<b>Humppila</b><br>6,5", "<b>Forssa</b><br>7,9", "<b>Loppi</b><br>4,0"]
    size, places = place_labels(points, texts, 13, 400, 300)
    assert 8 <= size <= 13 and len(places) == 3
    offsets = {name: (dx, dy) for name, dx, dy in PLACES}
    boxes = []
    for (x, y), text, place in zip(points, texts, places):
        w = max(text_width(line, size, bold=line.startswith("<b>")) for line in text.split("<br>"))
        boxes.append(_box(x, y, w, 2 * size * LINE, *offsets[place], size * 0.4))
    assert not _overlap(boxes[0], boxes[1]) and not _overlap(boxes[1], boxes[2])
    assert all(b[0] >= 0 and b[1] >= 0 and b[2] <= 400 and b[3] <= 300 for b in boxes)
    alone, _ = place_labels([(200, 150)], ["<b>Loppi</b><br>4,0"], 13, 400, 300)
    assert alone == 13  # a label with room keeps its size


def test_exp024_xlsx_names_its_sheet_title_author_source_and_licence_and_has_notes():
    from openpyxl import load_workbook

    chart = described_chart(synthetic=True)
    book = load_workbook(io.BytesIO(table_export(chart, "xlsx", "fi")))
    assert book.sheetnames == ["Toimeentulotukea saaneet", "Huomiot"]
    props = book.properties
    assert props.creator == "Tilannekuva" and props.lastModifiedBy == "Tilannekuva"
    assert props.title == "Yksin elävät asunnottomat, Kanta-Häme (2020–2023, kaikki kunnat)"
    assert "THL, Sotkanet (ARA/Varke)" in props.description and "CC BY 4.0" in props.description
    assert props.language == "fi" and props.identifier == "toimeentulotuki_pct"
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom["Source"] == "THL Sotkanet.fi" and custom["Licence"] == "CC BY 4.0"
    notes = {r[0]: r[1] for r in book["Huomiot"].iter_rows(values_only=True) if r[0]}
    assert notes["Määritelmä"] == ABOUT["definition"] and notes["Yksikkö"] == "/ 1 000 asukasta"
    assert notes["Tietolähde"] == "THL Sotkanet.fi" and notes["Lisenssi"].startswith("CC BY 4.0 (https://")
    assert notes["Haettu"] == "22.11.2026" and notes["Ajanjakso"] == "2020–2023"
    assert notes["Sarjan katko"].startswith("2017: Kelan siirto") and notes["Huom."] == "synteettinen esimerkkiaineisto"
    assert notes["Valinnat"] == "Valittu kunta: Forssa · Vuodet 2020–2023"
    assert "Alue" in notes and "Sarakkeet" in notes
    english = load_workbook(io.BytesIO(table_export(described_chart(), "xlsx", "en")))
    assert english.sheetnames[1] == "Notes"


def test_exp025_sheet_names_are_valid_and_meaningful():
    from dashboard.deliver.export import sheet_name

    assert sheet_name("Toimeentulotukea saaneet, % väestöstä") == "Toimeentulotukea saaneet"
    assert sheet_name("Lapset [0–17]: osuus / väestö*?") == "Lapset 0–17 osuus väestö"
    assert all(len(sheet_name(x)) <= 31 for x in ("x" * 80, "sana " * 20))
    assert sheet_name("::") == "Tiedot"


def test_exp026_csv_is_described_by_a_csvw_sidecar_that_reads_the_table_back():
    chart = described_chart()
    chart.table = pd.DataFrame({"Alue": ["Forssa", "Loppi"], "Aluekoodi": ["061", "433"], "Vuosi": [2023, 2023],
                                "Arvo (/ 1 000 asukasta)": [1.25, None], "Näytetty arvo": ["1,25", "< 5"]})
    meta = json.loads(table_export(chart, "csv-metadata.json", "fi"))
    assert meta["@context"][0] == "http://www.w3.org/ns/csvw" and meta["url"] == "kanta-häme-asunnottomat-2023.csv"
    assert meta["dc:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert meta["dc:source"] == "THL Sotkanet.fi" and meta["dc:creator"] == "Tilannekuva"
    assert any(c.startswith("Sarjan katko: 2017") for c in meta["rdfs:comment"])
    cols = meta["tableSchema"]["columns"]
    assert [c["titles"] for c in cols] == list(chart.table.columns)
    by_title = {c["titles"]: c for c in cols}
    assert by_title["Arvo (/ 1 000 asukasta)"]["datatype"] == {"base": "decimal", "format": {"decimalChar": ","}}
    assert "/ 1 000 asukasta" in by_title["Arvo (/ 1 000 asukasta)"]["dc:description"]
    assert by_title["Vuosi"]["datatype"] == "integer" and by_title["Alue"]["dc:description"].startswith("Alueen nimi")
    # Read the CSV exactly as the description says: skip rows, separator, decimal mark, header.
    dialect = meta["dialect"]
    raw = table_export(chart, "csv", "fi").decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(raw), sep=dialect["delimiter"], skiprows=dialect["skipRows"], decimal=",",
                       dtype={"Aluekoodi": str})
    assert list(back.columns) == [c["titles"] for c in cols]
    assert back["Arvo (/ 1 000 asukasta)"].tolist()[0] == 1.25 and back["Aluekoodi"].tolist() == ["061", "433"]


def test_exp027_a_standard_csvw_processor_reads_the_download_pair(tmp_path):
    from decimal import Decimal

    from csvw import Table

    chart = described_chart()
    chart.table = pd.DataFrame({"Alue": ["Forssa", "Loppi"], "Aluekoodi": ["061", "433"], "Vuosi": [2023, 2023],
                                "Arvo (/ 1 000 asukasta)": [1.25, None], "Näytetty arvo": ["1,25", "< 5"]})
    stem = "kanta-häme-asunnottomat-2023"  # the two files as the menu downloads them, side by side
    (tmp_path / f"{stem}.csv").write_bytes(table_export(chart, "csv", "fi"))
    (tmp_path / f"{stem}.csv-metadata.json").write_bytes(table_export(chart, "csv-metadata.json", "fi"))
    rows = list(Table.from_file(tmp_path / f"{stem}.csv-metadata.json").iterdicts())
    assert [r["alue"] for r in rows] == ["Forssa", "Loppi"] and [r["aluekoodi"] for r in rows] == ["061", "433"]
    assert rows[0]["vuosi"] == 2023 and rows[0]["arvo_1_000_asukasta"] == Decimal("1.25")
    assert rows[1]["arvo_1_000_asukasta"] is None and rows[1]["naytetty_arvo"] == "< 5"
