"""Maps that mean something (issue 12, item 5): colour says better or worse with the indicator's
polarity, no quantiles on too few distinct values, counts never coloured or drawn against totals,
the legend names the better end, and the diverging palette survives colour-vision deficiencies."""
from __future__ import annotations

import random

import pytest

from dashboard.core import tokens
from dashboard.core.state import ViewState
from dashboard.judge.classify import DIVERGING, PALETTES, classify, similar_band, text_color
from dashboard.judge.compare import compare

BLUE_BETTER = (tokens.DIVERGING[3], tokens.DIVERGING[4])
ORANGE_WORSE = (tokens.DIVERGING[0], tokens.DIVERGING[1])
GREY_SIMILAR = tokens.DIVERGING[2]


def colour(c, v):
    return c.bins[c.index(v)].color


# --- polarity ---------------------------------------------------------------------------------


def test_mc001_lower_is_better_colours_low_values_blue_and_high_values_orange():
    values = [6.1, 7.5, 8.0, 8.4, 8.6, 9.2, 12.3]
    c = classify(values, "quantile", 1, "fi", direction="lower", benchmark=8.5, benchmark_name="Kanta-Häme")
    assert c.method == "diverging" and c.better_end == "low"
    assert colour(c, 6.1) in BLUE_BETTER and colour(c, 12.3) in ORANGE_WORSE
    assert colour(c, 8.4) == colour(c, 8.6) == GREY_SIMILAR
    assert c.bins[0].label.endswith("selvästi parempi") and c.bins[-1].label.endswith("selvästi heikompi")
    assert "samaa tasoa kuin Kanta-Häme" in c.bins[2].label


def test_mc002_higher_is_better_turns_the_colours_around():
    values = [6.1, 7.5, 8.0, 8.4, 8.6, 9.2, 12.3]
    c = classify(values, "quantile", 1, "fi", direction="higher", benchmark=8.5, benchmark_name="Kanta-Häme")
    assert c.better_end == "high"
    assert colour(c, 6.1) in ORANGE_WORSE and colour(c, 12.3) in BLUE_BETTER
    assert c.bins[0].label.endswith("selvästi heikompi") and c.bins[-1].label.endswith("selvästi parempi")


@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_mc003_the_map_colour_and_the_table_words_never_disagree(direction, decimals):
    """The grey class is exactly compare()'s "similar" band; blue is "better", orange "worse"."""
    rng = random.Random(12 + decimals)
    for _ in range(40):
        benchmark = rng.uniform(0.5, 60)
        values = [rng.uniform(0, 80) for _ in range(11)]
        c = classify(values, "quantile", decimals, "fi", direction=direction, benchmark=benchmark)
        for v in values:
            word = compare(v, benchmark, direction, decimals)
            expected = {"similar": (GREY_SIMILAR,), "better": BLUE_BETTER, "worse": ORANGE_WORSE}[word]
            assert colour(c, v) in expected, (v, benchmark, word, c.breaks)


def test_mc004_benchmark_is_a_parameter_another_benchmark_moves_the_colours():
    values = [6.0, 8.0, 10.0, 12.0]
    county = classify(values, "quantile", 1, "fi", direction="lower", benchmark=8.0, benchmark_name="Kanta-Häme")
    finland = classify(values, "quantile", 1, "fi", direction="lower", benchmark=12.0, benchmark_name="Koko maa")
    assert colour(county, 10.0) in ORANGE_WORSE and colour(finland, 10.0) in BLUE_BETTER
    assert "samaa tasoa kuin Koko maa" in " ".join(b.label for b in finland.bins)
    lo, hi = similar_band(12.0, 1)
    assert (lo, hi) == (11.4, 12.7)  # ±5 % of 12,0 = 11,4 … 12,6, half-open


def test_mc005_neutral_indicator_keeps_a_sequential_scheme_without_better_or_worse():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    c = classify(values, "quantile", 0, "fi", direction="neutral", benchmark=5.0)
    assert c.method == "quantile" and c.better_end is None
    assert [b.color for b in c.bins] == PALETTES[5]
    assert not any("parempi" in b.label or "heikompi" in b.label for b in c.bins)


def test_mc006_without_a_benchmark_value_the_legend_still_names_the_better_end():
    c = classify([1.0, 2.0, 3.5, 4.0, 9.0], "quantile", 1, "fi", direction="lower", benchmark=None)
    assert c.method != "diverging"
    assert c.bins[0].label.endswith("(parempi pää)") and c.bins[-1].label.endswith("(heikompi pää)")
    sv = classify([1.0, 2.0, 3.5, 4.0, 9.0], "quantile", 1, "sv", direction="higher")
    assert sv.bins[-1].label.endswith("(bättre ände)") and sv.bins[0].label.endswith("(sämre ände)")
    en = classify([6.0, 10.0], "quantile", 0, "en", direction="lower", benchmark=8.0, benchmark_name="Kanta-Häme")
    assert [b.label.split(": ")[1] for b in en.bins] == ["better", "similar to Kanta-Häme", "worse"]


# --- few distinct values ------------------------------------------------------------------------


def test_mc007_four_distinct_values_do_not_split_11_6_and_11_8():
    values = [0.0, 0.0, 11.6, 11.6, 11.6, 11.8, 11.8, 11.8, 25.0, 25.0, 0.0]
    c = classify(values, "quantile", 1, "fi")
    assert c.method == "equal"
    assert c.index(11.6) == c.index(11.8)
    assert c.index(0.0) != c.index(11.6) != c.index(25.0)


def test_mc008_few_whole_numbers_get_one_class_each_many_values_get_quantiles():
    counts = classify([0, 1, 1, 2, 3, 3, 3, 0, 2, 1, 0], "quantile", 0, "fi")
    assert counts.method == "unique" and len(counts.bins) == 4
    assert len({counts.index(v) for v in (0, 1, 2, 3)}) == 4
    many = classify([float(v) for v in range(1, 12)], "quantile", 0, "fi")
    assert many.method == "quantile" and len(many.bins) == 5
    six = classify([1.5, 2.5, 3.5, 4.5, 5.5, 6.5], "quantile", 1, "fi")
    assert six.method == "equal"  # six distinct values cannot fill five quantile classes of two


# --- counts -------------------------------------------------------------------------------------


def test_mc009_a_count_is_never_coloured_against_a_total():
    c = classify([3.0, 12.0, 40.0, 7.0], "quantile", 0, "fi", direction="lower", benchmark=2746.0, comparable=False)
    assert c.method != "diverging" and c.benchmark is None
    assert not any(b.color in DIVERGING for b in c.bins)


def test_mc010_bar_chart_of_a_count_leaves_county_and_country_totals_off_the_axis(dash_app):
    with dash_app.server.test_request_context():
        from dashboard.draw.charts import build_chart

        count = build_chart("bar", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_lkm", year=2020))
        rate = build_chart("bar", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2020))
    assert count.figure["layout"]["shapes"] == []
    top = max(v for v in count.figure["data"][0]["x"] if v is not None)
    assert count.figure["layout"]["xaxis"]["range"][1] < 2 * top  # the axis fits the municipalities
    assert "yhteismääriä" in count.summary and "Koko maa" in count.summary
    assert len(rate.figure["layout"]["shapes"]) == 2  # a rate keeps its reference lines



def test_mc010b_trend_of_a_count_leaves_the_country_total_off_the_axis(dash_app):
    with dash_app.server.test_request_context():
        from dashboard.draw.charts import build_chart

        count = build_chart("trend", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_lkm", municipality="109"))
        rate = build_chart("trend", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", municipality="109"))
    names = [tr["name"] for tr in count.figure["data"]]
    assert "Koko maa" not in names and "Hämeenlinna" in names
    # (the test data has no country total for this count, so the summary needs no note)
    assert "Koko maa on yhteismäärä" not in count.summary
    assert any(c.startswith("Koko maa") for c in count.table.columns)  # its values stay in the table
    assert "Koko maa" in [tr["name"] for tr in rate.figure["data"]]


def test_mc011_the_county_map_is_coloured_by_the_indicator_polarity(dash_app):
    with dash_app.server.test_request_context():
        from dashboard.draw.charts import build_chart

        c = build_chart("map", ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2020))
    legend = [label for label, _color in c.extra["legend"]]
    assert any("parempi" in x for x in legend) and any("heikompi" in x for x in legend)
    assert any("samaa tasoa kuin Kanta-Häme" in x for x in legend)


# --- palette ------------------------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lin(hex_color):
    h = hex_color.lstrip("#")
    out = []
    for i in (0, 2, 4):
        c = int(h[i:i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out


def _lab(lin):
    x = 0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = 0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def _delta(a, b, matrix=None):
    la, lb = _lin(a), _lin(b)
    if matrix is not None:
        la = [max(0.0, min(1.0, sum(m * c for m, c in zip(row, la)))) for row in matrix]
        lb = [max(0.0, min(1.0, sum(m * c for m, c in zip(row, lb)))) for row in matrix]
    return sum((p - q) ** 2 for p, q in zip(_lab(la), _lab(lb))) ** 0.5


@pytest.mark.parametrize("vision", [None, *CVD])
def test_mc012_diverging_classes_stay_apart_under_colour_vision_deficiencies(vision):
    matrix = CVD.get(vision) if vision else None
    for a, b in zip(DIVERGING, DIVERGING[1:]):
        assert _delta(a, b, matrix) >= 12, (vision, a, b)
    # the better side never looks like the worse side of the same strength
    assert _delta(DIVERGING[0], DIVERGING[4], matrix) >= 40
    assert _delta(DIVERGING[1], DIVERGING[3], matrix) >= 20
    # "similar" is not "no data" (white with an outline) nor hidden (grey)
    assert _delta(DIVERGING[2], tokens.BG, matrix) >= 8


def test_mc013_labels_on_every_diverging_class_have_text_contrast():
    def lum(hex_color):
        r, g, b = _lin(hex_color)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for fill in DIVERGING:
        fg = text_color(fill)
        hi, lo = sorted((lum(fill), lum(fg)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (fill, fg)
