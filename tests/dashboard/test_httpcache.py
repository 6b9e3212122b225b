"""HTTP caching keyed by the data version: 304 on revalidation, repeats answered from the shared cache,
a new load run changes every key, and a logged-in request is never served from or into the cache."""
from __future__ import annotations

from sqlalchemy import insert

from dashboard.web.httpcache import cache_config
from data_pipeline.db.schema import load_run
from data_pipeline.load import utcnow
from tests.dashboard.conftest import DashClient, render_page


def test_hc001_page_shell_revalidates_with_304_and_a_repeat_is_a_cache_hit(client):
    first = client.get("/turvallisuus?kieli=sv")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    again = client.get("/turvallisuus?kieli=sv")
    assert again.headers["X-Cache"] == "hit" and again.data == first.data and again.headers["ETag"] == etag
    assert "script-src 'self'" in again.headers["Content-Security-Policy"]  # headers still added per response
    not_modified = client.get("/turvallisuus?kieli=sv", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not not_modified.data
    other = client.get("/turvallisuus?kieli=en")
    assert other.headers["ETag"] != etag


def test_hc002_a_callback_repeat_comes_from_the_cache_with_the_same_answer(dash_client):
    first = render_page(dash_client, "/hyvinvointityo", "?vuosi=2019")
    second = render_page(dash_client, "/hyvinvointityo", "?vuosi=2019")
    assert first.status_code == 200 and second.headers["X-Cache"] == "hit"
    assert second.get_json() == first.get_json()


def test_hc003_a_new_load_run_changes_every_key(tmp_path):
    from dashboard import create_app
    from tests.dashboard.data import REGISTRY, build_database

    engine = build_database(tmp_path / "db.sqlite3")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    client = app.server.test_client()
    before = client.get("/asuminen")
    assert client.get("/asuminen").headers["X-Cache"] == "hit"
    with engine.begin() as conn:
        conn.execute(insert(load_run).values(source="manual", dataset="t", location="t", started_at=utcnow(),
                                             finished_at=utcnow(), status="success", code_version="t"))
    after = client.get("/asuminen", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["X-Cache"] == "miss" and after.headers["ETag"] != before.headers["ETag"]
    engine.dispose()


def test_hc004_requests_with_cookies_or_credentials_bypass_the_cache(client):
    client.get("/kuntaprofiili")
    assert client.get("/kuntaprofiili").headers["X-Cache"] == "hit"
    assert "X-Cache" not in client.get("/kuntaprofiili", headers={"Authorization": "Bearer x"}).headers
    assert "X-Cache" not in client.get("/health").headers
    client.set_cookie("session", "abc")
    try:
        assert "X-Cache" not in client.get("/kuntaprofiili").headers
    finally:
        client.delete_cookie("session")


def test_hc005_redis_when_configured_memory_otherwise():
    assert cache_config({})["CACHE_TYPE"] == "SimpleCache"
    cfg = cache_config({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert cfg["CACHE_TYPE"] == "RedisCache" and cfg["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_hc006_workers_share_answers_through_redis(tmp_path, monkeypatch):
    """Two apps (two gunicorn workers) on one Redis: what one computed, the other serves."""
    import redis

    from dashboard import create_app
    from tests.dashboard.data import REGISTRY, build_database

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setenv("REDIS_URL", url)
    engine = build_database(tmp_path / "db.sqlite3")
    one = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo").server.test_client()
    two = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo").server.test_client()
    body = {"_pages_location.pathname": "/asuminen", "_pages_location.search": "", "tk-popstate.data": None}
    first = DashClient(one).call("_pages_content.children", body, changed=["_pages_location.pathname"])
    second = DashClient(two).call("_pages_content.children", body, changed=["_pages_location.pathname"])
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert second.data == first.data
    redis.Redis.from_url(url).flushdb()
    engine.dispose()


def test_hc007_a_hit_is_sent_precompressed_to_clients_that_accept_gzip(client):
    import gzip

    first = client.get("/tietojohtaminen", headers={"Accept-Encoding": "gzip"})
    hit = client.get("/tietojohtaminen", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/tietojohtaminen")
    assert hit.headers["X-Cache"] == "hit" and hit.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in hit.headers["Vary"] and "Content-Encoding" not in plain.headers
    assert gzip.decompress(hit.data) == plain.data == (gzip.decompress(first.data)
                                                        if first.headers.get("Content-Encoding") else first.data)


def test_hc008_first_view_downloads_are_warmed_and_the_renderer_stopped_before_fork(tmp_path):
    from dashboard import create_app
    from dashboard.deliver import export
    from dashboard.web.warm_exports import warm_exports
    from tests.dashboard.data import REGISTRY, build_database, write_geometry

    engine = build_database(tmp_path / "db.sqlite3")
    write_geometry(tmp_path / "geo")
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    done = warm_exports(app, limit=3)
    assert done["exports"] == 3 and done["errors"] == 0
    assert not export.RENDERER.running
    client = app.server.test_client()
    deps = DashClient(client)
    page = render_page(deps, "/asuminen").get_json()
    from dashboard.web.warm_exports import _links

    first = _links(page, [])[0]
    resp = client.get(first)
    assert resp.status_code == 200 and resp.headers["X-Cache"] == "hit" and resp.data[:4] == b"\x89PNG"
    engine.dispose()


def test_hc009_with_redis_a_worker_answers_a_repeat_from_its_own_memory(tmp_path, monkeypatch):
    """The repeat needs no Redis round trip (Redis emptied in between: still a hit, the same bytes);
    another worker still finds the answer in Redis; the worker's copy is bounded in bytes."""
    import redis

    from dashboard import create_app
    from dashboard.web.httpcache import LocalTier
    from tests.dashboard.data import REGISTRY, build_database

    url = "redis://127.0.0.1:6379/15"
    store = redis.Redis.from_url(url)
    store.flushdb()
    monkeypatch.setenv("REDIS_URL", url)
    engine = build_database(tmp_path / "db.sqlite3")
    one = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo").server.test_client()
    two = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo").server.test_client()
    first = one.get("/asuminen")
    assert first.headers["X-Cache"] == "miss" and two.get("/asuminen").headers["X-Cache"] == "hit"
    store.flushdb()
    again = one.get("/asuminen")
    assert again.headers["X-Cache"] == "hit" and again.data == first.data
    fresh = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo").server.test_client()
    assert fresh.get("/asuminen").headers["X-Cache"] == "miss"  # Redis really was empty
    small = LocalTier(2000)
    small.put("a", (200, b"x" * 1000, None, []))
    small.put("b", (200, b"y" * 1000, None, []))  # the oldest goes to make room
    small.put("big", (200, b"z" * 5000, None, []))  # larger than the whole tier: never kept
    assert small.get("a") is None and small.get("b") is not None and small.get("big") is None
    store.flushdb()
    engine.dispose()
