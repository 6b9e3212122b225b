"""The breakdown of a value entered in parts (the HYTE coefficient): a table of the parts' scores
with a bar in each row, the weakest first within process and outcome indicators, so a working
group sees where points are lost. Shown on the priority-area page of the value's indicator, for the
wellbeing services county and for the municipality the view has chosen."""
from __future__ import annotations

from dash import html

from dashboard.core.format import number
from dashboard.core.i18n import t
from dashboard.data.model import region_name
from dashboard.data.parts import latest_parts, part_templates
from dashboard.deliver.components import table_wrap


def _block(registry, parts, title: str, lang: str, index: int) -> html.Div:
    region = region_name(registry, parts.region_code, lang)
    value = number(parts.value, 0, lang) if parts.value is not None else "–"
    level = "kunta" if parts.region_code in registry.county.municipality_codes else "hyvinvointialue"
    lines = [t("parts.summary", lang, region=region, year=parts.period, title=title, value=value)]
    if parts.rank is not None:
        lines.append(t(f"parts.rank_{level}", lang, rank=parts.rank))
    ordered = sorted(parts.scores, key=lambda p: (p.kind != "process", p.score))
    rows = []
    for p in ordered:
        score = number(p.score, 1 if p.score % 1 else 0, lang)
        rows.append(html.Tr([
            html.Th(p.label, scope="row"),
            html.Td(t(f"parts.kind_{p.kind}", lang)),
            html.Td([html.Span(html.Span(className="tk-hyte-parts__bar", style={"width": f"{max(0.0, min(100.0, p.score)):.0f}%"}),
                               className="tk-hyte-parts__track", **{"aria-hidden": "true"}),
                     score + (" *" if parts.synthetic else "")], className="tk-num"),
        ]))
    caption = t("parts.caption", lang, title=title, region=region, year=parts.period)
    table = html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(t(f"parts.col_{c}", lang), scope="col") for c in ("part", "kind", "score")])),
        html.Tbody(rows),
    ], className="tk-table tk-hyte-parts")
    weakest = parts.weakest
    if parts.synthetic:
        source = t("parts.synthetic_source", lang)
    else:
        source = t("parts.source", lang, reporter=parts.reporter)
        if parts.publication:
            source += " · " + t("parts.publication", lang, publication=parts.publication)
    return html.Div([
        html.P(", ".join(lines), className="tk-meta-line"),
        html.P(t("parts.weakest", lang, label=weakest.label, score=number(weakest.score, 1 if weakest.score % 1 else 0, lang)))
        if weakest else None,
        table_wrap(table, lang),
        html.P(source, className="tk-source"),
    ], className="tk-hyte-parts-block", id=f"parts-{parts.template}-{index}")


def parts_sections(ctx, registry, area_key: str, state) -> list:
    """One section per template with parts whose value is an indicator of the area (none when no
    entry has parts yet: the page stays as it was)."""
    lang = state.lang
    out = []
    for template in part_templates(registry, area_key):
        title = registry.templates.templates[template].title.get(lang)
        regions = [registry.county.welfare_area.code]
        if state.municipality in registry.county.municipality_codes:
            regions.append(state.municipality)
        found = [p for p in (latest_parts(ctx.engine, registry, template, code, lang) for code in regions) if p]
        if not found:
            continue
        heading = f"parts-{template}-h"
        out.append(html.Section(
            [html.H2(t("parts.heading", lang, title=title), id=heading),
             html.P(t("parts.intro", lang), className="tk-hint"),
             *[_block(registry, p, title, lang, i) for i, p in enumerate(found)]],
            className="tk-section tk-hyte-parts-section", id=f"parts-{template}", **{"aria-labelledby": heading},
        ))
    return out


def any_synthetic(ctx, registry, area_key: str, state) -> bool:
    """Whether a shown breakdown is synthetic (the page's banner says so)."""
    regions = [registry.county.welfare_area.code, state.municipality]
    return any(p.synthetic for tpl in part_templates(registry, area_key) for code in regions if code
               for p in [latest_parts(ctx.engine, registry, tpl, code, state.lang)] if p)
