"""What the open data API publishes, as plain records: pure functions of (engine, registry).

Observation values come from :func:`dashboard.data.model.indicator_frame` — the same annualised,
suppressed frame every page, chart and download is drawn from — so the API can never show a
value the pages hide (source-flagged, below an indicator's ``suppress_below``, or hidden by
complementary suppression): a hidden value and its count are blanked here and only its flag
leaves. Records are built once per data version (``queries.memo``) and filtered per request.
"""
from __future__ import annotations

import csv
import io
import json
import math
import zipfile

from dashboard.core.i18n import LANGS, t
from dashboard.data import model, queries
from dashboard.draw.charts import provider_key

#: Column order of observations in CSV, the zip and Parquet (JSON nests load_run and source).
OBS_CSV_COLUMNS = [
    "indicator", "region", "year", "period", "period_type", "value", "count", "unit", "status",
    "suppressed", "synthetic", "provisional", "partner_reported", "source", "source_attribution",
    "load_run_id", "load_run_source", "load_run_dataset", "load_run_finished",
]
INDICATOR_CSV_COLUMNS = [
    "key", "area", "measure", "title_fi", "title_sv", "title_en", "unit_kind", "unit_fi", "unit_sv", "unit_en",
    "decimals", "polarity", "cadence", "level", "suppress_below", "source", "source_kind", "source_ref",
    "description_fi", "description_sv", "description_en", "caveats_fi", "caveats_sv", "caveats_en",
]
REGION_CSV_COLUMNS = ["code", "level", "name_fi", "name_sv", "name_en", "subregion_code", "region_code"]
#: Load-run sources whose values the partners reported (the collect branch publishes as these).
PARTNER_SOURCES = frozenset({"manual", "collect", "partner"})
#: Providers whose attribution every response carries (CC BY 4.0 names them).
ATTRIBUTED = ("sotkanet", "statfin", "boundaries")


def _text(model_text) -> dict[str, str] | None:
    return None if model_text is None else {lang: model_text.get(lang) for lang in LANGS}


def licence(registry) -> dict:
    """The licence and attribution object every JSON response carries."""
    providers = registry.sources.providers
    first = providers[ATTRIBUTED[0]]
    return {
        "name": first.licence,
        "url": first.licence_url,
        "attribution": [
            {"provider": key, "publisher": _text(providers[key].publisher), "text": _text(providers[key].attribution)}
            for key in ATTRIBUTED if key in providers
        ],
        "notice": {lang: t("api.licence_notice", lang) for lang in LANGS},
    }


def licence_header_text(registry) -> str:
    """ASCII attribution for HTTP headers of CSV and files (headers cannot carry Finnish letters)."""
    providers = registry.sources.providers
    names = "; ".join(providers[k].publisher.en for k in ATTRIBUTED if k in providers)
    return f"{providers[ATTRIBUTED[0]].licence}: {names}"


# --- indicators and regions -------------------------------------------------------------------


def indicator_record(registry, ind) -> dict:
    provider = registry.sources.providers[provider_key(ind)]
    src = ind.source
    ref = {"sotkanet": lambda: str(src.id) if src.id is not None else (src.title_fi or ""),
           "statfin": lambda: src.dataset,
           "manual": lambda: f"{src.template}.{src.field}"}[src.kind]()
    area = next((a for a in registry.agreement.areas if a.key == ind.area), None)
    return {
        "key": ind.key,
        "area": ind.area,
        "area_title": _text(area.title) if area else None,
        "measure": ind.measure,
        "title": _text(ind.title),
        "unit": {"kind": ind.unit.kind, **{lang: ind.unit.text(lang) for lang in LANGS}},
        "decimals": ind.decimals,
        "polarity": ind.direction,
        "cadence": ind.cadence,
        "level": ind.level,
        "suppress_below": ind.suppress_below,
        "source": {
            "provider": provider_key(ind), "kind": src.kind, "ref": ref,
            "publisher": _text(provider.publisher), "attribution": _text(provider.attribution),
            "url": provider.url or None,
        },
        "description": _text(ind.description),
        "caveats": _text(ind.caveats),
    }


def indicators(registry) -> list[dict]:
    return [indicator_record(registry, ind) for ind in registry.catalogue.indicators]


def indicator_row(rec: dict) -> dict:
    """An indicator record flattened for CSV."""
    row = {"key": rec["key"], "area": rec["area"], "measure": rec["measure"], "decimals": rec["decimals"],
           "polarity": rec["polarity"], "cadence": rec["cadence"], "level": rec["level"],
           "suppress_below": rec["suppress_below"], "unit_kind": rec["unit"]["kind"],
           "source": rec["source"]["provider"], "source_kind": rec["source"]["kind"],
           "source_ref": rec["source"]["ref"]}
    for lang in LANGS:
        row[f"title_{lang}"] = rec["title"][lang]
        row[f"unit_{lang}"] = rec["unit"][lang]
        row[f"description_{lang}"] = rec["description"][lang]
        row[f"caveats_{lang}"] = (rec["caveats"] or {}).get(lang)
    return row


def regions(engine, registry) -> list[dict]:
    return [
        {"code": r["code"], "level": r["level"], "name": {lang: r[f"name_{lang}"] for lang in LANGS},
         "subregion_code": r["subregion_code"], "region_code": r["region_code"]}
        for r in queries.api_regions(engine, model.view_codes(registry))
    ]


def region_row(rec: dict) -> dict:
    return {"code": rec["code"], "level": rec["level"], **{f"name_{k}": v for k, v in rec["name"].items()},
            "subregion_code": rec["subregion_code"], "region_code": rec["region_code"]}


# --- observations -----------------------------------------------------------------------------


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _observation_records(engine, registry) -> list[dict]:
    runs = queries.api_load_runs(engine)
    providers = registry.sources.providers
    synthetic_source = {lang: t("api.synthetic_source", lang) for lang in LANGS}
    out: list[dict] = []
    for ind in registry.catalogue.indicators:
        frame = model.indicator_frame(engine, registry, ind.key)
        if frame.empty:
            continue
        provider = provider_key(ind)
        attribution = _text(providers[provider].attribution)
        has_partner_column = "partner_reported" in frame.columns
        for row in frame.to_dict("records"):
            status = row["status"]
            shown = status == model.STATUS_OK
            hidden = status in (model.STATUS_SUPPRESSED, model.STATUS_SECONDARY)
            run_id = row.get("load_run_id")
            run = runs.get(int(run_id)) if run_id is not None and not _isnan(run_id) else None
            synthetic = bool(row["synthetic"])
            # A synthetic demo value is nobody's report.
            partner = not synthetic and (bool(row["partner_reported"]) if has_partner_column else (
                provider == "manual" or (run is not None and run["source"] in PARTNER_SOURCES)))
            out.append({
                "indicator": ind.key,
                "region": row["region_code"],
                "year": int(row["year"]),
                "period": row["period"],
                "period_type": row["period_type"],
                # A hidden value and its count never leave: the count would reveal the value.
                "value": _number(row["value"]) if shown else None,
                "count": _number(row["count"]) if shown else None,
                "unit": ind.unit.kind,
                "status": "suppressed" if hidden else status,
                "suppressed": hidden,
                "synthetic": synthetic,
                "provisional": bool(row["provisional"]),
                "partner_reported": partner,
                # A synthetic value is never attributed to a statistical authority.
                "source": {"provider": "synthetic" if synthetic else provider,
                           "attribution": synthetic_source if synthetic else attribution},
                "load_run": run,
            })
    return out


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def observations(engine, registry) -> list[dict]:
    """Every published observation (read-only, shared between requests)."""
    return queries.memo(engine, "api_observations", (model.registry_key(registry),),
                        lambda: _observation_records(engine, registry))


def observation_row(rec: dict) -> dict:
    run = rec["load_run"] or {}
    row = {k: rec[k] for k in OBS_CSV_COLUMNS if k in rec}
    row.update({"source": rec["source"]["provider"], "source_attribution": rec["source"]["attribution"]["fi"],
                "load_run_id": run.get("id"), "load_run_source": run.get("source"),
                "load_run_dataset": run.get("dataset"), "load_run_finished": run.get("finished")})
    return row


def filter_observations(records: list[dict], *, indicators=None, regions=None, years=None,
                        first=None, last=None) -> list[dict]:
    ind = set(indicators) if indicators else None
    reg = set(regions) if regions else None
    yrs = set(years) if years else None
    return [r for r in records
            if (ind is None or r["indicator"] in ind) and (reg is None or r["region"] in reg)
            and (yrs is None or r["year"] in yrs) and (first is None or r["year"] >= first)
            and (last is None or r["year"] <= last)]


# --- files ------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def to_csv(rows: list[dict], columns: list[str]) -> bytes:
    """UTF-8 CSV (comma, dot decimals, ``true``/``false``, empty = no value): for programs."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8")


def readme_text(registry, version) -> str:
    lic = licence(registry)
    lines = [t("api.bulk_readme", "fi"), "", t("api.bulk_readme", "en"), "",
             f"{lic['name']} {lic['url']}"]
    lines += [f"- {a['publisher']['fi']} / {a['publisher']['en']}" for a in lic["attribution"]]
    lines += ["", lic["notice"]["fi"], lic["notice"]["en"], "", f"data_version: {queries.version_tag(version)}"]
    return "\n".join(lines) + "\n"


def bulk_zip(engine, registry) -> bytes:
    """observations.csv, indicators.csv, regions.csv and LUEMINUT.txt (licence) in one zip."""
    def compute() -> bytes:
        buf = io.BytesIO()
        version = queries.data_version(engine)
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("observations.csv", to_csv([observation_row(r) for r in observations(engine, registry)],
                                                   OBS_CSV_COLUMNS))
            zf.writestr("indicators.csv", to_csv([indicator_row(r) for r in indicators(registry)],
                                                 INDICATOR_CSV_COLUMNS))
            zf.writestr("regions.csv", to_csv([region_row(r) for r in regions(engine, registry)],
                                              REGION_CSV_COLUMNS))
            zf.writestr("LUEMINUT.txt", readme_text(registry, version))
        return buf.getvalue()

    return queries.memo(engine, "api_bulk_zip", (model.registry_key(registry),), compute)


def bulk_parquet(engine, registry) -> bytes:
    """The observations as one Parquet table; licence and attribution in the file's metadata."""
    def compute() -> bytes:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [observation_row(r) for r in observations(engine, registry)]
        schema = pa.schema([
            ("indicator", pa.string()), ("region", pa.string()), ("year", pa.int32()), ("period", pa.string()),
            ("period_type", pa.string()), ("value", pa.float64()), ("count", pa.float64()), ("unit", pa.string()),
            ("status", pa.string()), ("suppressed", pa.bool_()), ("synthetic", pa.bool_()),
            ("provisional", pa.bool_()), ("partner_reported", pa.bool_()), ("source", pa.string()),
            ("source_attribution", pa.string()), ("load_run_id", pa.int64()), ("load_run_source", pa.string()),
            ("load_run_dataset", pa.string()), ("load_run_finished", pa.string()),
        ], metadata={"licence": json.dumps(licence(registry), ensure_ascii=False)})
        table = pa.Table.from_pylist(rows, schema=schema)
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        return buf.getvalue()

    return queries.memo(engine, "api_bulk_parquet", (model.registry_key(registry),), compute)
