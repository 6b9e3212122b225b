"""Meeting sequences saved from the browser (/tiedonkeruu/kokoukset): who may change them, CSRF,
Finnish validation messages, and a saved sequence listed and played at /kokous like a file one."""
from __future__ import annotations

import pytest

from tests.collect.conftest import PASSWORD, csrf_of, login
from tests.dashboard.data import REGISTRY, build_database, write_geometry

KEY = "asunnottomat_yksinaiset_per1000"


@pytest.fixture
def env(tmp_path, monkeypatch):
    from dashboard import create_app
    from dashboard.data import queries
    from data_pipeline import collect

    monkeypatch.setenv("TILANNEKUVA_MEETINGS_DIR", str(tmp_path / "kokoukset"))
    engine = build_database(tmp_path / "db.sqlite3")
    write_geometry(tmp_path / "geo")
    with engine.begin() as conn:
        collect.add_user(conn, REGISTRY, username="koordi", display_name="Koordinaattori Kaisa", role="koordinaattori",
                         scope=["turvallisuus"], password=PASSWORD)
        collect.add_user(conn, REGISTRY, username="admin", display_name="Ylläpitäjä", role="yllapitaja", password=PASSWORD)
        collect.add_user(conn, REGISTRY, username="hml", display_name="Ilmoittaja", role="ilmoittaja",
                         organisation="hameenlinna", password=PASSWORD)
    queries.clear_cache()
    app = create_app(engine=engine, registry=REGISTRY, geo_dir=tmp_path / "geo")
    app.server.config["TESTING"] = True
    yield app, engine, tmp_path / "kokoukset"
    engine.dispose()


def form(**over) -> dict:
    data = {"nimi": "Strateginen foorumi 12/2026", "tunnus": "foorumi-12-2026", "paiva": "2026-12-10", "tilanne": "",
            "kieli": "fi",
            "dia_jarjestys": ["1", "2", "3", ""], "dia_otsikko": ["Tavoitteet", "Asunnottomat", "Rikokset", ""],
            "dia_nakyma": ["/", f"/asuminen?indikaattori={KEY}&vuosi=2022", "/indikaattori/rikokset_henki_terveys_per1000", ""]}
    data.update(over)
    return data


def submit(client, path: str, data: dict):
    token = csrf_of(client.get("/tiedonkeruu/kokoukset/uusi").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def saved(app) -> list[str]:
    from dashboard.deliver.meeting import sequence

    with app.server.app_context():
        return sequence.default_store().names()


def test_mt201_anonymous_users_and_reporters_cannot_edit_but_anyone_can_play(env):
    app, _engine, _folder = env
    anon = app.server.test_client()
    for path in ("/tiedonkeruu/kokoukset", "/tiedonkeruu/kokoukset/uusi"):
        resp = anon.get(path)
        assert resp.status_code == 302 and "/tiedonkeruu/kirjaudu" in resp.headers["Location"]
    assert anon.post("/tiedonkeruu/kokoukset/uusi", data=form()).status_code == 400  # no CSRF token, no session
    reporter = app.server.test_client()
    login(reporter, "hml")
    assert reporter.get("/tiedonkeruu/kokoukset").status_code == 403
    assert submit(reporter, "/tiedonkeruu/kokoukset/uusi", form()).status_code == 403
    assert saved(app) == []
    coordinator = app.server.test_client()
    login(coordinator, "koordi")
    resp = submit(coordinator, "/tiedonkeruu/kokoukset/uusi", form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert saved(app) == ["foorumi-12-2026"]
    # Played and listed for everyone, like a file sequence.
    from dashboard.deliver.meeting import player

    with app.server.test_request_context("/kokous/foorumi-12-2026"):
        seq = player.sequence.default_store().load("foorumi-12-2026", REGISTRY)
        assert [s.title for s in seq.slides] == ["Tavoitteet", "Asunnottomat", "Rikokset"]
        assert "Strateginen foorumi 12/2026" in str(player.index_layout())
        assert "Asunnottomat" in str(player.layout("foorumi-12-2026", dia="2"))
    # A reporter cannot delete it either.
    token = csrf_of(coordinator.get("/tiedonkeruu/kokoukset").get_data(as_text=True))
    assert reporter.post("/tiedonkeruu/kokoukset/foorumi-12-2026/poista", data={"csrf_token": token}).status_code in (400, 403)
    assert saved(app) == ["foorumi-12-2026"]


def test_mt202_csrf_is_enforced_on_save_and_delete(env):
    app, _engine, _folder = env
    client = app.server.test_client()
    login(client, "admin")
    assert client.post("/tiedonkeruu/kokoukset/uusi", data=form()).status_code == 400
    assert client.post("/tiedonkeruu/kokoukset/uusi", data={**form(), "csrf_token": "väärä"}).status_code == 400
    assert saved(app) == []
    assert submit(client, "/tiedonkeruu/kokoukset/uusi", form()).status_code == 302
    assert client.post("/tiedonkeruu/kokoukset/foorumi-12-2026/poista").status_code == 400
    assert saved(app) == ["foorumi-12-2026"]
    token = csrf_of(client.get("/tiedonkeruu/kokoukset").get_data(as_text=True))
    assert client.post("/tiedonkeruu/kokoukset/foorumi-12-2026/poista", data={"csrf_token": token}).status_code == 302
    assert saved(app) == []


@pytest.mark.parametrize("over, message", [
    ({"nimi": ""}, "Kokouksen nimi puuttuu."),
    ({"tunnus": "Iso Nimi"}, "Tunnus ”iso nimi”: käytä pieniä kirjaimia"),
    ({"paiva": "10.12.2026"}, "Kokouspäivä ”10.12.2026” ei ole päivämäärä (VVVV-KK-PP)."),
    ({"tilanne": "2999-01-01"}, "Lukittu tilanne: Tilanne ”2999-01-01” on tulevaisuudessa"),
    ({"dia_otsikko": ["Tavoitteet", "", "Rikokset", ""]}, "Dia 2 (rivi 2): otsikko puuttuu."),
    ({"dia_nakyma": ["/", "/ei-ole-sivua", "/", ""]}, "Dia 2 (rivi 2), näkymä /ei-ole-sivua:"),
    ({"dia_jarjestys": ["1", "kaksi", "3", ""]}, "Rivi 2: järjestys ”kaksi” ei ole numero."),
    ({"dia_otsikko": ["", "", "", ""], "dia_nakyma": ["", "", "", ""]}, "Kokouksessa ei ole yhtään diaa"),
])
def test_mt203_bad_input_is_named_in_finnish_and_nothing_is_saved(env, over, message):
    app, _engine, _folder = env
    client = app.server.test_client()
    login(client, "koordi")
    resp = submit(client, "/tiedonkeruu/kokoukset/uusi", form(**over))
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    assert saved(app) == []


def test_mt204_edit_reorders_retitles_pins_and_renames_and_a_name_cannot_be_taken_twice(env):
    app, _engine, folder = env
    client = app.server.test_client()
    login(client, "koordi")
    assert submit(client, "/tiedonkeruu/kokoukset/uusi", form()).status_code == 302
    assert submit(client, "/tiedonkeruu/kokoukset/uusi", form()).status_code == 400  # the same name again
    page = client.get("/tiedonkeruu/kokoukset/foorumi-12-2026").get_data(as_text=True)
    assert 'value="Asunnottomat"' in page and 'value="2026-12-10"' in page
    edited = form(tunnus="foorumi-joulukuu", tilanne="2026-11-20", dia_jarjestys=["3", "1", "2", ""],
                  dia_otsikko=["Tavoitteet", "Asunnottomat kunnittain", "Rikokset", ""])
    assert submit(client, "/tiedonkeruu/kokoukset/foorumi-12-2026", edited).status_code == 302
    assert saved(app) == ["foorumi-joulukuu"]
    with app.server.app_context():
        from dashboard.deliver.meeting import sequence

        seq = sequence.default_store().load("foorumi-joulukuu", REGISTRY)
    assert [s.title for s in seq.slides] == ["Asunnottomat kunnittain", "Rikokset", "Tavoitteet"]
    assert seq.as_of == "2026-11-20" and all(s.state.as_of == "2026-11-20" for s in seq.slides)
    # A file sequence's name is not free either.
    folder.mkdir(exist_ok=True)
    (folder / "tiedosto.yaml").write_text("title: T\ndate: 2026-12-01\nslides:\n  - title: A\n    view: /\n", encoding="utf-8")
    resp = submit(client, "/tiedonkeruu/kokoukset/uusi", form(tunnus="tiedosto"))
    assert resp.status_code == 400 and "on jo toisen kokouksen käytössä" in resp.get_data(as_text=True)


def test_mt205_a_saved_sequence_round_trips_on_sqlite_and_postgresql(any_engine, registry):
    from datetime import date

    from dashboard.deliver.meeting import sequence
    from data_pipeline import meetings

    with any_engine.begin() as conn:
        from data_pipeline.sync import sync_registry

        sync_registry(conn, registry)
    store = sequence.DbSequenceStore(any_engine)
    fields = {"title": "Hyte-kuntakokous", "date": "2026-12-15", "as_of": "2026-12-01", "lang": "sv",
              "slides": [{"title": "Mål", "view": "/"}, {"title": "Bostad", "view": f"/asuminen?indikaattori={KEY}"}]}
    store.save(sequence.validate_sequence("hyte", fields, registry, where="test"), actor="koordi")
    seq = store.load("hyte", registry)
    assert (seq.title, seq.date, seq.as_of, seq.lang) == ("Hyte-kuntakokous", date(2026, 12, 15), "2026-12-01", "sv")
    assert [(s.title, s.path, s.state.indicator) for s in seq.slides] == [("Mål", "/", None),
                                                                         ("Bostad", "/asuminen", KEY)]
    renamed = sequence.validate_sequence("hyte-2", {**fields, "slides": fields["slides"][::-1]}, registry, where="t")
    store.save(renamed, actor="koordi", previous_slug="hyte")
    assert store.names() == ["hyte-2"] and [s.title for s in store.load("hyte-2", registry).slides] == ["Bostad", "Mål"]
    assert store.delete("hyte-2") and not store.delete("hyte-2")
    with any_engine.connect() as conn:
        assert meetings.names(conn) == []
