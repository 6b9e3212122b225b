"""The dashboard's folders are its architecture: each layer imports only from the layers below it,
and only the query layer speaks SQL. A newcomer can trust the folders because these tests fail
the moment a module reaches upwards or a page runs its own query."""
from __future__ import annotations

import ast
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
#: Lowest first: core (formats, i18n, view state, tokens) → judge (pure rules) → data (reading) →
#: draw (figures) → deliver (pages, exports, API, collection area, meetings) → web (the shell).
LAYERS = ("core", "judge", "data", "draw", "deliver", "web")
QUERY_LAYER = DASHBOARD / "data" / "queries.py"


def _modules():
    for path in sorted(DASHBOARD.rglob("*.py")):
        parts = path.relative_to(DASHBOARD).parts
        if len(parts) > 1 and parts[0] in LAYERS:
            yield path, parts[0], ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree) -> list[tuple[int, str]]:
    """Every module an import statement names, lazy imports inside functions included."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def test_arc001_every_layer_imports_only_from_the_layers_below_it():
    upward = []
    for path, layer, tree in _modules():
        for line, name in _imported(tree):
            parts = name.split(".")
            above = parts[0] == "dashboard" and len(parts) > 1 and parts[1] in LAYERS
            if above and LAYERS.index(parts[1]) > LAYERS.index(layer):
                upward.append(f"{path.relative_to(DASHBOARD)}:{line} imports {name}")
    assert upward == []


def test_arc002_only_the_query_layer_reads_the_schema_or_builds_sql():
    outside = []
    for path, _layer, tree in _modules():
        if path == QUERY_LAYER:
            continue
        for line, name in _imported(tree):
            if name.startswith("data_pipeline.db.schema") or name in ("sqlalchemy.select", "sqlalchemy.text"):
                outside.append(f"{path.relative_to(DASHBOARD)}:{line} imports {name}")
    assert outside == []


def test_arc003_the_checks_see_every_layer():
    """The rules above would pass vacuously if the folders moved: each layer exists and has code."""
    seen = {layer for _path, layer, _tree in _modules()}
    assert seen == set(LAYERS)
