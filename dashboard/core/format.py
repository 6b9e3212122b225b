"""Numbers, dates and file names in the conventions of each UI language.

Finnish and Swedish: decimal comma, a narrow no-break space (U+202F, the typographic thin space that
never breaks a number across lines) between thousands, the real minus sign U+2212. English: decimal
point and comma thousands. Plotly gets the same convention through ``layout.separators``.
"""
from __future__ import annotations

import math
import re
import unicodedata

THIN_SPACE = "\u202f"
MINUS = "\u2212"
EN_DASH = "\u2013"

_SEPARATORS = {"fi": "," + THIN_SPACE, "sv": "," + THIN_SPACE, "en": ".,"}


def separators(lang: str) -> str:
    """Plotly ``layout.separators``: decimal mark then thousands separator."""
    return _SEPARATORS.get(lang, _SEPARATORS["fi"])


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 0, lang: str = "fi", sign: bool = False) -> str:
    """``12345.678`` -> ``12 345,7`` (fi, 1 decimal). Missing -> en dash."""
    if is_missing(value):
        return EN_DASH
    decimal_mark, thousands = separators(lang)[0], separators(lang)[1]
    text = f"{abs(float(value)):,.{decimals}f}"  # 12,345.7
    text = text.replace(",", "\0").replace(".", decimal_mark).replace("\0", thousands)
    rounded_zero = float(f"{abs(float(value)):.{decimals}f}") == 0
    if value < 0 and not rounded_zero:
        return MINUS + text
    if sign and value > 0 and not rounded_zero:
        return "+" + text
    return text


def date_text(iso: str | None, lang: str = "fi") -> str:
    """``2026-11-22`` -> ``22.11.2026`` (fi, sv) or ``22 Nov 2026`` (en)."""
    if not iso:
        return EN_DASH
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", iso)
    if not m:
        return iso
    y, mo, d = (int(x) for x in m.groups())
    if lang == "en":
        months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return f"{d} {months[mo - 1]} {y}"
    return f"{d}.{mo}.{y}"


def share_text(part: int, whole: int, lang: str = "fi") -> str:
    if not whole:
        return EN_DASH
    return number(100.0 * part / whole, 0, lang) + (THIN_SPACE + "%" if lang != "en" else "%")


def slug(text: str) -> str:
    """ASCII file-name slug: ``Kanta-Häme`` -> ``kanta-hame``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_PERIOD_RE = re.compile(r"^(\d{4})(?:([HQM])(\d{1,2}))?$")


def fmt_period(period: str | None) -> str:
    """A period as people write it: 2025, 2025/H2, 2025/Q3, 2025/M5 (a dash when there is none)."""
    if not period:
        return "–"
    m = _PERIOD_RE.match(str(period))
    if m and m.group(2):
        return f"{m.group(1)}/{m.group(2)}{int(m.group(3))}"
    return str(period)
