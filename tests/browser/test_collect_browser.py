"""The collection area in Chromium: the whole reporting flow (upload with three errors, fix in the
form, preview, submit, return, correct, accept with a future publication date, the public page
before and after that date), axe on every new page, keyboard-only login and navigation."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from data_pipeline import collect
from data_pipeline.db.engine import make_engine
from tests.browser.conftest import served_test_app
from tests.browser.test_dashboard_browser import AXE, axe_violations
from tests.dashboard.data import REGISTRY

PASSWORD = "selain-salasana-123"
BAD_CSV = "alue;kausi;tila;toimitettu_pvm;aiheet;ilmoittaja\n109;2026H3;kenties;31.2.2026;arjen turvallisuus;Testi\n"
PUBLISH = date.today() + timedelta(days=7)


@pytest.fixture(scope="module")
def collect_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("collect-browser")
    with served_test_app(root) as (_app, base):
        engine = make_engine(f"sqlite:///{root / 'app.sqlite3'}")
        with engine.begin() as conn:
            collect.add_user(conn, REGISTRY, username="koordi", display_name="Kaisa Koordinaattori",
                             role="koordinaattori", password=PASSWORD)
            collect.add_user(conn, REGISTRY, username="hml", display_name="Hannu Hämeenlinna", role="ilmoittaja",
                             organisation="hameenlinna", password=PASSWORD)
            collect.add_user(conn, REGISTRY, username="admin", display_name="Ylli Ylläpitäjä", role="yllapitaja",
                             password=PASSWORD)
        yield base, engine
        engine.dispose()


def _login(page, base, username):
    page.goto(base + "/tiedonkeruu/kirjaudu")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", name="Keräyskierrokset")).to_be_visible()


def _new_page(browser, bypass_csp: bool = False):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI", bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    # A refused form answers 422/401 on purpose; Chromium logs any such document status as an error.
    intended = ("status of 422", "status of 401")
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not any(s in m.text for s in intended) else None)
    return context, page, errors


def test_cb001_whole_flow_from_upload_to_embargoed_publication(browser, collect_server, tmp_path, monkeypatch):
    from dashboard.data import queries

    base, _engine = collect_server
    coord_ctx, coord, coord_errors = _new_page(browser)
    rep_ctx, rep, rep_errors = _new_page(browser, bypass_csp=True)  # axe is injected on the form pages
    # The coordinator opens the round.
    _login(coord, base, "koordi")
    coord.get_by_label("Lomake").select_option("turvallisuuskuva")
    coord.get_by_label("Kierroksen nimi").fill("Turvallisuuden tilannekuva 2026/2")
    coord.get_by_label("Kausi").fill("2026H2")
    coord.get_by_label("Määräpäivä").fill("2026-12-31")
    coord.get_by_role("button", name="Avaa kierros").click()
    expect(coord.get_by_role("heading", name="Turvallisuuden tilannekuva 2026/2")).to_be_visible()
    board_url = coord.url
    expect(coord.get_by_role("row", name="Hämeenlinna")).to_contain_text("ei aloitettu")

    # The reporter uploads a file with three errors and sees all three; nothing is saved.
    _login(rep, base, "hml")
    rep.get_by_role("link", name="ei aloitettu").first.click()
    bad = tmp_path / "turvallisuuskuva.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    rep.get_by_label("Tiedosto", exact=True).set_input_files(str(bad))
    rep.get_by_role("button", name="Lataa ja tarkista").click()
    problems = rep.locator("#virheet li")
    expect(problems).to_have_count(3)
    expect(rep.locator("#virheet")).to_contain_text("Korjattavaa: 3")
    for column in ("sarake kausi", "sarake tila", "sarake toimitettu_pvm"):
        expect(rep.locator("#virheet")).to_contain_text(column)
    assert axe_violations(rep) == []  # the editable form in its error state
    # The file's values are in the form; fix them there.
    expect(rep.locator("#r0-toimitettu_pvm")).to_have_value("31.2.2026")
    expect(rep.locator("#r0-toimitettu_pvm")).to_have_attribute("aria-invalid", "true")
    rep.locator("#r0-tila").select_option("submitted")
    rep.locator("#r0-toimitettu_pvm").fill("2026-11-14")
    rep.get_by_role("button", name="Tallenna luonnos ja esikatsele").click()
    expect(rep.get_by_role("heading", name="Uudet rivit")).to_be_visible()
    expect(rep.locator("main")).to_contain_text("toimitettu")
    assert axe_violations(rep) == []  # the reporter's preview
    rep.get_by_role("button", name="Lähetä koordinaattorille").click()
    expect(rep.locator("main")).to_contain_text("lähetetty")

    # The coordinator returns it with a comment; the reporter sees the comment and corrects.
    coord.goto(board_url)
    expect(coord.get_by_role("row", name="Hämeenlinna")).to_contain_text("lähetetty")
    coord.get_by_role("link", name="Hämeenlinna").click()
    coord.get_by_label("Kommentti ilmoittajalle").fill("Toimituspäivä oli 15.11.")
    coord.get_by_role("button", name="Palauta korjattavaksi").click()
    expect(coord.get_by_role("row", name="Hämeenlinna")).to_contain_text("palautettu")
    rep.reload()
    expect(rep.locator("main")).to_contain_text("Toimituspäivä oli 15.11.")
    rep.locator("#r0-toimitettu_pvm").fill("2026-11-15")
    rep.get_by_role("button", name="Tallenna luonnos ja esikatsele").click()
    rep.get_by_role("button", name="Lähetä koordinaattorille").click()

    # Accepted with a publication date a week ahead.
    coord.get_by_role("link", name="Hämeenlinna").click()
    coord.get_by_label("Julkaisupäivä").fill(PUBLISH.isoformat())
    coord.get_by_role("button", name="Hyväksy ja julkaise").click()
    expect(coord.get_by_role("row", name="Hämeenlinna")).to_contain_text("hyväksytty")

    # The public page: no 2026H2 before the publication date, there after it.
    public_ctx, public, public_errors = _new_page(browser)
    public.goto(base + "/turvallisuus")
    expect(public.locator("main h1").first).to_be_visible()
    public.wait_for_load_state("networkidle")
    assert "2026/H2" not in public.content() and "2026H2" not in public.content()
    monkeypatch.setattr(queries, "visibility_today", lambda: PUBLISH)
    public.reload()
    expect(public.locator("main h1").first).to_be_visible()
    public.wait_for_load_state("networkidle")
    expect(public.locator("main")).to_contain_text("2026H2")
    coord.goto(board_url)
    expect(coord.get_by_role("row", name="Hämeenlinna")).to_contain_text("julkaistu")
    for ctx in (coord_ctx, rep_ctx, public_ctx):
        ctx.close()
    assert coord_errors == [] and rep_errors == [] and public_errors == []


AXE_PATHS = ["/tiedonkeruu/kirjaudu", "/tiedonkeruu/", "/tiedonkeruu/kierros/1", "/tiedonkeruu/kierros/1/hameenlinna",
             "/tiedonkeruu/kierros/1/hameenlinna/esikatselu", "/tiedonkeruu/historia", "/tiedonkeruu/kayttajat",
             "/tiedonkeruu/?kieli=sv", "/tiedonkeruu/kirjaudu?kieli=en"]


@pytest.mark.parametrize("path", AXE_PATHS)
def test_cb002_axe_finds_no_violations_on_the_collection_pages(browser, collect_server, path):
    base, engine = collect_server
    with engine.begin() as conn:
        if not collect.list_rounds(conn):
            collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name="Axe-kierros", period="2026H2",
                               due_date=date(2026, 12, 31), organisations=["hameenlinna", "forssa"],
                               actor=collect.get_user(conn, username="koordi"))
    assert AXE.exists()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    if "kirjaudu" not in path:
        _login(page, base, "admin")
    page.goto(base + path)
    expect(page.locator("main h1").first).to_be_visible()
    problems = axe_violations(page)
    context.close()
    assert problems == []


def test_cb003_keyboard_only_login_and_navigation(browser, collect_server):
    base, _ = collect_server
    context, page, errors = _new_page(browser)
    page.goto(base + "/tiedonkeruu/kirjaudu")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Siirry sisältöön")).to_be_focused()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "tunnus":
            break
    assert page.evaluate("document.activeElement.id") == "tunnus"
    page.keyboard.type("hml")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Keräyskierrokset")).to_be_visible()
    # Focus is visible: the focused link has an outline.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    context.close()
    assert errors == []


def _tab_to(page, predicate: str, limit: int = 80) -> None:
    """Tab until ``predicate`` (a JS expression over ``el`` = document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
            return
    raise AssertionError(f"Tab never reached: {predicate}")


def test_cb004_keyboard_only_report_from_login_to_submission(browser, collect_server):
    base, engine = collect_server
    with engine.begin() as conn:
        rid = collect.open_round(conn, REGISTRY, template="turvallisuuskuva", name="Näppäimistökierros 2027/1",
                                 period="2027H1", due_date=date(2027, 6, 30), organisations=["hameenlinna"],
                                 actor=collect.get_user(conn, username="koordi"))
    context, page, errors = _new_page(browser)
    page.goto(base + "/tiedonkeruu/kirjaudu")
    _tab_to(page, "el.id === 'tunnus'")
    page.keyboard.type("hml")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Keräyskierrokset")).to_be_visible()
    _tab_to(page, f"el.href && el.href.endsWith('/kierros/{rid}/hameenlinna')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hämeenlinna: Näppäimistökierros 2027/1")).to_be_visible()
    _tab_to(page, "el.id === 'r0-tila'")
    page.keyboard.press("ArrowDown")  # – → ei pyydetty
    page.keyboard.press("ArrowDown")  # → pyydetty
    page.keyboard.press("ArrowDown")  # → toimitettu
    expect(page.locator("#r0-tila")).to_have_value("submitted")
    page.keyboard.press("Tab")
    page.keyboard.type("2027-05-14")
    _tab_to(page, "el.id === 'r0-ilmoittaja'")
    page.keyboard.type("Näppäimistön käyttäjä")
    page.keyboard.press("Enter")  # submits the form the field belongs to
    expect(page.get_by_role("heading", name="Uudet rivit")).to_be_visible()
    _tab_to(page, "el.textContent.trim() === 'Lähetä koordinaattorille'")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("lähetetty")
    with engine.connect() as conn:
        assert collect.get_submission(conn, rid, "hameenlinna")["status"] == "submitted"
    context.close()
    assert errors == []
