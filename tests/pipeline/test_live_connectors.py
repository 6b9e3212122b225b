"""Live mode with a fake HTTP session: requests, retries, failures, and the snapshots written."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from data_pipeline import refresh as refresh_module
from data_pipeline.db.engine import make_engine
from data_pipeline.db.migrate import upgrade
from data_pipeline.db.schema import load_run
from data_pipeline.http import HttpClient
from data_pipeline.refresh import run_refresh
from data_pipeline.snapshot import read_snapshot, sha256_bytes
from data_pipeline.sources import sotkanet, statfin
from data_pipeline.sources.sotkanet import BASE_URL

YEARS = (2015, 2022)


@dataclass
class Call:
    method: str
    url: str
    params: list
    body: object
    headers: dict


class FakeResponse:
    def __init__(self, status_code: int, content: bytes = b"", headers: dict | None = None):
        self.status_code = status_code
        self.content = content
        self.headers = headers or {}


class FakeSession:
    """Serves the fixture recording as Sotkanet and StatFin would; ``faults`` injects HTTP errors."""

    def __init__(self, recording: Path, registry, faults=None):
        self.headers: dict = {}
        self.calls: list[Call] = []
        self.rec = recording
        self.registry = registry
        self.faults = faults or []  # [(predicate(call), [status, status, …])]
        self.served: dict[str, bytes] = {}

    def request(self, method, url, params=None, json=None, timeout=None):
        call = Call(method, url, list(params.items() if isinstance(params, dict) else params or []), json, dict(self.headers))
        self.calls.append(call)
        for match, statuses in self.faults:
            if match(call) and statuses:
                return FakeResponse(statuses.pop(0))
        body = self._route(call)
        if body is None:
            return FakeResponse(404, b"not found")
        self.served[url + str(call.params)] = body
        return FakeResponse(200, body)

    def _route(self, call: Call) -> bytes | None:
        cfg = self.registry.sources
        if call.method == "GET" and call.url == BASE_URL + "indicators":
            return (self.rec / cfg.sotkanet.catalogue_snapshot).read_bytes()
        if call.method == "GET" and call.url == BASE_URL + "regions":
            return (self.rec / cfg.sotkanet.regions_snapshot).read_bytes()
        if call.method == "GET" and call.url == BASE_URL + "json":
            ident = dict(call.params)["indicator"]
            path = self.rec / cfg.sotkanet.data_snapshot.format(id=ident)
            return path.read_bytes() if path.exists() else b"[]"
        for ds in cfg.statfin.values():
            if call.method == "POST" and call.url == ds.table_url:
                return (self.rec / ds.snapshot).read_bytes()
        return None


def is_data(ident: int):
    return lambda c: c.url == BASE_URL + "json" and dict(c.params).get("indicator") == ident


@pytest.fixture
def live(engine, registry, mini_offline, settings_for, tmp_path):
    """Run a live refresh against a fake session; returns (report, session, sleeps, settings)."""
    settings = settings_for(str(engine.url))

    def run(faults=None, sources=("sotkanet", "statfin")):
        session = FakeSession(mini_offline, registry, faults)
        sleeps: list[float] = []
        client = HttpClient(settings.user_agent, session=session, sleep=sleeps.append)
        report = run_refresh(engine, settings, sources=sources, years=YEARS, http=client, offline_dir=None)
        return report, session, sleeps, settings

    return run


def loadable_ids(registry, recording: Path) -> set[int]:
    cat = sotkanet.parse_catalogue(read_snapshot(recording, registry.sources.sotkanet.catalogue_snapshot))
    return {r.sotkanet_id for r in sotkanet.resolve_indicators(registry, cat) if r.loadable}


def test_live001_user_agent_and_one_request_per_indicator(live, registry, mini_offline):
    report, session, sleeps, settings = live()
    assert report.ok, report.render()
    assert session.calls and all(c.headers.get("User-Agent") == settings.user_agent for c in session.calls)
    data_calls = [c for c in session.calls if c.url == BASE_URL + "json"]
    ids = [dict(c.params)["indicator"] for c in data_calls]
    assert sorted(ids) == sorted(set(ids)) == sorted(loadable_ids(registry, mini_offline))
    # the total, and men and women for an indicator whose breakdowns name them (indicators.yaml)
    genders = {i.source.id: i.source.genders for i in registry.catalogue.indicators if i.source.kind == "sotkanet"}
    for c in data_calls:
        assert [v for k, v in c.params if k == "years"] == list(range(YEARS[0], YEARS[1] + 1))
        assert [v for k, v in c.params if k == "genders"] == genders.get(dict(c.params)["indicator"], ["total"])
    if 181 in ids:
        assert [v for k, v in next(c for c in data_calls if dict(c.params)["indicator"] == 181).params
                if k == "genders"] == ["total", "male", "female"]
    gets = [c.url for c in session.calls if c.method == "GET" and c.url != BASE_URL + "json"]
    assert sorted(gets) == [BASE_URL + "indicators", BASE_URL + "regions"]
    posts = [c for c in session.calls if c.method == "POST"]
    assert sorted(c.url for c in posts) == sorted(ds.table_url for ds in registry.sources.statfin.values())
    for c in posts:
        ds = next(d for d in registry.sources.statfin.values() if d.table_url == c.url)
        assert c.body == statfin.request_body(ds) and c.body["response"] == {"format": "json-stat2"}
    assert sleeps == []


def test_live002_retries_with_backoff_then_success(live):
    report, session, sleeps, _ = live(faults=[(is_data(127), [503, 503])])
    assert report.ok, report.render()
    assert sleeps == [1.5, 3.0]
    assert len([c for c in session.calls if is_data(127)(c)]) == 3
    assert report.get("sotkanet", "vaesto").status == "success" and report.get("sotkanet", "vaesto").inserted > 0


def test_live003_unreachable_after_retries_records_a_failed_run(live, engine):
    report, session, sleeps, _ = live(faults=[(is_data(127), [503] * 10)])
    result = report.get("sotkanet", "vaesto")
    assert result.status == "unavailable" and "HTTP 503" in result.message
    assert not report.ok and not report.bad_input and report.unavailable
    assert len([c for c in session.calls if is_data(127)(c)]) == 5 and len(sleeps) == 4
    assert report.get("sotkanet", "tyottomat_pct").status == "success"  # the others went ahead
    with engine.connect() as conn:
        run = conn.execute(select(load_run).where(load_run.c.dataset == "vaesto")).one()
    assert run.status == "failed" and "SourceUnavailable" in run.error and "HTTP 503" in run.error
    assert "indicator=127" in run.location and not run.offline


def test_live004_cli_exits_1_when_a_source_is_unreachable(engine, registry, mini_offline, monkeypatch, tmp_path, capsys):
    from data_pipeline.cli import main

    session = FakeSession(mini_offline, registry, faults=[(lambda c: c.url == BASE_URL + "indicators", [503] * 10)])
    monkeypatch.setattr(refresh_module, "make_http_client",
                        lambda settings: HttpClient(settings.user_agent, session=session, sleep=lambda s: None))
    monkeypatch.setenv("DATABASE_URL", str(engine.url))
    monkeypatch.setenv("TILANNEKUVA_SNAPSHOT_DIR", str(tmp_path / "snap"))
    monkeypatch.delenv("TILANNEKUVA_OFFLINE_DIR", raising=False)
    assert main(["-q", "refresh", "--source", "sotkanet", "statfin"]) == 1
    assert "sotkanet/indicators: unavailable" in capsys.readouterr().err
    with engine.connect() as conn:
        runs = {(r.dataset, r.status) for r in conn.execute(select(load_run))}
    assert ("indicators", "failed") in runs and ("rikokset", "success") in runs


def test_live005_snapshots_and_sidecars_in_the_documented_layout(live, registry):
    report, session, _, settings = live()
    root = Path(settings.snapshot_dir)
    cfg = registry.sources
    expected = [cfg.sotkanet.catalogue_snapshot, cfg.sotkanet.regions_snapshot, cfg.sotkanet.data_snapshot.format(id=127),
                *(ds.snapshot for ds in cfg.statfin.values())]
    for rel in expected:
        path = root / rel
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
        assert meta["sha256"] == sha256_bytes(path.read_bytes()) and meta["bytes"] == path.stat().st_size
        assert meta["licence"] == "CC BY 4.0" and meta["fetched_at"]
    meta = json.loads((root / "sotkanet/data/127.json.meta.json").read_text())
    assert meta["source"] == "sotkanet"
    url = urlsplit(meta["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == BASE_URL + "json"
    assert parse_qsl(url.query) == [(k, str(v)) for k, v in sotkanet.data_params(127, range(YEARS[0], YEARS[1] + 1), ["total"])]
    assert meta["query"] == {"indicator": [127], "years": list(range(YEARS[0], YEARS[1] + 1)), "genders": ["total"]}
    crime = json.loads((root / (cfg.statfin["rikokset"].snapshot + ".meta.json")).read_text())
    assert crime["url"] == cfg.statfin["rikokset"].table_url and crime["query"] == statfin.request_body(cfg.statfin["rikokset"])
    assert (root / cfg.sotkanet.data_snapshot.format(id=127)).read_bytes() == next(
        body for key, body in session.served.items() if key.startswith(BASE_URL + "json") and "('indicator', 127)" in key)
    assert report.get("sotkanet", "vaesto").location == meta["url"]


def test_live006_offline_replay_of_the_written_folder_reproduces_the_database(live, engine, tmp_path, data_state):
    report, _, _, settings = live()
    assert report.ok
    replay_url = f"sqlite:///{tmp_path / 'replay.sqlite3'}"
    replay = make_engine(replay_url)
    upgrade(replay)
    again = run_refresh(replay, settings, sources=["sotkanet", "statfin"], offline_dir=settings.snapshot_dir)
    assert again.ok, again.render()
    assert data_state(replay) == data_state(engine)
    assert len(data_state(replay)["observation"]) > 0
    with replay.connect() as conn:
        locations = {r.dataset: r.location for r in conn.execute(select(load_run))}
    assert locations["vaesto"].startswith(BASE_URL + "json?indicator=127")  # the sidecar's URL, not the file


def test_live007_statfin_unreachable_sotkanet_still_loads(live):
    crime = lambda c: c.method == "POST" and "rpk" in c.url
    report, *_ = live(faults=[(crime, [502] * 10)])
    assert report.get("statfin", "rikokset").status == "unavailable"
    assert report.get("statfin", "vaesto_kuukausi").status == "success"
    assert report.get("sotkanet", "vaesto").status == "success"
    assert not report.ok


def test_live008_response_is_on_disk_before_it_is_parsed(engine, registry, mini_offline, settings_for):
    path = mini_offline / registry.sources.sotkanet.data_snapshot.format(id=127)
    rows = json.loads(path.read_text())
    rows[0]["value"] = "abc"
    path.write_text(json.dumps(rows))
    settings = settings_for(str(engine.url))
    client = HttpClient(settings.user_agent, session=FakeSession(mini_offline, registry), sleep=lambda s: None)
    report = run_refresh(engine, settings, sources=["sotkanet"], years=YEARS, http=client, offline_dir=None)
    assert report.bad_input and report.get("sotkanet", "vaesto").status == "bad_input"
    written = Path(settings.snapshot_dir) / registry.sources.sotkanet.data_snapshot.format(id=127)
    assert written.read_bytes() == path.read_bytes()


def test_live009_after_three_unreachable_indicators_the_rest_are_not_tried(live, registry, mini_offline):
    report, session, sleeps, _ = live(faults=[(lambda c: c.url == BASE_URL + "json", [503] * 100)])
    loadable = loadable_ids(registry, mini_offline)
    assert len(loadable) > 3
    data_calls = [c for c in session.calls if c.url == BASE_URL + "json"]
    assert len(data_calls) == 3 * 5  # three indicators, each tried 1 + 4 retries
    statuses = [r.status for r in report.by_source("sotkanet") if r.message == "Sotkanet unreachable; not tried"
                or r.status == "unavailable"]
    assert statuses.count("unavailable") == 3 and statuses.count("skipped") == len(loadable) - 3
