"""Registries as data: the agreement, indicators, goals, sources and county profiles.

The YAML files next to this module are the single description of *what* the situational picture
shows. They are validated with pydantic when loaded, so a typo in a key, a goal pointing to an
unknown indicator or a county without municipalities fails at start-up with a message naming the
file and the field, not later as an empty chart.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

REGISTRY_DIR = Path(__file__).resolve().parent
COUNTIES_DIR = REGISTRY_DIR / "counties"
LANGS = ("fi", "sv", "en")


_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster when present


class RegistryError(ValueError):
    """A registry file is missing or invalid; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A user-facing text in the three UI languages."""

    fi: str
    sv: str
    en: str

    def get(self, lang: str) -> str:
        return getattr(self, lang if lang in LANGS else "fi") or self.fi


# --- agreement --------------------------------------------------------------------------------


class Measure(_Strict):
    key: str
    fi: str
    sv: str
    en: str
    agreement_measure: bool = True

    def text(self, lang: str) -> str:
        return getattr(self, lang if lang in LANGS else "fi")


class Area(_Strict):
    key: str
    number: int
    slug: str
    title: Text
    short: Text
    goal: Text
    responsible: Text
    actions: Text
    measures: list[Measure]


class Agreement(_Strict):
    source: Text
    areas: list[Area]

    @model_validator(mode="after")
    def _unique(self) -> Agreement:
        keys = [a.key for a in self.areas]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate area keys: {keys}")
        if sorted(a.number for a in self.areas) != list(range(1, len(self.areas) + 1)):
            raise ValueError("area numbers must run 1..n")
        return self

    def area(self, key: str) -> Area:
        for a in self.areas:
            if a.key == key:
                return a
        raise KeyError(key)


# --- indicators -------------------------------------------------------------------------------

UnitKind = Literal[
    "percent", "per_1000", "per_10000", "per_100000", "count", "index", "score", "litres", "boolean", "status"
]


class Unit(_Strict):
    kind: UnitKind
    fi: str
    sv: str
    en: str

    def text(self, lang: str) -> str:
        return getattr(self, lang if lang in LANGS else "fi")


class SotkanetSource(_Strict):
    kind: Literal["sotkanet"]
    id: int | None = None
    title_fi: str | None = None
    verified: bool = False
    organization: str = ""
    genders: list[Literal["total", "male", "female"]] = ["total"]

    @model_validator(mode="after")
    def _id_or_title(self) -> SotkanetSource:
        if self.id is None and not self.title_fi:
            raise ValueError("a Sotkanet source needs an id or a title_fi to resolve it by")
        return self


class StatfinSource(_Strict):
    kind: Literal["statfin"]
    dataset: str
    filters: dict[str, str]


class ManualSource(_Strict):
    kind: Literal["manual"]
    template: str
    field: str


Source = Annotated[SotkanetSource | StatfinSource | ManualSource, Field(discriminator="kind")]


#: Years between two statistics of each cadence (``on_change``: no schedule, never judged old).
CADENCE_YEARS = {"year": 1.0, "half_year": 0.5, "quarter": 0.25, "month": 1 / 12, "survey_2y": 2.0, "on_change": None}


class SeriesBreak(_Strict):
    """A point where the series changes meaning (definition change, the 2017 Kela transfer, the
    2023 wellbeing-services reform, a municipal merger): values before and after ``year`` are not
    comparable as such. Drawn on every trend chart; trend judgements do not span it silently."""

    year: int = Field(ge=1900, le=2100)
    label: Text
    explanation: Text


#: Separator of a series key: ``<indicator key>~<sex>`` is one sex of an indicator (``tyottomat_pct~female``).
SERIES_SEP = "~"
SEX_VARIANTS = ("male", "female")


class AgeVariant(_Strict):
    """One age group of an indicator. Sotkanet publishes age groups as separate indicators, so an
    age group names the catalogue indicator that loads it (its own Sotkanet id, its own rows)."""

    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=20)
    label: Text
    indicator: str


class Breakdowns(_Strict):
    """Variants of an indicator a view can switch to (the ``jako`` toggle).

    Storage, and why: a sex is the ``sex`` column that ``observation`` has keyed its rows by since
    migration 0001 (``total`` stays the default every query reads, so nothing else changes); an age
    group is the catalogue indicator it names, because Sotkanet's age groups are separate
    indicators with their own ids, titles and denominators. No schema change is needed.
    """

    sex: list[Literal["male", "female"]] = []
    age: list[AgeVariant] = []

    @model_validator(mode="after")
    def _unique(self) -> Breakdowns:
        if len(set(self.sex)) != len(self.sex):
            raise ValueError("breakdowns.sex lists a sex twice")
        keys = [a.key for a in self.age]
        if len(set(keys)) != len(keys):
            raise ValueError(f"breakdowns.age: duplicate keys {keys}")
        return self


class Indicator(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    area: str
    measure: str
    title: Text
    unit: Unit
    decimals: int = Field(ge=0, le=4)
    direction: Literal["higher", "lower", "neutral"]
    source: Source
    cadence: Literal["year", "half_year", "quarter", "month", "survey_2y", "on_change"]
    classes: Literal["quantile", "equal", "fixed"] = "quantile"
    breaks: list[float] = []
    suppress_below: int | None = None
    headline: bool = False
    level: Literal["kunta", "alue", "partly"] = "kunta"
    description: Text
    caveats: Text | None = None
    #: The latest statistical year may lag this many cadences behind the newest year a statistic
    #: could have (last year) before the series is shown as old ("vanha tieto").
    stale_cadences: int = Field(default=2, ge=1)
    series_breaks: list[SeriesBreak] = []
    breakdowns: Breakdowns | None = None
    #: set on a sex variant built by ``dashboard.data.model.series_indicator`` (never in the YAML file)
    variant: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _sex_genders(cls, data):
        """A sex breakdown of a Sotkanet indicator asks Sotkanet for those genders as well."""
        if isinstance(data, dict) and isinstance(data.get("breakdowns"), dict) and isinstance(data.get("source"), dict):
            sexes = data["breakdowns"].get("sex") or []
            src = data["source"]
            if sexes and src.get("kind") == "sotkanet":
                wanted = list(dict.fromkeys([*(src.get("genders") or ["total"]), *sexes]))
                data = {**data, "source": {**src, "genders": wanted}}
        return data

    @model_validator(mode="after")
    def _breaks(self) -> Indicator:
        if self.classes == "fixed" and not self.breaks:
            raise ValueError("classes: fixed needs breaks")
        if self.breaks != sorted(self.breaks):
            raise ValueError("breaks must be ascending")
        if self.breakdowns and self.breakdowns.sex and self.source.kind != "sotkanet":
            raise ValueError("breakdowns.sex needs a Sotkanet source (male/female rows come from Sotkanet)")
        return self

    @property
    def base_key(self) -> str:
        """The catalogue key (a sex variant's series key without its ``~sex``)."""
        return self.key.split(SERIES_SEP, 1)[0]

    @property
    def is_manual(self) -> bool:
        return self.source.kind == "manual"

    @property
    def is_share(self) -> bool:
        return self.unit.kind == "percent"


class IndicatorCatalogue(_Strict):
    indicators: list[Indicator]


# --- goals ------------------------------------------------------------------------------------


class _GoalBase(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    area: str
    measure: str
    target_basis: Literal["agreement", "proposal"]
    owner: Text
    wording: Text


class _IndicatorGoal(_GoalBase):
    """A goal read from one indicator's values in one region (the county unless said)."""

    indicator: str
    region: str = "county"


class NumericTargetGoal(_IndicatorGoal):
    type: Literal["numeric_target"]
    baseline_year: int
    baseline_value: float | None = None
    target_value: float
    target_year: int

    @model_validator(mode="after")
    def _years(self) -> NumericTargetGoal:
        if self.target_year <= self.baseline_year:
            raise ValueError("target_year must be after baseline_year")
        return self


class DirectionGoal(_IndicatorGoal):
    type: Literal["direction"]
    baseline_year: int
    #: a rate indicator to compare with the benchmark when ``indicator`` is a count (counts of
    #: different areas are never compared)
    benchmark_indicator: str | None = None


class StatusShareGoal(_GoalBase):
    type: Literal["status_share"]
    template: str
    done_statuses: list[str]
    target_share: float = Field(gt=0, le=1)
    baseline_year: int
    target_year: int


class FrequencyGoal(_GoalBase):
    type: Literal["frequency"]
    template: str
    min_per_year: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class BooleanGoal(_IndicatorGoal):
    type: Literal["boolean"]
    target_year: int


Goal = Annotated[
    NumericTargetGoal | DirectionGoal | StatusShareGoal | FrequencyGoal | BooleanGoal,
    Field(discriminator="type"),
]


class GoalCatalogue(_Strict):
    goals: list[Goal]


# --- sources ----------------------------------------------------------------------------------


class Provider(_Strict):
    name: Text
    publisher: Text
    url: str
    api: str
    licence: str
    licence_url: str
    attribution: Text
    metadata_url: str | None = None


class SotkanetConfig(_Strict):
    catalogue_snapshot: str
    regions_snapshot: str
    data_snapshot: str
    first_year: int


class StatfinDataset(_Strict):
    title: Text
    table_url: str
    snapshot: str
    time: str
    area: str
    query: list[dict]


class BoundaryLayer(_Strict):
    layer: str
    snapshot: str
    code_property: str


class FactsConfig(_Strict):
    """Published figures (``refresh --facts FILE``): which of the file's own keys measure which
    catalogue indicator. Declared here, never guessed at load time; other keys are reported."""

    keys: dict[str, str]


class Sources(_Strict):
    providers: dict[str, Provider]
    sotkanet: SotkanetConfig
    statfin: dict[str, StatfinDataset]
    boundaries: dict[str, BoundaryLayer]
    facts: FactsConfig = FactsConfig(keys={})


# --- county profile ---------------------------------------------------------------------------


class NamedRegion(_Strict):
    code: str
    sotkanet_id: int | None = None
    name: Text


class Municipality(_Strict):
    code: str = Field(pattern=r"^\d{3}$")
    sotkanet_id: int | None = None
    subregion: str
    name: Text
    #: (lon, lat) of a point inside the municipality: places its tile when the profile has no tile layout
    centroid: tuple[float, float] | None = None


class AgreementRef(_Strict):
    fi: str
    sv: str
    en: str
    version: str = ""


class County(_Strict):
    key: str
    name: Text
    agreement: AgreementRef
    country: NamedRegion
    region: NamedRegion
    welfare_area: NamedRegion
    subregions: list[NamedRegion]
    municipalities: list[Municipality] = Field(min_length=1)
    tiles: dict[str, tuple[int, int]] = {}
    #: the municipality template example rows name (default: the first one listed)
    example_municipality: str | None = None
    #: neighbouring regions (maakunta codes MK##): the "naapurit" comparison set (dashboard.data.benchmarks)
    neighbours: list[NamedRegion] = []

    @field_validator("country")
    @classmethod
    def _country_code(cls, v: NamedRegion) -> NamedRegion:
        if v.code != "SSS":
            raise ValueError("country code must be SSS")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> County:
        codes = [m.code for m in self.municipalities]
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate municipality codes in {codes}")
        sub = {s.code for s in self.subregions}
        for m in self.municipalities:
            if m.subregion not in sub:
                raise ValueError(f"municipality {m.code} names unknown subregion {m.subregion}")
        if self.example_municipality is not None and self.example_municipality not in codes:
            raise ValueError(f"example_municipality {self.example_municipality} is not one of the county's municipalities")
        if self.tiles:
            if set(self.tiles) != set(codes):
                raise ValueError("tiles must list exactly the county's municipalities")
            if len(set(self.tiles.values())) != len(self.tiles):
                raise ValueError("two municipalities share a tile")
        return self

    @property
    def municipality_codes(self) -> list[str]:
        return [m.code for m in self.municipalities]

    def resolve_region(self, symbolic: str) -> str:
        """Map a goal's symbolic region ("county", "welfare_area") to a region code."""
        return {"county": self.region.code, "welfare_area": self.welfare_area.code}.get(symbolic, symbolic)


# --- loading ----------------------------------------------------------------------------------


def _load(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except FileNotFoundError as exc:
        raise RegistryError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise RegistryError(f"{path}: {problems}") from exc


def profile_names(directory: Path = REGISTRY_DIR) -> list[str]:
    """County profiles: ``counties/<name>.yaml`` (its ``<name>.agreement.yaml`` etc. are parts of it)."""
    return sorted(p.stem for p in (directory / "counties").glob("*.yaml") if "." not in p.stem)


class Registry:
    """Everything the YAML registries say, cross-checked."""

    def __init__(self, directory: Path = REGISTRY_DIR, county: str = "kanta-hame") -> None:
        self.directory = directory
        counties = directory / "counties"
        county_file = counties / f"{county}.yaml"
        if not county_file.exists():
            raise RegistryError(f"{county_file}: unknown county profile {county!r}; known: {', '.join(profile_names(directory))}")
        # A county profile carries its own agreement and goals: counties/<county>.agreement.yaml, .goals.yaml
        self.agreement: Agreement = _load(counties / f"{county}.agreement.yaml", Agreement)  # type: ignore[assignment]
        self.catalogue: IndicatorCatalogue = _load(directory / "indicators.yaml", IndicatorCatalogue)  # type: ignore[assignment]
        self.goal_catalogue: GoalCatalogue = _load(counties / f"{county}.goals.yaml", GoalCatalogue)  # type: ignore[assignment]
        self.sources: Sources = _load(directory / "sources.yaml", Sources)  # type: ignore[assignment]
        self.county: County = _load(county_file, County)  # type: ignore[assignment]
        self.templates = None
        templates_file = directory / "templates.yaml"
        if templates_file.exists():
            from data_pipeline.registry.templates import TemplateCatalogue

            self.templates = _load(templates_file, TemplateCatalogue)
        self.organisations = None  # who reports in the collection area (dashboard/deliver/collect)
        orgs_file = directory / "counties" / f"{county}.organisations.yaml"
        if orgs_file.exists():
            from data_pipeline.registry.organisations import Organisations

            self.organisations = _load(orgs_file, Organisations)
            known = {m.code for m in self.county.municipalities} | {
                self.county.region.code, self.county.welfare_area.code}
            problems = self.organisations.check_regions(known)
            if problems:
                raise RegistryError(f"{orgs_file}: {'; '.join(problems)}")
        self._check_references()

    # Lookups -----------------------------------------------------------------------------------

    @property
    def indicators(self) -> dict[str, Indicator]:
        return {i.key: i for i in self.catalogue.indicators}

    @property
    def goals(self) -> list:
        return list(self.goal_catalogue.goals)

    def indicators_for_area(self, area_key: str) -> list[Indicator]:
        return [i for i in self.catalogue.indicators if i.area == area_key]

    def goals_for_area(self, area_key: str) -> list:
        return [g for g in self.goal_catalogue.goals if g.area == area_key]

    # Validation --------------------------------------------------------------------------------

    @staticmethod
    def _check_placement(where: str, entry, seen: set[str], areas: dict, problems: list[str],
                         background: str | None = None, name_area: bool = False) -> bool:
        """The rule for indicators and goals alike: a unique key, a known area (``background``: the
        area key of entries outside the agreement, which have no measure) and a measure of that
        area. Returns whether the entry lies in a known area of the agreement."""
        if entry.key in seen:
            problems.append(f"{where}: duplicate key")
        seen.add(entry.key)
        if entry.area == background:
            return False
        if entry.area not in areas:
            problems.append(f"{where}: unknown area {entry.area!r}")
            return False
        if entry.measure not in {m.key for m in areas[entry.area].measures}:
            in_area = f" in area {entry.area}" if name_area else ""
            problems.append(f"{where}: unknown measure {entry.measure!r}{in_area}")
        return True

    def _check_references(self) -> None:
        problems: list[str] = []
        areas = {a.key: a for a in self.agreement.areas}
        seen: set[str] = set()
        for ind in self.catalogue.indicators:
            where = f"indicators.yaml: {ind.key}"
            if not self._check_placement(where, ind, seen, areas, problems, background="tausta", name_area=True):
                continue
            if ind.source.kind == "statfin" and ind.source.dataset not in self.sources.statfin:
                problems.append(f"{where}: unknown StatFin dataset {ind.source.dataset!r}")
            if ind.source.kind == "manual" and self.templates is not None:
                tpl = self.templates.templates.get(ind.source.template)
                if tpl is None:
                    problems.append(f"{where}: unknown manual template {ind.source.template!r}")
                elif ind.source.field not in tpl.derived_fields:
                    problems.append(f"{where}: template {ind.source.template} has no field {ind.source.field!r}")
            for age in (ind.breakdowns.age if ind.breakdowns else []):
                if age.indicator not in {i.key for i in self.catalogue.indicators} or age.indicator == ind.key:
                    problems.append(f"{where}: breakdowns.age {age.key} names unknown indicator {age.indicator!r}")
        for fact_key, ind_key in self.sources.facts.keys.items():
            if ind_key not in seen:
                problems.append(f"sources.yaml: facts key {fact_key!r} maps to unknown indicator {ind_key!r}")
        sotkanet_ids = [i.source.id for i in self.catalogue.indicators if i.source.kind == "sotkanet" and i.source.id]
        if len(set(sotkanet_ids)) != len(sotkanet_ids):
            problems.append("indicators.yaml: the same Sotkanet id is used twice")
        goal_keys: set[str] = set()
        for goal in self.goal_catalogue.goals:
            where = f"{self.county.key}.goals.yaml: {goal.key}"
            self._check_placement(where, goal, goal_keys, areas, problems)
            indicator = getattr(goal, "indicator", None)
            if indicator is not None and indicator not in seen:
                problems.append(f"{where}: unknown indicator {indicator!r}")
            bench = getattr(goal, "benchmark_indicator", None)
            if bench is not None and bench not in seen:
                problems.append(f"{where}: unknown benchmark_indicator {bench!r}")
            template = getattr(goal, "template", None)
            if template is not None and self.templates is not None and template not in self.templates.templates:
                problems.append(f"{where}: unknown template {template!r}")
        if problems:
            raise RegistryError("registry problems:\n  " + "\n  ".join(problems))


@lru_cache(maxsize=8)
def load_registry(county: str | None = None) -> Registry:
    """The registry for a county profile (default: TILANNEKUVA_COUNTY), cached per process."""
    if county is None:
        from data_pipeline.settings import get_settings

        county = get_settings().county
    return Registry(county=county)
