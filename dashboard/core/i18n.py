"""UI strings in message catalogues: ``dashboard/i18n/<part>.<lang>.yaml``.

Each part (core, goals, export, …) has one file per language; keys are nested YAML flattened to
dotted names (``map.no_data``). Finnish is the reference language: Swedish or English falls back to
Finnish for a missing key, and a key missing in Finnish is an error. ``tests`` check that every
key exists in all three languages.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

I18N_DIR = Path(__file__).resolve().parents[1] / "i18n"
LANGS = ("fi", "sv", "en")
DEFAULT_LANG = "fi"


def _flatten(data: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (data or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language; a key defined in two part files is an error."""
    merged: dict[str, str] = {}
    for path in sorted(I18N_DIR.glob(f"*.{lang}.yaml")):
        part = _flatten(yaml.safe_load(path.read_text(encoding="utf-8")))
        clash = set(part) & set(merged)
        if clash:
            raise ValueError(f"{path.name}: keys already defined in another part: {sorted(clash)[:5]}")
        merged.update(part)
    return merged


def normalise_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **values) -> str:
    """Translate ``key`` into ``lang``; ``values`` fill ``{placeholders}``."""
    lang = normalise_lang(lang)
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANG)[key]  # KeyError names the missing key
    return text.format(**values) if values else text
