"""Map classes: quantile / equal / fixed breaks, half-open labels, no-data and suppressed classes."""
from __future__ import annotations

import math

import pytest

from dashboard.data.model import Cell
from dashboard.draw.figures.map import SPECIAL, categories_for
from dashboard.judge.classify import (
    NO_DATA_COLOR,
    PALETTES,
    SUPPRESSED_COLOR,
    classify,
    compute_breaks,
    labels,
    text_color,
)

VALUES = [0.86, 2.30, 2.49, 2.93, 3.55, 3.83, 4.54, 5.11, 5.36, 7.52, 8.21]


def test_cls001_quantile_breaks_split_eleven_values_into_five_classes():
    c = classify(VALUES, "quantile", 2, "fi")
    assert len(c.bins) == 5
    counts = [sum(1 for v in VALUES if c.index(v) == i) for i in range(5)]
    assert sum(counts) == 11 and min(counts) >= 2, counts
    assert list(c.breaks) == sorted(c.breaks)


def test_cls002_equal_intervals_span_min_to_max_evenly():
    breaks = compute_breaks([0, 10, 20, 30, 40, 50], "equal", 0)
    assert breaks == [10, 20, 30, 40]


def test_cls003_fixed_breaks_are_taken_as_configured():
    c = classify([0, 1, 2, 2], "fixed", 0, "fi", fixed=[1, 2])
    assert c.breaks == (1.0, 2.0)
    assert [c.index(v) for v in (0, 1, 2, 3)] == [0, 1, 2, 2]
    assert [b.label for b in c.bins] == ["< 1", "1", "≥ 2"]


def test_cls004_labels_are_half_open_and_cover_every_value_once():
    out = labels([2.5, 5.0], 1, "fi")
    assert out == ["< 2,5", "2,5 – < 5,0", "≥ 5,0"]
    c = classify(VALUES, "quantile", 2, "fi")
    for v in VALUES:
        i = c.index(v)
        b = c.bins[i]
        assert (b.lower is None or round(v, 2) >= b.lower) and (b.upper is None or round(v, 2) < b.upper)


def test_cls005_classes_use_rounded_values_so_shown_value_matches_class():
    # 12.46 is shown as "12,5" with one decimal: it must fall into the class that starts at 12,5.
    c = classify([10.0, 12.46, 15.0], "fixed", 1, "fi", fixed=[12.5])
    assert c.index(12.46) == 1


def test_cls006_few_distinct_values_give_fewer_classes_never_empty_ones():
    c = classify([3, 3, 3, 5], "quantile", 0, "fi")
    assert len(c.bins) == 2
    assert classify([4, 4], "quantile", 0, "fi").bins[0].label == "4"
    assert classify([], "quantile", 0, "fi").index(None) is None


def test_cls007_missing_value_has_no_class():
    c = classify(VALUES, "equal", 2, "fi")
    assert c.index(None) is None and c.index(math.nan) is None
    assert c.color(None) == NO_DATA_COLOR


def test_cls008_palette_is_sequential_and_distinct_from_no_data():
    for n, colors in PALETTES.items():
        assert len(colors) == n and len(set(colors)) == n
        assert NO_DATA_COLOR not in colors and SUPPRESSED_COLOR not in colors


def test_cls009_no_data_and_suppressed_cells_get_named_special_classes():
    cells = [
        Cell("061", "Forssa", 2024, 3.0, "ok", text="3"),
        Cell("082", "Hattula", 2024, None, "suppressed", text="< 5"),
        Cell("086", "Hausjärvi", 2024, None, "missing"),
        Cell("103", "Humppila", 2024, None, "secondary", text=".."),
    ]
    c = classify([3.0], "quantile", 0, "fi")
    idx, colors = categories_for(cells, c)
    n = len(c.bins)
    assert idx == [0, n + SPECIAL.index("suppressed"), n + SPECIAL.index("missing"), n + SPECIAL.index("secondary")]
    assert colors[idx[1]] == SUPPRESSED_COLOR and colors[idx[2]] == NO_DATA_COLOR


@pytest.mark.parametrize("fill,expected", [("#0868ac", "#ffffff"), ("#ccebc5", "#1b1b1b"), ("#ffffff", "#1b1b1b")])
def test_cls010_label_text_colour_contrasts_with_fill(fill, expected):
    assert text_color(fill) == expected
