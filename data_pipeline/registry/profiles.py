"""A county profile names only its own areas: a check over every profile's files and templates.

Why: a profile copied from another one easily keeps a municipality, a code or the other county's
agreement (issue 11: Pirkanmaa quoting the Kanta-Häme agreement, template examples with 109). The
check lists every name and code of the *other* profiles that appears in this profile's files
(``counties/<key>.yaml`` and every ``counties/<key>.<part>.yaml``: agreement, goals, organisations …)
or in its generated template example rows.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from data_pipeline.registry import REGISTRY_DIR, Registry, profile_names


def _identity(reg: Registry) -> tuple[set[str], set[str]]:
    """(names, codes) that identify a profile's county."""
    c = reg.county
    names = {c.name.fi, c.name.sv, c.name.en, c.agreement.fi, c.agreement.sv, c.agreement.en}
    for r in (c.region, c.welfare_area, *c.subregions):
        names |= {r.name.fi, r.name.sv, r.name.en}
    for m in c.municipalities:
        names |= {m.name.fi, m.name.sv, m.name.en}
    codes = {c.region.code, c.welfare_area.code, *(s.code for s in c.subregions), *c.municipality_codes}
    return {n for n in names if n}, codes


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(k) + _strings(v)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in _strings(v)]
    return []


def profile_texts(key: str, directory: Path = REGISTRY_DIR) -> list[str]:
    """Every string in the profile's own files and in its templates' example rows."""
    from data_pipeline.manual import Regions, _example_row

    texts: list[str] = []
    for path in sorted((directory / "counties").glob(f"{key}*.yaml")):  # the profile and its parts
        if path.stem == key or path.stem.startswith(f"{key}."):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if path.stem == key and isinstance(data, dict):  # the neighbours it is compared with are named on purpose
                data = {k: v for k, v in data.items() if k != "neighbours"}
            texts += _strings(data)
    reg = Registry(directory=directory, county=key)
    regions = Regions.from_registry(reg)
    for name, tpl in reg.templates.templates.items():
        texts += [str(v) for v in _example_row(name, tpl, regions).values()]
    return texts


def foreign_mentions(key: str, directory: Path = REGISTRY_DIR) -> list[str]:
    """'<other profile>: <name or code> in "<text>"' for each mention of another county; [] when clean."""
    own_names, own_codes = _identity(Registry(directory=directory, county=key))
    texts = profile_texts(key, directory)
    found: list[str] = []
    for other in profile_names(directory):
        if other == key:
            continue
        names, codes = _identity(Registry(directory=directory, county=other))
        for token in sorted((names - own_names) | (codes - own_codes)):
            # names are inflected in Finnish (Hämeenlinnassa): a long name matches as a word's start
            tail = "" if len(token) >= 6 and not token.isdigit() else r"(?![\w-])"
            pattern = re.compile(rf"(?<![\w-]){re.escape(token)}{tail}")
            for text in texts:
                if pattern.search(text):
                    found.append(f"{other}: {token!r} in {text[:80]!r}")
                    break
    return found
