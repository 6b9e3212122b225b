"""Dashboard test fixtures: a filled test database with geometry, apps on it, and a helper that
posts to Dash's callback endpoint exactly as the browser does."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import dash_requests as dr
from tests.dashboard.data import REGISTRY, build_database, write_geometry


@pytest.fixture(scope="session")
def dash_env(tmp_path_factory):
    """(engine, geo_dir) of a filled SQLite database and hand-made geometry."""
    root = tmp_path_factory.mktemp("dash")
    engine = build_database(root / "dash.sqlite3")
    geo_dir = root / "geo"
    write_geometry(geo_dir)
    yield engine, geo_dir
    engine.dispose()


@pytest.fixture(scope="session")
def dash_app(dash_env):
    from dashboard import create_app

    engine, geo_dir = dash_env
    return create_app(engine=engine, registry=REGISTRY, geo_dir=geo_dir)


@pytest.fixture(scope="session")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="session")
def empty_app(tmp_path_factory):
    """An app on a migrated database without observations (and without geometry)."""
    from dashboard import create_app

    root = tmp_path_factory.mktemp("empty")
    engine = build_database(root / "empty.sqlite3", with_data=False)
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=root / "geo")
    yield app
    engine.dispose()


class DashClient:
    """Posts to ``/_dash-update-component`` the way dash-renderer does (benchmarks/dash_requests.py,
    the one request builder of the tests and the benchmarks)."""

    def __init__(self, client):
        self.client = client
        self.deps = json.loads(client.get("/_dash-dependencies").data)

    def dependency(self, output_contains: str) -> dict:
        found = [d for d in dr.server_callbacks(self.deps) if output_contains in d["output"]]
        assert found, f"no callback with output {output_contains!r}"
        return found[0]

    def call(self, output_contains: str, inputs: dict, state: dict | None = None, changed: list[str] | None = None):
        """``inputs`` / ``state``: {"id.prop": value}; returns the Flask response."""
        body = dr.request_body(self.dependency(output_contains), {**inputs, **(state or {})},
                               changed or list(inputs)[:1])
        return self.client.post(dr.UPDATE_PATH, json=body)


@pytest.fixture(scope="session")
def dash_client(client):
    return DashClient(client)


def render_page(dash_client: DashClient, pathname: str, search: str = ""):
    """The page layout as the Pages router returns it (JSON text and parsed)."""
    resp = dash_client.call(
        "_pages_content.children",
        {"_pages_location.pathname": pathname, "_pages_location.search": search, "tk-popstate.data": None},
        changed=["_pages_location.pathname"],
    )
    return resp


def texts(node) -> list[str]:
    """All strings in a Dash layout JSON tree (children and text props)."""
    out: list[str] = []
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for n in node:
            out.extend(texts(n))
    elif isinstance(node, dict):
        for k, v in node.items():
            if k in ("children", "props", "response", "_pages_content", "summary", "label", "figure") or isinstance(v, (dict, list)):
                out.extend(texts(v))
    return out


def find(node, component_id: str):
    """The props of the component with ``id`` in a layout JSON tree."""
    if isinstance(node, list):
        for n in node:
            r = find(n, component_id)
            if r is not None:
                return r
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props
        for v in node.values():
            if isinstance(v, (dict, list)):
                r = find(v, component_id)
                if r is not None:
                    return r
    return None


def json_of(resp):
    return json.loads(resp.data)


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def expand(node):
    """A compact component of the explorer's store (dashboard.deliver.explorer.compact) as Dash's
    JSON, as the browser expands it (assets/tilannekuva.js)."""
    if isinstance(node, list):
        return [expand(n) for n in node]
    if not isinstance(node, dict):
        return node
    (kind, (children, *props)), = node.items()
    return {"type": kind, "namespace": "dash_html_components",
            "props": {"children": expand(children), **(props[0] if props else {})}}


def bar_value(entry: dict, year, code: str):
    """The bar length of municipality ``code`` in the explorer store's view of ``year``."""
    bars = entry["y"][str(year)]["b"][0][1][0]
    return bars["x"][[c[0] for c in bars["customdata"]].index(code)]


def cells(component) -> list[str]:
    """The texts of a compact table's cells (dashboard.deliver.explorer.compact), row by row."""
    (kind, (children, *_props)), = component.items()
    if kind in ("Td", "Th"):
        return [children]
    parts = children if isinstance(children, list) else [children]
    return [text for part in parts if isinstance(part, dict) for text in cells(part)]
