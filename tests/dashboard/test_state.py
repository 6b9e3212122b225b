"""View-state validation: whitelists before any query; rejected input raises a readable error."""
from __future__ import annotations

import pytest

from dashboard.core.state import (
    InvalidState,
    ViewState,
    check_indicator,
    check_region,
    check_year,
    parse_view,
    validate_state,
)
from dashboard.data.context import current_context
from tests.dashboard.data import REGISTRY


@pytest.fixture(autouse=True)
def _app_context(dash_app):
    with dash_app.server.app_context():
        yield


def test_st001_valid_finnish_parameters_make_a_state():
    s = _validate({"sivu": "asuminen", "indikaattori": "asunnottomat_yksinaiset_per1000", "vuosi": "2020",
                        "kunta": "109", "kartta": "ruudut", "kieli": "sv", "esitys": "1"})
    assert s == ViewState(page="asuminen", indicator="asunnottomat_yksinaiset_per1000", year=2020,
                          municipality="109", map_mode="tiles", lang="sv", forum=True)


def test_st002_field_names_and_defaults_work_too():
    s = _validate({"page": "overview"})
    assert s == ViewState()
    assert _validate({"indicator": "tyottomat_pct", "year": 2020}).year == 2020


def test_st003_query_string_round_trips():
    s = ViewState(page="turvallisuus", indicator="rikokset_henki_terveys_per1000", year=2019, municipality="694",
                  map_mode="tiles", lang="en", forum=True)
    parsed = parse_view(dict(__import__("urllib.parse").parse.parse_qsl(s.query_string()[1:])), REGISTRY,
                        page="turvallisuus")
    assert parsed.problems == [] and parsed.state == s
    assert ViewState().query_string() == ""


@pytest.mark.parametrize(
    "params,field,reason",
    [
        ({"indikaattori": "ei_ole"}, "indicator", "invalid_indicator"),
        ({"indikaattori": "x'; DROP TABLE observation;--"}, "indicator", "invalid_indicator"),
        ({"indikaattori": ["a", "b"]}, "indicator", "repeated_parameter"),
        ({"sivu": "asuminen", "indikaattori": "tyottomat_pct"}, "indicator", "indicator_not_in_area"),
        ({"kunta": "999"}, "municipality", "invalid_region"),
        ({"kunta": "<script>"}, "municipality", "invalid_region"),
        ({"vuosi": "20x4"}, "year", "invalid_year"),
        ({"vuosi": "1800"}, "year", "year_out_of_range"),
        ({"indikaattori": "tyottomat_pct", "vuosi": "2030"}, "year", "year_without_data"),
        ({"kieli": "de"}, "lang", "invalid_lang"),
        ({"kartta": "satellite"}, "map_mode", "invalid_map_mode"),
        ({"esitys": "maybe"}, "forum", "invalid_forum"),
        ({"sivu": "../../etc/passwd"}, "page", "invalid_page"),
    ],
)
def test_st004_rejected_inputs_raise_invalid_state_with_a_finnish_message(params, field, reason):
    with pytest.raises(InvalidState) as err:
        _validate(params)
    assert err.value.field == field and err.value.reason == reason
    assert err.value.message and "Traceback" not in err.value.message
    assert err.value.text("en") != err.value.message  # translated


@pytest.mark.parametrize("value", [{"a": 1}, [2020], True, 2020.5, "2020.0", " ", None])
def test_st005_wrong_types_for_a_year_are_rejected_or_empty(value):
    if value in (" ", None):
        assert check_year(value) is None
    else:
        with pytest.raises(InvalidState):
            check_year(value)


def test_st006_wrong_types_for_indicator_and_region_are_rejected():
    for bad in (123, {"x": 1}, ["tyottomat_pct"], True):
        with pytest.raises(InvalidState):
            check_indicator(bad, REGISTRY)
        with pytest.raises(InvalidState):
            check_region(bad, REGISTRY)


def test_st007_region_whitelist_comes_from_the_county_profile():
    assert check_region("109", REGISTRY) == "109"
    assert check_region(REGISTRY.county.region.code, REGISTRY) == REGISTRY.county.region.code
    with pytest.raises(InvalidState):
        check_region(REGISTRY.county.region.code, REGISTRY, municipalities_only=True)
    with pytest.raises(InvalidState):
        check_region("091", REGISTRY)  # Helsinki: a real code, but not in this county


def test_st008_lenient_parse_reports_problems_and_keeps_the_rest():
    parsed = parse_view({"indikaattori": "nope", "vuosi": "2019", "kieli": "sv", "kunta": "109"}, REGISTRY, page="asuminen")
    assert [p.field for p in parsed.problems] == ["indicator"]
    assert parsed.state.lang == "sv" and parsed.state.municipality == "109" and parsed.state.indicator is None


def test_st009_message_never_echoes_more_than_a_short_printable_value():
    with pytest.raises(InvalidState) as err:
        _validate({"indikaattori": "a" * 500 + "\x00\n"})
    assert len(err.value.value) <= 40 and "\x00" not in err.value.message


def _validate(params):
    """validate_state against the app's context (as the export routes call it)."""
    return validate_state(params, current_context())
