"""Manual measures: fill-in templates (CSV + XLSX), validation, loading with history, derived values.

Why: about a third of the agreement's measures exist in no public statistic (domain.md §C). Partners
report them in files they can open in Excel. A file is either loaded completely or not at all: every
problem (file:row:column) is reported at once so the sender can fix the file in one round.

Loading keeps history: a changed row never overwrites the stored one; the old row is marked
superseded (``superseded_at``, ``superseded_by``) and the new one becomes current. An identical
re-load writes nothing. After the entries, the template's ``derive`` rules are recomputed from all
current entries and written as observations, so the dashboard reads manual and statistical values
the same way. Demo (synthetic) entries and observations of a template disappear as soon as real
data for it is loaded.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from data_pipeline.bounds import load_bounds
from data_pipeline.db.schema import manual_entry, observation
from data_pipeline.errors import InputError, Problem
from data_pipeline.load import (
    LoadCounts,
    delete_observations,
    recorded_load,
    stored_keys,
    upsert_observations,
    utcnow,
)
from data_pipeline.progress import Progress
from data_pipeline.registry import Registry, load_registry
from data_pipeline.registry.templates import Column, Template
from data_pipeline.snapshot import sha256_bytes
from data_pipeline.tabular import Table, blank, parse_table, read_table
from data_pipeline.validate import validate_observations

DATA_SHEET = "tiedot"
HELP_SHEET = "ohjeet"
EXAMPLE_MARK = "ESIMERKKI"
EXAMPLE_NOTE = f"{EXAMPLE_MARK} – poista tai korvaa tämä rivi omilla tiedoillasi"
MAX_TEXT = 2000
VALIDATION_ROWS = 1000

TYPE_FI = {
    "region": "aluekoodi",
    "year": "vuosi (VVVV)",
    "half_year": "puolivuosi (VVVVH1 tai VVVVH2)",
    "int": "kokonaisluku",
    "number": "luku (desimaalipilkku käy)",
    "enum": "valinta listalta",
    "text": "teksti",
    "date": "päivämäärä (VVVV-KK-PP tai PP.KK.VVVV)",
    "boolean": "kyllä / ei",
}
TRUE_WORDS = {"kyllä", "kylla", "k", "yes", "y", "true", "1", "ja", "x"}
FALSE_WORDS = {"ei", "e", "no", "n", "false", "0", "nej"}
#: Conditionally required columns: (column, when column, when codes).
REQUIRED_WHEN = [("perustelu", "todennus", {"corrected"})]

#: A realistic example row per template (Finnish Excel conventions: decimal comma). ``{kunta}`` (the
#: profile's example municipality), ``{hva}`` (its wellbeing services county) and ``{maakunta}`` are
#: filled in from the county profile, and ``alue`` "kunta" / "hva" become its codes, so that every
#: profile's templates name only its own areas.
EXAMPLES: dict[str, dict[str, object]] = {
    "asunnottomuus": {"alue": "kunta", "vuosi": 2025, "varke_yksinaiset": 38, "yksinaiset": 41, "pitkaaikaiset": 9,
                      "perheet": 3, "todennus": "korjattu",
                      "perustelu": "Kunnan asiakasrekisterissä kolme asunnotonta enemmän kuin Varken luvussa",
                      "ilmoittaja": "Maija Meikäläinen, sosiaalitoimi, {kunta}"},
    "senioriasuminen": {"alue": "kunta", "vuosi": 2025, "asukkaat": 420, "asunnot": 360,
                        "ilmoittaja": "Matti Virtanen, vuokrataloyhtiö, {kunta}"},
    "esteettomat_asunnot": {"alue": "kunta", "vuosi": 2025, "uudet": 310, "peruskorjatut": 85, "esteettomat_uudet": 240,
                            "esteettomat_peruskorjatut": 30, "ilmoittaja": "Liisa Laine, rakennusvalvonta, {kunta}"},
    "yhteisollisyyskysely": {"alue": "kunta", "vuosi": 2025, "vastaajat": 640, "yhteisolliseksi_kokevat": 215,
                             "ilmoittaja": "{hva}, tietojohtaminen"},
    "yhteiset_tavoitteet": {"alue": "kunta", "vuosi": 2025, "tavoitteet": 24, "yhteiset": 9,
                            "ilmoittaja": "Hyte-koordinaattori, {kunta}"},
    "yhteiset_indikaattorit": {"alue": "kunta", "vuosi": 2025, "indikaattorit": 60, "yhteiset": 38,
                               "ilmoittaja": "Alueellinen hyte-työryhmä"},
    "datakokonaisuus": {"alue": "hva", "vuosi": 2025, "kaytossa": "kyllä", "kaytossa_alkaen": "2025-09-01",
                        "kuvaus": "Yhteinen tilannekuva ({maakunta}): Sotkanet, Tilastokeskus ja kumppaneiden ilmoittamat tiedot",
                        "ilmoittaja": "Alueellinen hyte-työryhmä"},
    "turvallisuuskuva": {"alue": "kunta", "kausi": "2025H2", "tila": "toimitettu", "toimitettu_pvm": "2025-11-14",
                         "aiheet": "arjen turvallisuus; tapaturmat; tulipalot",
                         "ilmoittaja": "Valmiuspäällikkö, {kunta}"},
    "varautumissopimukset": {"alue": "kunta", "vuosi": 2025, "tila": "allekirjoitettu",
                             "allekirjoitettu_pvm": "2025-06-12", "voimassa_asti": "2029-12-31",
                             "seuraava_tarkistus": "2027-06-30",
                             "laajuus": "valmiussuunnittelu; väestönsuojelu; evakuointi; kriisiviestintä",
                             "ilmoittaja": "Pelastuslaitos ({maakunta})"},
    "hyte_kerroin": {"alue": "hva", "vuosi": 2024, "arvo": 46, "sijoitus": 7,
                     "lahde": "THL, hyvinvointialueiden hyte-kerroin 2024 (julkaistu 20.10.2025)",
                     "ilmoittaja": "Hyte-koordinaattori, {hva}"},
    "ruoka_apu": {"alue": "kunta", "vuosi": 2025, "jakokerrat": 150, "saajat": 2300, "kilot": 48500.5,
                  "ilmoittaja": "Ruoka-apuverkosto, {kunta}"},
}


# --- small value helpers ----------------------------------------------------------------------


_blank = blank  # one notion of an empty cell, the reader's


def _fmt_number(value: float) -> str:
    """Finnish decimal comma for files people open in Excel."""
    text = f"{value:.10g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def _num_text(value: str) -> str:
    """'1 234,5' -> '1234.5' (spaces and no-break spaces as thousands separators, decimal comma)."""
    return value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")


def _norm_label(value: str) -> str:
    return re.sub(r"[\s_]+", "_", value.strip().lower())


@dataclass
class Regions:
    """Region codes a template may name, by level, from the county profile."""

    by_level: dict[str, list[str]]
    by_name: dict[str, str]
    #: "kunta" / "hva" -> (code, Finnish name) used in template examples
    example: dict[str, tuple[str, str]] = field(default_factory=dict)
    example_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_registry(cls, registry: Registry) -> Regions:
        county = registry.county
        levels = {
            "kunta": [m.code for m in county.municipalities],
            "hyvinvointialue": [county.welfare_area.code],
            "maakunta": [county.region.code],
            "seutukunta": [s.code for s in county.subregions],
            "maa": [county.country.code],
        }
        names = {m.name.fi.lower(): m.code for m in county.municipalities}
        names.update({m.name.sv.lower(): m.code for m in county.municipalities})
        first = next((m for m in county.municipalities if m.code == county.example_municipality), county.municipalities[0])
        example = {"kunta": (first.code, first.name.fi), "hva": (county.welfare_area.code, county.welfare_area.name.fi)}
        example_names = {"kunta": first.name.fi, "hva": county.welfare_area.name.fi, "maakunta": county.name.fi}
        return cls(levels, names, example, example_names)

    def level_of(self, code: str) -> str | None:
        for level, codes in self.by_level.items():
            if code in codes:
                return level
        return None


# --- templates --------------------------------------------------------------------------------


def _example_row(name: str, tpl: Template, regions: Regions) -> dict[str, object]:
    """The example row: EXAMPLES, or generated values for a template added later."""
    given = EXAMPLES.get(name, {})
    row: dict[str, object] = {}
    for col in tpl.columns:
        if col.name in given and col.type == "region":
            row[col.name] = regions.example[str(given[col.name])][0]
        elif col.name in given:
            value = given[col.name]
            row[col.name] = value.format(**regions.example_names) if isinstance(value, str) else value
        elif col.part is not None:  # a part applies to one level only: left empty in the example
            row[col.name] = ""
        elif col.type == "region":
            row[col.name] = regions.by_level[tpl.region_levels[0]][0]
        elif col.type == "year":
            row[col.name] = 2025
        elif col.type == "half_year":
            row[col.name] = "2025H2"
        elif col.type in ("int", "number"):
            row[col.name] = int(col.min or 0) + (1 if col.required else 0)
        elif col.type == "enum":
            row[col.name] = col.choices[0].fi
        elif col.type == "boolean":
            row[col.name] = "kyllä"
        elif col.type == "date":
            row[col.name] = "2025-06-30"
        else:
            row[col.name] = "Etunimi Sukunimi, organisaatio" if col.name == "ilmoittaja" else ""
    mark = "lisatieto" if "lisatieto" in row else "ilmoittaja"
    row[mark] = EXAMPLE_NOTE if mark == "lisatieto" else f"{EXAMPLE_MARK}: {row[mark]}"
    return row


def _allowed_text(col: Column, tpl: Template, regions: Regions) -> str:
    if col.type == "enum":
        return ", ".join(c.fi for c in col.choices)
    if col.type == "region":
        parts = []
        for level in tpl.region_levels:
            label = {"kunta": "kunnat", "hyvinvointialue": "hyvinvointialue", "maakunta": "maakunta"}[level]
            parts.append(f"{label}: {', '.join(regions.by_level[level])}")
        return "; ".join(parts)
    if col.type == "boolean":
        return "kyllä, ei"
    if col.type in ("int", "number", "year"):
        if col.min is not None and col.max is not None:
            return f"{_fmt_number(col.min)}–{_fmt_number(col.max)}"
        if col.min is not None:
            return f"vähintään {_fmt_number(col.min)}"
        if col.max is not None:
            return f"enintään {_fmt_number(col.max)}"
    if col.type == "half_year":
        return "esim. 2026H1, 2026H2"
    return ""


def _csv_cell(value) -> str:
    if isinstance(value, float):
        return _fmt_number(value)
    return "" if value is None else str(value)


def write_templates(outdir: Path) -> list[Path]:
    """Write ``<template>.csv`` and ``<template>.xlsx`` for every template; returns the paths."""
    registry = load_registry()
    regions = Regions.from_registry(registry)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, tpl in registry.templates.templates.items():
        example = _example_row(name, tpl, regions)
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow(tpl.column_names)
        writer.writerow([_csv_cell(example[c]) for c in tpl.column_names])
        csv_path = outdir / f"{name}.csv"
        csv_path.write_bytes(buf.getvalue().encode("utf-8-sig"))
        xlsx_path = outdir / f"{name}.xlsx"
        _write_xlsx(xlsx_path, name, tpl, example, regions)
        written += [csv_path, xlsx_path]
    return written


def _write_xlsx(path: Path, name: str, tpl: Template, example: dict, regions: Regions) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(tpl.column_names)
    for cell in ws[1]:
        cell.font, cell.fill = bold, head_fill
    ws.freeze_panes = "A2"
    for i, col in enumerate(tpl.columns, start=1):
        letter = get_column_letter(i)
        value = example[col.name]
        cell = ws.cell(row=2, column=i)
        if col.type == "date" and isinstance(value, str) and value:
            cell.value = date.fromisoformat(value)
            cell.number_format = "yyyy-mm-dd"
        else:
            cell.value = value
        if col.type in ("region", "half_year", "text"):  # text format keeps leading zeros (061)
            ws.column_dimensions[letter].number_format = "@"
            cell.number_format = "@"
        width = max(len(col.name), len(_csv_cell(value)), 12) + 2
        ws.column_dimensions[letter].width = min(width, 60)
        rng = f"{letter}2:{letter}{VALIDATION_ROWS}"
        dv = None
        if col.type in ("enum", "boolean"):
            labels = [c.fi for c in col.choices] if col.type == "enum" else ["kyllä", "ei"]
            formula = '"' + ",".join(labels) + '"'
            if len(formula) <= 255:  # Excel's limit for an inline list
                dv = DataValidation(type="list", formula1=formula, allow_blank=not col.required)
                dv.error = f"Valitse jokin: {', '.join(labels)}"
        elif col.type in ("int", "year") and (col.min is not None or col.max is not None):
            lo = int(col.min) if col.min is not None else -(10**9)
            hi = int(col.max) if col.max is not None else 10**9
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
            dv.error = f"Kokonaisluku väliltä {lo}–{hi}" if col.max is not None else f"Kokonaisluku, vähintään {lo}"
        elif col.type == "number" and (col.min is not None or col.max is not None):
            lo = col.min if col.min is not None else -1e12
            hi = col.max if col.max is not None else 1e12
            dv = DataValidation(type="decimal", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
            dv.error = f"Luku väliltä {_fmt_number(lo)}–{_fmt_number(hi)}"
        if dv is not None:
            dv.errorTitle = "Virheellinen arvo"
            dv.showErrorMessage = True
            dv.prompt = col.help.fi
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(rng)

    help_ws = wb.create_sheet(HELP_SHEET)
    lines: list[list[object]] = [
        [tpl.title.fi],
        [],
        ["Lomake", name],
        ["Mittari", tpl.measure],
        ["Vastuutaho", tpl.owner.fi],
        ["Ohje", tpl.instructions.fi],
        [],
        ["Näin täytät"],
        ["1.", f"Kirjoita tiedot välilehdelle \"{DATA_SHEET}\": yksi rivi kutakin aluetta ja kautta kohden."],
        ["2.", f"Poista esimerkkirivi (rivi 2, jossa lukee {EXAMPLE_MARK}) tai korvaa sen arvot omillasi."],
        ["3.", "Jätä puuttuva tieto tyhjäksi. Älä kirjoita nollaa, jos tietoa ei ole."],
        ["4.", "Valintasarakkeissa käytä listan arvoja. Desimaalit pilkulla (esim. 12,5)."],
        ["5.", f"Tallenna tiedosto nimellä, joka alkaa lomakkeen nimellä, esim. {name}_2025.xlsx (tai .csv, erotin ;)."],
        ["6.", "Uusi rivi samalle alueelle ja kaudelle korvaa aiemman, mutta aiempi arvo säilyy historiassa."],
        [],
        ["Sarakkeet"],
        ["Sarake", "Pakollinen", "Tyyppi", "Sallitut arvot", "Ohje"],
    ]
    table_header_row = len(lines)
    for col in tpl.columns:
        required = "kyllä" if col.required else (
            "kyllä, jos todennus = korjattu" if col.name == "perustelu" and "todennus" in tpl.column_names else "ei"
        )
        lines.append([col.name, required, TYPE_FI[col.type], _allowed_text(col, tpl, regions), col.help.fi])
    lines += [[], ["Esimerkki"]]
    lines += [[c, _csv_cell(example[c])] for c in tpl.column_names]
    for row in lines:
        help_ws.append(row)
    help_ws["A1"].font = Font(bold=True, size=14)
    for r in (8, 16, table_header_row, len(lines) - len(tpl.column_names)):
        for cell in help_ws[r]:
            cell.font = bold
    for letter, width in zip("ABCDE", (24, 16, 28, 44, 70)):
        help_ws.column_dimensions[letter].width = width
    for row in help_ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)


# --- reading files ----------------------------------------------------------------------------


#: What a read file holds; the one tabular reader (``data_pipeline.tabular``) fills it.
RawFile = Table


def read_file(path: Path) -> RawFile:
    """Read a filled-in template (CSV in any encoding Excel writes, or the XLSX sheet ``tiedot``)."""
    return read_table(Path(path), sheet=DATA_SHEET)


def read_upload(name: str, content: bytes) -> RawFile:
    """The same reading for bytes already in memory (a browser upload), by the file name's suffix."""
    return parse_table(Path(name), content, sheet=DATA_SHEET)


def identify_template(path: Path, header: list[str], templates: dict[str, Template]) -> tuple[str | None, str | None]:
    """(template name, None) from the file name stem or else the header; (None, problem) otherwise."""
    stem = Path(path).stem.lower()
    for name in sorted(templates, key=len, reverse=True):
        if stem == name or re.match(rf"^{re.escape(name)}[_\-\s.]", stem):
            return name, None
    cols = set(header) - {""}
    matches = [
        n for n, t in templates.items()
        if cols and cols <= set(t.column_names) and {c.name for c in t.columns if c.required} <= cols
    ]
    if len(matches) == 1:
        return matches[0], None
    names = ", ".join(templates)
    if len(matches) > 1:
        return None, f"lomaketta ei voi päätellä sarakkeista (sopii: {', '.join(matches)}); nimeä tiedosto lomakkeen mukaan / ambiguous template: name the file after one of: {names}"
    return None, f"lomaketta ei tunnisteta / unknown template: the file name should start with one of: {names}"


# --- validation -------------------------------------------------------------------------------


@dataclass
class ValidRow:
    row: int
    region: str
    period: str
    data: dict


@dataclass
class ValidFile:
    path: Path
    template: str
    sha256: str
    rows: list[ValidRow]


class _Cells:
    """Converts and checks one row's cells, collecting problems with file:row:column."""

    def __init__(self, path: Path, row: int, problems: list[Problem]):
        self.path, self.row, self.problems = path, row, problems

    def bad(self, column: str, message: str) -> None:
        self.problems.append(Problem(f"{self.path}:{self.row}:{column}", message))

    def convert(self, col: Column, raw, tpl: Template, regions: Regions):
        if _blank(raw):
            if col.required:
                self.bad(col.name, "pakollinen tieto puuttuu / required value is missing")
            return None
        value = raw.strip() if isinstance(raw, str) else raw
        conv = getattr(self, f"_{col.type}")
        return conv(col, value, tpl, regions) if col.type == "region" else conv(col, value)

    def _range(self, col: Column, value: float):
        """The column's own min/max (templates.yaml), else the plausibility bounds of its type."""
        default = load_bounds().column_range(col.type)
        lo = col.min if col.min is not None else default.min
        hi = col.max if col.max is not None else default.max
        if col.type == "year":
            hi = min(hi, load_bounds().latest_year()) if hi is not None else load_bounds().latest_year()
        if lo is not None and value < lo:
            self.bad(col.name, f"arvo {_fmt_number(value)} on pienempi kuin {_fmt_number(lo)} / value below the minimum {_fmt_number(lo)}")
            return None
        if hi is not None and value > hi:
            self.bad(col.name, f"arvo {_fmt_number(value)} on suurempi kuin {_fmt_number(hi)} / value above the maximum {_fmt_number(hi)}")
            return None
        return value

    def _parse_number(self, col: Column, value, whole: bool) -> float | None:
        """A finite number (whole if asked) from a cell; None after reporting the problem."""
        what = "ei kokonaisluku / not a whole number" if whole else "ei luku / not a number"
        if isinstance(value, bool):
            value = str(value)
        try:
            number = float(value) if isinstance(value, int | float) else float(_num_text(str(value)))
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or (whole and number != int(number)):
            self.bad(col.name, f"{what}: {value!r}")
            return None
        return number

    def _number(self, col: Column, value):
        number = self._parse_number(col, value, whole=False)
        return None if number is None else self._range(col, number)

    def _int(self, col: Column, value):
        number = self._parse_number(col, value, whole=True)
        if number is None:
            return None
        checked = self._range(col, int(number))
        return None if checked is None else int(checked)

    _year = _int

    def _half_year(self, col: Column, value):
        text = re.sub(r"[\s\-/]", "", str(value)).upper()
        m = re.fullmatch(r"(\d{4})H([12])", text) or re.fullmatch(r"H([12])(\d{4})", text)
        if not m:
            self.bad(col.name, f"virheellinen puolivuosi / malformed half-year {value!r} (expected YYYYH1 or YYYYH2, e.g. 2026H1)")
            return None
        year, half = (m.group(1), m.group(2)) if text[0].isdigit() else (m.group(2), m.group(1))
        latest = load_bounds().latest_year("half_year")
        if not 2000 <= int(year) <= latest:
            self.bad(col.name, f"vuosi {year} ei ole väliltä 2000–{latest} / year out of range")
            return None
        return f"{year}H{half}"

    def _enum(self, col: Column, value):
        text = _norm_label(str(value))
        for choice in col.choices:
            if text in (choice.code.lower(), _norm_label(choice.fi)):
                return choice.code
        allowed = ", ".join(c.fi for c in col.choices)
        self.bad(col.name, f"arvo {value!r} ei ole sallittu / value not allowed; sallitut / allowed: {allowed}")
        return None

    def _boolean(self, col: Column, value):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.bad(col.name, f"kirjoita kyllä tai ei / expected yes or no, got {value!r}")
        return None

    def _date(self, col: Column, value):
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 < value < 80_000:
            from openpyxl.utils.datetime import (
                from_excel,  # a date cell formatted as a number
            )

            return from_excel(value).date().isoformat()
        text = str(value).strip()
        for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
            try:
                return datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        self.bad(col.name, f"virheellinen päivämäärä / malformed date {value!r} (expected YYYY-MM-DD or DD.MM.YYYY)")
        return None

    def _text(self, col: Column, value):
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            self.bad(col.name, f"teksti on liian pitkä ({len(text)} merkkiä, enintään {MAX_TEXT}) / text too long")
            return None
        return text

    def _region(self, col: Column, value, tpl: Template, regions: Regions):
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            text = f"{int(value):03d}"
        else:
            text = str(value).strip()
            if re.fullmatch(r"\d{1,3}", text):
                text = f"{int(text):03d}"
            text = regions.by_name.get(text.lower(), text.upper())
        level = regions.level_of(text)
        if level is None:
            self.bad(col.name, f"tuntematon aluekoodi / unknown region code {value!r}")
            return None
        if level not in tpl.region_levels:
            allowed = ", ".join(tpl.region_levels)
            self.bad(col.name, f"alue {text} on tasoa {level}; tälle lomakkeelle käyvät / region level not allowed here: {allowed}")
            return None
        return text


def validate_file(raw: RawFile, registry: Registry) -> tuple[ValidFile | None, list[Problem]]:
    """Validate a read file against its template; returns (valid file, []) or (None, problems)."""
    if raw.problems:
        return None, raw.problems
    where = str(raw.path)
    templates = registry.templates.templates
    name, why = identify_template(raw.path, raw.header, templates)
    if name is None:
        return None, [Problem(where, why)]
    tpl = templates[name]
    problems: list[Problem] = []
    known = set(tpl.column_names)
    seen: set[str] = set()
    for i, col in enumerate(raw.header, start=1):
        if col == "":
            problems.append(Problem(f"{where}:1:{i}", "sarakkeelta puuttuu otsikko / column without a name"))
        elif col not in known:
            problems.append(Problem(f"{where}:1:{col}", f"tuntematon sarake / unknown column (lomake {name}: {', '.join(tpl.column_names)})"))
        elif col in seen:
            problems.append(Problem(f"{where}:1:{col}", "sarake on kahteen kertaan / duplicate column"))
        seen.add(col)
    for col in tpl.columns:
        if col.required and col.name not in seen:
            problems.append(Problem(f"{where}:1:{col.name}", "pakollinen sarake puuttuu / required column is missing"))
    if problems:
        return None, problems
    if not raw.rows:
        return None, [Problem(where, "tiedostossa ei ole yhtään tietoriviä / no data rows below the header")]

    regions = Regions.from_registry(registry)
    index = {c: i for i, c in enumerate(raw.header)}
    rows: list[ValidRow] = []
    first_of: dict[tuple[str, str], int] = {}
    ratio_pairs = [
        (n, d) for rule in tpl.derive.values() if rule.ratio and len(rule.ratio[0]) == len(rule.ratio[1])
        for n, d in zip(*rule.ratio)
    ]
    for number, cells in raw.rows:
        check = _Cells(raw.path, number, problems)
        before = len(problems)
        data: dict = {}
        for col in tpl.columns:
            cell = cells[index[col.name]] if col.name in index and index[col.name] < len(cells) else None
            data[col.name] = check.convert(col, cell, tpl, regions)
        extra = [c for i, c in enumerate(cells) if i >= len(raw.header) and not _blank(c)]
        if extra:
            check.bad(str(len(raw.header) + 1), "arvoja otsikoimattomassa sarakkeessa / values beyond the last named column")
        if any(isinstance(v, str) and v.upper().startswith(EXAMPLE_MARK) for v in data.values()):
            check.bad("lisatieto" if "lisatieto" in data else "ilmoittaja",
                      "lomakkeen esimerkkirivi: poista se tai korvaa omilla tiedoilla / the template's example row is still in the file")
        for num, den in ratio_pairs:
            if data.get(num) is not None and data.get(den) is not None and data[num] > data[den]:
                check.bad(num, f"{num} ({data[num]}) ei voi olla suurempi kuin {den} ({data[den]}) / cannot exceed {den}")
        for column, when, codes in REQUIRED_WHEN:
            if column in data and data.get(when) in codes and _blank(data.get(column)):
                check.bad(column, f"pakollinen, kun {when} = {', '.join(_label(tpl, when, c) for c in sorted(codes))} / required when {when} is {', '.join(sorted(codes))}")
        region, period = data.get("alue"), data.get(tpl.period_column)
        for col in tpl.part_columns:  # a part is scored for one kind of organisation only
            if region is not None and data.get(col.name) is not None and region not in regions.by_level.get(col.part.level, []):
                check.bad(col.name, f"osa koskee vain tasoa {col.part.level}, alue {region} ei ole sellainen"
                                    f" / this part applies to level {col.part.level} only")
        if region is not None and period is not None:
            key = (region, str(period))
            if key in first_of:
                check.bad(tpl.period_column, f"sama alue ja kausi kuin rivillä {first_of[key]} / duplicate of row {first_of[key]} (same alue and {tpl.period_column})")
            else:
                first_of[key] = number
        if len(problems) == before:
            rows.append(ValidRow(number, region, str(period), data))
    if problems:
        return None, problems
    return ValidFile(raw.path, name, sha256_bytes(raw.content), rows), []


def validate_path(path: Path, registry: Registry) -> tuple[ValidFile | None, list[Problem]]:
    """Read and validate one file: the single validation path of ``load-manual`` and of uploads in
    the collection area (dashboard/deliver/collect)."""
    return validate_file(read_file(path), registry)


def validate_records(template: str, rows: list[dict], registry: Registry, where: str | None = None,
                     ) -> tuple[ValidFile | None, list[Problem]]:
    """Validate rows typed into the collection area's form (column -> text) with the same rules as a
    file: the rows are numbered as a file's would be (header = row 1)."""
    tpl = registry.templates.templates[template]
    header = list(tpl.column_names)
    numbered = [(i + 2, [row.get(c) for c in header]) for i, row in enumerate(rows)]
    content = json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str).encode()
    return validate_file(RawFile(Path(where or f"{template}.lomake"), content, header, numbered), registry)


def _label(tpl: Template, column: str, code: str) -> str:
    for col in tpl.columns:
        if col.name == column:
            for choice in col.choices:
                if choice.code == code:
                    return choice.fi
    return code


# --- derived observations ---------------------------------------------------------------------


def indicator_map(registry: Registry, template: str) -> dict[str, str]:
    """derive field -> indicator key, for the template's fields the catalogue shows."""
    return {
        ind.source.field: ind.key
        for ind in registry.catalogue.indicators
        if ind.source.kind == "manual" and ind.source.template == template
    }


def derive_observations(registry: Registry, template: str, entries: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """Observations from current entries (dicts with region_code, period, data), plus coverage notes.

    Rules (registry/templates.py ``Derivation``): column, ratio (100·Σnum/Σden; no value when Σden
    is 0), boolean, status_in, count_status (per municipality and year). ``aggregate_to_county``
    adds the county value (ratio of sums / sum) over the municipalities that reported.
    """
    tpl = registry.templates.templates[template]
    keys = indicator_map(registry, template)
    county = registry.county
    municipalities = set(county.municipality_codes)
    out: list[dict] = []
    notes: list[str] = []
    for fname, rule in tpl.derive.items():
        ind = keys.get(fname)
        if ind is None:
            continue
        if rule.count_status:
            counts: dict[tuple[str, str], int] = defaultdict(int)
            for e in entries:
                year = str(e["period"])[:4]
                counts[(e["region_code"], year)] += int(e["data"].get(rule.of) in rule.count_status)
            out += [{"indicator_key": ind, "region_code": r, "period": y, "value": float(n)} for (r, y), n in counts.items()]
            continue
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        reporters: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            d = e["data"]
            value, count = None, None
            if rule.column:
                value = d.get(rule.column)
            elif rule.boolean:
                value = None if d.get(rule.boolean) is None else float(bool(d[rule.boolean]))
            elif rule.status_in:
                value = None if d.get(rule.of) is None else float(d[rule.of] in rule.status_in)
            elif rule.ratio:
                nums = [d.get(c) for c in rule.ratio[0]]
                dens = [d.get(c) for c in rule.ratio[1]]
                if any(v is None for v in nums + dens):
                    continue
                num, den = float(sum(nums)), float(sum(dens))
                if den > 0:
                    value, count = 100.0 * num / den, num
                if e["region_code"] in municipalities:
                    sums[e["period"]][0] += num
                    sums[e["period"]][1] += den
                    reporters[e["period"]].add(e["region_code"])
            if value is None:
                continue
            if rule.column and e["region_code"] in municipalities:
                sums[e["period"]][0] += float(value)
                reporters[e["period"]].add(e["region_code"])
            out.append({"indicator_key": ind, "region_code": e["region_code"], "period": e["period"],
                        "value": float(value), "count": count})
        if tpl.aggregate_to_county and (rule.ratio or rule.column):
            for period, (num, den) in sorted(sums.items()):
                if rule.ratio and den <= 0:
                    continue
                value = 100.0 * num / den if rule.ratio else num
                out.append({"indicator_key": ind, "region_code": county.region.code, "period": period,
                            "value": value, "count": num if rule.ratio else None})
                got = reporters[period]
                if got != municipalities:
                    missing = ", ".join(sorted(municipalities - got))
                    notes.append(f"{ind} {county.region.code} {period}: {len(got)}/{len(municipalities)} kuntaa (puuttuu {missing})")
    frame = pd.DataFrame(out, columns=["indicator_key", "region_code", "period", "value", "count"])
    return frame, notes


# --- loading ----------------------------------------------------------------------------------


def _canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _current_entries(conn: Connection, template: str, synthetic: bool) -> list[dict]:
    rows = conn.execute(
        select(manual_entry.c.id, manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.data).where(
            manual_entry.c.template == template,
            manual_entry.c.superseded_at.is_(None),
            manual_entry.c.synthetic.is_(synthetic),
        )
    ).mappings().all()
    return [dict(r) for r in rows]


def write_entries(conn: Connection, valid: ValidFile, run_id: int) -> LoadCounts:
    """Insert new rows, supersede changed rows, leave identical rows alone."""
    counts = LoadCounts()
    current = {(e["region_code"], e["period"]): e for e in _current_entries(conn, valid.template, False)}
    now = utcnow()
    for row in valid.rows:
        old = current.get((row.region, row.period))
        if old is not None and _canonical(old["data"]) == _canonical(json.loads(_canonical(row.data))):
            counts.unchanged += 1
            continue
        if old is not None:  # free the "one current row" slot first, then link the new row
            conn.execute(update(manual_entry).where(manual_entry.c.id == old["id"]).values(superseded_at=now))
        new_id = conn.execute(
            insert(manual_entry).values(
                template=valid.template,
                region_code=row.region,
                period=row.period,
                data=row.data,
                entered_by=str(row.data.get("ilmoittaja") or "")[:200],
                entered_at=now,
                source_file=str(valid.path),
                source_row=row.row,
                load_run_id=run_id,
                synthetic=False,
            )
        ).inserted_primary_key[0]
        if old is not None:
            conn.execute(update(manual_entry).where(manual_entry.c.id == old["id"]).values(superseded_by=new_id))
            counts.updated += 1
        else:
            counts.inserted += 1
    return counts


def refresh_derived(conn: Connection, registry: Registry, template: str, run_id: int) -> tuple[LoadCounts, list[str]]:
    """Recompute the template's observations from its current real entries; drop stale ones."""
    frame, notes = derive_observations(registry, template, _current_entries(conn, template, False))
    indicators = sorted(indicator_map(registry, template).values())
    counts = LoadCounts()
    if not indicators:
        return counts, notes
    county = registry.county
    codes = county.municipality_codes + [county.region.code, county.welfare_area.code, county.country.code]
    frame = validate_observations(frame, indicators=registry.indicators, regions=codes, source=f"{template} (johdetut arvot)")
    counts += upsert_observations(conn, frame.assign(synthetic=False), run_id)
    stored = stored_keys(conn, observation.c.indicator_key.in_(indicators))
    produced = set(zip(frame["indicator_key"], frame["region_code"], frame["period"].astype(str)))
    stale = stored[[(k, r, p) not in produced for k, r, p in zip(stored["indicator_key"], stored["region_code"], stored["period"])]]
    counts.deleted += delete_observations(conn, stale)  # includes synthetic rows: the indicator is real now
    return counts, notes


def drop_synthetic_entries(conn: Connection, template: str) -> int:
    res = conn.execute(delete(manual_entry).where(and_(manual_entry.c.template == template, manual_entry.c.synthetic.is_(True))))
    return res.rowcount or 0


def load_manual_files(engine: Engine, files, progress: Progress | None = None, registry: Registry | None = None) -> list[dict]:
    """Validate every file, then load each in its own transaction; any problem anywhere loads nothing.

    Returns one summary per file: file, template, run_id, rows, inserted, superseded, unchanged,
    observations (inserted/updated/unchanged/deleted) and coverage notes.
    """
    from data_pipeline.sync import sync_registry

    progress = progress or Progress(quiet=True)
    registry = registry or load_registry()
    files = [Path(f) for f in files]
    valid: list[ValidFile] = []
    problems: list[Problem] = []
    for path in files:
        vf, found = validate_path(path, registry)
        problems += found
        if vf is not None:
            valid.append(vf)
            progress.step(f"{path}: {len(vf.rows)} rows valid ({vf.template})")
    if problems:
        raise InputError(str(files[0]) if len(files) == 1 else f"{len(files)} files", problems)
    summaries = []
    for vf in valid:
        with recorded_load(engine, source="manual", dataset=vf.template, location=str(vf.path), sha256=vf.sha256) as (run, conn):
            sync_registry(conn, registry)
            removed = drop_synthetic_entries(conn, vf.template)  # frees the slots demo rows hold
            entries = write_entries(conn, vf, run.id)
            from data_pipeline.collect import apply_embargo, record_history

            record_history(conn, vf.template, run.id, actor="cli")  # the administrator's submission
            obs, notes = refresh_derived(conn, registry, vf.template, run.id)
            apply_embargo(conn, registry, vf.template, run.id)  # sums that include embargoed partner values
            run.counts += entries
            run.counts += obs
            run.counts.deleted += removed
            run.note = "; ".join(notes) or None
        summaries.append(
            {
                "file": str(vf.path),
                "template": vf.template,
                "run_id": run.id,
                "rows": len(vf.rows),
                "inserted": entries.inserted,
                "superseded": entries.updated,
                "unchanged": entries.unchanged,
                "synthetic_removed": removed,
                "observations": {"inserted": obs.inserted, "updated": obs.updated, "unchanged": obs.unchanged, "deleted": obs.deleted},
                "coverage": notes,
            }
        )
        progress.step(
            f"{vf.path}: {entries.inserted} new, {entries.updated} superseded, {entries.unchanged} unchanged; "
            f"observations {obs.inserted} new, {obs.updated} changed, {obs.deleted} removed"
        )
    return summaries
