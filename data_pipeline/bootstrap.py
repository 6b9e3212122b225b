"""Bootstrap: what ``make run`` does before serving (the CLI has already migrated the schema).

Why: a fresh checkout must open to a working dashboard on any machine — with a recording
(TILANNEKUVA_OFFLINE_DIR), with internet, or with neither — and a database that already has data
must start fast. So:

1. build the tile map (pure, milliseconds), so a map exists before any boundary is loaded;
2. database already has observations → stop here (no network, no rebuilds);
3. otherwise refresh: from the recording when TILANNEKUVA_OFFLINE_DIR is set, else live; when the
   sources cannot be reached, say so (Finnish and English) and go on with demo values;
4. fill labelled synthetic demo values for indicators without real data, unless TILANNEKUVA_DEMO=0.

Returns False only on a real failure (an unexpected error), never because a source was offline.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from sqlalchemy import Engine, func, select

from data_pipeline.db.schema import observation
from data_pipeline.errors import InputError, SourceUnavailable
from data_pipeline.geo_tiles import build_tiles
from data_pipeline.http import HttpClient
from data_pipeline.progress import Progress
from data_pipeline.registry import load_registry

PROBE_TIMEOUT = 10.0
MSG_UNREACHABLE = (
    "Tietolähteisiin ei saatu yhteyttä: kojelauta näyttää esittelyarvoja, jotka on merkitty synteettisiksi "
    "(eivät ole tilastoja).\n"
    "Could not reach the data sources: the dashboard shows demo values, labelled as synthetic (not statistics).\n"
    "Lataa oikeat tiedot myöhemmin / load real data later: python -m data_pipeline refresh"
)
MSG_RECORDING = (
    "Tallenteesta {path} ei saatu ladattua tietoja: kojelauta näyttää esittelyarvoja, jotka on merkitty synteettisiksi.\n"
    "Nothing could be loaded from the recording {path}: the dashboard shows demo values, labelled as synthetic."
)
MSG_DEMO = (
    "Esittelyarvot: {n} indikaattorilla ei ole oikeaa dataa; niille näytetään synteettisiä arvoja, jotka on merkitty.\n"
    "Demo values: {n} indicators have no real data and show labelled synthetic values."
)
MSG_NO_DEMO = (
    "TILANNEKUVA_DEMO=0: esittelyarvoja ei lisätä; {n} indikaattoria jää tyhjiksi.\n"
    "TILANNEKUVA_DEMO=0: no demo values; {n} indicators stay empty."
)


def demo_enabled(env=None) -> bool:
    return (os.environ if env is None else env).get("TILANNEKUVA_DEMO", "1").strip() != "0"


def _say(text: str) -> None:
    print(text, flush=True)


def _counts(engine: Engine) -> tuple[int, int, int]:
    """(observations, indicators with real data, indicators with only synthetic data)."""
    from data_pipeline.demo import real_indicators

    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(observation)).scalar_one()
        if not n:
            return 0, 0, 0
        real = real_indicators(conn)
        synthetic = set(conn.execute(select(observation.c.indicator_key).where(observation.c.synthetic.is_(True)).distinct()).scalars())
    return n, len(real), len(synthetic - real)


def sources_reachable(settings, registry, http: HttpClient | None = None) -> bool:
    """One quick request (no retries) before a live refresh, so an offline machine starts in seconds."""
    probe = http or HttpClient(settings.user_agent, retries=0, timeout=PROBE_TIMEOUT)
    try:
        probe.get(registry.sources.providers["sotkanet"].api + "indicators/127")
    except SourceUnavailable:
        return False
    return True


def _refresh(engine: Engine, settings, registry, progress: Progress, http: HttpClient | None) -> bool:
    """Load real data; True when something real was loaded."""
    from data_pipeline.refresh import run_refresh

    offline = settings.offline_dir
    if offline is not None:
        progress.step(f"bootstrap: empty database, loading the recording in {offline}")
        report = run_refresh(engine, settings, offline_dir=Path(offline), progress=progress)
    else:
        progress.step("bootstrap: empty database, trying the live sources")
        if not sources_reachable(settings, registry, http):
            return False
        report = run_refresh(engine, settings, progress=progress, http=http)
    if not report.ok:
        _say("Osa tietolähteistä epäonnistui / some datasets failed:\n" + report.render())
    return _counts(engine)[1] > 0


def bootstrap(engine: Engine, settings, progress: Progress | None = None, *, http: HttpClient | None = None) -> bool:
    """Prepare the database and geometry for serving; see the module docstring.

    ``http`` is the client for the live sources (tests inject a fake one).
    """
    progress = progress or Progress(quiet=True)
    try:
        registry = load_registry(settings.county)
        tiles = build_tiles(registry, Path(settings.geo_dir) / "build")
        progress.step(f"bootstrap: tile map {tiles}")
        n, real, synthetic = _counts(engine)
        if n:
            _say(
                f"Tietokannassa on jo tietoja: {real} indikaattoria oikeaa dataa, {synthetic} esittelyarvoin. "
                f"/ The database already has data: {real} indicators with real data, {synthetic} with demo values."
            )
            return True
        try:
            loaded = _refresh(engine, settings, registry, progress, http)
        except (SourceUnavailable, InputError) as exc:
            progress.step(f"bootstrap: {type(exc).__name__}: {exc}")
            loaded = False
        if not loaded:
            _say(MSG_UNREACHABLE if settings.offline_dir is None else MSG_RECORDING.format(path=settings.offline_dir))
        total = len(registry.catalogue.indicators)
        if demo_enabled():
            from data_pipeline.demo import fill_demo

            counts = fill_demo(engine, progress=progress, registry=registry)
            _say(MSG_DEMO.format(n=len(counts.indicators)))
        else:
            _say(MSG_NO_DEMO.format(n=total - _counts(engine)[1]))
        return True
    except Exception:  # noqa: BLE001 - report and let the caller exit non-zero
        print("bootstrap failed / käynnistys epäonnistui:\n" + traceback.format_exc(), file=sys.stderr)
        return False
