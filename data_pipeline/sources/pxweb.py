"""A general reader for PxWeb's JSON-stat 2.0 responses.

JSON-stat stores a cube: ``id`` names the dimensions, ``size`` their lengths, ``value`` the cells in
row-major order (the last dimension varies fastest), either as a dense list or as a sparse
``{"position": value}`` object. Each dimension's ``category.index`` maps codes to positions, as an
object or as a list of codes. This module turns the cube into a long frame, one row per cell:

    <dim 1> … <dim n> | value | status | position

and checks the structure first: a response that does not add up (sizes vs. values, a dimension
named in ``id`` but missing, an index that is not a permutation…) is rejected with the JSON path of
every problem rather than being read into shifted, wrong numbers.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from data_pipeline.errors import InputError, Problem
from data_pipeline.snapshot import Snapshot


@dataclass
class JsonStat:
    """A parsed dataset: the long frame plus the dimensions in their declared order."""

    frame: pd.DataFrame
    dimensions: dict[str, list[str]]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    label: str = ""
    updated: str | None = None

    @property
    def updated_at(self) -> datetime | None:
        """The dataset's ``updated`` stamp (when Statistics Finland last updated the table) as a
        UTC time; None when the response has none or it is not an ISO time (the values still load)."""
        if not self.updated:
            return None
        try:
            stamp = datetime.fromisoformat(str(self.updated).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _categories(dim: str, spec: Any, size: int, where: str, problems: list[Problem]) -> list[str] | None:
    """Codes of one dimension in position order, or None after recording the problem."""
    at = f"{where} $.dimension.{dim}"
    if not isinstance(spec, dict) or not isinstance(spec.get("category"), dict):
        problems.append(Problem(f"{at}.category", "a dimension needs a 'category' object"))
        return None
    cat = spec["category"]
    index, labels = cat.get("index"), cat.get("label")
    if index is None:
        # The spec allows omitting the index of a single-category dimension.
        if isinstance(labels, dict) and len(labels) == 1:
            codes = list(labels)
        else:
            problems.append(Problem(f"{at}.category.index", "missing (allowed only for one category with a label)"))
            return None
    elif isinstance(index, list):
        if not all(isinstance(c, str) for c in index):
            problems.append(Problem(f"{at}.category.index", "a list index must hold category codes (strings)"))
            return None
        codes = list(index)
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(_is_int(p) for p in positions) or sorted(positions) != list(range(len(positions))):
            problems.append(
                Problem(f"{at}.category.index", f"positions must be 0…{len(positions) - 1}, each once; got {positions[:10]}")
            )
            return None
        codes = sorted(index, key=index.__getitem__)
    else:
        problems.append(Problem(f"{at}.category.index", f"must be an object or a list, got {type(index).__name__}"))
        return None
    if len(set(codes)) != len(codes):
        problems.append(Problem(f"{at}.category.index", "a category code occurs twice"))
        return None
    if len(codes) != size:
        problems.append(Problem(f"{at}.category.index", f"has {len(codes)} categories but size says {size}"))
        return None
    return codes


def _values(data: dict, n: int, where: str, problems: list[Problem]) -> tuple[np.ndarray, list] | None:
    """(positions, values) of the cells present; dense lists give every position."""
    value = data.get("value")
    if isinstance(value, list):
        if len(value) != n:
            problems.append(Problem(f"{where} $.value", f"has {len(value)} values but the sizes multiply to {n}"))
            return None
        return np.arange(n), value
    if isinstance(value, dict):
        try:
            positions = [int(k) for k in value]
        except ValueError:
            problems.append(Problem(f"{where} $.value", "keys of a sparse value object must be cell positions"))
            return None
        outside = [p for p in positions if not 0 <= p < n]
        if outside:
            problems.append(Problem(f"{where} $.value", f"positions {outside[:5]} outside 0…{n - 1}"))
            return None
        order = np.argsort(positions, kind="stable")
        vals = list(value.values())
        return np.asarray(positions, dtype=np.int64)[order], [vals[i] for i in order]
    problems.append(Problem(f"{where} $.value", f"must be a list or an object, got {type(value).__name__}"))
    return None


def _status(data: dict, positions: np.ndarray, n: int, where: str, problems: list[Problem]) -> list | None:
    status = data.get("status")
    if status is None:
        return None
    if isinstance(status, str):
        return [status] * len(positions)
    if isinstance(status, list):
        if len(status) not in (1, n):
            problems.append(Problem(f"{where} $.status", f"has {len(status)} entries; expected 1 or {n}"))
            return None
        return [status[0]] * len(positions) if len(status) == 1 else [status[p] for p in positions]
    if isinstance(status, dict):
        try:
            by_pos = {int(k): v for k, v in status.items()}
        except ValueError:
            problems.append(Problem(f"{where} $.status", "keys of a status object must be cell positions"))
            return None
        return [by_pos.get(int(p)) for p in positions]
    problems.append(Problem(f"{where} $.status", f"must be a string, list or object, got {type(status).__name__}"))
    return None


def read_jsonstat(data: Any, where: str) -> JsonStat:
    """JSON-stat 2.0 dataset → long frame; InputError with JSON paths if the structure is wrong."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputError(where, [Problem(f"{where} $", f"a JSON-stat dataset is an object, got {type(data).__name__}")])
    if data.get("class", "dataset") != "dataset":
        problems.append(Problem(f"{where} $.class", f"expected 'dataset', got {data.get('class')!r}"))
    if data.get("version") not in ("2.0", None):
        problems.append(Problem(f"{where} $.version", f"expected JSON-stat 2.0, got {data.get('version')!r}"))
    ids, sizes, dims = data.get("id"), data.get("size"), data.get("dimension")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        problems.append(Problem(f"{where} $.id", "must be a non-empty list of dimension names"))
    elif len(set(ids)) != len(ids):
        problems.append(Problem(f"{where} $.id", f"a dimension is named twice: {ids}"))
    if not isinstance(sizes, list) or not all(_is_int(s) and s >= 0 for s in sizes):
        problems.append(Problem(f"{where} $.size", "must be a list of non-negative integers"))
    if not isinstance(dims, dict):
        problems.append(Problem(f"{where} $.dimension", "must be an object keyed by dimension name"))
    if problems:
        raise InputError(where, problems)
    if len(sizes) != len(ids):
        raise InputError(where, [Problem(f"{where} $.size", f"has {len(sizes)} entries for {len(ids)} dimensions")])

    dimensions: dict[str, list[str]] = {}
    for dim, size in zip(ids, sizes):
        if dim not in dims:
            problems.append(Problem(f"{where} $.dimension.{dim}", f"dimension {dim!r} is listed in id but missing"))
            continue
        codes = _categories(dim, dims[dim], size, where, problems)
        if codes is not None:
            dimensions[dim] = codes
    n = math.prod(sizes)
    if n == 0:
        problems.append(Problem(f"{where} $.size", f"the dataset is empty (sizes {sizes})"))
    cells = _values(data, n, where, problems) if n else None
    if cells is not None and len(cells[1]) == 0:
        problems.append(Problem(f"{where} $.value", "the dataset has no values"))
    status = _status(data, cells[0], n, where, problems) if cells is not None else None
    if problems:
        raise InputError(where, problems)

    positions, values = cells
    columns: dict[str, Any] = {}
    stride = n
    for dim, size in zip(ids, sizes):
        stride //= size
        codes = np.asarray(dimensions[dim], dtype=object)
        columns[dim] = codes[(positions // stride) % size]
    columns["value"] = pd.Series(values, dtype=None if _all_numbers(values) else object)
    if status is not None:
        columns["status"] = status
    columns["position"] = positions
    frame = pd.DataFrame(columns)
    labels = {
        dim: {str(k): str(v) for k, v in (dims[dim]["category"].get("label") or {}).items()} for dim in dimensions
    }
    roles = data.get("role") if isinstance(data.get("role"), dict) else {}
    return JsonStat(frame, dimensions, labels, roles, str(data.get("label") or ""), data.get("updated"))


def _all_numbers(values: list) -> bool:
    return all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values)


def parse_jsonstat(snapshot: Snapshot) -> JsonStat:
    return read_jsonstat(snapshot.json(), str(snapshot.path))


# --- area codes -------------------------------------------------------------------------------

_AREA = [
    (re.compile(r"^KU(\d{3})$"), lambda m: m.group(1)),
    (re.compile(r"^(\d{3})$"), lambda m: m.group(1)),
    (re.compile(r"^(MK\d{2})$"), lambda m: m.group(1)),
    (re.compile(r"^(SK\d{3})$"), lambda m: m.group(1)),
    (re.compile(r"^(HVA\d{2})$"), lambda m: m.group(1)),
    (re.compile(r"^(SSS)$"), lambda m: m.group(1)),
]


def area_code(code: str) -> str:
    """StatFin area code → region code: 'KU109'→'109', 'MK05', 'SK051', 'HVA07', 'SSS', '109'.

    Anything else raises ValueError; callers decide whether a code of another level is a problem.
    """
    for pattern, convert in _AREA:
        m = pattern.match(str(code))
        if m:
            return convert(m)
    raise ValueError(f"unrecognised area code {code!r}")


def time_period(value: str) -> str:
    """StatFin time code → period: '1987', '2024M12', '2024Q3' (quarters also as '2024K3')."""
    text = str(value).strip()
    m = re.match(r"^(\d{4})K([1-4])$", text)
    return f"{m.group(1)}Q{m.group(2)}" if m else text
