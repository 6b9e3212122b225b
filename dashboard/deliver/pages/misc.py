"""Tietolähteet (providers, licences, latest load runs), the accessibility statement required by
the Act on the Provision of Digital Services (306/2019), and the not-found page."""
from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard.core.format import date_text, number
from dashboard.core.i18n import t
from dashboard.data import queries
from dashboard.data.context import iso_date
from dashboard.data.provenance import stated_dates
from dashboard.deliver.components import table_wrap
from dashboard.deliver.pages.base import Built, render

#: Feedback channel of the accessibility statement (Act 306/2019 requires one). The regional
#: council maintains the service; a setting for a deployment-specific address is still to come.
FEEDBACK_CONTACT = "Hämeen liitto, https://www.hameenliitto.fi/"


def _run_mode(run) -> str:
    """How a load run got its data: the demo fill is generated, templates and cited figures come
    from a file; only the source connectors read the network (or its recording)."""
    if run["source"] == "demo":
        return "sources.mode_generated"
    if run["source"] in ("manual", "facts"):
        return "sources.mode_file"
    return "sources.mode_offline" if run["offline"] else "sources.mode_live"


def _stated(run, lang: str) -> str:
    """What the source itself said about the data of a run: last updated, next update ("–": nothing)."""
    dates = [None if c not in run or pd.isna(run[c]) else iso_date(run[c]) for c in ("source_updated", "source_next_update")]
    return stated_dates(*dates, lang) or "–"


def build_sources(ctx, state, parsed) -> Built:
    registry = ctx.registry
    lang = state.lang
    providers = []
    for key, p in registry.sources.providers.items():
        facts = [
            ("sources.publisher", p.publisher.get(lang)),
            ("sources.attribution", p.attribution.get(lang)),
            ("sources.licence", html.A(p.licence, href=p.licence_url)),
        ]
        if p.url:
            facts.insert(1, ("sources.api", html.A(p.url, href=p.url)))
        providers.append(html.Article([
            html.H3(p.name.get(lang), id=f"provider-{key}"),
            html.Dl([x for k, v in facts for x in (html.Dt(t(k, lang)), html.Dd(v))], className="tk-facts tk-facts--compact"),
        ], className="tk-card tk-card--plain", **{"aria-labelledby": f"provider-{key}"}))
    status = ctx.status()
    runs = queries.load_runs(ctx.engine) if status.reachable and status.schema_current else None
    if runs is None or runs.empty:
        loads = html.P(t("sources.no_loads", lang), className="tk-hint")
    else:
        head = html.Thead(html.Tr([html.Th(t(f"sources.{c}", lang), scope="col", className="is-num" if c in ("col_id", "col_rows") else None)
                                   for c in ("col_id", "col_source", "col_dataset", "col_finished", "col_status", "col_rows", "col_mode",
                                             "col_stated")]))
        body = []
        for _, r in runs.iterrows():
            finished = None if pd.isna(r["finished_at"]) else r["finished_at"]  # NULL arrives as NaT
            status_key = {"success": "run_success", "failed": "run_failed", "interrupted": "run_interrupted"}.get(r["status"], "run_running")
            rows_text = " / ".join(number(r[c], 0, lang) for c in ("rows_inserted", "rows_updated", "rows_unchanged"))
            body.append(html.Tr([
                html.Td(str(r["id"]), className="is-num"),
                html.Th(r["source"], scope="row"),
                html.Td(r["dataset"]),
                html.Td(date_text(str(finished)[:10], lang) if finished is not None else "–"),
                html.Td(html.Span(t(f"sources.{status_key}", lang), className=f"tk-run tk-run--{r['status']}")),
                html.Td(rows_text, className="is-num"),
                html.Td(t(_run_mode(r), lang)),
                html.Td(_stated(r, lang)),
            ]))
        loads = table_wrap(html.Table([html.Caption(t("sources.loads_caption", lang)), head, html.Tbody(body)],
                                      className="tk-table"), lang)
    content = html.Div([
        html.H1(t("sources.title", lang), className="tk-h1"),
        html.P(t("sources.lead", lang), className="tk-lead"),
        html.Section([html.H2(t("sources.providers", lang), id="providers-h"), html.Div(providers, className="tk-cards tk-cards--3")],
                     className="tk-section", **{"aria-labelledby": "providers-h"}),
        html.Section([html.H2(t("sources.agreement", lang), id="agreement-h"),
                      html.P(html.Cite(registry.agreement.source.get(lang)))],
                     className="tk-section", **{"aria-labelledby": "agreement-h"}),
        html.Section([html.H2(t("sources.loads", lang), id="loads-h"), loads],
                     className="tk-section", **{"aria-labelledby": "loads-h"}),
    ], className="tk-sources")
    return Built(content=content, title=t("sources.title", lang))


def build_accessibility(ctx, state, parsed) -> Built:
    lang = state.lang
    contact = FEEDBACK_CONTACT
    sections = [
        ("a11y.status_title", [html.P(t("a11y.status", lang))]),
        ("a11y.known_title", [html.Ul([html.Li(t("a11y.known_1", lang)), html.Li(t("a11y.known_2", lang))])]),
        ("a11y.feedback_title", [html.P(t("a11y.feedback", lang)), html.P(t("a11y.feedback_channel", lang, contact=contact))]),
        ("a11y.enforcement_title", [html.P(t("a11y.enforcement", lang))]),
    ]
    content = html.Div(
        [html.H1(t("a11y.title", lang), className="tk-h1"), html.P(t("a11y.intro", lang), className="tk-lead")]
        + [html.Section([html.H2(t(k, lang), id=f"a11y-{i}"), *body], className="tk-section tk-prose",
                        **{"aria-labelledby": f"a11y-{i}"}) for i, (k, body) in enumerate(sections)]
        + [html.P(t("a11y.date", lang), className="tk-hint")],
        className="tk-a11y",
    )
    return Built(content=content, title=t("a11y.title", lang))


def not_found_build(ctx, state, parsed) -> Built:
    lang = state.lang
    return Built(content=html.Section([html.H1(t("notfound.title", lang), className="tk-h1"), html.P(t("notfound.body", lang))],
                                      className="tk-state"), title=t("notfound.title", lang))


def sources_layout(**query):
    return render(page="sources", path="/tietolahteet", active="sources", query=query, build=build_sources,
                  needs_data=False, default_title_key="sources.title")


def accessibility_layout(**query):
    return render(page="overview", path="/saavutettavuus", active="", query=query, build=build_accessibility,
                  needs_data=False, default_title_key="a11y.title")


def not_found_layout(**query):
    return render(page="overview", path="/", active="", query=query, build=not_found_build, needs_data=False,
                  default_title_key="notfound.title")


def register(registry) -> None:
    dash.register_page("dashboard.deliver.pages.sources", path="/tietolahteet", name="Tietolähteet", title="Tietolähteet",
                       layout=sources_layout, order=30)
    dash.register_page("dashboard.deliver.pages.saavutettavuus", path="/saavutettavuus", name="Saavutettavuusseloste",
                       title="Saavutettavuusseloste", layout=accessibility_layout, order=40)
    dash.register_page("dashboard.deliver.pages.not_found_404", path="/404", name="Sivua ei löytynyt", title="Sivua ei löytynyt",
                       layout=not_found_layout, order=99)
