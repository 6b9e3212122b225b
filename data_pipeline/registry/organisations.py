"""Schema of ``counties/<county>.organisations.yaml``: who reports in the collection area.

Why configuration: the partners of an agreement differ by county; accounts, rounds and submissions
refer to an organisation by its ``key``, and its ``regions`` bound what its reporters may report.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrgName(_Strict):
    fi: str
    sv: str
    en: str


class Organisation(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    kind: Literal["kunta", "hyvinvointialue", "maakunnan_liitto", "pelastuslaitos"]
    name: OrgName
    regions: list[str] = Field(min_length=1)

    def label(self, lang: str = "fi") -> str:
        return getattr(self.name, lang, self.name.fi)


class Organisations(_Strict):
    organisations: list[Organisation] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Organisations:
        keys = [o.key for o in self.organisations]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"organisation keys twice: {', '.join(dup)}")
        return self

    @property
    def by_key(self) -> dict[str, Organisation]:
        return {o.key: o for o in self.organisations}

    def check_regions(self, known: set[str]) -> list[str]:
        """Problems: region codes the county profile does not know."""
        return [f"{o.key}: unknown region {r}" for o in self.organisations for r in o.regions if r not in known]
