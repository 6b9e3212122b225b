"""The meeting editor in Chromium: a coordinator creates a three-slide sequence in the browser
(/tiedonkeruu/kokoukset), it is listed at /kokous and the clicker's keys step through it; axe finds
no violations on the editor, empty and with its Finnish error messages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from data_pipeline import collect
from data_pipeline.db.engine import make_engine
from tests.browser.conftest import served_test_app
from tests.browser.test_dashboard_browser import axe_violations
from tests.dashboard.data import REGISTRY

PASSWORD = "selain-salasana-123"
SLIDES = [("Sopimuksen tavoitteet", "/"),
          ("Asunnottomat kunnittain", "/asuminen?indikaattori=asunnottomat_yksinaiset_per1000&vuosi=2022"),
          ("Henkeen kohdistuneet rikokset", "/indikaattori/rikokset_henki_terveys_per1000")]


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("meeting-editor")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TILANNEKUVA_MEETINGS_DIR", str(root / "kokoukset"))
        with served_test_app(root) as (_app, base):
            engine = make_engine(f"sqlite:///{root / 'app.sqlite3'}")
            with engine.begin() as conn:
                collect.add_user(conn, REGISTRY, username="koordi", display_name="Kaisa Koordinaattori",
                                 role="koordinaattori", password=PASSWORD)
            yield base
            engine.dispose()


def test_me001_a_coordinator_creates_a_three_slide_sequence_and_the_clicker_plays_it(browser, editor_server):
    base = editor_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "status of 400" not in m.text else None)
    page.goto(base + "/tiedonkeruu/kirjaudu")
    page.get_by_label("Käyttäjätunnus").fill("koordi")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu").click()
    page.get_by_role("link", name="Kokoukset").first.click()
    expect(page.get_by_role("heading", name="Kokousten diasarjat")).to_be_visible()
    page.get_by_role("link", name="Uusi kokous").click()
    expect(page.get_by_role("heading", name="Uusi kokous")).to_be_visible()
    assert axe_violations(page) == []  # the empty editor

    page.get_by_label("Kokouksen nimi").fill("Strateginen foorumi 12/2026")
    page.get_by_label("Tunnus (osoitteessa /kokous/tunnus)").fill("foorumi")
    page.get_by_label("Kokouspäivä").fill("2026-12-10")
    page.get_by_label("Dian 1 otsikko").fill(SLIDES[0][0])
    page.get_by_label("Dian 1 näkymä").fill(SLIDES[0][1])
    page.get_by_label("Dian 2 otsikko").fill(SLIDES[1][0])
    page.get_by_label("Dian 2 näkymä").fill("/ei-ole-sivua")
    page.get_by_role("button", name="Tallenna kokous").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Kokousta ei tallennettu")
    expect(alert).to_contain_text("Dia 2 (rivi 2), näkymä /ei-ole-sivua")
    assert axe_violations(page) == []  # the editor with its error messages

    page.get_by_label("Dian 2 näkymä").fill(SLIDES[1][1])
    page.get_by_label("Dian 3 otsikko").fill(SLIDES[2][0])
    page.get_by_label("Dian 3 näkymä").fill(SLIDES[2][1])
    page.get_by_role("button", name="Tallenna kokous").click()
    expect(page.get_by_role("status")).to_contain_text("Kokous foorumi tallennettu.")
    expect(page.locator("tbody tr", has_text="Strateginen foorumi 12/2026").locator("td").nth(1)).to_have_text("3")

    # Listed at /kokous like a file sequence, and played with the clicker's keys.
    page.goto(base + "/kokous")
    page.get_by_role("link", name=re.compile(r"Strateginen foorumi 12.2026")).click()

    def shows(n: int) -> None:
        expect(page.locator("#meeting-slide-number")).to_have_text(f"Dia {n} / 3")
        expect(page.locator("#meeting-slide-title")).to_have_text(SLIDES[n - 1][0])
        expect(page).to_have_url(re.compile(rf"/kokous/foorumi\?dia={n}"))

    shows(1)
    page.keyboard.press("PageDown")
    shows(2)
    page.keyboard.press("ArrowRight")
    shows(3)
    page.keyboard.press("PageUp")
    shows(2)
    page.keyboard.press("ArrowLeft")
    shows(1)
    context.close()
    assert not errors, errors
