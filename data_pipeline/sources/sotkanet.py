"""Sotkanet REST 1.1 (THL): indicator catalogue, regions and data rows.

    GET /indicators                                   → catalogue (id resolution by title)
    GET /regions                                      → the national region list
    GET /json?indicator=ID&years=Y1&years=Y2&genders= → every region, every year asked for

The data endpoint returns all regions of every category, so one request per indicator (all years
at once) is enough and rows are filtered here: regions of categories the database does not store
(ERVA, AVI, hospital districts…) are dropped and counted; a region id that /regions does not list
at all is a problem in the input. A null value is no row: missing is never 0.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, select, update

from data_pipeline.db.schema import indicator as indicator_table
from data_pipeline.errors import InputError, Problem
from data_pipeline.load import LoadCounts
from data_pipeline.registry import Registry
from data_pipeline.snapshot import Snapshot

SOURCE = "sotkanet"
BASE_URL = "https://sotkanet.fi/rest/1.1/"
SEXES = ("total", "male", "female")

#: Sotkanet region category → (level in the region table, code prefix, digits).
CATEGORIES = {
    "KUNTA": ("kunta", "", 3),
    "SEUTUKUNTA": ("seutukunta", "SK", 3),
    "MAAKUNTA": ("maakunta", "MK", 2),
    "HYVINVOINTIALUE": ("hyvinvointialue", "HVA", 2),
    "MAA": ("maa", "SSS", 0),
}
SORT_BASE = {"maa": 1, "maakunta": 200, "hyvinvointialue": 300, "seutukunta": 400, "kunta": 1000}


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _shape_error(snapshot: Snapshot, problems: list[Problem]) -> InputError:
    return InputError(str(snapshot.path), problems)


def _top_list(snapshot: Snapshot, what: str) -> list:
    data = snapshot.json()
    if not isinstance(data, list):
        raise _shape_error(
            snapshot, [Problem(f"{snapshot.path} $", f"{what} must be a JSON list, got {type(data).__name__}")]
        )
    return data


# --- catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    id: int
    title_fi: str
    title_sv: str = ""
    title_en: str = ""
    organization: str = ""
    region_levels: tuple[str, ...] = ()


def parse_catalogue(snapshot: Snapshot) -> dict[int, CatalogueEntry]:
    """GET /indicators → {id: entry}; every malformed entry is reported by its JSON index."""
    data = _top_list(snapshot, "the indicator catalogue")
    problems: list[Problem] = []
    out: dict[int, CatalogueEntry] = {}
    for i, item in enumerate(data):
        at = f"{snapshot.path} [{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(at, f"catalogue entry must be an object, got {type(item).__name__}"))
            continue
        ident, title = item.get("id"), item.get("title")
        if not _is_int(ident):
            problems.append(Problem(f"{at}.id", f"indicator id must be an integer, got {ident!r}"))
        if not isinstance(title, dict) or not isinstance(title.get("fi"), str) or not title["fi"].strip():
            problems.append(Problem(f"{at}.title.fi", "a Finnish title (title.fi) is required"))
            continue
        if not _is_int(ident):
            continue
        if ident in out:
            problems.append(Problem(f"{at}.id", f"indicator id {ident} occurs twice"))
        org = item.get("organization")
        org_title = org.get("title") if isinstance(org, dict) else None
        levels = ((item.get("classifications") or {}).get("region") or {}).get("values") or []
        if not isinstance(levels, list) or not all(isinstance(v, str) for v in levels):
            problems.append(Problem(f"{at}.classifications.region.values", "must be a list of strings"))
            levels = []
        out[ident] = CatalogueEntry(
            id=ident,
            title_fi=html.unescape(title["fi"]).strip(),
            title_sv=html.unescape(str(title.get("sv") or "")).strip(),
            title_en=html.unescape(str(title.get("en") or "")).strip(),
            organization=html.unescape(str(org_title.get("fi") or "")) if isinstance(org_title, dict) else "",
            region_levels=tuple(levels),
        )
    if problems:
        raise _shape_error(snapshot, problems)
    return out


# --- regions ----------------------------------------------------------------------------------


@dataclass
class RegionList:
    """The national regions from /regions: rows for the region table plus every listed id."""

    frame: pd.DataFrame
    categories: dict[int, str] = field(default_factory=dict)


def _code(category: str, raw: str) -> str | None:
    level, prefix, digits = CATEGORIES[category]
    if category == "MAA":
        return "SSS"
    if not raw.isdigit() or len(raw) > digits:
        return None
    return prefix + raw.zfill(digits)


def parse_regions(snapshot: Snapshot) -> RegionList:
    """GET /regions → region rows (kunta, seutukunta, maakunta, hyvinvointialue, maa).

    Municipalities get their sub-region and region from ``memberOf``. Other categories are kept
    only as ids, so data rows for them can be told apart from unknown ids.
    """
    data = _top_list(snapshot, "the region list")
    problems: list[Problem] = []
    entries: dict[int, tuple[int, dict]] = {}
    for i, item in enumerate(data):
        at = f"{snapshot.path} [{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(at, f"region must be an object, got {type(item).__name__}"))
            continue
        ident = item.get("id")
        if not _is_int(ident):
            problems.append(Problem(f"{at}.id", f"region id must be an integer, got {ident!r}"))
            continue
        for key, kind in (("category", str), ("code", str), ("title", dict)):
            if not isinstance(item.get(key), kind):
                problems.append(Problem(f"{at}.{key}", f"missing or not a {kind.__name__}: {item.get(key)!r}"))
        if isinstance(item.get("title"), dict) and not isinstance(item["title"].get("fi"), str):
            problems.append(Problem(f"{at}.title.fi", "a Finnish name (title.fi) is required"))
        if ident in entries:
            problems.append(Problem(f"{at}.id", f"region id {ident} occurs twice"))
        entries[ident] = (i, item)
    if problems:
        raise _shape_error(snapshot, problems)

    categories = {ident: item["category"] for ident, (_, item) in entries.items()}
    codes: dict[int, str] = {}
    for ident, (i, item) in entries.items():
        if item["category"] in CATEGORIES:
            code = _code(item["category"], item["code"])
            if code is None:
                problems.append(Problem(f"{snapshot.path} [{i}].code", f"{item['category']} code {item['code']!r} is malformed"))
            else:
                codes[ident] = code
    rows = []
    for ident, code in codes.items():
        i, item = entries[ident]
        level = CATEGORIES[item["category"]][0]
        title = item["title"]
        sub = parent = None
        if level == "kunta":
            members = item.get("memberOf") or []
            if not isinstance(members, list):
                problems.append(Problem(f"{snapshot.path} [{i}].memberOf", "must be a list of region ids"))
                members = []
            for m in members:
                cat = categories.get(m) if _is_int(m) else None
                if cat == "SEUTUKUNTA" and m in codes:
                    sub = codes[m]
                elif cat == "MAAKUNTA" and m in codes:
                    parent = codes[m]
        rows.append(
            {
                "code": code,
                "level": level,
                "name_fi": title["fi"][:120],
                "name_sv": str(title.get("sv") or title["fi"])[:120],
                "name_en": str(title.get("en") or title["fi"])[:120],
                "subregion_code": sub,
                "region_code": parent,
                "sotkanet_id": ident,
                "in_county": False,
            }
        )
    frame = pd.DataFrame(rows, columns=["code", "level", "name_fi", "name_sv", "name_en", "subregion_code",
                                        "region_code", "sotkanet_id", "in_county"])
    dup = frame[frame.duplicated("code", keep=False)]
    for code, grp in dup.groupby("code"):
        problems.append(Problem(str(snapshot.path), f"region code {code} is used by ids {sorted(grp['sotkanet_id'])}"))
    if problems:
        raise _shape_error(snapshot, problems)
    frame = frame.sort_values(["level", "name_fi"]).reset_index(drop=True)
    frame["sort_order"] = frame["level"].map(SORT_BASE) + frame.groupby("level").cumcount()
    return RegionList(frame=frame, categories=categories)


# --- id resolution ----------------------------------------------------------------------------

_DISCONTINUED = re.compile(r"\s*\(-\s*\d{4}\)\s*$")


def normalise_title(text: str) -> str:
    """Lower-case, unescape entities, one space, '17 - 24' == '17-24', no '(-2019)' suffix."""
    t = html.unescape(text).lower().replace("\u2013", "-").replace("\u2014", "-")
    t = _DISCONTINUED.sub("", t)
    t = re.sub(r"\s*-\s*", "-", t)
    return re.sub(r"\s+", " ", t).strip()


def is_discontinued(title: str) -> bool:
    return bool(_DISCONTINUED.search(title))


@dataclass(frozen=True)
class Resolution:
    key: str
    sotkanet_id: int | None
    sotkanet_title: str | None
    resolution: str  # verified | by_title | ambiguous | not_found

    @property
    def loadable(self) -> bool:
        return self.resolution in ("verified", "by_title") and self.sotkanet_id is not None


def _prefer(candidates: list[CatalogueEntry]) -> list[CatalogueEntry]:
    for keep in (lambda e: "Kunta" in e.region_levels, lambda e: not is_discontinued(e.title_fi)):
        preferred = [e for e in candidates if keep(e)]
        if preferred:
            candidates = preferred
    return candidates


def resolve_indicators(registry: Registry, catalogue: Mapping[int, CatalogueEntry]) -> list[Resolution]:
    """Resolve every Sotkanet indicator of the registry against the catalogue.

    An explicit id is ``verified`` when the catalogue lists it. A title is matched exactly after
    normalisation, else as a substring; ties are broken by preferring municipality-level and
    current (no "(-YYYY)") entries. Several survivors are ``ambiguous``: left for a human, with the
    candidates named in ``sotkanet_title``.
    """
    by_title: dict[str, list[CatalogueEntry]] = {}
    for entry in catalogue.values():
        by_title.setdefault(normalise_title(entry.title_fi), []).append(entry)
    out = []
    for ind in registry.catalogue.indicators:
        src = ind.source
        if src.kind != "sotkanet":
            continue
        if src.id is not None:
            entry = catalogue.get(src.id)
            out.append(Resolution(ind.key, src.id, entry.title_fi if entry else None, "verified" if entry else "not_found"))
            continue
        wanted = normalise_title(src.title_fi or "")
        candidates = by_title.get(wanted) or [e for t, es in by_title.items() if wanted in t for e in es]
        candidates = _prefer(sorted(candidates, key=lambda e: e.id))
        if len(candidates) == 1:
            out.append(Resolution(ind.key, candidates[0].id, candidates[0].title_fi, "by_title"))
        elif candidates:
            listed = "; ".join(f"{e.id}: {e.title_fi}" for e in candidates)
            out.append(Resolution(ind.key, None, f"candidates {listed}"[:4000], "ambiguous"))
        else:
            out.append(Resolution(ind.key, None, None, "not_found"))
    return out


def store_resolutions(conn: Connection, resolutions: Iterable[Resolution], now: datetime) -> LoadCounts:
    """Write resolved ids to the indicator rows; an unchanged resolution keeps its resolved_at."""
    counts = LoadCounts()
    cols = indicator_table.c
    current = {
        r.key: r
        for r in conn.execute(select(cols.key, cols.sotkanet_id, cols.sotkanet_title, cols.resolution))
    }
    for res in resolutions:
        old = current.get(res.key)
        if old is None:
            continue  # not synced (cannot happen after sync_registry)
        if (old.sotkanet_id, old.sotkanet_title, old.resolution) == (res.sotkanet_id, res.sotkanet_title, res.resolution):
            counts.unchanged += 1
            continue
        conn.execute(
            update(indicator_table)
            .where(cols.key == res.key)
            .values(sotkanet_id=res.sotkanet_id, sotkanet_title=res.sotkanet_title, resolution=res.resolution,
                    resolved_at=now)
        )
        counts.updated += 1
    return counts


# --- data -------------------------------------------------------------------------------------


def data_params(sotkanet_id: int, years: Sequence[int], genders: Sequence[str]) -> list[tuple[str, object]]:
    """Query of the data endpoint: one indicator, every year and gender repeated."""
    return [("indicator", sotkanet_id)] + [("years", y) for y in years] + [("genders", g) for g in genders]


@dataclass
class ParsedData:
    frame: pd.DataFrame
    problems: list[Problem]
    rows_read: int
    filtered: Counter
    #: Region id → rows skipped because the recorded region list does not have that id.
    unknown_regions: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        parts = [f"{self.rows_read} rows read"]
        parts += [f"{n} {why}" for why, n in sorted(self.filtered.items())]
        if self.unknown_regions:
            ids = sorted(self.unknown_regions)
            listed = ", ".join(str(i) for i in ids[:30]) + (f" … ({len(ids)} ids)" if len(ids) > 30 else "")
            parts.append(f"{sum(self.unknown_regions.values())} rows skipped for region ids not in the region list: {listed}")
        return ", ".join(parts)


REQUIRED_FIELDS = ("indicator", "region", "year", "gender", "value")


def parse_data(
    snapshot: Snapshot,
    *,
    indicator_key: str,
    sotkanet_id: int,
    region_codes: Mapping[int, str],
    region_categories: Mapping[int, str],
    genders: Sequence[str] = ("total",),
    years: tuple[int, int] | None = None,
) -> ParsedData:
    """GET /json rows → observation frame (with ``where`` = JSON index) and the problems found.

    Structural problems that make the file unreadable raise InputError at once; row-level
    problems are returned so that validation can report them together with its own.
    """
    data = _top_list(snapshot, "the data response")
    path = str(snapshot.path)
    problems: list[Problem] = []
    not_objects = [i for i, r in enumerate(data) if not isinstance(r, dict)]
    for i in not_objects[:20]:
        problems.append(Problem(f"{path} [{i}]", f"row must be an object, got {type(data[i]).__name__}"))
    if not_objects:
        raise InputError(path, problems)
    for f in REQUIRED_FIELDS:
        lacking = [i for i, r in enumerate(data) if f not in r]
        if lacking:
            head = ", ".join(f"[{i}]" for i in lacking[:3])
            more = f" (and {len(lacking) - 3} more rows)" if len(lacking) > 3 else ""
            problems.append(Problem(f"{path} {head}", f"field {f!r} is missing{more}"))
    for f, check, expected in (
        ("indicator", _is_int, "an integer indicator id"),
        ("region", _is_int, "an integer region id"),
        ("year", _is_int, "an integer year"),
        ("gender", lambda v: isinstance(v, str), "a string (total, male or female)"),
    ):
        bad = [i for i, r in enumerate(data) if f in r and not check(r[f])]
        for i in bad[:5]:
            problems.append(Problem(f"{path} [{i}].{f}", f"expected {expected}, got {data[i][f]!r}"))
    if problems:
        raise InputError(path, problems)
    columns = list(REQUIRED_FIELDS) + ["absValue"]
    raw = pd.DataFrame.from_records(data, columns=columns) if data else pd.DataFrame(columns=columns)
    raw["where"] = [f"[{i}]" for i in range(len(raw))]
    filtered: Counter = Counter()

    wrong = raw["indicator"] != sotkanet_id
    for i in raw.index[wrong][:5]:
        problems.append(Problem(f"{path} [{i}].indicator", f"row of indicator {raw.at[i, 'indicator']}, expected {sotkanet_id}"))
    raw = raw[~wrong]

    if years is not None:
        out_of_range = ~raw["year"].between(*years)
        filtered["rows outside the requested years"] += int(out_of_range.sum())
        raw = raw[~out_of_range]
    other_gender = raw["gender"].isin(SEXES) & ~raw["gender"].isin(genders)
    filtered["rows of genders not requested"] += int(other_gender.sum())
    raw = raw[~other_gender]
    null = raw["value"].isna()
    filtered["null values (no row)"] += int(null.sum())
    raw = raw[~null]

    codes = raw["region"].map(region_codes)
    listed = raw["region"].map(lambda r: r in region_categories)
    skipped = codes.isna() & listed
    for cat, n in raw.loc[skipped, "region"].map(region_categories).value_counts().items():
        filtered[f"rows for {cat} regions (not stored)"] += int(n)
    # Sotkanet adds region categories over time (the welfare areas came in 2023), so a well-formed
    # id that the region list does not know is skipped and reported, never a reason to refuse the
    # dataset; a malformed id was already an error above.
    unknown = codes.isna() & ~listed
    unknown_ids = Counter({int(k): int(v) for k, v in raw.loc[unknown, "region"].value_counts().items()})
    keep = ~codes.isna()
    frame = pd.DataFrame(
        {
            "indicator_key": indicator_key,
            "region_code": codes[keep].astype(str),
            "period": raw.loc[keep, "year"].astype(str),
            "sex": raw.loc[keep, "gender"],
            "value": raw.loc[keep, "value"],
            "count": raw.loc[keep, "absValue"],
            "where": raw.loc[keep, "where"],
        }
    ).reset_index(drop=True)
    filtered = Counter({k: v for k, v in filtered.items() if v})
    return ParsedData(frame=frame, problems=problems, rows_read=len(data), filtered=filtered,
                      unknown_regions=unknown_ids)
