"""The view state: what a page shows, as carried in the URL, validated before any query.

Every value that reaches a query comes from a browser (URL, callback payload) and is untrusted:
Dash delivers whatever a client posts, not only the options a control offers. Each field is
therefore checked against a whitelist built from the registry (indicator keys, region codes,
languages, map modes) and the database (years that have data), and anything else raises
:class:`InvalidState` with a message a user can read. Pages use :func:`parse_view` (lenient: an
invalid field falls back to its default and the page says so); the export routes and tests use
:func:`validate_state` (strict: the first problem raises).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from dashboard.core.i18n import LANGS, t

#: ViewState field -> Finnish URL query parameter.
PARAMS = {
    "indicator": "indikaattori",
    "year": "vuosi",
    "municipality": "kunta",
    "map_mode": "kartta",
    "lang": "kieli",
    "forum": "esitys",
    "as_of": "tilanne",
    "comparison": "vertailu",
    "breakdown": "jako",
}
#: What a municipality is compared with (URL values; dashboard.data.benchmarks): the county region
#: (default), its sub-region, similar municipalities, neighbouring regions, the whole country.
COMPARISONS = ("maakunta", "seutukunta", "samankaltaiset", "naapurit", "koko-maa")
#: Sex breakdowns and their Finnish URL values (an age group is ``ika_<key>`` in both).
SEX_URL = {"male": "miehet", "female": "naiset"}
#: Map modes and their Finnish URL values.
MAP_MODES = {"geo": "rajat", "tiles": "ruudut", "country": "suomi"}
#: Pages that are not priority areas.
FIXED_PAGES = ("overview", "profile", "indicator", "sources")
#: Years outside this range are rejected even when the database cannot be asked.
YEAR_BOUNDS = (1900, 2100)

_KEY_RE = re.compile(r"^[a-z0-9_]{1,60}$")
_CODE_RE = re.compile(r"^[A-Z0-9]{2,8}$")
_YEAR_RE = re.compile(r"^\d{4}$")
_TRUE = {"1", "true", "kylla", "kyllä", "on", "yes"}
_FALSE = {"0", "false", "ei", "off", "no", ""}


class InvalidState(ValueError):
    """A view parameter failed validation; ``message`` is Finnish, :meth:`text` any UI language."""

    def __init__(self, field_name: str, reason: str, value: Any = None, **extra: Any) -> None:
        self.field = field_name
        self.reason = reason
        self.value = _shown(value)
        self.extra = extra
        super().__init__(self.message)

    def text(self, lang: str = "fi") -> str:
        return t(f"errors.{self.reason}", lang, value=self.value, **self.extra)

    @property
    def message(self) -> str:
        return self.text("fi")


def _shown(value: Any) -> str:
    """A short, printable rendering of a rejected value for messages (never executed or queried)."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch for ch in text if ch.isprintable())
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass(frozen=True)
class ViewState:
    """Everything a view depends on; also what the URL carries."""

    page: str = "overview"  # 'overview' | area key | 'profile' | 'indicator' | 'sources'
    indicator: str | None = None
    year: int | None = None
    municipality: str | None = None  # region code
    map_mode: str = "geo"  # 'geo' | 'tiles' | 'country' (every municipality of Finland)
    lang: str = "fi"  # 'fi' | 'sv' | 'en'
    forum: bool = False
    as_of: str | None = None  # pinned moment (dashboard.core.pin), None = live values
    comparison: str = "maakunta"  # COMPARISONS: the benchmark of map, bar, trend, tables and exports
    breakdown: str | None = None  # 'male' | 'female' | 'ika_<age key>' of the indicator; None = all

    def replace(self, **changes: Any) -> ViewState:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def query(self) -> dict[str, str]:
        """The URL query parameters of this state; defaults are left out to keep links short."""
        out: dict[str, str] = {}
        if self.indicator:
            out[PARAMS["indicator"]] = self.indicator
        if self.year is not None:
            out[PARAMS["year"]] = str(self.year)
        if self.municipality:
            out[PARAMS["municipality"]] = self.municipality
        if self.map_mode != "geo":
            out[PARAMS["map_mode"]] = MAP_MODES[self.map_mode]
        if self.lang != "fi":
            out[PARAMS["lang"]] = self.lang
        if self.forum:
            out[PARAMS["forum"]] = "1"
        if self.as_of:
            out[PARAMS["as_of"]] = self.as_of
        if self.comparison != "maakunta":
            out[PARAMS["comparison"]] = self.comparison
        if self.breakdown:
            out[PARAMS["breakdown"]] = SEX_URL.get(self.breakdown, self.breakdown)
        return out

    def query_string(self, **overrides: Any) -> str:
        """``?indikaattori=…&vuosi=…`` (empty string when everything is default)."""
        state = self.replace(**overrides) if overrides else self
        q = state.query()
        return "?" + urlencode(q) if q else ""


# --- field validators -------------------------------------------------------------------------
# Each takes the raw value (str from a URL, or whatever JSON a callback received) and returns the
# clean value or raises InvalidState. None / "" mean "not given" and return None.


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def check_lang(value: Any) -> str:
    if _blank(value):
        return "fi"
    if isinstance(value, str) and value.strip().lower() in LANGS:
        return value.strip().lower()
    raise InvalidState("lang", "invalid_lang", value)


def check_forum(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise InvalidState("forum", "invalid_forum", value)


def check_map_mode(value: Any) -> str:
    if _blank(value):
        return "geo"
    if isinstance(value, str):
        v = value.strip().lower()
        for mode, finnish in MAP_MODES.items():
            if v in (mode, finnish):
                return mode
    raise InvalidState("map_mode", "invalid_map_mode", value)


def check_comparison(value: Any) -> str:
    """``vertailu``: one of :data:`COMPARISONS` (default the county region)."""
    if _blank(value):
        return "maakunta"
    if isinstance(value, str) and value.strip().lower() in COMPARISONS:
        return value.strip().lower()
    raise InvalidState("comparison", "invalid_comparison", value, choices=", ".join(COMPARISONS))


def check_indicator(value: Any, registry, area: str | None = None) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str) or not _KEY_RE.match(value):
        raise InvalidState("indicator", "invalid_indicator", value)
    ind = registry.indicators.get(value)
    if ind is None:
        raise InvalidState("indicator", "invalid_indicator", value)
    if area is not None and ind.area != area:
        raise InvalidState("indicator", "indicator_not_in_area", value)
    return value


def allowed_regions(registry) -> list[str]:
    """Region codes a view may name: the county's municipalities, sub-regions, region, welfare area, country."""
    c = registry.county
    return (
        [m.code for m in c.municipalities]
        + [s.code for s in c.subregions]
        + [c.region.code, c.welfare_area.code, c.country.code]
    )


def check_region(value: Any, registry, municipalities_only: bool = False) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str) or not _CODE_RE.match(value.strip().upper()):
        raise InvalidState("municipality", "invalid_region", value)
    code = value.strip().upper()
    allowed = registry.county.municipality_codes if municipalities_only else allowed_regions(registry)
    if code not in allowed:
        raise InvalidState("municipality", "invalid_region", value)
    return code


def check_year(value: Any, years: Iterable[int] | None = None) -> int | None:
    """A year given as int or 4-digit string; within ``years`` when that is known."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise InvalidState("year", "invalid_year", value)
    if isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and _YEAR_RE.match(value.strip()):
        year = int(value.strip())
    else:
        raise InvalidState("year", "invalid_year", value)
    lo, hi = YEAR_BOUNDS
    if not lo <= year <= hi:
        raise InvalidState("year", "year_out_of_range", value, first=lo, last=hi)
    if years is not None:
        allowed = sorted(set(years))
        if allowed and year not in allowed:
            raise InvalidState("year", "year_without_data", value, first=allowed[0], last=allowed[-1])
        if not allowed:
            raise InvalidState("year", "no_years", value)
    return year


def breakdown_choices(registry, indicator: str | None) -> list[str]:
    """The breakdowns an indicator offers (``breakdowns`` in indicators.yaml), in toggle order."""
    ind = registry.indicators.get(indicator) if indicator else None
    if ind is None or not ind.breakdowns:
        return []
    return [*ind.breakdowns.sex, *(f"ika_{a.key}" for a in ind.breakdowns.age)]


def check_breakdown(value: Any, registry, indicator: str | None) -> str | None:
    """``jako``: one of the indicator's breakdowns (Finnish or English sex word, ``ika_<key>``);
    blank or ``kaikki`` / ``total`` = all."""
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise InvalidState("breakdown", "invalid_breakdown", value)
    v = value.strip().lower()
    if v in ("kaikki", "total"):
        return None
    v = {finnish: sex for sex, finnish in SEX_URL.items()}.get(v, v)
    if v not in breakdown_choices(registry, indicator):
        raise InvalidState("breakdown", "invalid_breakdown", value)
    return v


def check_as_of(value: Any) -> str | None:
    """The pinned moment ``tilanne`` (rules in :mod:`dashboard.core.pin`)."""
    from dashboard.core.pin import check_as_of as check

    return check(value)


def check_page(value: Any, registry) -> str:
    if _blank(value):
        return "overview"
    if isinstance(value, str):
        v = value.strip().lower()
        if v in FIXED_PAGES:
            return v
        for area in registry.agreement.areas:
            if v in (area.key, area.slug):
                return area.key
    raise InvalidState("page", "invalid_page", value)


# --- whole-state parsing ----------------------------------------------------------------------

_ALIASES = {
    "page": ("sivu", "page"),
    "indicator": ("indikaattori", "indicator"),
    "year": ("vuosi", "year"),
    "municipality": ("kunta", "municipality"),
    "map_mode": ("kartta", "map_mode"),
    "lang": ("kieli", "lang"),
    "forum": ("esitys", "forum"),
    "as_of": ("tilanne", "as_of"),
    "comparison": ("vertailu", "comparison"),
    "breakdown": ("jako", "breakdown"),
}


def _get(params: Mapping[str, Any], name: str) -> Any:
    """The first value given for a field under its Finnish or English name.

    A repeated parameter (``?vuosi=1&vuosi=2``) arrives as a list; only a single value is valid.
    """
    for alias in _ALIASES[name]:
        if alias in params:
            value = params[alias]
            if isinstance(value, (list, tuple)):
                if len(value) != 1:
                    raise InvalidState(name, "repeated_parameter", alias)
                value = value[0]
            return value
    return None


@dataclass
class Parsed:
    state: ViewState
    problems: list[InvalidState] = field(default_factory=list)


def _years_for(indicator: str | None, years_for) -> list[int] | None:
    if years_for is None:
        return None
    try:
        return list(years_for(indicator))
    except Exception:  # noqa: BLE001 - database down: fall back to the static year bounds
        return None


def parse_view(params: Mapping[str, Any], registry, *, page: str | None = None, years_for=None) -> Parsed:
    """Lenient parse for pages: each invalid field is reported and replaced by its default.

    ``years_for(indicator_key | None) -> iterable of years with data`` narrows the year check.
    """
    problems: list[InvalidState] = []

    def attempt(fn, default, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidState as exc:
            problems.append(exc)
            return default

    def raw(name):
        try:
            return _get(params, name)
        except InvalidState as exc:
            problems.append(exc)
            return None

    page_key = page if page is not None else attempt(check_page, "overview", raw("page"), registry)
    area = page_key if page_key not in FIXED_PAGES else None
    lang = attempt(check_lang, "fi", raw("lang"))
    forum = attempt(check_forum, False, raw("forum"))
    map_mode = attempt(check_map_mode, "geo", raw("map_mode"))
    indicator = attempt(check_indicator, None, raw("indicator"), registry, area)
    municipality = attempt(check_region, None, raw("municipality"), registry)
    year = attempt(check_year, None, raw("year"), _years_for(indicator, years_for) if indicator else None)
    as_of = attempt(check_as_of, None, raw("as_of"))
    comparison = attempt(check_comparison, "maakunta", raw("comparison"))
    breakdown = attempt(check_breakdown, None, raw("breakdown"), registry, indicator)
    state = ViewState(
        page=page_key, indicator=indicator, year=year, municipality=municipality,
        map_mode=map_mode, lang=lang, forum=forum, as_of=as_of, comparison=comparison,
        breakdown=breakdown,
    )
    return Parsed(state, problems)


def validate_state(params: Mapping[str, Any], ctx) -> ViewState:
    """Strict validation of view parameters (Finnish URL names or ViewState field names).

    Used by the export routes: any invalid field raises :class:`InvalidState` (a Finnish,
    user-readable ``message``). ``ctx`` gives the whitelists: ``ctx.registry`` and
    ``ctx.years_for(indicator)`` (the app context; passed in, never looked up here). Years are
    checked against the years that have data for the indicator when the database answers,
    otherwise against :data:`YEAR_BOUNDS`.
    """
    registry = ctx.registry
    page = check_page(_get(params, "page"), registry)
    area = page if page not in FIXED_PAGES else None
    indicator = check_indicator(_get(params, "indicator"), registry, area)
    years = _years_for(indicator, ctx.years_for) if indicator else None
    return ViewState(
        page=page,
        indicator=indicator,
        year=check_year(_get(params, "year"), years),
        municipality=check_region(_get(params, "municipality"), registry),
        map_mode=check_map_mode(_get(params, "map_mode")),
        lang=check_lang(_get(params, "lang")),
        forum=check_forum(_get(params, "forum")),
        as_of=check_as_of(_get(params, "as_of")),
        comparison=check_comparison(_get(params, "comparison")),
        breakdown=check_breakdown(_get(params, "breakdown"), registry, indicator),
    )
