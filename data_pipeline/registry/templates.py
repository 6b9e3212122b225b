"""Schema of ``templates.yaml``: the manual-entry forms for measures no statistic covers."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from data_pipeline.registry import Text, _Strict  # one definition of the shared models


class Choice(_Strict):
    """An allowed value: stored as ``code``; the Finnish label is accepted in files too."""

    code: str
    fi: str
    sv: str
    en: str


ColumnType = Literal["region", "year", "half_year", "int", "number", "enum", "text", "date", "boolean"]


class Part(_Strict):
    """A column that is one component of the template's headline value (e.g. the HYTE coefficient's
    process and outcome indicators, each scored 0–100): shown together as the value's breakdown,
    so a group sees where points are lost."""

    kind: Literal["process", "outcome"]
    label: Text
    level: Literal["kunta", "hyvinvointialue"]


class Column(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    type: ColumnType
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: list[Choice] = []
    help: Text
    part: Part | None = None

    @model_validator(mode="after")
    def _part_score(self) -> Column:
        if self.part is not None and (self.type != "number" or self.min != 0 or self.max != 100):
            raise ValueError(f"column {self.name}: a part is a score, type number with min 0 and max 100")
        return self

    @model_validator(mode="after")
    def _enum_choices(self) -> Column:
        if self.type == "enum" and not self.choices:
            raise ValueError(f"column {self.name}: enum needs choices")
        return self


class Derivation(_Strict):
    """How one observation value is computed from a row (exactly one rule is set).

    ``column``: the column's value. ``ratio``: 100 * sum(numerator) / sum(denominator) columns.
    ``boolean``: 1/0 from a boolean column. ``status_in``: 1 if the enum column ``of`` is one of the
    codes, else 0. ``count_status``: number of rows per municipality and year whose ``of`` column is
    one of the codes (the row period is a half-year; the observation period is the year).
    """

    column: str | None = None
    ratio: tuple[list[str], list[str]] | None = None
    boolean: str | None = None
    status_in: list[str] | None = None
    count_status: list[str] | None = None
    of: str | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> Derivation:
        rules = [self.column, self.ratio, self.boolean, self.status_in, self.count_status]
        if sum(r is not None for r in rules) != 1:
            raise ValueError("a derivation needs exactly one of column, ratio, boolean, status_in, count_status")
        if (self.status_in or self.count_status) and not self.of:
            raise ValueError("status_in / count_status need `of`")
        return self


class Template(_Strict):
    title: Text
    measure: str
    owner: Text
    region_levels: list[Literal["kunta", "hyvinvointialue", "maakunta"]]
    period_column: str
    instructions: Text
    columns: list[Column]
    derive: dict[str, Derivation] = {}
    aggregate_to_county: bool = False

    @property
    def derived_fields(self) -> set[str]:
        return set(self.derive)

    @property
    def part_columns(self) -> list[Column]:
        return [c for c in self.columns if c.part is not None]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @model_validator(mode="after")
    def _references(self) -> Template:
        names = set(self.column_names)
        if "alue" not in names:
            raise ValueError("every template needs an `alue` column (region code)")
        if "ilmoittaja" not in names:
            raise ValueError("every template needs an `ilmoittaja` column (who reports)")
        if self.period_column not in names:
            raise ValueError(f"period_column {self.period_column!r} is not a column")
        for field, rule in self.derive.items():
            used = [rule.column, rule.boolean, rule.of] + (
                [c for part in rule.ratio for c in part] if rule.ratio else []
            )
            for col in filter(None, used):
                if col not in names:
                    raise ValueError(f"derive.{field} uses unknown column {col!r}")
        return self


class TemplateCatalogue(_Strict):
    common: dict = Field(default={}, alias="_common")  # YAML anchors shared by the templates
    templates: dict[str, Template]
