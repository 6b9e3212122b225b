"""The third county profile in the browser: Pirkanmaa (TILANNEKUVA_COUNTY=pirkanmaa), bootstrapped from
the recorded snapshot like `make run` does, quotes its own agreement and names only its own
municipalities on every page (issue 11 §8)."""
from __future__ import annotations

import os
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from data_pipeline.registry import Registry, load_registry

pytestmark = pytest.mark.snapshot

KANTA_HAME = Registry(county="kanta-hame")
PIRKANMAA = Registry(county="pirkanmaa")
FOREIGN = sorted({KANTA_HAME.county.name.fi, KANTA_HAME.county.welfare_area.name.fi,
                  *(m.name.fi for m in KANTA_HAME.county.municipalities)} - {m.name.fi for m in PIRKANMAA.county.municipalities})


@pytest.fixture(scope="module")
def pirkanmaa_server(tmp_path_factory, offline_dir):
    from dashboard import create_app
    from data_pipeline.bootstrap import bootstrap
    from data_pipeline.db.engine import make_engine
    from data_pipeline.db.migrate import upgrade
    from data_pipeline.settings import Settings

    root = tmp_path_factory.mktemp("pirkanmaa")
    env = {"DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}", "TILANNEKUVA_COUNTY": "pirkanmaa",
           "TILANNEKUVA_OFFLINE_DIR": str(offline_dir), "TILANNEKUVA_GEO_DIR": str(root / "geo"),
           "TILANNEKUVA_SNAPSHOT_DIR": str(root / "snapshot")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    load_registry.cache_clear()
    try:
        settings = Settings.from_env(env)
        engine = make_engine(settings.database_url)
        upgrade(engine)
        assert bootstrap(engine, settings)
        app = create_app(engine=engine, registry=load_registry("pirkanmaa"), geo_dir=root / "geo")
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        engine.dispose()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        load_registry.cache_clear()


def _text(page) -> str:
    """The page's text, without the similar-municipalities table: it compares with the whole
    country on purpose, so it may name any municipality (the profile's own words may not)."""
    page.wait_for_load_state("networkidle")
    return page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('#similar-table').forEach(e => e.remove());
        document.documentElement.appendChild(body);
        const text = body.innerText;
        body.remove();
        return text;
    }""")


def test_tp001_pages_quote_pirkanmaas_agreement_and_name_only_its_municipalities(page, pirkanmaa_server):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(20_000)
    seen: set[str] = set()
    for path in ("/", "/asuminen", "/turvallisuus", "/kuntaprofiili", "/tietolahteet"):
        page.goto(pirkanmaa_server + path)
        expect(page.locator("main h1").first).to_be_visible()
        text = _text(page)
        leaked = [name for name in FOREIGN if re.search(rf"(?<![\w-]){re.escape(name)}", text)]
        assert not leaked, (path, leaked)
        seen |= {m.name.fi for m in PIRKANMAA.county.municipalities if m.name.fi in text}
        if path == "/asuminen":
            area = PIRKANMAA.agreement.area("asuminen")
            assert area.goal.fi in text and "paikkamerkki" in text.lower()
            page.wait_for_function("() => document.querySelectorAll('#area-map .choroplethlocation').length >= 23")
    assert "Pirkanmaa" in page.title() or "Pirkanmaa" in text
    assert {"Tampere", "Virrat", "Akaa"} <= seen, seen
    assert not errors, errors
