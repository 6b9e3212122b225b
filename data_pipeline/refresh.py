"""Refresh: fetch (or replay) every source, validate, and load — one transaction per dataset.

Order, and why:
  1. Sotkanet /regions and /indicators — the national region list and the catalogue;
  2. registry sync (regions, indicators, goals) — observations need their foreign keys;
  3. Sotkanet id resolution, stored on the indicator rows;
  4. Sotkanet data, one dataset (and one load run) per indicator;
  5. StatFin datasets, one load run each;
  6. published figures (``--facts FILE``), after the statistics so that they never overwrite one;
  7. boundaries (``data_pipeline.sources.boundaries``).

The steps are the source connectors of :data:`CONNECTORS`, run in that order.

A failing dataset records a failed load run and the refresh goes on with the others; the report
says what happened to each. Live mode reads the network and writes every response to
``settings.snapshot_dir`` before parsing it; offline mode replays the same layout from a folder.

Regions after a refresh without Sotkanet (``--source statfin``): the national list is taken from
a recorded ``sotkanet/regions.json`` in the folder being read (offline folder, or the snapshot
folder of an earlier live run) when there is one; otherwise only the county profile exists (its
municipalities, sub-regions, region, welfare area and the whole country) and StatFin cells for
other areas are skipped and counted.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from data_pipeline.db.schema import load_run
from data_pipeline.db.schema import region as region_table
from data_pipeline.errors import InputError, SourceUnavailable
from data_pipeline.http import HttpClient
from data_pipeline.load import LoadCounts, recorded_load, upsert_observations, utcnow
from data_pipeline.progress import Progress
from data_pipeline.registry import REGISTRY_DIR, Registry, load_registry
from data_pipeline.snapshot import Snapshot, sha256_bytes
from data_pipeline.sources import Fetcher, facts, sotkanet, statfin
from data_pipeline.sources.pxweb import parse_jsonstat
from data_pipeline.sync import sync_registry
from data_pipeline.validate import validate_observations

OK_STATUSES = ("success", "no_data", "skipped")
#: After this many unreachable Sotkanet data requests in a row, the rest are skipped.
MAX_CONSECUTIVE_UNAVAILABLE = 3


@dataclass
class DatasetResult:
    source: str
    dataset: str
    status: str  # success | no_data | skipped | bad_input | unavailable | failed
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    message: str = ""
    run_id: int | None = None
    location: str | None = None

    @property
    def written(self) -> int:
        return self.inserted + self.updated

    def line(self) -> str:
        counts = f"{self.inserted} new, {self.updated} changed, {self.unchanged} unchanged"
        text = f"{self.source}/{self.dataset}: {self.status}"
        if self.status == "success":
            text += f" — {counts}"
        if self.message:
            text += f" ({self.message})" if self.status == "success" else f": {self.message}"
        return text


@dataclass
class RefreshReport:
    offline: bool
    results: list[DatasetResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.status in OK_STATUSES for r in self.results)

    @property
    def bad_input(self) -> bool:
        return any(r.status == "bad_input" for r in self.results)

    @property
    def unavailable(self) -> bool:
        return any(r.status == "unavailable" for r in self.results)

    @property
    def written(self) -> int:
        return sum(r.written for r in self.results)

    @property
    def unchanged(self) -> int:
        return sum(r.unchanged for r in self.results)

    def get(self, source: str, dataset: str) -> DatasetResult:
        for r in self.results:
            if (r.source, r.dataset) == (source, dataset):
                return r
        raise KeyError(f"{source}/{dataset}")

    def by_source(self, source: str) -> list[DatasetResult]:
        return [r for r in self.results if r.source == source]

    def render(self) -> str:
        head = f"refresh {'offline' if self.offline else 'live'}: {len(self.results)} datasets in {self.seconds:.1f} s, "
        head += f"{self.written} rows written, {self.unchanged} unchanged — {'OK' if self.ok else 'FAILED'}"
        problems = [r.line() for r in self.results if r.status not in OK_STATUSES]
        return "\n".join([head] + [f"  {p}" for p in problems])

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "bad_input": self.bad_input,
            "offline": self.offline,
            "seconds": round(self.seconds, 3),
            "written": self.written,
            "unchanged": self.unchanged,
            "results": [asdict(r) for r in self.results],
        }


def make_http_client(settings) -> HttpClient:
    """The live client (tests replace this to inject a fake session)."""
    return HttpClient(settings.user_agent)


@dataclass
class _Refresh:
    engine: Engine
    settings: object
    registry: Registry
    fetcher: Fetcher
    progress: Progress
    report: RefreshReport
    years: tuple[int, int] | None
    offline_dir: Path | None = None
    facts_file: Path | None = None

    @property
    def offline(self) -> bool:
        return self.fetcher.offline

    # Bookkeeping -------------------------------------------------------------------------------

    def add(self, result: DatasetResult) -> DatasetResult:
        self.report.results.append(result)
        if result.status == "success":
            rate = result.rows / result.seconds if result.seconds > 0 else 0.0
            self.progress.step(f"{result.line()} — {result.rows} rows in {result.seconds:.2f} s ({rate:,.0f} rows/s)")
        else:
            self.progress.step(result.line())
        return result

    def record_failure(self, source: str, dataset: str, location: str, exc: BaseException) -> int | None:
        """A failed load run for a dataset that failed before its load began (e.g. unreachable)."""
        run_ids: list[int] = []
        try:
            with recorded_load(self.engine, source=source, dataset=dataset, location=location, offline=self.offline) as (
                run,
                _conn,
            ):
                run_ids.append(run.id)
                raise exc
        except type(exc):
            pass
        return run_ids[0] if run_ids else None

    def fetch(self, source: str, dataset: str, location: str, get) -> Snapshot | None:
        """Run ``get``; an unreachable source or a bad recording becomes a result + failed run."""
        started = time.perf_counter()
        try:
            return get()
        except SourceUnavailable as exc:
            status = "unavailable"
            error: BaseException = exc
        except InputError as exc:  # offline: the recording is missing or unreadable
            status = "bad_input"
            error = exc
        run_id = self.record_failure(source, dataset, location, error)
        self.add(DatasetResult(source, dataset, status, seconds=time.perf_counter() - started, message=str(error),
                               run_id=run_id, location=location))
        return None

    def load(self, source: str, dataset: str, snap: Snapshot, body) -> DatasetResult:
        """One dataset: ``body(run, conn)`` parses, validates and writes inside one transaction."""
        started = time.perf_counter()
        result = DatasetResult(source, dataset, "success", location=snap.location)
        try:
            with recorded_load(
                self.engine, source=source, dataset=dataset, location=snap.location, sha256=snap.sha256 or None,
                offline=self.offline,
            ) as (run, conn):
                result.run_id = run.id
                rows, note = body(run, conn)
                result.rows = rows
                run.note = note
            result.message = note or ""
            result.inserted, result.updated, result.unchanged = run.counts.inserted, run.counts.updated, run.counts.unchanged
        except InputError as exc:
            result.status, result.message = "bad_input", exc.render()
        except SourceUnavailable as exc:
            result.status, result.message = "unavailable", str(exc)
        except Exception as exc:  # noqa: BLE001 - one dataset failing must not stop the others
            result.status, result.message = "failed", f"{type(exc).__name__}: {exc}"
        result.seconds = time.perf_counter() - started
        return self.add(result)

    # Regions and registry ----------------------------------------------------------------------

    def region_codes(self) -> tuple[dict[int, str], set[str], bool]:
        """(Sotkanet id → code, all codes, whether the national municipality list is loaded)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(region_table.c.code, region_table.c.sotkanet_id, region_table.c.level, region_table.c.in_county)
            ).all()
        ids = {r.sotkanet_id: r.code for r in rows if r.sotkanet_id is not None}
        national = any(r.level == "kunta" and not r.in_county for r in rows)
        return ids, {r.code for r in rows}, national

    def sync(self, regions: sotkanet.RegionList | None, regions_snap: Snapshot | None, *, from_sotkanet: bool) -> DatasetResult:
        """Write regions (national list if there is one), indicators and goals in one transaction.

        Recorded as sotkanet/regions when the list came from this Sotkanet refresh, else as
        registry/registry (county profile, plus a recorded national list if one was found).
        """
        national = regions.frame if regions is not None else None
        source, dataset = ("sotkanet", "regions") if from_sotkanet and regions_snap is not None else ("registry", "registry")
        snap = regions_snap if regions_snap is not None else Snapshot(path=REGISTRY_DIR, content=b"", sha256="", meta={})

        def body(run, conn):
            run.counts += sync_registry(conn, self.registry, national=national)
            if national is None:
                return 0, "county profile regions only"
            return len(national), f"{len(national)} national regions from {regions_snap.path}"

        return self.load(source, dataset, snap, body)


def _years(ctx: _Refresh) -> list[int]:
    first = ctx.registry.sources.sotkanet.first_year
    a, b = ctx.years if ctx.years else (first, date.today().year)
    return list(range(a, b + 1))


def _refresh_sotkanet(ctx: _Refresh) -> None:
    reg = ctx.registry
    cfg = reg.sources.sotkanet
    licence = reg.sources.providers["sotkanet"].licence
    f = ctx.fetcher

    regions_loc = f.location(cfg.regions_snapshot, sotkanet.BASE_URL + "regions")
    regions_snap = ctx.fetch("sotkanet", "regions", regions_loc, lambda: f.get(
        cfg.regions_snapshot, sotkanet.BASE_URL + "regions", source="sotkanet", licence=licence))
    regions = None
    if regions_snap is not None:
        try:
            regions = sotkanet.parse_regions(regions_snap)
        except InputError as exc:
            run_id = ctx.record_failure("sotkanet", "regions", regions_snap.location, exc)
            ctx.add(DatasetResult("sotkanet", "regions", "bad_input", message=exc.render(), run_id=run_id,
                                  location=regions_snap.location))
            regions_snap = None
    ctx.sync(regions, regions_snap, from_sotkanet=True)

    cat_loc = f.location(cfg.catalogue_snapshot, sotkanet.BASE_URL + "indicators")
    cat_snap = ctx.fetch("sotkanet", "indicators", cat_loc, lambda: f.get(
        cfg.catalogue_snapshot, sotkanet.BASE_URL + "indicators", source="sotkanet", licence=licence))
    if cat_snap is None:
        return
    resolutions: list[sotkanet.Resolution] = []

    def resolve(run, conn):
        catalogue = sotkanet.parse_catalogue(cat_snap)
        resolutions.extend(sotkanet.resolve_indicators(reg, catalogue))
        run.counts += sotkanet.store_resolutions(conn, resolutions, utcnow())
        kinds = pd.Series([r.resolution for r in resolutions]).value_counts().to_dict()
        return len(resolutions), f"{len(catalogue)} catalogue entries; " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))

    if ctx.load("sotkanet", "indicators", cat_snap, resolve).status != "success":
        return
    if regions is None:
        for res in resolutions:
            ctx.add(DatasetResult("sotkanet", res.key, "skipped", message="the Sotkanet region list could not be read"))
        return

    ids, codes, _ = ctx.region_codes()
    years = _years(ctx)
    indicators = reg.indicators
    unavailable_in_row = 0
    for res in resolutions:
        ind = indicators[res.key]
        if not res.loadable:
            ctx.add(DatasetResult("sotkanet", res.key, "skipped", message=f"Sotkanet id {res.resolution}"
                                  + (f" ({res.sotkanet_title})" if res.sotkanet_title else "")))
            continue
        if unavailable_in_row >= MAX_CONSECUTIVE_UNAVAILABLE:
            ctx.add(DatasetResult("sotkanet", res.key, "skipped", message="Sotkanet unreachable; not tried"))
            continue
        relpath = cfg.data_snapshot.format(id=res.sotkanet_id)
        if ctx.offline and not f.exists(relpath):
            ctx.add(DatasetResult("sotkanet", res.key, "no_data", message=f"no recorded data ({relpath})"))
            continue
        params = sotkanet.data_params(res.sotkanet_id, years, ind.source.genders)
        url = sotkanet.BASE_URL + "json"
        snap = ctx.fetch("sotkanet", res.key, f.location(relpath, url, params),
                         lambda relpath=relpath, url=url, params=params: f.get(
                             relpath, url, params=params, source="sotkanet", licence=licence))
        if snap is None:
            unavailable_in_row = unavailable_in_row + 1 if ctx.report.results[-1].status == "unavailable" else 0
            continue
        unavailable_in_row = 0

        def body(run, conn, snap=snap, res=res, ind=ind):
            parsed = sotkanet.parse_data(
                snap, indicator_key=res.key, sotkanet_id=res.sotkanet_id, region_codes=ids,
                region_categories=regions.categories, genders=ind.source.genders, years=ctx.years,
            )
            frame = validate_observations(parsed.frame, indicators=indicators, regions=codes, source=str(snap.path),
                                          problems=parsed.problems)
            run.counts += upsert_observations(conn, frame, run.id)
            return len(frame), parsed.summary()

        ctx.load("sotkanet", res.key, snap, body)


def _recorded_regions(ctx: _Refresh) -> tuple[sotkanet.RegionList | None, Snapshot | None]:
    """The national region list from a recording in the folder being read, if there is one."""
    relpath = ctx.registry.sources.sotkanet.regions_snapshot
    root = Path(ctx.fetcher.root)
    if not (root / relpath).exists():
        return None, None
    reader = Fetcher(root=root, offline=True)
    snap = reader.get(relpath, sotkanet.BASE_URL + "regions", source="sotkanet", licence="")
    try:
        return sotkanet.parse_regions(snap), snap
    except InputError as exc:
        ctx.progress.step(f"recorded region list unreadable, using the county profile only: {exc.problems[0]}")
        return None, None


def _refresh_statfin(ctx: _Refresh) -> None:
    reg = ctx.registry
    licence = reg.sources.providers["statfin"].licence
    f = ctx.fetcher
    _, codes, national = ctx.region_codes()
    for key, ds in reg.sources.statfin.items():
        inds = statfin.dataset_indicators(reg, key)
        if not inds:
            ctx.add(DatasetResult("statfin", key, "skipped", message="no registry indicator uses this dataset"))
            continue
        if ctx.offline and not f.exists(ds.snapshot):
            ctx.add(DatasetResult("statfin", key, "no_data", message=f"no recorded data ({ds.snapshot})"))
            continue
        body_json = statfin.request_body(ds)
        snap = ctx.fetch("statfin", key, f.location(ds.snapshot, ds.table_url), lambda ds=ds, body_json=body_json: f.post(
            ds.snapshot, ds.table_url, body=body_json, source="statfin", licence=licence))
        if snap is None:
            continue

        def body(run, conn, snap=snap, ds=ds, inds=inds):
            js = parse_jsonstat(snap)
            sf = statfin.to_observations(js, config=ds, indicators=inds, known_regions=codes, national=national,
                                         where=str(snap.path))
            if sf.frame.empty and sf.problems:
                raise InputError(str(snap.path), sf.problems)
            frame = validate_observations(sf.frame, indicators=reg.indicators, regions=codes, source=str(snap.path),
                                          problems=sf.problems) if not sf.frame.empty else sf.frame
            if not frame.empty:
                run.counts += upsert_observations(conn, frame, run.id)
            run.source_updated = js.updated_at  # the table's own "updated" (JSON-stat); no next date is stated
            return len(frame), sf.summary()

        ctx.load("statfin", key, snap, body)


def _refresh_facts(ctx: _Refresh) -> None:
    """Published figures from one CSV, each value with its citation (see ``sources.facts``)."""
    path = ctx.facts_file
    if path is None:
        ctx.add(DatasetResult("facts", "facts", "skipped", message="no facts file (refresh --facts FILE or TILANNEKUVA_FACTS_FILE)"))
        return
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        error = InputError(str(path), [f"cannot read the facts file: {exc.strerror or exc}"])
        run_id = ctx.record_failure("facts", path.name, str(path), error)
        ctx.add(DatasetResult("facts", path.name, "bad_input", message=error.render(), run_id=run_id, location=str(path)))
        return
    snap = Snapshot(path=path, content=content, sha256=sha256_bytes(content), meta={})
    reg = ctx.registry
    _, codes, _ = ctx.region_codes()

    def body(run, conn):
        parsed = facts.parse_facts(snap, reg)
        frame = validate_observations(parsed.frame, indicators=reg.indicators, regions=codes, source=str(path))
        parsed.frame = frame
        parsed = facts.without_statistics(conn, parsed)
        if not parsed.frame.empty:
            run.counts += upsert_observations(conn, parsed.frame, run.id)
        return len(parsed.frame), parsed.summary()

    ctx.load("facts", path.name, snap, body)


def _refresh_boundaries(ctx: _Refresh) -> None:
    from data_pipeline.sources import boundaries

    started = time.perf_counter()
    kwargs = {"offline_dir": ctx.offline_dir, "progress": ctx.progress}
    if ctx.fetcher.http is not None:
        kwargs["http"] = ctx.fetcher.http
    layer = ctx.registry.sources.boundaries["municipalities"]
    result = DatasetResult("boundaries", layer.layer, "success")
    before = _max_run_id(ctx.engine)
    error: BaseException | None = None
    try:
        out = boundaries.refresh_boundaries(ctx.engine, ctx.settings, ctx.registry, **kwargs)
        out = out if isinstance(out, dict) else {}
        result.run_id, result.location = out.get("run_id"), out.get("location")
        result.rows = int(out.get("features") or 0)
        result.message = f"{result.rows} municipalities"
        if result.run_id is not None:
            _counts_of_run(ctx.engine, result)
    except InputError as exc:
        result.status, result.message, error = "bad_input", exc.render(), exc
    except SourceUnavailable as exc:
        result.status, result.message, error = "unavailable", str(exc), exc
    except Exception as exc:  # noqa: BLE001
        result.status, result.message, error = "failed", f"{type(exc).__name__}: {exc}", exc
    if error is not None:
        # The boundaries step records its own failed run once its load has begun; a failure
        # before that (unreachable WFS, missing recording) is recorded here.
        with ctx.engine.connect() as conn:
            recorded = conn.execute(
                select(load_run.c.id).where(load_run.c.id > before, load_run.c.source == "boundaries")
            ).first()
        result.run_id = recorded.id if recorded else ctx.record_failure("boundaries", layer.layer, layer.layer, error)
    result.seconds = time.perf_counter() - started
    ctx.add(result)


def _max_run_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.max(load_run.c.id))).scalar() or 0


def _counts_of_run(engine: Engine, result: DatasetResult) -> None:
    with engine.connect() as conn:
        row = conn.execute(select(load_run).where(load_run.c.id == result.run_id)).first()
    if row is not None:
        result.inserted, result.updated, result.unchanged = row.rows_inserted, row.rows_updated, row.rows_unchanged


@dataclass(frozen=True)
class Connector:
    """One source connector: what the refresh, the CLI (``--source``) and the status output iterate.

    ``provider`` is its entry in ``registry/sources.yaml`` ``providers`` (name, licence and the
    attribution its values cite); ``config`` the section of ``sources.yaml`` it reads (a pydantic
    model of :class:`data_pipeline.registry.Sources`), ``step`` loads it within one refresh."""

    key: str
    provider: str
    config: str
    description: str
    step: Callable[[_Refresh], None]


#: Every source connector, in refresh order (statistics before the cited figures, which never
#: overwrite them). A new source is a module in ``data_pipeline/sources/`` plus an entry here.
CONNECTORS: tuple[Connector, ...] = (
    Connector("sotkanet", "sotkanet", "sotkanet", "THL Sotkanet REST 1.1: regions, catalogue, one dataset per indicator",
              _refresh_sotkanet),
    Connector("statfin", "statfin", "statfin", "Statistics Finland StatFin PxWeb, JSON-stat 2.0 datasets",
              _refresh_statfin),
    Connector("facts", "facts", "facts", "published figures from a CSV, each value with its citation (--facts FILE)",
              _refresh_facts),
    Connector("boundaries", "boundaries", "boundaries", "municipal boundaries (WFS, GeoJSON) for the map",
              _refresh_boundaries),
)
SOURCES = tuple(c.key for c in CONNECTORS)


def run_refresh(
    engine: Engine,
    settings,
    sources: Iterable[str] = SOURCES,
    offline_dir: Path | str | None = None,
    years: tuple[int, int] | None = None,
    progress: Progress | None = None,
    *,
    http: HttpClient | None = None,
    registry: Registry | None = None,
    facts_file: Path | str | None = None,
) -> RefreshReport:
    """Refresh the chosen sources; never raises for one bad dataset — read the report.

    ``offline_dir`` (or ``settings.offline_dir``) replays a recording instead of the network.
    ``years`` limits the Sotkanet years (requested live, filtered offline). ``facts_file`` (or
    ``settings.facts_file``) is the CSV of published figures.
    """
    started = time.perf_counter()
    sources = tuple(sources)
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown sources {sorted(unknown)}; known: {', '.join(SOURCES)}")
    registry = registry or load_registry(getattr(settings, "county", None))
    offline_dir = offline_dir if offline_dir is not None else getattr(settings, "offline_dir", None)
    offline = offline_dir is not None
    if offline:
        fetcher = Fetcher(root=Path(offline_dir), offline=True)
    else:
        fetcher = Fetcher(root=Path(settings.snapshot_dir), offline=False, http=http or make_http_client(settings))
    progress = progress or Progress(quiet=True)
    report = RefreshReport(offline=offline)
    facts = facts_file if facts_file is not None else getattr(settings, "facts_file", None)
    ctx = _Refresh(engine, settings, registry, fetcher, progress, report, years,
                   offline_dir=Path(offline_dir) if offline else None, facts_file=Path(facts) if facts else None)
    progress.step(f"refresh ({'offline from ' + str(offline_dir) if offline else 'live'}): {', '.join(sources)}")

    if "sotkanet" not in sources:  # the Sotkanet step syncs the registry with the national region list
        ctx.sync(*_recorded_regions(ctx), from_sotkanet=False)
    for connector in CONNECTORS:
        if connector.key in sources:
            connector.step(ctx)

    report.seconds = time.perf_counter() - started
    progress.step(report.render())
    return report


def total_counts(report: RefreshReport) -> LoadCounts:
    """Inserted/updated/unchanged over every dataset of a report."""
    counts = LoadCounts()
    for r in report.results:
        counts += LoadCounts(inserted=r.inserted, updated=r.updated, unchanged=r.unchanged)
    return counts
