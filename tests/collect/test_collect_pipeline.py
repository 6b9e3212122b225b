"""Collection rounds in the pipeline: accounts, rounds, the shared validator, review, publication
with an embargo, history (tests/collect; the web area is tested in test_collect_web.py)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data_pipeline import collect
from data_pipeline.db.schema import audit_log, manual_entry, observation, value_history
from data_pipeline.manual import validate_records

TODAY = date.today()


def _row(**over):
    row = {"alue": "109", "kausi": "2026H1", "tila": "toimitettu", "toimitettu_pvm": "2026-05-14",
           "aiheet": "arjen turvallisuus", "ilmoittaja": "Valmiuspäällikkö, Hämeenlinna"}
    row.update(over)
    return row


@pytest.fixture
def people(any_engine, registry):
    with any_engine.begin() as conn:
        admin = collect.add_user(conn, registry, username="admin", display_name="Ylläpitäjä", role="yllapitaja",
                                 password="salasana-1234567")
        coord = collect.add_user(conn, registry, username="koordi", display_name="Koordinaattori", role="koordinaattori",
                                 scope=["turvallisuus"], password="salasana-1234567")
        rep = collect.add_user(conn, registry, username="hml", display_name="Hämeenlinnan ilmoittaja", role="ilmoittaja",
                               organisation="hameenlinna", password="salasana-1234567")
        users = {k: collect.get_user(conn, user_id=i) for k, i in (("admin", admin), ("coord", coord), ("rep", rep))}
    return users


def _open(engine, registry, coord):
    with engine.begin() as conn:
        return collect.open_round(conn, registry, template="turvallisuuskuva", name="Turvallisuuden tilannekuva 2026/1",
                                  period="2026H1", due_date=TODAY + timedelta(days=30),
                                  organisations=collect.default_organisations(registry, "turvallisuuskuva"), actor=coord)


def test_col001_passwords_are_argon2_and_logins_are_audited(any_engine, registry, people):
    with any_engine.begin() as conn:
        assert people["rep"]["password_hash"].startswith("$argon2id$")
        assert collect.authenticate(conn, "HML", "salasana-1234567", ip="1.2.3.4")["username"] == "hml"
        assert collect.authenticate(conn, "hml", "väärä-salasana-123") is None
        assert collect.authenticate(conn, "nobody", "salasana-1234567") is None
        collect.set_disabled(conn, "hml", True)
        assert collect.authenticate(conn, "hml", "salasana-1234567") is None
        events = [r.event for r in conn.execute(select(audit_log.c.event).order_by(audit_log.c.id))]
    assert events[-5:] == ["login", "login_failed", "login_failed", "user_disabled", "login_failed"]


def test_col002_account_rules_are_finnish_sentences(any_engine, registry):
    with any_engine.begin() as conn:
        with pytest.raises(collect.CollectError, match="organisaatio"):
            collect.add_user(conn, registry, username="x", display_name="x", role="ilmoittaja")
        with pytest.raises(collect.CollectError, match="vähintään 12"):
            collect.add_user(conn, registry, username="x", display_name="x", role="yllapitaja", password="lyhyt")
        with pytest.raises(collect.CollectError, match="rooli"):
            collect.add_user(conn, registry, username="x", display_name="x", role="kuningas")


def test_col003b_a_round_period_must_fit_the_template(engine, registry):
    with engine.begin() as conn:
        admin = collect.get_user(conn, user_id=collect.add_user(conn, registry, username="a", display_name="a",
                                                                 role="yllapitaja"))
        with pytest.raises(collect.CollectError, match="VVVVH1"):
            collect.open_round(conn, registry, template="turvallisuuskuva", name="x", period="2026", due_date=TODAY,
                               organisations=["forssa"], actor=admin)
        with pytest.raises(collect.CollectError, match="VVVV, esim"):
            collect.open_round(conn, registry, template="asunnottomuus", name="x", period="2026H1", due_date=TODAY,
                               organisations=["forssa"], actor=admin)


def test_col003_round_lists_every_municipality_not_started(any_engine, registry, people):
    rid = _open(any_engine, registry, people["coord"])
    with any_engine.connect() as conn:
        board = collect.round_status(conn, rid, TODAY)
    assert len(board) == 11 and {b["shown"] for b in board} == {"not_started"}


def test_col004_form_rows_use_the_load_manual_validator_and_the_round_rules(any_engine, registry, people):
    rid = _open(any_engine, registry, people["coord"])
    with any_engine.connect() as conn:
        rnd = collect.get_round(conn, rid)
    valid, problems = validate_records("turvallisuuskuva", [_row(tila="kenties", toimitettu_pvm="31.2.2026")], registry)
    checked = collect.check_rows(registry, rnd, "hameenlinna", valid, problems)
    assert {(p["row"], p["column"]) for p in checked.problems} == {("2", "tila"), ("2", "toimitettu_pvm")}
    valid, problems = validate_records("turvallisuuskuva", [_row(alue="061"), _row(kausi="2025H2")], registry)
    checked = collect.check_rows(registry, rnd, "hameenlinna", valid, problems)
    assert [(p["row"], p["column"]) for p in checked.problems] == [("2", "alue"), ("3", "kausi")]
    assert "ei kuulu organisaatiolle Hämeenlinna" in checked.problems[0]["message"] and checked.rows == []


def test_col005_review_publication_embargo_and_history(any_engine, registry, people, monkeypatch):
    from dashboard.data import queries

    rid = _open(any_engine, registry, people["coord"])
    with any_engine.begin() as conn:
        rnd = collect.get_round(conn, rid)
        sub = collect.get_submission(conn, rid, "hameenlinna")
        valid, problems = validate_records("turvallisuuskuva", [_row()], registry)
        checked = collect.check_rows(registry, rnd, "hameenlinna", valid, problems)
        collect.save_draft(conn, sub, checked.rows, people["rep"], how="form")
        sub = collect.get_submission(conn, rid, "hameenlinna")
        assert collect.preview(conn, registry, rnd, sub)["new"][0]["region_code"] == "109"
        collect.submit(conn, sub, people["rep"])
        collect.return_submission(conn, collect.get_submission(conn, rid, "hameenlinna"), "Päivämäärä?", people["coord"])
        sub = collect.get_submission(conn, rid, "hameenlinna")
        assert sub["status"] == "returned" and collect.comments(conn, sub["id"])[0]["text"] == "Päivämäärä?"
        collect.save_draft(conn, sub, checked.rows, people["rep"], how="form")
        collect.submit(conn, collect.get_submission(conn, rid, "hameenlinna"), people["rep"])
    with pytest.raises(collect.CollectError, match="menneisyydessä"):
        collect.accept_and_publish(any_engine, registry, sub["id"], TODAY - timedelta(days=1), "", people["coord"], TODAY)
    publish_on = TODAY + timedelta(days=10)
    collect.accept_and_publish(any_engine, registry, sub["id"], publish_on, "Kiitos", people["coord"], TODAY)
    queries.clear_cache()
    shown = lambda: queries.manual_entries.uncached(any_engine, "turvallisuuskuva")
    version_before = queries.data_version(any_engine)
    assert shown().empty  # embargoed
    with any_engine.connect() as conn:
        obs = conn.execute(select(observation.c.visible_from, observation.c.reported_by)
                           .where(observation.c.region_code == "109")).all()
        assert obs and all(o.visible_from == publish_on and o.reported_by == "hameenlinna" for o in obs)
        state = lambda day: {b["organisation"]: b["shown"] for b in collect.round_status(conn, rid, day)}
        assert state(TODAY)["hameenlinna"] == "accepted" and state(TODAY)["forssa"] == "not_started"
        assert state(publish_on)["hameenlinna"] == "published"
    monkeypatch.setattr(queries, "visibility_today", lambda: publish_on)
    assert queries.data_version(any_engine) != version_before
    assert list(shown()["region_code"]) == ["109"]
    with any_engine.connect() as conn:
        hist = collect.history(conn)
    assert {h["column"] for h in hist} >= {"tila", "kausi"} and all(h["old_value"] is None for h in hist)
    assert hist[0]["round"] == "Turvallisuuden tilannekuva 2026/1" and hist[0]["actor"] == "koordi"


def test_col006_a_correction_supersedes_and_the_history_says_old_to_new(any_engine, registry, people):
    rid = _open(any_engine, registry, people["coord"])
    for tila in ("toimitettu", "toimitettu_myohassa"):
        name = f"Kierros {tila}"
        with any_engine.begin() as conn:
            rid = collect.open_round(conn, registry, template="turvallisuuskuva", name=name, period="2026H1",
                                     due_date=TODAY, organisations=["hameenlinna"], actor=people["coord"])
            rnd, sub = collect.get_round(conn, rid), collect.get_submission(conn, rid, "hameenlinna")
            valid, problems = validate_records("turvallisuuskuva", [_row(tila=tila)], registry)
            assert not problems, problems
            collect.save_draft(conn, sub, collect.check_rows(registry, rnd, "hameenlinna", valid, problems).rows,
                               people["rep"], how="form")
            collect.submit(conn, collect.get_submission(conn, rid, "hameenlinna"), people["rep"])
        collect.accept_and_publish(any_engine, registry, sub["id"], TODAY, "", people["coord"], TODAY)
    with any_engine.connect() as conn:
        entries = conn.execute(select(manual_entry.c.data, manual_entry.c.superseded_by)
                               .where(manual_entry.c.region_code == "109").order_by(manual_entry.c.id)).all()
        change = conn.execute(select(value_history.c.old_value, value_history.c.new_value)
                              .where(value_history.c.column == "tila").order_by(value_history.c.id.desc())).first()
    assert len(entries) == 2 and entries[0].superseded_by is not None and entries[1].superseded_by is None
    assert (change.old_value, change.new_value) == ("submitted", "submitted_late")


def test_col007_organisations_are_configuration(registry):
    from data_pipeline.registry import Registry

    orgs = registry.organisations.by_key
    assert len([o for o in orgs.values() if o.kind == "kunta"]) == 11
    assert {"kanta-hameen-hyvinvointialue", "hameen-liitto", "kanta-hameen-pelastuslaitos"} <= set(orgs)
    assert len(Registry(county="paijat-hame").organisations.organisations) == 13


def test_col008_cli_users_add_disable_list(sqlite_url, monkeypatch, capsys):
    from data_pipeline.cli import main

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TILANNEKUVA_NEW_PASSWORD", "salasana-1234567")
    assert main(["-q", "users", "add", "Maija", "--role", "ilmoittaja", "--organisation", "forssa"]) == 0
    assert main(["-q", "users", "add", "x", "--role", "ilmoittaja", "--organisation", "atlantis"]) == 2
    assert "Tuntematon organisaatio" in capsys.readouterr().err
    assert main(["-q", "users", "disable", "maija"]) == 0
    capsys.readouterr()
    assert main(["-q", "users", "list"]) == 0
    assert capsys.readouterr().out.split() == ["maija", "ilmoittaja", "forssa", "-", "disabled"]


def test_col009_load_manual_is_the_administrators_submission_in_the_history(engine, registry, tmp_path):
    from data_pipeline.manual import load_manual_files

    path = tmp_path / "turvallisuuskuva.csv"
    path.write_text("alue;kausi;tila;ilmoittaja\n109;2026H1;toimitettu;Valmiuspäällikkö\n", encoding="utf-8")
    load_manual_files(engine, [path], registry=registry)
    with engine.connect() as conn:
        hist = collect.history(conn)
    assert {(h["actor"], h["column"], h["new_value"]) for h in hist} >= {("cli", "tila", "submitted")}


def test_col010_the_frequency_goal_counts_rounds_accepted_in_the_collection_area(engine, registry, people_sqlite):
    from dashboard.data.goal_data import evaluate_goals

    coord, rescue = people_sqlite
    for period in ("2026H1", "2026H2"):
        with engine.begin() as conn:
            rid = collect.open_round(conn, registry, template="turvallisuuskuva", name=f"Tilannekuva {period}",
                                     period=period, due_date=TODAY, organisations=["kanta-hameen-pelastuslaitos"],
                                     actor=coord)
            rnd, sub = collect.get_round(conn, rid), collect.get_submission(conn, rid, "kanta-hameen-pelastuslaitos")
            rows = [_row(alue=code, kausi=period, tila="pyydetty") for code in registry.county.municipality_codes]
            valid, problems = validate_records("turvallisuuskuva", rows, registry)
            checked = collect.check_rows(registry, rnd, "kanta-hameen-pelastuslaitos", valid, problems)
            assert checked.ok, checked.problems
            collect.save_draft(conn, sub, checked.rows, rescue, how="form")
            collect.submit(conn, collect.get_submission(conn, rid, "kanta-hameen-pelastuslaitos"), rescue)
        collect.accept_and_publish(engine, registry, sub["id"], TODAY, "", coord, TODAY)
    goal = next(g for g in evaluate_goals(engine, registry, area="turvallisuus", today=date(2027, 1, 15))
                if g.key.startswith("turvallisuuskuva"))
    assert (goal.status, goal.value) == ("achieved", 2.0)


@pytest.fixture
def people_sqlite(engine, registry):
    with engine.begin() as conn:
        coord = collect.add_user(conn, registry, username="koordi", display_name="K", role="koordinaattori",
                                 password="salasana-1234567")
        rescue = collect.add_user(conn, registry, username="pela", display_name="P", role="ilmoittaja",
                                  organisation="kanta-hameen-pelastuslaitos", password="salasana-1234567")
        return collect.get_user(conn, user_id=coord), collect.get_user(conn, user_id=rescue)


def test_col011_a_county_sum_that_includes_an_embargoed_value_stays_hidden(engine, registry, people_sqlite, tmp_path):
    """Accessible dwellings: Forssa's figures are embargoed; Hämeenlinna's CLI load a day later
    recomputes the county ratio, which includes Forssa's numbers, so it stays hidden too."""
    from data_pipeline.manual import load_manual_files

    coord, _ = people_sqlite
    with engine.begin() as conn:
        rep = collect.get_user(conn, user_id=collect.add_user(conn, registry, username="forssa", display_name="F",
                                                               role="ilmoittaja", organisation="forssa"))
        rid = collect.open_round(conn, registry, template="esteettomat_asunnot", name="Esteettömät 2025", period="2025",
                                 due_date=TODAY, organisations=["forssa"], actor=coord)
        rnd, sub = collect.get_round(conn, rid), collect.get_submission(conn, rid, "forssa")
        valid, problems = validate_records("esteettomat_asunnot", [{
            "alue": "061", "vuosi": "2025", "uudet": "40", "peruskorjatut": "10", "esteettomat_uudet": "30",
            "esteettomat_peruskorjatut": "5", "ilmoittaja": "F"}], registry)
        collect.save_draft(conn, sub, collect.check_rows(registry, rnd, "forssa", valid, problems).rows, rep, how="form")
        collect.submit(conn, collect.get_submission(conn, rid, "forssa"), rep)
    embargo = TODAY + timedelta(days=30)
    collect.accept_and_publish(engine, registry, sub["id"], embargo, "", coord, TODAY)
    path = tmp_path / "esteettomat_asunnot.csv"
    path.write_text("alue;vuosi;uudet;peruskorjatut;esteettomat_uudet;esteettomat_peruskorjatut;ilmoittaja\n"
                    "109;2025;300;80;240;30;H\n", encoding="utf-8")
    load_manual_files(engine, [path], registry=registry)
    with engine.connect() as conn:
        rows = {r.region_code: (r.visible_from, r.reported_by) for r in conn.execute(
            select(observation.c.region_code, observation.c.visible_from, observation.c.reported_by)
            .where(observation.c.indicator_key.like("esteettom%")))}
    assert rows["061"] == (embargo, "forssa")
    assert rows["109"] == (None, None)
    assert rows[registry.county.region.code][0] == embargo  # the county ratio includes Forssa


def test_col012_round_organisations_default_to_the_forms_reporters_and_must_fit_it(engine, registry, people_sqlite):
    coord, _ = people_sqlite
    with engine.begin() as conn:
        with pytest.raises(collect.CollectError, match="Hämeen liitto"):
            collect.open_round(conn, registry, template="turvallisuuskuva", name="x", period="2026H1", due_date=TODAY,
                               organisations=["hameen-liitto"], actor=coord)
        rid = collect.open_round(conn, registry, template="turvallisuuskuva", name="y", period="2026H1", due_date=TODAY,
                                 organisations=[], actor=coord)
        assert len(collect.get_round(conn, rid)["organisations"]) == 11
        rid = collect.open_round(conn, registry, template="varautumissopimukset", name="z", period="2026",
                                 due_date=TODAY, organisations=["kanta-hameen-pelastuslaitos"], actor=coord)
        assert collect.get_round(conn, rid)["organisations"] == ["kanta-hameen-pelastuslaitos"]


def test_col013_an_embargoed_partner_value_never_leaves_the_api_or_its_bulk_files_early(any_engine, registry, people,
                                                                                      tmp_path, monkeypatch):
    """The publication rule of the pages holds for the open data API and its bulk download too."""
    import io
    import zipfile

    from dashboard import create_app
    from dashboard.data import queries

    rid = _open(any_engine, registry, people["coord"])
    with any_engine.begin() as conn:
        rnd = collect.get_round(conn, rid)
        sub = collect.get_submission(conn, rid, "hameenlinna")
        valid, problems = validate_records("turvallisuuskuva", [_row()], registry)
        checked = collect.check_rows(registry, rnd, "hameenlinna", valid, problems)
        collect.save_draft(conn, sub, checked.rows, people["rep"], how="form")
        collect.submit(conn, collect.get_submission(conn, rid, "hameenlinna"), people["rep"])
    publish_on = TODAY + timedelta(days=10)
    collect.accept_and_publish(any_engine, registry, sub["id"], publish_on, "", people["coord"], TODAY)
    client = create_app(engine=any_engine, registry=registry, geo_dir=tmp_path / "geo").server.test_client()
    key = "turvallisuuskuva_kierrokset"  # derived from the round reports

    def published() -> tuple[list, bool]:
        queries.clear_cache()
        answer = client.get(f"/api/v1/observations?indicator={key}&region=109")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        rows = answer.get_json()["data"]
        bulk = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/bulk/tilannekuva.zip").data))
        csv_name = next(n for n in bulk.namelist() if n.startswith("observations"))
        in_bulk = any(line.startswith((f"{key};109", f"{key},109"))
                      for line in bulk.read(csv_name).decode("utf-8-sig").splitlines())
        return [r for r in rows if r["value"] is not None], in_bulk

    assert published() == ([], False)  # before the publication date: not in the API, not in the bulk file
    monkeypatch.setattr(queries, "visibility_today", lambda: publish_on)
    rows, in_bulk = published()
    assert rows and in_bulk and all(r["partner_reported"] for r in rows)
    # From its publication date the value's source line names the organisation, not an authority.
    from dashboard.data import provenance

    line = provenance.chart_source(registry, registry.indicators[key], "fi",
                                   provenance.provenance(any_engine, registry, key))
    assert "Hämeenlinna (kumppanin ilmoitus)" in line and "THL" not in line
