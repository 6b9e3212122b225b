"""Generate the CSS variables and the Python constants from ``dashboard/core/tokens.yaml``.

``python dashboard/core/build_tokens.py`` writes both files; :func:`outputs` returns what they
should contain, so a test can check that the files on disk agree with the source.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "tokens.yaml"
PY_OUT = HERE / "tokens.py"
CSS_OUT = HERE.parents[1] / "assets" / "00-tokens.css"
HEADER = "Generated from dashboard/core/tokens.yaml by `python dashboard/core/build_tokens.py`; do not edit."


def _css_var(name: str) -> str:
    return "--tk-" + name.replace("_", "-")


def _css(tokens: dict) -> str:
    family = ", ".join(f'"{f}"' if " " in f else f for f in tokens["font_family"])
    lines = [f"/* {HEADER} */", "", ":root {"]
    lines += [f"  {_css_var(k)}: {v};" for k, v in tokens["color"].items()]
    lines += [f"  --tk-radius: {tokens['size']['radius']}px;", f"  --tk-font: {family};", "}", "",
              "body.tk-forum-on {"]
    lines += [f"  {_css_var(k)}: {v};" for k, v in tokens["forum"].items()]
    lines += ["}", ""]
    return "\n".join(lines)


def _python(tokens: dict) -> str:
    family = ", ".join(f"'{f}'" if " " in f else f for f in tokens["font_family"])
    out = [f'"""Design tokens. {HEADER}"""', "", f"FONT_FAMILY = {family!r}"]
    out += [f"{k.upper()} = {v!r}" for k, v in tokens["color"].items()]
    out += [f"FORUM_{k.upper()} = {v!r}" for k, v in tokens["forum"].items()]
    out += [f"SIZE_{k.upper()} = {v!r}" for k, v in tokens["size"].items()]
    out.append("#: Map class colours by number of classes.")
    out.append("PALETTES = {" + ", ".join(f"{int(k)}: {v!r}" for k, v in tokens["palette"].items()) + "}")
    out.append("#: Diverging map classes around the benchmark, ordered worse -> better.")
    out.append(f"DIVERGING = {list(tokens['diverging'])!r}")
    out.append(f"AGREEMENT_COLORS = {dict(tokens['agreement'])!r}")
    out.append(f"ROUND_COLORS = {dict(tokens['rounds'])!r}")
    return "\n".join(out) + "\n"


def outputs() -> dict[Path, str]:
    """Each generated file and the text it should have."""
    tokens = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return {PY_OUT: _python(tokens), CSS_OUT: _css(tokens)}


def main() -> int:
    for path, text in outputs().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
