"""The collection area through the Flask test client: every route's authorisation, CSRF, brute
force, timeouts, and the whole reporting flow with an embargoed publication."""
from __future__ import annotations

import io
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data_pipeline import collect
from data_pipeline.db.schema import audit_log, submission
from tests.collect.conftest import PASSWORD, REGISTRY, csrf_of, login, post

SECRET = "SALAINEN-HAMEENLINNA-AIHE"
ROUND = "Turvallisuuden tilannekuva 2026/1"


@pytest.fixture(scope="module")
def env(collect_env):
    """The app with one round; Hämeenlinna has a draft holding SECRET."""
    app, engine = collect_env
    with engine.begin() as conn:
        coord = collect.get_user(conn, username="koordi")
        rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name=ROUND, period="2026H1",
                                 due_date=date(2026, 6, 30), organisations=["hameenlinna", "forssa"], actor=coord)
        rnd, sub = collect.get_round(conn, rid), collect.get_submission(conn, rid, "hameenlinna")
        from data_pipeline.manual import validate_records

        valid, problems = validate_records("turvallisuuskuva", [
            {"alue": "109", "kausi": "2026H1", "tila": "toimitettu", "aiheet": SECRET, "ilmoittaja": "Testi"}], REGISTRY)
        collect.save_draft(conn, sub, collect.check_rows(REGISTRY, rnd, "hameenlinna", valid, problems).rows,
                           collect.get_user(conn, username="hml"), how="test")
    return app, engine, rid


def _routes(rid):
    base = f"/tiedonkeruu/kierros/{rid}"
    gets = ["/tiedonkeruu/", f"{base}", f"{base}/hameenlinna", f"{base}/hameenlinna/esikatselu",
            "/tiedonkeruu/historia", "/tiedonkeruu/historia?muoto=csv", "/tiedonkeruu/kayttajat"]
    posts = ["/tiedonkeruu/kierros", f"{base}/hameenlinna", f"{base}/hameenlinna/tiedosto",
             f"{base}/hameenlinna/laheta", f"{base}/hameenlinna/arvio", "/tiedonkeruu/kayttajat"]
    return gets, posts


def test_web001_anonymous_is_sent_to_login_and_sees_nothing(env):
    app, _, rid = env
    client = app.server.test_client()
    gets, posts = _routes(rid)
    token = csrf_of(client.get("/tiedonkeruu/kirjaudu").get_data(as_text=True))
    for path in gets:
        resp = client.get(path)
        assert resp.status_code == 302 and "/tiedonkeruu/kirjaudu" in resp.headers["Location"], path
        assert SECRET not in resp.get_data(as_text=True) and ROUND not in resp.get_data(as_text=True)
    for path in posts:
        resp = client.post(path, data={"csrf_token": token, "r0-alue": "109"})
        assert resp.status_code == 302 and "/tiedonkeruu/kirjaudu" in resp.headers["Location"], path


def test_web002_reporter_of_another_organisation_gets_403_and_no_data(env):
    app, engine, rid = env
    client = app.server.test_client()
    assert login(client, "forssa").status_code == 302
    gets, posts = _routes(rid)
    token = csrf_of(client.get("/tiedonkeruu/").get_data(as_text=True))
    for path in gets[2:]:
        resp = client.get(path)
        assert resp.status_code == 403, path
        assert SECRET not in resp.get_data(as_text=True)
    for path in posts:
        data = {"csrf_token": token, "r0-alue": "109", "r0-tila": "submitted", "r0-ilmoittaja": "x",
                "lomake": "turvallisuuskuva", "nimi": "x", "kausi": "2026H1", "erapaiva": "2026-12-31",
                "toiminto": "hyvaksy", "julkaisupaiva": date.today().isoformat(), "tunnus": "hml"}
        resp = client.post(path, data=data)
        assert resp.status_code == 403, path
        assert SECRET not in resp.get_data(as_text=True)
    # Own form, region field edited to Hämeenlinna's code: 403, nothing saved.
    resp = post(client, f"/tiedonkeruu/kierros/{rid}/forssa", {"r0-alue": "109", "r0-tila": "submitted",
                                                               "r0-ilmoittaja": "x"})
    assert resp.status_code == 403
    with engine.connect() as conn:
        assert collect.get_submission(conn, rid, "forssa")["status"] == "not_started"
        assert collect.get_submission(conn, rid, "hameenlinna")["status"] == "draft"
    # The status board shows states, not values.
    board = client.get(f"/tiedonkeruu/kierros/{rid}")
    assert board.status_code == 200 and SECRET not in board.get_data(as_text=True)


def test_web003_coordinator_outside_their_scope_gets_403(env):
    app, _, rid = env
    client = app.server.test_client()
    login(client, "asuntokoordi")
    for path in (f"/tiedonkeruu/kierros/{rid}", f"/tiedonkeruu/kierros/{rid}/hameenlinna"):
        resp = client.get(path)
        assert resp.status_code == 403 and SECRET not in resp.get_data(as_text=True)
    assert f"/tiedonkeruu/kierros/{rid}" not in client.get("/tiedonkeruu/").get_data(as_text=True)


def test_web004_disabled_account_cannot_log_in_and_a_live_session_ends(env):
    app, engine, rid = env
    client = app.server.test_client()
    resp = login(client, "suljettu")
    assert resp.status_code == 401 and "ei ole käytössä" in resp.get_data(as_text=True)
    other = app.server.test_client()
    assert login(other, "hml").status_code == 302
    assert other.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna").status_code == 200
    with engine.begin() as conn:
        collect.set_disabled(conn, "hml", True)
    try:
        resp = other.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna")
        assert resp.status_code == 302 and SECRET not in resp.get_data(as_text=True)
    finally:
        with engine.begin() as conn:
            collect.set_disabled(conn, "hml", False)


@pytest.mark.parametrize("key,age", [("tk_seen", 31 * 60), ("tk_login_at", 8 * 3600 + 5)])
def test_web005_idle_and_absolute_timeouts_end_the_session(env, key, age):
    app, _, rid = env
    client = app.server.test_client()
    login(client, "hml")
    with client.session_transaction("/tiedonkeruu/") as sess:
        sess[key] = int(time.time()) - age
    resp = client.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna")
    assert resp.status_code == 302 and "/tiedonkeruu/kirjaudu" in resp.headers["Location"]
    assert SECRET not in resp.get_data(as_text=True)
    assert "Istuntosi päättyi" in client.get("/tiedonkeruu/kirjaudu").get_data(as_text=True)
    assert client.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna").status_code == 302


def test_web006_a_post_without_the_csrf_token_is_refused(env):
    app, engine, _rid = env
    client = app.server.test_client()
    resp = client.post("/tiedonkeruu/kirjaudu", data={"tunnus": "hml", "salasana": PASSWORD})
    assert resp.status_code == 400 and "turvatunniste" in resp.get_data(as_text=True)
    login(client, "koordi")
    resp = client.post("/tiedonkeruu/kierros", data={"lomake": "turvallisuuskuva", "nimi": "Ilman tunnistetta",
                                                     "kausi": "2026H2", "erapaiva": "2026-12-31",
                                                     "organisaatiot": ["forssa"]})
    assert resp.status_code == 400
    with engine.connect() as conn:
        assert "Ilman tunnistetta" not in {r["name"] for r in collect.list_rounds(conn)}


def test_web007_dash_routes_are_not_behind_csrf_and_public_pages_set_no_cookie(env):
    app, _, _ = env
    client = app.server.test_client()
    resp = client.post("/_dash-update-component", json={})
    assert resp.status_code == 400 and resp.get_json() == {"error": "body is not a JSON object"} or \
        resp.get_json()["error"] != ""
    assert "turvatunniste" not in resp.get_data(as_text=True)
    page = client.get("/")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers


def test_web008_the_sixth_wrong_password_in_a_minute_is_refused_and_logged(env):
    app, engine, _ = env
    client = app.server.test_client()
    codes = [login(client, "forssa-brute", "väärä-salasana-1").status_code for _ in range(5)]
    assert codes == [401] * 5
    sixth = login(client, "forssa-brute", "väärä-salasana-1")
    assert sixth.status_code == 429 and "Liian monta" in sixth.get_data(as_text=True)
    with engine.connect() as conn:
        events = [r.event for r in conn.execute(select(audit_log.c.event).where(audit_log.c.username == "forssa-brute"))]
    assert events.count("login_failed") == 5 and events[-1] == "login_refused"


def test_web009_cookie_flags(env):
    app, _, _ = env
    client = app.server.test_client()
    cookie = login(client, "hml").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.server.test_client()
    page = secure.get("/tiedonkeruu/kirjaudu", base_url="https://localhost")
    resp = secure.post("/tiedonkeruu/kirjaudu", base_url="https://localhost",
                       headers={"Referer": "https://localhost/tiedonkeruu/kirjaudu"},
                       data={"tunnus": "hml", "salasana": PASSWORD, "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert "Secure" in resp.headers["Set-Cookie"]


BAD_CSV = "alue;kausi;tila;toimitettu_pvm;aiheet;ilmoittaja\n109;2026H1;kenties;31.2.2026;arjen turvallisuus;\n"


def test_web010_whole_flow_upload_errors_form_preview_return_accept_embargo(env, monkeypatch):
    from dashboard.data import queries

    app, engine, _ = env
    with engine.begin() as conn:
        rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name="Kierros 2026/2", period="2026H2",
                                 due_date=date(2026, 12, 31), organisations=["hameenlinna"],
                                 actor=collect.get_user(conn, username="koordi"))
    rep, coord = app.server.test_client(), app.server.test_client()
    login(rep, "hml"), login(coord, "koordi")
    form = f"/tiedonkeruu/kierros/{rid}/hameenlinna"
    resp = post(rep, f"{form}/tiedosto", {"tiedosto": (io.BytesIO(BAD_CSV.encode()), "turvallisuuskuva.csv")},
                page=form, content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Korjattavaa: 3" in html
    for column in ("sarake kausi", "sarake toimitettu_pvm", "sarake ilmoittaja"):
        assert column in html or column.replace("kausi", "tila") in html
    assert 'value="31.2.2026"' in html  # the file's values are in the form, ready to fix
    with engine.connect() as conn:
        assert collect.get_submission(conn, rid, "hameenlinna")["status"] == "not_started"
    resp = post(rep, form, {"r0-alue": "109", "r0-tila": "submitted", "r0-toimitettu_pvm": "2026-11-14",
                            "r0-aiheet": "arjen turvallisuus", "r0-ilmoittaja": "Valmiuspäällikkö"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/esikatselu")
    preview = rep.get(f"{form}/esikatselu").get_data(as_text=True)
    assert "Uudet rivit" in preview and "toimitettu" in preview
    assert post(rep, f"{form}/laheta", {}, page=f"{form}/esikatselu").status_code == 302
    resp = post(coord, f"{form}/arvio", {"toiminto": "palauta", "kommentti": "Tarkista päivämäärä."}, page=form)
    assert resp.status_code == 302
    page = rep.get(form).get_data(as_text=True)
    assert "Tarkista päivämäärä." in page and "palautettu" in page
    post(rep, form, {"r0-alue": "109", "r0-tila": "submitted", "r0-toimitettu_pvm": "2026-11-15",
                     "r0-aiheet": "arjen turvallisuus", "r0-ilmoittaja": "Valmiuspäällikkö"})
    post(rep, f"{form}/laheta", {}, page=f"{form}/esikatselu")
    future = date.today() + timedelta(days=14)
    resp = post(coord, f"{form}/arvio", {"toiminto": "hyvaksy", "julkaisupaiva": future.isoformat(),
                                         "kommentti": ""}, page=form)
    assert resp.status_code == 302
    assert "hyväksytty" in coord.get(f"/tiedonkeruu/kierros/{rid}").get_data(as_text=True)
    periods = lambda: set(queries.manual_entries(engine, "turvallisuuskuva")["period"])
    assert "2026H2" not in periods()
    monkeypatch.setattr(queries, "visibility_today", lambda: future)
    assert "2026H2" in periods()
    assert "julkaistu" in coord.get(f"/tiedonkeruu/kierros/{rid}").get_data(as_text=True)
    with engine.connect() as conn:
        status = conn.execute(select(submission.c.status).where(submission.c.round_id == rid)).scalar_one()
    assert status == "published"
    csv = coord.get("/tiedonkeruu/historia?muoto=csv")
    assert csv.status_code == 200 and "2026-11-15" in csv.get_data(as_text=True)
    assert rep.get("/tiedonkeruu/historia").status_code == 403


def test_web011_administrator_manages_accounts_in_the_browser(env):
    app, _engine, _ = env
    admin = app.server.test_client()
    login(admin, "admin")
    resp = post(admin, "/tiedonkeruu/kayttajat", {"toiminto": "lisaa", "tunnus": "uusi.ilmoittaja", "nimi": "Uusi",
                                                  "rooli": "ilmoittaja", "organisaatio": "loppi",
                                                  "salasana": "pitka-salasana-99"})
    assert resp.status_code == 200 and "uusi.ilmoittaja" in resp.get_data(as_text=True)
    bad = post(admin, "/tiedonkeruu/kayttajat", {"toiminto": "lisaa", "tunnus": "x", "rooli": "ilmoittaja"})
    assert bad.status_code == 422 and "organisaatio" in bad.get_data(as_text=True)
    post(admin, "/tiedonkeruu/kayttajat", {"toiminto": "poista_kaytosta", "tunnus": "uusi.ilmoittaja"})
    assert login(app.server.test_client(), "uusi.ilmoittaja", "pitka-salasana-99").status_code == 401


def test_web012_a_draft_survives_logout(env):
    app, _, rid = env
    client = app.server.test_client()
    login(client, "hml")
    assert SECRET in client.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna").get_data(as_text=True)
    assert post(client, "/tiedonkeruu/ulos", {}, page="/tiedonkeruu/").status_code == 302
    assert client.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna").status_code == 302
    login(client, "hml")
    assert SECRET in client.get(f"/tiedonkeruu/kierros/{rid}/hameenlinna").get_data(as_text=True)


@pytest.mark.parametrize("template", sorted(REGISTRY.templates.templates))
def test_web013_every_template_gets_a_form_with_its_fields_choices_and_help(env, template):
    app, engine, _ = env
    tpl = REGISTRY.templates.templates[template]
    with engine.begin() as conn:
        orgs = collect.default_organisations(REGISTRY, template)
        half = next(c.type for c in tpl.columns if c.name == tpl.period_column) == "half_year"
        rid = collect.open_round(conn, REGISTRY, template=template, name=f"Lomaketesti {template}",
                                 period="2026H1" if half else "2026",
                                 due_date=date(2026, 12, 31), organisations=orgs,
                                 actor=collect.get_user(conn, username="admin"))
        username = f"ilmoittaja-{template}"
        collect.add_user(conn, REGISTRY, username=username, display_name=username, role="ilmoittaja",
                         organisation=orgs[0], password=PASSWORD)
    client = app.server.test_client()
    login(client, username)
    html = client.get(f"/tiedonkeruu/kierros/{rid}/{orgs[0]}").get_data(as_text=True)
    for col in tpl.columns:
        if col.name in ("alue", tpl.period_column):
            continue
        assert f'id="r0-{col.name}"' in html and col.help.fi in html, col.name
        for choice in col.choices:
            assert f'value="{choice.code}"' in html
        if col.type == "int" and col.min == 0 and col.max is None:
            assert "kokonaisluku, vähintään 0" in html


def test_web014_the_xlsx_that_templates_writes_uploads_once_filled_in(env, tmp_path):
    from openpyxl import load_workbook

    from data_pipeline.manual import write_templates

    app, engine, _ = env
    with engine.begin() as conn:
        rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name="XLSX-kierros", period="2025H2",
                                 due_date=date(2026, 1, 31), organisations=["forssa"],
                                 actor=collect.get_user(conn, username="koordi"))
    write_templates(tmp_path)
    book = load_workbook(tmp_path / "turvallisuuskuva.xlsx")
    sheet = book["tiedot"]
    header = [c.value for c in sheet[1]]
    values = {"alue": "061", "kausi": "2025H2", "tila": "toimitettu", "toimitettu_pvm": date(2025, 11, 3),
              "aiheet": "tapaturmat", "ilmoittaja": "Forssan valmiuspäällikkö"}
    for i, name in enumerate(header, start=1):
        sheet.cell(row=2, column=i).value = values.get(name)
    book.save(tmp_path / "turvallisuuskuva_forssa.xlsx")
    client = app.server.test_client()
    login(client, "forssa")
    form = f"/tiedonkeruu/kierros/{rid}/forssa"
    with open(tmp_path / "turvallisuuskuva_forssa.xlsx", "rb") as fh:
        resp = post(client, f"{form}/tiedosto", {"tiedosto": (fh, "turvallisuuskuva_forssa.xlsx")}, page=form,
                    content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    preview = client.get(f"{form}/esikatselu").get_data(as_text=True)
    assert "2025-11-03" in preview and "Forssan valmiuspäällikkö" in preview
    # The untouched template (its example row still in it) is refused with the validator's sentence.
    with open(tmp_path / "turvallisuuskuva.xlsx", "rb") as fh:
        resp = post(client, f"{form}/tiedosto", {"tiedosto": (fh, "turvallisuuskuva.xlsx")}, page=form,
                    content_type="multipart/form-data")
    assert resp.status_code == 422 and "esimerkkirivi" in resp.get_data(as_text=True)


def test_web015_the_strict_csp_and_no_store_cover_the_collection_pages(env):
    app, _, _ = env
    resp = app.server.test_client().get("/tiedonkeruu/kirjaudu")
    csp = dict(part.strip().split(" ", 1) for part in resp.headers["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" not in csp["script-src"] and csp["form-action"] == "'self'"
    assert resp.headers["Cache-Control"] == "no-store"
    assert "<script" not in resp.get_data(as_text=True) and "style=" not in resp.get_data(as_text=True)


def test_web016_the_board_marks_reports_past_their_due_date(env):
    app, _, rid = env  # due 30.6.2026 in the module's round; Forssa has not started
    client = app.server.test_client()
    login(client, "koordi")
    html = client.get(f"/tiedonkeruu/kierros/{rid}").get_data(as_text=True)
    forssa = html.split("Forssa</a>")[1].split("</tr>")[0]
    assert ("myöhässä" in forssa) == (date.today() > date(2026, 6, 30))


def test_web017_the_coordinator_is_told_when_a_report_corrects_published_values(env):
    from data_pipeline.manual import validate_records

    app, engine, _ = env
    rids = []
    for name, tila in (("Korjauskierros A", "toimitettu"), ("Korjauskierros B", "toimitettu_myohassa")):
        with engine.begin() as conn:
            coord, rep = collect.get_user(conn, username="koordi"), collect.get_user(conn, username="hml")
            rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name=name, period="2024H1",
                                     due_date=date(2024, 6, 30), organisations=["hameenlinna"], actor=coord)
            rnd, sub = collect.get_round(conn, rid), collect.get_submission(conn, rid, "hameenlinna")
            valid, problems = validate_records("turvallisuuskuva", [
                {"alue": "109", "kausi": "2024H1", "tila": tila, "ilmoittaja": "H"}], REGISTRY)
            collect.save_draft(conn, sub, collect.check_rows(REGISTRY, rnd, "hameenlinna", valid, problems).rows, rep,
                               how="test")
            collect.submit(conn, collect.get_submission(conn, rid, "hameenlinna"), rep)
        rids.append((rid, sub["id"]))
        if name.endswith("A"):
            collect.accept_and_publish(engine, REGISTRY, sub["id"], date.today(), "", coord, date.today())
    client = app.server.test_client()
    login(client, "koordi")
    html = client.get(f"/tiedonkeruu/kierros/{rids[1][0]}/hameenlinna").get_data(as_text=True)
    assert "korjaa jo julkaistuja arvoja" in html
    preview = client.get(f"/tiedonkeruu/kierros/{rids[1][0]}/hameenlinna/esikatselu").get_data(as_text=True)
    changed = preview.split("Muuttuvat julkaistut arvot")[1].split("</table>")[0]
    assert "<td>toimitettu</td><td>toimitettu_myohassa</td>" in changed.replace("\n", "")


def test_web018_a_sent_report_cannot_be_changed_by_form_or_file(env):
    app, engine, _ = env
    with engine.begin() as conn:
        rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name="Lukittu kierros", period="2023H2",
                                 due_date=date(2023, 12, 31), organisations=["forssa"],
                                 actor=collect.get_user(conn, username="koordi"))
    client = app.server.test_client()
    login(client, "forssa")
    form = f"/tiedonkeruu/kierros/{rid}/forssa"
    row = {"r0-alue": "061", "r0-tila": "submitted", "r0-ilmoittaja": "F"}
    assert post(client, form, row).status_code == 302
    assert post(client, f"{form}/laheta", {}, page=f"{form}/esikatselu").status_code == 302
    assert post(client, form, {**row, "r0-tila": "requested"}).status_code == 409
    csv = "alue;kausi;tila;ilmoittaja\n061;2023H2;pyydetty;F\n"
    resp = post(client, f"{form}/tiedosto", {"tiedosto": (io.BytesIO(csv.encode()), "turvallisuuskuva.csv")},
                page=form, content_type="multipart/form-data")
    assert resp.status_code == 409 and "jo lähetetty" in resp.get_data(as_text=True)
    with engine.connect() as conn:
        sub = collect.get_submission(conn, rid, "forssa")
        assert sub["status"] == "submitted"
        assert collect.submission_rows(conn, sub["id"])[0]["data"]["tila"] == "submitted"


def test_a_refused_report_shows_one_message_with_422(env):
    """An empty form, an upload without a file and an acceptance without a date are refused as a
    whole (422), the reason on the reporting page, and nothing is saved."""
    app, engine, _ = env
    with engine.begin() as conn:
        rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name="Tyhjä kierros", period="2023H2",
                                 due_date=date(2023, 12, 31), organisations=["forssa"],
                                 actor=collect.get_user(conn, username="koordi"))
    form = f"/tiedonkeruu/kierros/{rid}/forssa"
    reporter = app.server.test_client()
    login(reporter, "forssa")
    empty = post(reporter, form, {"r0-alue": "061"})
    assert empty.status_code == 422 and "Lomake on tyhjä." in empty.get_data(as_text=True)
    no_file = post(reporter, f"{form}/tiedosto", {}, page=form, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "Valitse ladattava tiedosto." in no_file.get_data(as_text=True)
    coordinator = app.server.test_client()
    login(coordinator, "koordi")
    no_date = post(coordinator, f"{form}/arvio", {"toiminto": "hyvaksy", "julkaisupaiva": ""}, page=form)
    assert no_date.status_code == 422 and "Julkaisupäivä puuttuu" in no_date.get_data(as_text=True)
    with engine.connect() as conn:
        sub = collect.get_submission(conn, rid, "forssa")
        assert sub["status"] == "not_started" and collect.submission_rows(conn, sub["id"]) == []


def test_role_checks_of_a_submission_s_actions(env):
    """Only the organisation's reporter saves, uploads and sends; only a coordinator reviews;
    nothing changes on a refusal."""
    app, engine, rid = env
    base = f"/tiedonkeruu/kierros/{rid}/hameenlinna"
    coordinator, reporter = app.server.test_client(), app.server.test_client()
    login(coordinator, "koordi")
    login(reporter, "hml")
    for path in (base, f"{base}/tiedosto", f"{base}/laheta"):
        assert post(coordinator, path, {"r0-alue": "109"}, page=base).status_code == 403, path
    resp = post(reporter, f"{base}/arvio", {"toiminto": "hyvaksy", "julkaisupaiva": date.today().isoformat()},
                page=base)
    assert resp.status_code == 403
    with engine.connect() as conn:
        assert collect.get_submission(conn, rid, "hameenlinna")["status"] == "draft"
