"""Goal gauges: accessible meter attributes, status in words and symbols, proposal and synthetic labels."""
from __future__ import annotations

import pytest

from dashboard.draw.gauges import SYMBOL, TONE, goal_gauge, goal_gauges
from dashboard.judge.goals import STATUS_CODES, GoalStatus, status_label


def make_status(status="on_track", **kw) -> GoalStatus:
    base = dict(
        key="testi", area="turvallisuus", type="status_share", status=status,
        label=status_label(status, kw.get("lang", "fi")), progress=0.64, value=7.0, target=11.0, baseline=None,
        latest_period="2026", explanation="7 / 11 kuntaa on allekirjoittanut sopimuksen.",
        wording="Sopimus kaikkien 11 kunnan kanssa.", target_basis="agreement", owner="K-H Turva",
        synthetic=False, indicator=None, value_text="7 / 11 kuntaa", target_text="11 / 11 kuntaa",
        expected_progress=0.46,
    )
    base.update(kw)
    return GoalStatus(**base)


def walk(component):
    """Every component in the tree (depth first)."""
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, (str, int, float)):
        return
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def texts(component) -> list[str]:
    out = []
    for c in walk(component):
        ch = getattr(c, "children", None)
        if isinstance(ch, str):
            out.append(ch)
        elif isinstance(ch, (list, tuple)):
            out += [x for x in ch if isinstance(x, str)]
    return out


def props(component) -> dict:
    return component.to_plotly_json()["props"]


def meters(component):
    return [c for c in walk(component) if getattr(c, "role", None) == "meter"]


def test_gauge001_meter_has_role_and_aria_values():
    gauge = goal_gauge(make_status(), "fi")
    (meter,) = meters(gauge)
    p = props(meter)
    assert (p["aria-valuenow"], p["aria-valuemin"], p["aria-valuemax"]) == (64, 0, 100)
    assert p["aria-valuetext"] == "64 % tavoitteesta; Edistyy tavoitteen mukaisesti"
    assert p["aria-label"] == "Edistyminen tavoitteeseen"
    fill, tick = meter.children
    assert fill.style == {"width": "64%"} and tick.style == {"left": "46%"}
    assert props(gauge)["aria-labelledby"] == "goal-testi-wording"


@pytest.mark.parametrize("status", STATUS_CODES)
def test_gauge002_every_status_is_written_out_with_its_own_symbol(status):
    gauge = goal_gauge(make_status(status), "fi")
    words = texts(gauge)
    assert status_label(status, "fi") in words
    assert SYMBOL[status] in words
    symbol = next(c for c in walk(gauge) if "goal-gauge__symbol" in (getattr(c, "className", "") or ""))
    assert props(symbol)["aria-hidden"] == "true"  # the words, not the glyph, are read out
    assert f"goal-gauge--{TONE[status]}" in gauge.className and props(gauge)["data-status"] == status


def test_gauge003_symbols_and_labels_are_distinct_per_status():
    assert len(set(SYMBOL.values())) == len(STATUS_CODES)
    for lang in ("fi", "sv", "en"):
        assert len({status_label(s, lang) for s in STATUS_CODES}) == len(STATUS_CODES)
    assert set(TONE.values()) == {"good", "bad", "neutral"}
    assert TONE["on_track"] == TONE["achieved"] == "good" and TONE["off_track"] == "bad"


def test_gauge004_value_target_wording_owner_and_explanation_shown():
    words = texts(goal_gauge(make_status(), "fi"))
    for expected in ("7 / 11 kuntaa", "11 / 11 kuntaa", "Sopimus kaikkien 11 kunnan kanssa.", "K-H Turva",
                     "7 / 11 kuntaa on allekirjoittanut sopimuksen.", "Nyt", "Tavoite", "Vastuu"):
        assert expected in words


def test_gauge005_proposal_label_only_for_proposals():
    proposal = make_status(target_basis="proposal", basis_note="tavoitetaso on ehdotus, vahvistamatta")
    assert "tavoitetaso on ehdotus, vahvistamatta" in texts(goal_gauge(proposal, "fi"))
    assert not any("ehdotus" in w for w in texts(goal_gauge(make_status(), "fi")))
    # the label is there even when the status carries no note
    bare = make_status(target_basis="proposal", basis_note="")
    assert "the target level is a proposal, not yet confirmed" in texts(goal_gauge(bare, "en"))


def test_gauge006_synthetic_marker_in_the_language():
    assert "synteettinen esimerkkiaineisto" in texts(goal_gauge(make_status(synthetic=True), "fi"))
    assert "synthetic example data" in texts(goal_gauge(make_status(synthetic=True), "en"))
    assert not any("synteettinen" in w for w in texts(goal_gauge(make_status(), "fi")))


def test_gauge007_direction_goal_without_progress_has_no_meter_but_words_and_trend_arrow():
    status = make_status("on_track", type="direction", progress=None, expected_progress=None, trend="down",
                         label=status_label("on_track", "fi", "direction"), target_text="")
    gauge = goal_gauge(status, "fi")
    assert meters(gauge) == []
    words = texts(gauge)
    assert "Kehittyy myönteiseen suuntaan" in words and "↘" in words


def test_gauge008_gauge_list_and_empty_list():
    statuses = [make_status(key=f"g{i}", status=s) for i, s in enumerate(STATUS_CODES)]
    many = goal_gauges(statuses, "sv")
    assert props(many)["aria-label"] == "Mål"
    items = many.children
    assert len(items) == len(STATUS_CODES)
    assert [item.children.id for item in items] == [f"goal-g{i}" for i in range(len(STATUS_CODES))]
    empty = goal_gauges([], "fi")
    assert "ei ole kirjattu tavoitteita" in empty.children


def test_gauge009_stylesheet_covers_every_tone_and_the_forum_mode():
    from pathlib import Path

    import dashboard.draw.gauges

    css = (Path(dashboard.draw.gauges.__file__).resolve().parents[2] / "assets" / "gauges.css").read_text(encoding="utf-8")
    for tone in set(TONE.values()):
        assert f".goal-gauge--{tone}" in css
    assert ".forum .goal-gauge" in css and "forced-colors" in css
    # no red/green pair in the palette
    assert "red" not in css.lower() and "green" not in css.lower()
