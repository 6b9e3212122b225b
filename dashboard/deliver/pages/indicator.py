"""Indicator page (``/indikaattori/<key>``): what the indicator is and where it comes from.

Definition, unit, direction of good, the agreement measure it serves, source with link (the
Sotkanet metadata page for resolved ids) and licence, last load date, coverage (years, regions,
values), caveats and suppression; then the trend and a table of every municipality by year, with
downloads.
"""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.core.format import date_text, number
from dashboard.core.i18n import t
from dashboard.core.state import InvalidState, check_indicator
from dashboard.data import model, provenance, queries
from dashboard.deliver import breakdown as breakdown_toggle
from dashboard.deliver.alttext_panel import alt_panel
from dashboard.deliver.components import data_table, figure_block, graph, page_href, source_text, table_wrap
from dashboard.deliver.export_routes import download_menu
from dashboard.deliver.pages.base import Built, render
from dashboard.draw.charts import break_labels, build_chart, manual_rule
from dashboard.draw.figures.trend import with_breaks

MODULE = "dashboard.deliver.pages.indicator"


def _source(ctx, ind, lang):
    registry = ctx.registry
    providers = registry.sources.providers
    src = ind.source
    if src.kind == "manual":
        p = providers["manual"]
        return [p.name.get(lang), " — ", t("indicator.manual_source", lang, template=src.template)], p
    p = providers[src.kind]
    parts: list = [html.A(p.name.get(lang), href=p.url), f" ({p.publisher.get(lang)})"]
    if src.kind == "sotkanet":
        row = queries.indicator_row(ctx.engine, ind.key) or {}
        sid = row.get("sotkanet_id") or src.id
        if sid and p.metadata_url:
            parts += [" — ", html.A(t("indicator.metadata", lang) + f" ({sid})",
                                     href=p.metadata_url.format(lang=lang, id=sid))]
            if row.get("resolution") == "by_title":
                parts += [" ", html.Span(t("indicator.resolution_by_title", lang, id=sid), className="tk-hint")]
        elif not sid:
            parts += [" — ", html.Span(t("indicator.unresolved", lang), className="tk-hint")]
    elif src.kind == "statfin":
        ds = registry.sources.statfin.get(src.dataset)
        if ds is not None:
            parts += [" — ", ds.title.get(lang)]
    return parts, p


def build_for(key):
    def build(ctx, state, parsed) -> Built:
        registry = ctx.registry
        lang = state.lang
        ind = registry.indicators[key]
        area = next((a for a in registry.agreement.areas if a.key == ind.area), None)
        measure = next((m for m in area.measures if m.key == ind.measure), None) if area else None
        runs = queries.indicator_runs(ctx.engine, key)
        last = runs["finished_at"].dropna().astype(str).str[:10].max() if not runs.empty else None
        cov = model.coverage(ctx.engine, registry, key)
        values = cov["values"]
        coverage = (t("indicator.coverage_text", lang, first=cov["first"], last=cov["last"],
                      regions=cov["regions"], values=number(values, 0, lang))
                    if values else t("indicator.no_coverage", lang))
        source_parts, provider = _source(ctx, ind, lang)
        facts = [
            ("indicator.definition", ind.description.get(lang)),
            ("indicator.unit", ind.unit.text(lang)),
            ("indicator.direction", t(f"indicator.direction_{ind.direction}", lang)),
            ("indicator.area", dcc.Link(area.short.get(lang), href=page_href(f"/{area.slug}", state, indikaattori=key)) if area else "–"),
            ("indicator.measure", html.Q(measure.text(lang)) if measure else "–"),
            ("indicator.source", source_parts),
            ("indicator.licence", html.A(provider.licence, href=provider.licence_url)),
            ("indicator.last_load", date_text(last, lang) if last else "–"),
            ("indicator.coverage", coverage),
            ("indicator.cadence", t(f"cadence.{ind.cadence}", lang)),
            ("indicator.level", t(f"indicator.level_{ind.level}", lang)),
        ]
        if ind.suppress_below:
            facts.append(("indicator.caveats", t("indicator.suppression", lang, threshold=ind.suppress_below)))
        if ind.caveats:
            facts.append(("indicator.caveats", ind.caveats.get(lang)))
        for b, (_year, marker) in zip(ind.series_breaks, break_labels(ind, lang)):
            facts.append(("breaks.heading", [html.Strong(marker), " — ", b.explanation.get(lang)]))
        prov = provenance.provenance(ctx.engine, registry, key)
        for label, years in prov.citations:
            facts.append(("source.column", t("source.cited_value", lang, ref=f"{label} ({', '.join(map(str, years))})")))
        period = provenance.period_note(ind, prov, lang)
        if period:
            facts.append(("indicator.coverage", period))
        dl = html.Dl([item for k, v in facts for item in (html.Dt(t(k, lang)), html.Dd(v))], className="tk-facts")
        blocks = [
            html.P(dcc.Link(t("indicator.back_to_area", lang, area=area.short.get(lang)),
                            href=page_href(f"/{area.slug}", state, indikaattori=key)), className="tk-eyebrow") if area else None,
            html.H1(ind.title.get(lang), className="tk-h1"),
            dl,
        ]
        toggle = breakdown_toggle.toggle(registry, state.replace(indicator=key), f"/indikaattori/{key}",
                                         "indicator-breakdown")
        synthetic = False
        if values and manual_rule(registry, ind) != "status":
            s = state.replace(indicator=key, page=ind.area if area else "indicator", municipality=None)
            table_chart = build_chart("table", s, ctx.engine)
            synthetic = table_chart.synthetic
            blocks.append(html.Section([
                html.H2(t("section.trend", lang), id="ind-trend-h"),
                toggle,
                figure_block(graph("indicator-trend", table_chart, lang, class_name="tk-graph--trend",
                                   figure=with_breaks(table_chart.figure, table_chart.extra.get("breaks"))), table_chart,
                             lang=lang, download=[download_menu("indicator-trend", "trend", s),
                                                  alt_panel("indicator-trend", table_chart, lang)]),
            ], className="tk-section", **{"aria-labelledby": "ind-trend-h"}))
            all_years = table_chart.extra["years"]
            years = all_years[-12:]
            cols = [t("table.region", lang)] + [str(y) for y in years]
            note = [source_text(table_chart, lang)]
            if len(all_years) > len(years):  # the page shows the recent years; the downloads carry all
                note.append(t("indicator.recent_years", lang, shown=len(years), first=all_years[0]))
            blocks.append(html.Section([
                html.H2(t("indicator.all_municipalities", lang), id="ind-all-h"),
                html.Div(download_menu("indicator-table", "table", s), className="tk-figure__tools"),
                table_wrap(data_table(table_chart.table, t("indicator.all_municipalities_caption", lang, title=table_chart.title,
                                                            unit=ind.unit.text(lang)),
                                      lang, columns=cols, numeric=set(cols[1:])), lang),
                html.P(" · ".join(note), className="tk-source"),
            ], className="tk-section", **{"aria-labelledby": "ind-all-h"}))
        return Built(content=html.Div(blocks, className="tk-indicator"), title=ind.title.get(lang), synthetic=synthetic,
                     view={"page": "indicator", "query": state.replace(indicator=None).query()})  # the key is in the path

    return build


def layout(key=None, **query):
    from dashboard.data.context import current_context

    registry = current_context().registry
    try:
        check_indicator(key, registry)
        valid = key is not None
    except InvalidState:
        valid = False
    if not valid:
        from dashboard.deliver.pages.misc import not_found_build

        return render(page="indicator", path=f"/indikaattori/{key}", active="", query=query, build=not_found_build,
                      needs_data=False, default_title_key="notfound.title")
    if query.get("jako"):  # a breakdown is validated against the indicator of the path
        query = {**query, "indikaattori": key}
    return render(page="indicator", path=f"/indikaattori/{key}", active="", query=query, build=build_for(key),
                  default_title_key="indicator.title")


def register(registry) -> None:
    dash.register_page(MODULE, path_template="/indikaattori/<key>", name="Indikaattori", title="Indikaattori",
                       layout=layout, order=20)


__all__ = ["register"]
