"""Design tokens have one source: the generated CSS variables and Python constants agree with
dashboard/core/tokens.yaml, and no other module writes a colour of its own."""
from __future__ import annotations

import re
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


def test_tok003_stylesheets_use_the_generated_variables():
    css = (ROOT / "assets" / "10-tilannekuva.css").read_text(encoding="utf-8")
    assert ":root {" not in css and "--tk-muted:" not in css
    assert "var(--tk-muted)" in css
