"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``).

Written as data next to the views it describes; ``tests/dashboard/test_api.py`` validates it with
``openapi-spec-validator`` and every response of the API against its schemas (jsonschema), so the
description cannot drift from what the API answers.
"""
from __future__ import annotations

import copy
from functools import lru_cache

_TEXT = {"type": "object", "required": ["fi", "sv", "en"], "additionalProperties": False,
         "properties": {"fi": {"type": "string"}, "sv": {"type": "string"}, "en": {"type": "string"}},
         "description": "A text in Finnish, Swedish and English."}
_NULLABLE_TEXT = {"oneOf": [{"$ref": "#/components/schemas/Text"}, {"type": "null"}]}
_STR_OR_NULL = {"type": ["string", "null"]}


def _envelope(item_ref: str, extra: dict | None = None) -> dict:
    props = {
        "api_version": {"const": "v1"},
        "data_version": {"type": "string", "description": "newest load run id . number of load runs . publications visible today"},
        "licence": {"$ref": "#/components/schemas/Licence"},
        "count": {"type": "integer", "minimum": 0},
        "data": {"type": "array", "items": {"$ref": item_ref}},
        **(extra or {}),
    }
    return {"type": "object", "required": ["api_version", "data_version", "licence", "count", "data"],
            "additionalProperties": False, "properties": props}


_SCHEMAS = {
    "Text": _TEXT,
    "Licence": {
        "type": "object", "required": ["name", "url", "attribution", "notice"], "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "examples": ["CC BY 4.0"]},
            "url": {"type": "string", "format": "uri"},
            "attribution": {"type": "array", "items": {
                "type": "object", "required": ["provider", "publisher", "text"], "additionalProperties": False,
                "properties": {"provider": {"type": "string"}, "publisher": {"$ref": "#/components/schemas/Text"},
                               "text": {"$ref": "#/components/schemas/Text"}}}},
            "notice": {"$ref": "#/components/schemas/Text"},
        },
    },
    "LoadRun": {
        "type": "object", "required": ["id", "source", "dataset", "finished", "offline"], "additionalProperties": False,
        "description": "The load run that wrote the value (provenance).",
        "properties": {"id": {"type": "integer"}, "source": {"type": "string"}, "dataset": {"type": "string"},
                       "finished": {**_STR_OR_NULL, "format": "date"}, "offline": {"type": "boolean"}},
    },
    "Observation": {
        "type": "object", "additionalProperties": False,
        "required": ["indicator", "region", "year", "period", "period_type", "value", "count", "unit", "status",
                     "suppressed", "synthetic", "provisional", "partner_reported", "source", "load_run"],
        "properties": {
            "indicator": {"type": "string"},
            "region": {"type": "string", "description": "region code (municipality 061…, SK…, MK…, HVA…, SSS)"},
            "year": {"type": "integer"},
            "period": {"type": "string", "description": "2024 | 2024H1 | 2024Q3 | 2024M05: the period of the year shown"},
            "period_type": {"enum": ["Y", "H", "Q", "M"]},
            "value": {"type": ["number", "null"], "description": "null when missing or suppressed"},
            "count": {"type": ["number", "null"], "description": "absolute number behind the value; null when hidden"},
            "unit": {"type": "string"},
            "status": {"enum": ["ok", "missing", "suppressed"]},
            "suppressed": {"type": "boolean", "description": "hidden for privacy; the value never leaves the API"},
            "synthetic": {"type": "boolean", "description": "a labelled synthetic example value, not real data"},
            "provisional": {"type": "boolean"},
            "partner_reported": {"type": "boolean", "description": "reported by a partner organisation"},
            "source": {"type": "object", "required": ["provider", "attribution"], "additionalProperties": False,
                       "properties": {"provider": {"type": "string"},
                                      "attribution": {"$ref": "#/components/schemas/Text"}}},
            "load_run": {"oneOf": [{"$ref": "#/components/schemas/LoadRun"}, {"type": "null"}]},
        },
    },
    "Indicator": {
        "type": "object", "additionalProperties": False,
        "required": ["key", "area", "area_title", "measure", "title", "unit", "decimals", "polarity", "cadence",
                     "level", "suppress_below", "source", "description", "caveats"],
        "properties": {
            "key": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "area": {"type": "string", "description": "priority area (painopiste) key"},
            "area_title": _NULLABLE_TEXT,
            "measure": {"type": "string"},
            "title": {"$ref": "#/components/schemas/Text"},
            "unit": {"type": "object", "required": ["kind", "fi", "sv", "en"], "additionalProperties": False,
                     "properties": {"kind": {"type": "string"}, "fi": {"type": "string"}, "sv": {"type": "string"},
                                    "en": {"type": "string"}}},
            "decimals": {"type": "integer"},
            "polarity": {"enum": ["higher", "lower", "neutral"], "description": "which direction is better"},
            "cadence": {"type": "string"},
            "level": {"enum": ["kunta", "alue", "partly"]},
            "suppress_below": {"type": ["integer", "null"]},
            "source": {"type": "object", "additionalProperties": False,
                       "required": ["provider", "kind", "ref", "publisher", "attribution", "url"],
                       "properties": {"provider": {"type": "string"}, "kind": {"type": "string"},
                                      "ref": {"type": "string"}, "publisher": {"$ref": "#/components/schemas/Text"},
                                      "attribution": {"$ref": "#/components/schemas/Text"}, "url": _STR_OR_NULL}},
            "description": {"$ref": "#/components/schemas/Text"},
            "caveats": _NULLABLE_TEXT,
        },
    },
    "Region": {
        "type": "object", "additionalProperties": False,
        "required": ["code", "level", "name", "subregion_code", "region_code"],
        "properties": {"code": {"type": "string"}, "level": {"type": "string"},
                       "name": {"$ref": "#/components/schemas/Text"}, "subregion_code": _STR_OR_NULL,
                       "region_code": _STR_OR_NULL},
    },
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["status", "parameter", "message", "messages"], "additionalProperties": False,
            "properties": {"status": {"type": "integer"}, "parameter": _STR_OR_NULL,
                           "message": {"type": "string", "description": "in Finnish"},
                           "messages": {"$ref": "#/components/schemas/Text"}}}},
    },
    "IndicatorList": _envelope("#/components/schemas/Indicator"),
    "RegionList": _envelope("#/components/schemas/Region"),
    "ObservationList": _envelope("#/components/schemas/Observation", {"filters": {
        "type": "object", "additionalProperties": False,
        "properties": {"indicator": {"type": ["array", "null"], "items": {"type": "string"}},
                       "region": {"type": ["array", "null"], "items": {"type": "string"}},
                       "year": {"type": ["array", "null"], "items": {"type": "integer"}},
                       "from": {"type": ["integer", "null"]}, "to": {"type": ["integer", "null"]}}}}),
    "IndicatorOne": {
        "type": "object", "required": ["api_version", "data_version", "licence", "data"], "additionalProperties": False,
        "properties": {"api_version": {"const": "v1"}, "data_version": {"type": "string"},
                       "licence": {"$ref": "#/components/schemas/Licence"},
                       "data": {"$ref": "#/components/schemas/Indicator"}},
    },
    "Index": {
        "type": "object", "required": ["api_version", "data_version", "licence", "links"], "additionalProperties": False,
        "properties": {"api_version": {"const": "v1"}, "data_version": {"type": "string"},
                       "licence": {"$ref": "#/components/schemas/Licence"},
                       "links": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_ok(schema: str, description: str) -> dict:
    return {"description": description, "headers": _CACHE_HEADERS,
            "content": {"application/json": {"schema": _ref(schema)}}}


def _file_ok(mime: str, description: str) -> dict:
    return {"description": description, "headers": {**_CACHE_HEADERS, **_LICENCE_HEADERS},
            "content": {mime: {"schema": {"type": "string", "format": "binary"} if "csv" not in mime
                                else {"type": "string"}}}}


_CACHE_HEADERS = {
    "ETag": {"description": "data version + request", "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}
_LICENCE_HEADERS = {
    "Link": {"description": 'licence (rel="license") and this description (rel="describedby")',
             "schema": {"type": "string"}},
    "X-Attribution": {"description": "licence and the publishers to credit", "schema": {"type": "string"}},
}
_ERRORS = {
    "400": {"description": "bad parameter", "content": {"application/json": {"schema": _ref("Error")}}},
    "429": {"description": "rate limit exceeded", "content": {"application/json": {"schema": _ref("Error")}}},
    "503": {"description": "database unavailable", "content": {"application/json": {"schema": _ref("Error")}}},
}
_NOT_MODIFIED = {"304": {"description": "If-None-Match matched the current ETag"}}


def _param(name: str, description: str, schema: dict | None = None, explode: bool = True) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}, **({"explode": explode} if "array" in str(schema) else {})}


_FORMAT = _param("format", "json (default) or csv", {"enum": ["json", "csv"]})
_OBS_PARAMS = [
    _param("indicator", "indicator keys, comma-separated or repeated", {"type": "array", "items": {"type": "string"}}),
    _param("region", "region codes, comma-separated or repeated", {"type": "array", "items": {"type": "string"}}),
    _param("year", "years, comma-separated or repeated", {"type": "array", "items": {"type": "integer"}}),
    _param("from", "first year", {"type": "integer"}),
    _param("to", "last year", {"type": "integer"}),
]


def _get(summary: str, responses: dict, params: list | None = None, op: str = "") -> dict:
    out = {"get": {"operationId": op, "summary": summary, "responses": {**responses, **_NOT_MODIFIED, **_ERRORS}}}
    if params:
        out["get"]["parameters"] = params
    return out


_PATHS = {
    "/api/v1/": _get("Links and licence", {"200": _json_ok("Index", "links")}, op="index"),
    "/api/v1/openapi.json": _get("This description", {"200": {"description": "OpenAPI 3.1",
                                 "content": {"application/json": {"schema": {"type": "object"}}}}}, op="openapi"),
    "/api/v1/indicators": _get(
        "Indicators with metadata (titles fi/sv/en, unit, polarity, source, priority area, definitions)",
        {"200": {**_json_ok("IndicatorList", "indicators"),
                 "content": {"application/json": {"schema": _ref("IndicatorList")}, "text/csv": {"schema": {"type": "string"}}}}},
        [_param("area", "priority area keys, comma-separated", {"type": "array", "items": {"type": "string"}}), _FORMAT],
        op="indicators"),
    "/api/v1/indicators.csv": _get("Indicators as CSV", {"200": _file_ok("text/csv", "indicators")},
                                   [_param("area", "priority area keys", {"type": "array", "items": {"type": "string"}})],
                                   op="indicatorsCsv"),
    "/api/v1/indicators/{key}": {"get": {
        "operationId": "indicator", "summary": "One indicator",
        "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": _json_ok("IndicatorOne", "the indicator"), **_NOT_MODIFIED, **_ERRORS,
                      "404": {"description": "unknown indicator",
                              "content": {"application/json": {"schema": _ref("Error")}}}}}},
    "/api/v1/regions": _get("Regions a view can show (municipalities, sub-regions, region, welfare area, country)",
                            {"200": {**_json_ok("RegionList", "regions"),
                                     "content": {"application/json": {"schema": _ref("RegionList")},
                                                 "text/csv": {"schema": {"type": "string"}}}}}, [_FORMAT], op="regions"),
    "/api/v1/regions.csv": _get("Regions as CSV", {"200": _file_ok("text/csv", "regions")}, op="regionsCsv"),
    "/api/v1/observations": _get(
        "Observations (annual values as on the pages) with source, period, flags and load run",
        {"200": {**_json_ok("ObservationList", "observations"),
                 "content": {"application/json": {"schema": _ref("ObservationList")},
                             "text/csv": {"schema": {"type": "string"}}}}},
        [*_OBS_PARAMS, _FORMAT], op="observations"),
    "/api/v1/observations.csv": _get("Observations as CSV", {"200": _file_ok("text/csv", "observations")},
                                     _OBS_PARAMS, op="observationsCsv"),
    "/api/v1/bulk/tilannekuva.zip": _get(
        "The whole published dataset: observations.csv, indicators.csv, regions.csv and LUEMINUT.txt",
        {"200": _file_ok("application/zip", "zip")}, op="bulkZip"),
    "/api/v1/bulk/tilannekuva.parquet": _get(
        "The published observations as Parquet (licence in the file metadata)",
        {"200": _file_ok("application/vnd.apache.parquet", "Parquet")}, op="bulkParquet"),
}


@lru_cache(maxsize=1)
def _spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Yhteinen tilannekuva – avoin data-rajapinta",
            "version": "1.0.0",
            "summary": "Open data API of the shared situational picture (read-only)",
            "description": ("Read-only indicators, regions and observations of the shared situational picture. "
                            "Suppressed values never leave the API (value and count are null, suppressed=true). "
                            "Rate-limited per client address (HTTP 429 with Retry-After). "
                            "Licence CC BY 4.0: credit THL, Statistics Finland and the National Land Survey."),
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": "/"}],
        "paths": _PATHS,
        "components": {"schemas": _SCHEMAS},
    }


def spec() -> dict:
    """A copy of the description (callers may modify it)."""
    return copy.deepcopy(_spec())
