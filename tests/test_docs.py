"""README stays true: every setting, command and snapshot path the code uses is documented."""
from __future__ import annotations

import re
from pathlib import Path

from data_pipeline import snapshot
from data_pipeline.cli import build_parser
from data_pipeline.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE_DIRS = ["app.py", "gunicorn.conf.py", "dashboard", "data_pipeline"]
ENV_RE = re.compile(r"""os\.(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")


def _code_files():
    for entry in CODE_DIRS:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_doc001_every_environment_variable_read_is_listed_in_settings():
    used = {name for f in _code_files() for name in ENV_RE.findall(f.read_text(encoding="utf-8"))}
    assert used, "the scan found no environment reads: the pattern is broken"
    assert used <= set(ENVIRONMENT), f"read but not in settings.ENVIRONMENT: {sorted(used - set(ENVIRONMENT))}"


def test_doc002_every_setting_is_documented_in_readme():
    missing = [name for name in ENVIRONMENT if f"`{name}`" not in README]
    assert not missing, f"settings missing from README's configuration table: {missing}"


def test_doc003_every_cli_command_is_documented():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    missing = [cmd for cmd in sub.choices if f"data_pipeline {cmd}" not in README]
    assert not missing, f"commands missing from README: {missing}"


def test_doc004_snapshot_layout_matches_the_code():
    layout = re.findall(r"^\s{4}(\S+/\S+)\s", snapshot.__doc__, flags=re.M)
    assert len(layout) >= 5
    for path in layout:
        assert path in README, f"snapshot path {path} not in README"


def test_doc005_ci_runs_the_readme_test_command():
    assert "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, flags=re.M)
