"""Design tokens have one source: the generated CSS variables and Python constants agree with
dashboard/core/tokens.yaml, and no other module writes a colour of its own."""
from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

from dashboard.core import build_tokens

ROOT = Path(__file__).resolve().parents[2]
HEX = re.compile(r"""["']#[0-9a-fA-F]{3,8}["']""")


def test_tok001_generated_files_agree_with_the_source():
    for path, expected in build_tokens.outputs().items():
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.relative_to(ROOT)} differs from dashboard/core/tokens.yaml: run python dashboard/core/build_tokens.py")


def test_tok002_no_colour_constant_outside_the_tokens_module():
    found = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "dashboard").rglob("*.py") if p.name != "tokens.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if HEX.search(line)]
    assert not found, found


# A hex colour (#rgb, #rgba, #rrggbb, #rrggbbaa) or a colour function; not an id such as "#tk-map".
COLOUR = re.compile(r"(?<![\w&/-])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})(?![\w-])|\b(?:rgba?|hsla?)\(")
GENERATED = {"dashboard/core/tokens.py", "assets/00-tokens.css"}


def _python_strings(text: str):
    """String constants of a module, docstrings left out (they may cite an issue such as "#644")."""
    tree = ast.parse(text)
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs]


def _code_lines(path: str, text: str):
    """Lines of a stylesheet or script without its comments (they may name a colour in words)."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    if path.endswith(".js"):
        text = re.sub(r"(?<![:\"'\\])//[^\n]*", "", text)
    return list(enumerate(text.splitlines(), 1))


def literal_colours() -> list[str]:
    """Every literal colour in the product's Python, JavaScript and CSS outside the generated tokens.

    Tests are left out on purpose: they state the colour a user should see. Vendored bundles are not ours."""
    tracked = subprocess.run(["git", "ls-files", "*.py", "*.js", "*.css"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    found = []
    for path in tracked:
        if path in GENERATED or path.startswith(("tests/", "assets/vendor/", "node_modules/")):
            continue
        text = (ROOT / path).read_text(encoding="utf-8")
        chunks = _python_strings(text) if path.endswith(".py") else _code_lines(path, text)
        found += [f"{path}:{n}: {m.group()}" for n, chunk in chunks for m in COLOUR.finditer(chunk)]
    return found


def test_tok004_no_literal_colour_in_css_python_or_javascript():
    found = literal_colours()
    assert not found, "colours belong in dashboard/core/tokens.yaml (then python -m dashboard.core.build_tokens):\n" + "\n".join(found)


def test_tok005_the_colour_check_sees_a_literal_colour():
    assert COLOUR.search("border: 1px solid #c9a227;") and COLOUR.search("rgba(0,0,0,0.25)")
    assert not COLOUR.search("#tk-map") and not COLOUR.search("a #tk-x b")
    assert _python_strings('"""Doc #fff."""\nX = "#fff"\n') == [(2, "#fff")]


def test_tok003_stylesheets_use_the_generated_variables():
    css = (ROOT / "assets" / "10-tilannekuva.css").read_text(encoding="utf-8")
    assert ":root {" not in css and "--tk-muted:" not in css
    assert "var(--tk-muted)" in css
