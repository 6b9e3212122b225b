"""Views pinned to a moment ("tilanne 5.12.2026"): the ``tilanne`` URL parameter.

A pinned view reads the observation values the database held at that moment
(:func:`dashboard.data.queries.current_observations` over the trigger-kept ``observation_history``), so the
figures of a pre-read or the minutes can be reproduced after later refreshes and corrections.
The moment is carried in the view state (validated here like every other URL field) and applied
to the reads of one render or callback through a context variable, which also becomes part of
every model cache key (``model.registry_key``): pinned and live values are never mixed.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dashboard.core.i18n import t

#: URL parameter of the pinned moment.
PARAM = "tilanne"
#: Dates are read as the end of that day in the county's local time.
LOCAL = ZoneInfo("Europe/Helsinki")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
_PINNED: ContextVar[datetime | None] = ContextVar("tilannekuva_pinned", default=None)


def check_as_of(value, now: datetime | None = None) -> str | None:
    """The canonical ``tilanne`` value (``2026-12-04`` or ``2026-12-05T17:30:00Z``) or None.

    Raises ``InvalidState`` for anything else and for a moment in the future (values for it are not
    known yet, and a pinned view must never change)."""
    from dashboard.core.state import InvalidState, _blank

    if _blank(value):
        return None
    if not isinstance(value, str):
        raise InvalidState("as_of", "invalid_as_of", value)
    text = value.strip()
    if _DATE_RE.match(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InvalidState("as_of", "invalid_as_of", value) from None
        canonical = text
    elif _DATETIME_RE.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidState("as_of", "invalid_as_of", value) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        canonical = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        raise InvalidState("as_of", "invalid_as_of", value)
    if moment_of(canonical) > (now or datetime.now(UTC)):
        raise InvalidState("as_of", "as_of_future", value)
    return canonical


def moment_of(as_of: str) -> datetime:
    """The UTC moment of a canonical ``tilanne`` value (a date means the end of that local day)."""
    if _DATE_RE.match(as_of):
        end = datetime.combine(date.fromisoformat(as_of) + timedelta(days=1), time(0), tzinfo=LOCAL)
        return (end - timedelta(microseconds=1)).astimezone(UTC)
    moment = datetime.fromisoformat(as_of)
    # A moment in whole seconds means that whole second: what was written during it is included
    # (a PDF pinned "now" right after a refresh shows the refresh, not the state a second earlier).
    return moment + timedelta(microseconds=999_999) if moment.microsecond == 0 else moment


def as_of_text(as_of: str, lang: str = "fi") -> str:
    """"tilanne 5.12.2026" or "tilanne 5.12.2026 klo 19.30" (local time), in the UI language."""
    if _DATE_RE.match(as_of):
        d = date.fromisoformat(as_of)
        return t("meeting.pin.date", lang, date=f"{d.day}.{d.month}.{d.year}")
    local = moment_of(as_of).astimezone(LOCAL)
    return t("meeting.pin.moment", lang, date=f"{local.day}.{local.month}.{local.year}",
             time=f"{local.hour}.{local.minute:02d}")


def current() -> str | None:
    """The canonical moment the current render or callback is pinned to (None: live values)."""
    return _PINNED.get()


@contextmanager
def pinned(as_of: str | None):
    """Reads inside the block see the database as it was at ``as_of`` (None: live)."""
    token = _PINNED.set(as_of)
    try:
        yield
    finally:
        _PINNED.reset(token)
