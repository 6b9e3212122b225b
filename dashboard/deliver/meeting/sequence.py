"""Meeting sequences (kokous): a named, ordered list of dashboard views, one slide each.

A sequence is a YAML file (format in README, "Kokoukset"), validated with pydantic and then view by
view with the same rules as a URL (:func:`dashboard.core.state.validate_state`), so a file that opens is
a file whose every slide opens. Storage sits behind :class:`SequenceStore`:
:class:`FileSequenceStore` over the folder ``TILANNEKUVA_MEETINGS_DIR`` and :class:`DbSequenceStore`
(sequences a coordinator saves in the browser, ``dashboard.deliver.meeting.editor``), read side by
side by :class:`CombinedStore`; the player and the PDF only see the interface.

    title: Strateginen foorumi 12/2026
    date: 2026-12-10
    as_of: 2026-12-01          # optional: every slide pinned to this moment ("tilanne 1.12.2026")
    lang: fi                   # optional
    slides:
      - title: Sopimuksen tavoitteet
        view: /
      - title: Yksinäiset asunnottomat kunnittain
        view: /asuminen?indikaattori=asunnottomat_yksinaiset&vuosi=2022
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dashboard.core.state import InvalidState, ViewState, check_as_of, validate_state

#: A sequence's name in URLs and file names: /kokous/<slug>, <slug>.yaml.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
DEFAULT_DIR = "var/kokoukset"
MAX_SLIDES = 60


def meetings_dir() -> Path:
    """The folder of sequence files (``TILANNEKUVA_MEETINGS_DIR``, default ``var/kokoukset``)."""
    return Path(os.environ.get("TILANNEKUVA_MEETINGS_DIR") or DEFAULT_DIR)


class SequenceError(ValueError):
    """A sequence file or name that cannot be used; the message is Finnish and names the place."""


class Slide(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=200)
    view: str = Field(min_length=1, max_length=500)


class SequenceFile(BaseModel):
    """The YAML file as written by a coordinator (before the views are checked)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=200)
    date: date
    as_of: str | None = None
    lang: str = "fi"
    slides: list[Slide] = Field(min_length=1, max_length=MAX_SLIDES)

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of_text(cls, value):
        return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class PlannedSlide:
    number: int
    title: str
    path: str
    state: ViewState


@dataclass(frozen=True)
class Sequence:
    slug: str
    title: str
    date: date
    as_of: str | None
    lang: str
    slides: tuple[PlannedSlide, ...]


def view_path(registry, state: ViewState) -> str:
    """The page path of a view state (inverse of the path part of :func:`parse_view_url`)."""
    if state.page == "overview":
        return "/"
    if state.page == "profile":
        return "/kuntaprofiili"
    if state.page == "indicator":
        return f"/indikaattori/{state.indicator}"
    for area in registry.agreement.areas:
        if area.key == state.page:
            return f"/{area.slug}"
    return "/"


def parse_view_url(url: str, registry) -> ViewState:
    """A dashboard URL (path and query, host ignored) as a validated view state."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    params = dict(parse_qs(parts.query, keep_blank_values=True))
    if path == "/":
        page = "overview"
    elif path == "/kuntaprofiili":
        page = "profile"
    elif path.startswith("/indikaattori/"):
        page = "indicator"
        params["indikaattori"] = [path.removeprefix("/indikaattori/")]
    else:
        page = next((a.key for a in registry.agreement.areas if f"/{a.slug}" == path), None)
        if page is None:
            raise InvalidState("page", "invalid_page", parts.path)
    # Checked against the registry and the static year bounds: the values are read when it is played.
    return validate_state({**params, "sivu": page}, SimpleNamespace(registry=registry, years_for=None))


def parse_sequence(slug: str, text: str, registry, *, where: str | None = None) -> Sequence:
    """Validate a sequence file's text; every problem raises :class:`SequenceError` naming the place."""
    where = where or f"{slug}.yaml"
    if not SLUG_RE.match(slug):
        raise SequenceError(f"{where}: kokouksen nimi ”{slug}” ei kelpaa (pienet kirjaimet, numerot ja viivat).")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SequenceError(f"{where}: YAML ei ole kelvollista: {exc}") from None
    return validate_sequence(slug, raw, registry, where=where)


def validate_sequence(slug: str, raw, registry, *, where: str) -> Sequence:
    """A sequence from the file format's fields (a file, or a row saved from the browser)."""
    try:
        data = SequenceFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"kenttä {'.'.join(str(p) for p in e['loc']) or '(tiedosto)'}: {e['msg']}"
                             for e in exc.errors())
        raise SequenceError(f"{where}: {problems}") from None
    try:
        as_of = check_as_of(data.as_of)
    except InvalidState as exc:
        raise SequenceError(f"{where}: kenttä as_of: {exc.message}") from None
    if data.lang not in ("fi", "sv", "en"):
        raise SequenceError(f"{where}: kenttä lang: kieli ”{data.lang}” ei kelpaa (fi, sv tai en).")
    slides = []
    for number, slide in enumerate(data.slides, start=1):
        try:
            state = parse_view_url(slide.view, registry)
        except InvalidState as exc:
            raise SequenceError(f"{where}: dia {number} (”{slide.title}”), näkymä {slide.view}: {exc.message}") from None
        # The meeting decides language, projector mode and the pinned moment of every slide.
        state = state.replace(lang=data.lang, forum=True, as_of=as_of or state.as_of)
        slides.append(PlannedSlide(number, slide.title, view_path(registry, state), state))
    return Sequence(slug, data.title, data.date, as_of, data.lang, tuple(slides))


def dump_sequence(sequence: Sequence) -> str:
    """The YAML text of a sequence (what a store writes; parse_sequence reads it back)."""
    data = {"title": sequence.title, "date": sequence.date.isoformat()}
    if sequence.as_of:
        data["as_of"] = sequence.as_of
    data["lang"] = sequence.lang
    data["slides"] = [{"title": s.title, "view": s.path + s.state.query_string(lang="fi", forum=False, as_of=None)}
                      for s in sequence.slides]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


class SequenceStore(Protocol):
    """Where sequences live. The player, the board and the PDF only use this interface."""

    def names(self) -> list[str]: ...

    def load(self, slug: str, registry) -> Sequence: ...

    def save(self, sequence: Sequence) -> None: ...


class FileSequenceStore:
    """One YAML file per sequence in a folder (``<slug>.yaml``)."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else meetings_dir()

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.yaml") if SLUG_RE.match(p.stem))

    def load(self, slug: str, registry) -> Sequence:
        if not SLUG_RE.match(slug or ""):
            raise SequenceError(f"Kokouksen nimi ”{slug}” ei kelpaa.")
        path = self.folder / f"{slug}.yaml"
        if not path.is_file():
            raise SequenceError(f"Kokousta ”{slug}” ei löydy kansiosta {self.folder}.")
        return parse_sequence(slug, path.read_text(encoding="utf-8"), registry, where=str(path))

    def save(self, sequence: Sequence) -> None:
        """Write atomically (a reader never sees half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{sequence.slug}.yaml"
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(dump_sequence(sequence), encoding="utf-8")
        tmp.replace(path)


class DbSequenceStore:
    """Sequences a coordinator saved in the browser (``data_pipeline.meetings``, migration 0007)."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def names(self) -> list[str]:
        from data_pipeline import meetings

        with self.engine.connect() as conn:
            return meetings.names(conn)

    def raw(self, slug: str) -> dict | None:
        from data_pipeline import meetings

        with self.engine.connect() as conn:
            return meetings.get(conn, slug)

    def load(self, slug: str, registry) -> Sequence:
        raw = self.raw(slug) if SLUG_RE.match(slug or "") else None
        if raw is None:
            raise SequenceError(f"Kokousta ”{slug}” ei löydy.")
        fields = {k: raw[k] for k in ("title", "date", "as_of", "lang", "slides") if k in raw}
        return validate_sequence(slug, fields, registry, where=f"kokous {slug}")

    def save(self, sequence: Sequence, *, actor: str = "", previous_slug: str | None = None) -> None:
        from data_pipeline import meetings

        slides = [(s.title, s.path + s.state.query_string(lang="fi", forum=False, as_of=None)) for s in sequence.slides]
        with self.engine.begin() as conn:
            meetings.save(conn, sequence.slug, title=sequence.title, meeting_date=sequence.date, as_of=sequence.as_of,
                          lang=sequence.lang, slides=slides, actor=actor, previous_slug=previous_slug)

    def delete(self, slug: str) -> bool:
        from data_pipeline import meetings

        with self.engine.begin() as conn:
            return meetings.remove(conn, slug)


class CombinedStore:
    """The files and the database side by side: /kokous lists and plays both. A name is the file's
    when both have it (a saved sequence cannot take a file's name, see ``name_taken``)."""

    def __init__(self, files: FileSequenceStore, db: DbSequenceStore | None) -> None:
        self.files, self.db = files, db

    def names(self) -> list[str]:
        return sorted(set(self.files.names()) | set(self.db.names() if self.db else []))

    def load(self, slug: str, registry) -> Sequence:
        if self.db is None or slug in self.files.names():
            return self.files.load(slug, registry)
        return self.db.load(slug, registry)

    def save(self, sequence: Sequence) -> None:
        self.files.save(sequence)


def default_store() -> SequenceStore:
    try:
        from dashboard.data.context import current_context

        engine = current_context().engine
    except Exception:  # noqa: BLE001 - no app: the files alone
        engine = None
    return CombinedStore(FileSequenceStore(), DbSequenceStore(engine) if engine is not None else None)


# --- the editor's form (/tiedonkeruu/kokoukset) ---------------------------------------------------


def sequence_from_form(form, registry) -> tuple[str, dict, list[str]]:
    """(slug, the file format's fields, Finnish problems naming the field) from the editor's form.
    Slides are rows of ``dia_otsikko`` / ``dia_nakyma`` / ``dia_jarjestys``; a row with neither a
    title nor a view is an unused blank row; the order field orders them (ties keep the form's order)."""
    problems = []
    slug = (form.get("tunnus") or "").strip().lower()
    if not SLUG_RE.match(slug):
        problems.append(f"Tunnus ”{slug}”: käytä pieniä kirjaimia a–z, numeroita ja viivoja (enintään 80 merkkiä).")
    title = (form.get("nimi") or "").strip()
    if not title:
        problems.append("Kokouksen nimi puuttuu.")
    elif len(title) > 200:
        problems.append("Kokouksen nimi on liian pitkä (enintään 200 merkkiä).")
    when = (form.get("paiva") or "").strip()
    try:
        date.fromisoformat(when)
    except ValueError:
        problems.append(f"Kokouspäivä ”{when}” ei ole päivämäärä (VVVV-KK-PP).")
    as_of = (form.get("tilanne") or "").strip() or None
    if as_of:
        try:
            as_of = check_as_of(as_of)
        except InvalidState as exc:
            problems.append(f"Lukittu tilanne: {exc.message}")
    lang = form.get("kieli") or "fi"
    if lang not in ("fi", "sv", "en"):
        problems.append(f"Kieli ”{lang}” ei kelpaa (fi, sv tai en).")
        lang = "fi"
    rows = list(zip(form.getlist("dia_otsikko"), form.getlist("dia_nakyma"), form.getlist("dia_jarjestys")))
    used = []
    for index, (s_title, view, order) in enumerate(rows, start=1):
        s_title, view, order = s_title.strip(), view.strip(), order.strip()
        if not s_title and not view:
            continue
        try:
            position = float(order.replace(",", ".")) if order else float(index)
        except ValueError:
            problems.append(f"Rivi {index}: järjestys ”{order}” ei ole numero.")
            position = float(index)
        used.append((position, index, s_title, view))
    used.sort()
    slides = []
    for number, (_pos, index, s_title, view) in enumerate(used, start=1):
        where = f"Dia {number} (rivi {index})"
        if not s_title:
            problems.append(f"{where}: otsikko puuttuu.")
        elif len(s_title) > 200:
            problems.append(f"{where}: otsikko on liian pitkä (enintään 200 merkkiä).")
        if not view:
            problems.append(f"{where}: näkymän osoite puuttuu.")
        elif len(view) > 500:
            problems.append(f"{where}: näkymän osoite on liian pitkä (enintään 500 merkkiä).")
        else:
            try:
                parse_view_url(view, registry)
            except InvalidState as exc:
                problems.append(f"{where}, näkymä {view}: {exc.message}")
        slides.append({"title": s_title, "view": view})
    if not slides:
        problems.append("Kokouksessa ei ole yhtään diaa: anna vähintään yhden dian otsikko ja näkymä.")
    elif len(slides) > MAX_SLIDES:
        problems.append(f"Kokouksessa on {len(slides)} diaa; enintään {MAX_SLIDES}.")
    fields = {"title": title, "date": when, "lang": lang, "slides": slides}
    if as_of:
        fields["as_of"] = as_of
    return slug, fields, problems
