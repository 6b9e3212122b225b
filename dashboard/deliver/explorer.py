"""The explorer's views, made ready on the server and carried in the area page's store.

An area page carries in a ``dcc.Store`` (``area-data``) every view its map, bar, trend, texts and
tables can show, so switching the indicator, the year or the municipality is drawn in the browser
with no request; only a change of the map type (another geometry file) asks the server. Each view
is made here by the server's own chart builders (:func:`dashboard.draw.charts.build_chart`), so the
browser shows exactly what a page load of the same URL shows: ``assets/tilannekuva.js`` only picks
the entries of the chosen indicator, year and municipality and applies them. Nothing is decided in
JavaScript.

Store (per indicator ``ind[key]``):
``y[year]`` (``""`` for an indicator without years): ``m`` the map's value operations
(:func:`dashboard.draw.figures.map.value_patch`), ``ms`` its source line per map type, ``b`` the
bar's operations, ``o`` the values of the outputs listed in the store's ``out.y`` (the map's and
the bar's texts, the legend), ``s`` whether anything shown is synthetic.
``t[municipality]`` (``""``: none chosen): the trend: ``d`` its traces as indexes into the
indicator's trace pool ``P``, ``lo`` its layout operations (the indicator's ``lo`` when the same for
all), ``o`` the values of ``out.t``, ``s``.
``last`` the year shown when none is asked, ``marks``, ``snap`` the year a slider step onto a year
without data goes on to ([down, up]), ``seg`` the indicator's URL segments, ``bd`` its breakdown
toggle. The tables are not carried: they ask the server when opened (:mod:`.alttext_panel`).
Operations are ``[path, value]`` (set) or ``[path]`` (delete); components are compact
(:func:`compact`). Links are templates filled with URL segments Python wrote (:func:`_templates`).
"""
from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import urlencode

from dashboard.core.state import COMPARISONS, MAP_MODES, PARAMS, ViewState
from dashboard.data import model, queries
from dashboard.deliver import breakdown as breakdown_toggle
from dashboard.deliver.components import map_legend, page_href, source_text, synthetic_banner
from dashboard.deliver.export_routes import download_links
from dashboard.draw.charts import EXPLORER_KINDS, build_chart, manual_rule, map_source, place_text
from dashboard.draw.figures import bar as bar_figure
from dashboard.draw.figures.map import HIGHLIGHT, legend_items, screen_figure, value_patch

VERSION = 2
HTML = "dash_html_components"
WILDCARDS = ("data-", "aria-")
#: Sentinels of the variable parts of a view's links (replaced by ``{i}``, ``{y}``, ``{m}``, ``{k}``, ``{j}``).
_SENTINEL = {"indicator": "TKI", "year": 999999, "municipality": "TKM", "map_mode": "tiles", "breakdown": "TKJ"}


def compact(component):
    """A Dash html component as ``{type: [children, other props]}`` (children compacted in place;
    the props keep Dash's order, children first, so the browser renders the server's HTML)."""
    if isinstance(component, (list, tuple)):
        return [compact(c) for c in component]
    if not hasattr(component, "to_plotly_json"):
        return component
    if component._namespace != HTML:
        raise ValueError(f"only html components are compacted, not {component._namespace}")
    # Dash's to_plotly_json, without its per-attribute wildcard scan (a third of a store's build time):
    # the props in the same order, then the data-*/aria-* attributes.
    attrs = component.__dict__
    props = {p: attrs[p] for p in component._prop_names if p in attrs and p != "children"}
    props.update((k, v) for k, v in attrs.items() if k.startswith(WILDCARDS))
    children = compact(attrs.get("children"))
    return {component._type: [children, props] if props else [children]}


def _ops(patch) -> list:
    """A dash ``Patch`` of assignments as ``[path, value]`` operations."""
    return [[op["location"], op["params"]["value"]] for op in patch.to_plotly_json()["operations"]]


def _layout_ops(layout: dict, keys) -> list:
    """The layout keys that differ between the views of a page: set when present, else deleted."""
    return [[["layout", k], layout[k]] if k in layout else [["layout", k]] for k in keys]


def _varying(layouts: list[dict]) -> list[str]:
    """Top-level layout keys whose value is not the same in every view (the rest stays as drawn)."""
    keys = sorted({k for lay in layouts for k in lay})
    return [k for k in keys if len({json.dumps(lay.get(k), sort_keys=True, default=str) for lay in layouts}) > 1]


def _texts(chart, lang: str) -> list[str]:
    return [chart.title, chart.subtitle, chart.summary, source_text(chart, lang)]


def _text_outputs(kind: str) -> list[str]:
    return [f"area-{kind}-{part}.children" for part in ("title", "subtitle", "summary", "source")]


#: The map's outputs an entry carries (its source line is per map type: ``ms``).
MAP_OUTPUTS = [*_text_outputs("map")[:3], "area-map-legend.children"]


def _snap(years: list[int]) -> dict:
    """For each year between the first and the last without data: the nearest year with data below
    and above it (a slider step onto it goes on that way; years with gaps have a step of one)."""
    have = set(years)
    return {str(y): [max(x for x in years if x < y), min(x for x in years if x > y)]
            for y in range(years[0] + 1, years[-1]) if y not in have} if years else {}


def _segment(state: ViewState, field: str) -> str:
    """``&name=value`` of one field of the view as :meth:`ViewState.query` writes it (the one rule of
    a view's URL), or "" when that leaves the field out (a default)."""
    name, query = PARAMS[field], state.query()
    return "&" + urlencode({name: query[name]}) if name in query else ""


def _templates(state: ViewState, path: str) -> dict:
    """The view's links as templates: the URL Python makes for a view of sentinel values, with
    each sentinel's ``&name=value`` replaced by a slot the browser fills with a segment made here
    (an empty segment drops the parameter, as :meth:`ViewState.query` does)."""
    s = state.replace(**_SENTINEL)
    out = {f"area-{kind}-vienti-{link['key']}.href": link["href"]
           for kind in EXPLORER_KINDS for link in download_links(kind, s)}
    out.update({f"area-vertailu-{c}.href": path + s.replace(comparison=c).query_string() for c in COMPARISONS})
    out["view"] = s.query_string()
    return _slots_in(out)


def _year_entry(engine, registry, state: ViewState, lang: str, tiles: bool) -> tuple[dict, dict]:
    """One indicator and year: the map's operations, texts and legend, and the bar's figure."""
    map_chart = build_chart("map", state, engine)
    bar = build_chart("bar", state, engine)
    sources = {"geo": source_text(map_chart, lang)}
    if tiles:  # the same map's source line as a tile map's (the tiles name no boundaries)
        indicator = model.series_indicator(registry, model.breakdown_key(registry, state.indicator, state.breakdown))
        sources["tiles"] = source_text(replace(map_chart, source=map_source(registry, indicator, lang, True, engine)), lang)
    entry = _map_entry(map_chart, lang)
    entry.update(ms=sources, s=int(map_chart.synthetic), o=[*entry["o"], *_texts(bar, lang)])
    return entry, bar.figure


def _map_entry(map_chart, lang: str) -> dict:
    """A map's part of a view: its value operations and the values of ``MAP_OUTPUTS`` (title,
    subtitle, summary, legend), for the county's map and the whole country's alike."""
    return {"m": _ops(value_patch(screen_figure(map_chart.figure))),
            "o": [*_texts(map_chart, lang)[:3], compact(map_legend(legend_items(map_chart.figure), lang).children)]}


def _trend_entry(engine, state: ViewState, lang: str, pool: dict) -> tuple[dict, dict]:
    chart = build_chart("trend", state, engine)
    index = []
    for trace in chart.figure["data"]:
        key = json.dumps(trace, sort_keys=True, default=str)
        index.append(pool.setdefault(key, (len(pool), trace))[0])
    return {"d": index, "o": _texts(chart, lang), "s": int(chart.synthetic)}, chart.figure["layout"]


def indicator_payload(ctx, key: str, state: ViewState, municipalities: list, tiles: bool) -> tuple[dict, list, list]:
    """One indicator's entries (see the module docstring) and the bar and trend layouts of its
    views (the page keeps in its operations only the layout keys that differ between views)."""
    engine, registry, lang = ctx.engine, ctx.registry, state.lang
    base = state.replace(indicator=key)
    years = model.selectable_years(engine, registry, key)
    views, bars = {}, []
    for year in years or [None]:
        entry, bar = _year_entry(engine, registry, base.replace(year=year), lang, tiles)
        views["" if year is None else str(year)] = entry
        bars.append((entry, bar))
    pool: dict = {}
    trends, layouts = {}, []
    for code in municipalities:
        entry, layout = _trend_entry(engine, base.replace(municipality=code, year=None), lang, pool)
        trends[code or ""] = entry
        layouts.append((entry, layout))
    out = {"y": views, "t": trends, "P": [trace for _n, trace in sorted(pool.values(), key=lambda x: x[0])],
           "last": str(years[-1]) if years else "", "years": years,
           "marks": {str(k): v for k, v in year_marks(years).items()},
           "snap": _snap(years), "ih": page_href(f"/indikaattori/{key}", state),
           "seg": {"i": _segment(base, "indicator")[1:], "j": _segment(base, "breakdown"),
                   "y": {"": "", **{str(y): _segment(base.replace(year=y), "year") for y in years}}}}
    toggle = breakdown_toggle.toggle(registry, base.replace(**{k: v for k, v in _SENTINEL.items()
                                                                if k not in ("indicator", "breakdown")}),
                                     _path(registry, state.page), "area-breakdown")
    if toggle is not None:
        out["bd"] = _slots_in(compact(toggle))
    return out, bars, layouts


#: Each sentinel's text in a URL and the slot it becomes (the indicator is always first: no "&").
_CUTS = tuple((_segment(ViewState(**_SENTINEL), field).lstrip("&") if field == "indicator"
               else _segment(ViewState(**_SENTINEL), field), "{" + slot + "}")
              for field, slot in (("indicator", "i"), ("year", "y"), ("municipality", "m"), ("map_mode", "k"),
                                  ("breakdown", "j")))


def _slots_in(value):
    """URLs made for sentinel values (:data:`_SENTINEL`) as templates, in strings, lists and dicts."""
    if isinstance(value, str):
        for text, slot in _CUTS:
            value = value.replace(text, slot)
        return value
    if isinstance(value, list):
        return [_slots_in(v) for v in value]
    if isinstance(value, dict):
        return {k: _slots_in(v) for k, v in value.items()}
    return value


def year_marks(years: list[int]) -> dict:
    """Slider marks: every year selectable, labels thinned so they never overlap."""
    if not years:
        return {}
    step = 1 if len(years) <= 12 else (2 if len(years) <= 20 else 5)
    marks = {}
    for i, y in enumerate(years):
        show = i == 0 or i == len(years) - 1 or (y % step == 0 and years[-1] - y >= step / 2 and y - years[0] >= step / 2)
        marks[y] = str(y) if show else ""
    return marks


def _path(registry, area_key: str) -> str:
    return f"/{registry.agreement.area(area_key).slug}"


def explorer_indicators(registry, area_key: str) -> list:
    """Indicators of the area for the map explorer, grouped by measure in agreement order.

    Status measures (latest status of a manual form) have their own status view instead.
    """
    area = registry.agreement.area(area_key)
    order = {m.key: i for i, m in enumerate(area.measures)}
    inds = [i for i in registry.indicators_for_area(area_key) if manual_rule(registry, i) != "status"]
    return sorted(inds, key=lambda i: (order.get(i.measure, 99), registry.catalogue.indicators.index(i)))


def status_indicators(registry, area_key: str) -> list:
    """Indicators of the area shown as a status view (manual status forms and rounds)."""
    return [i for i in registry.indicators_for_area(area_key) if manual_rule(registry, i) in ("status", "rounds")]


def formed_for(comparison: str, municipality: str | None) -> str | None:
    """The municipality a comparison set is formed for (sub-region, similar municipalities), else None:
    the stores of other comparisons are the same for every municipality."""
    from dashboard.data.benchmarks import BY_MUNICIPALITY

    return (municipality or None) if comparison in BY_MUNICIPALITY else None


def status_synthetic(ctx, area_key: str) -> bool:
    """Whether a status view of the area (manual status forms and rounds) shows synthetic entries."""
    return any(not (entries := queries.manual_entries(ctx.engine, ind.source.template)).empty
               and entries["synthetic"].any() for ind in status_indicators(ctx.registry, area_key))


def payload(ctx, area_key: str, lang: str, comparison: str = "maakunta", municipality: str | None = None,
            breakdowns: dict | None = None, forum: bool = False) -> dict:
    """The whole payload of an area page in one language, forum mode and comparison
    (``municipality``: the one a sub-region or similar-municipality comparison is formed for; the
    views are then of that municipality, and choosing another one loads its page)."""
    from dashboard.data.benchmarks import BY_MUNICIPALITY

    registry = ctx.registry
    county = registry.county
    # "" (formed for no municipality yet): choosing one asks the server for its set
    by = formed_for(comparison, municipality) or ("" if comparison in BY_MUNICIPALITY else None)
    state = ViewState(page=area_key, lang=lang, forum=forum, comparison=comparison, municipality=by or None)
    munis = [by or None] if by is not None else [None, *county.municipality_codes]
    tiles = "tiles" in ctx.geo.modes()
    indicators, bars, trends = {}, [], []
    for ind in explorer_indicators(registry, area_key):
        s = state.replace(breakdown=(breakdowns or {}).get(ind.key))
        indicators[ind.key], b, tr = indicator_payload(ctx, ind.key, s, munis, tiles)
        bars += b
        trends += tr
    varying = _varying([fig["layout"] for _e, fig in bars])
    for entry, fig in bars:
        entry["b"] = [[["data"], fig["data"]], *_layout_ops(fig["layout"], varying)]
    varying = _varying([layout for _e, layout in trends])
    for entry, layout in trends:
        entry["lo"] = _layout_ops(layout, varying)
    for entry in indicators.values():  # the same trend layout for every municipality: said once
        ops = [e["lo"] for e in entry["t"].values()]
        if ops and all(o == ops[0] for o in ops):
            entry["lo"] = ops[0]
            for e in entry["t"].values():
                del e["lo"]
    path = _path(registry, area_key)
    return {
        "v": VERSION,
        "page": area_key,
        "path": path,
        "cmp": comparison,
        # a set formed for one municipality: another municipality is asked from the server
        "cmpBy": by,
        "munis": [m.code for m in county.municipalities],
        "seg": {"m": {code: _segment(state.replace(municipality=code), "municipality") for code in county.municipality_codes},
                "k": {mode: _segment(state.replace(map_mode=mode), "map_mode") for mode in MAP_MODES}},
        "links": _templates(state, path),
        # the outputs whose values the entries carry in this order (``o``)
        "out": {"y": [*MAP_OUTPUTS, *_text_outputs("bar")], "t": _text_outputs("trend")},
        "hl": {"map": HIGHLIGHT, "bar": [list(bar_figure.OUTLINES[True]), list(bar_figure.OUTLINES[False])]},
        "statusSynthetic": bool(status_synthetic(ctx, area_key)),
        "banner": compact(synthetic_banner(lang)),
        "ind": indicators,
    }


def country_payload(ctx, area_key: str, lang: str, forum: bool = False, comparison: str = "maakunta",
                    municipality: str | None = None) -> dict:
    """The whole-country map's views (``area-country``, sent when the map type "koko maa" is
    chosen): per indicator and year the map's operations, legend and texts and the bar beside it
    (its bars take the whole country's classes), made by the same builders as the page's."""
    registry = ctx.registry
    by = formed_for(comparison, municipality)
    state = ViewState(page=area_key, lang=lang, forum=forum, comparison=comparison, municipality=by,
                      map_mode="country")
    ind = {}
    for indicator in explorer_indicators(registry, area_key):
        views = {}
        for year in model.selectable_years(ctx.engine, registry, indicator.key) or [None]:
            s = state.replace(indicator=indicator.key, year=year)
            map_chart = build_chart("map", s, ctx.engine)
            bar = build_chart("bar", s, ctx.engine)
            views["" if year is None else str(year)] = {
                **_map_entry(map_chart, lang), "ms": {"country": source_text(map_chart, lang)},
                "b": [[["data"], bar.figure["data"]], [["layout"], bar.figure["layout"]]]}
        ind[indicator.key] = {"y": views}
    return {"v": VERSION, "out": MAP_OUTPUTS, "ind": ind}


def country_json(ctx, area_key: str, lang: str, forum: bool = False, comparison: str = "maakunta",
                 municipality: str | None = None) -> str:
    """:func:`country_payload` as compact JSON, cached per data version."""
    gf = ctx.geo.file("municipalities")
    by = formed_for(comparison, municipality)
    return queries.memo(
        ctx.engine, "explorer_country",
        (model.registry_key(ctx.registry), area_key, lang, bool(forum), comparison, by, gf.version if gf else None),
        lambda: _json(country_payload(ctx, area_key, lang, forum, comparison, by)))


def store_json(ctx, area_key: str, lang: str, comparison: str = "maakunta", municipality: str | None = None,
               breakdowns: dict | None = None, forum: bool = False) -> str:
    """The payload as compact JSON (a string in the store: the browser parses it once; Dash passes
    a string through without walking it). Cached per data version, comparison, breakdown and forum
    mode."""
    muni = formed_for(comparison, municipality)
    chosen = tuple(sorted((breakdowns or {}).items()))
    return queries.memo(
        ctx.engine, "explorer_store",
        (model.registry_key(ctx.registry), area_key, lang, comparison, muni, bool(forum), *chosen),
        lambda: _json(payload(ctx, area_key, lang, comparison, muni, breakdowns, forum)))


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


#: The stores' route: a GET resource, so the browser and the HTTP cache (dashboard/web/httpcache.py,
#: ETag and 304 per data version) keep it; a page carries only its URL.
ROUTE = "/data/explorer"


def store_url(ctx, area_key: str, lang: str, comparison: str = "maakunta", municipality: str | None = None,
              breakdowns: dict | None = None, forum: bool = False, country: bool = False) -> str:
    """The URL of an area page's store (``country``: the whole-country map's), with the data version,
    so a new load gets a new URL. The browser fetches it once (``assets/tilannekuva.js``)."""
    params = {"kieli": lang, "vertailu": comparison}
    if formed_for(comparison, municipality):
        params["kunta"] = municipality
    for key, choice in (breakdowns or {}).items():
        params.update(indikaattori=key, jako=_segment(ViewState(breakdown=choice), "breakdown").split("=", 1)[1])
    if forum:
        params["esitys"] = "1"
    if country:
        params["kartta"] = MAP_MODES["country"]
    params["v"] = queries.version_tag(queries.data_version(ctx.engine))
    return f"{ROUTE}/{area_key}.json?" + urlencode(params)


def register_routes(server, context) -> None:
    """``/data/explorer/<area>.json``: an area page's store, validated like any view (400 in words)."""
    from flask import Response, abort, request

    from dashboard.core.state import (
        InvalidState,
        check_breakdown,
        check_comparison,
        check_forum,
        check_lang,
        check_map_mode,
        check_region,
    )

    @server.route(f"{ROUTE}/<area_key>.json", endpoint="explorer_store")
    def explorer_store(area_key: str):
        ctx = context()
        if area_key not in {a.key for a in ctx.registry.agreement.areas}:
            abort(404)
        args = request.args
        lang = args.get("kieli") if args.get("kieli") in ("fi", "sv", "en") else "fi"
        try:
            lang, comparison = check_lang(args.get("kieli")), check_comparison(args.get("vertailu"))
            municipality = check_region(args.get("kunta"), ctx.registry, municipalities_only=True)
            indicator = args.get("indikaattori")
            breakdown = check_breakdown(args.get("jako"), ctx.registry, indicator) if indicator else None
            forum = check_forum(args.get("esitys"))
            country = check_map_mode(args.get("kartta")) == "country"
        except InvalidState as exc:
            return Response(exc.text(lang), status=400, mimetype="text/plain")
        if country:
            body = country_json(ctx, area_key, lang, forum, comparison, municipality)
        else:
            body = store_json(ctx, area_key, lang, comparison, municipality,
                              {indicator: breakdown} if breakdown else None, forum)
        return Response(body, mimetype="application/json")


__all__ = ["compact", "country_json", "explorer_indicators", "payload", "place_text", "register_routes",
           "status_indicators", "status_synthetic", "store_json", "store_url"]
