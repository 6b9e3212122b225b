"""What the public sees of partner-reported and manually loaded values, today and at a pinned
moment (issue 13): a correction published under embargo leaves the older published value on show
until its publication date, and a view pinned to a moment reads the manual and partner values of
that moment. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.core import pin
from dashboard.data import queries
from data_pipeline import collect
from data_pipeline.manual import load_manual_files, validate_records
from tests.meeting.helpers import moment_between_writes

TODAY = date.today()
TEMPLATE = "turvallisuuskuva"
ROUNDS = "turvallisuuskuva_kierrokset"


@pytest.fixture
def people(any_engine, registry):
    with any_engine.begin() as conn:
        coord = collect.add_user(conn, registry, username="koordi", display_name="Koordinaattori", role="koordinaattori",
                                 scope=["turvallisuus"], password="salasana-1234567")
        rep = collect.add_user(conn, registry, username="hml", display_name="Hämeenlinnan ilmoittaja",
                               role="ilmoittaja", organisation="hameenlinna", password="salasana-1234567")
        return collect.get_user(conn, user_id=coord), collect.get_user(conn, user_id=rep)


def _publish(engine, registry, people, name: str, tila: str, publish_on: date) -> None:
    coord, rep = people
    row = {"alue": "109", "kausi": "2026H1", "tila": tila, "toimitettu_pvm": "2026-05-14",
           "aiheet": "arjen turvallisuus", "ilmoittaja": "Valmiuspäällikkö, Hämeenlinna"}
    with engine.begin() as conn:
        rid = collect.open_round(conn, registry, template=TEMPLATE, name=name, period="2026H1", due_date=TODAY,
                                 organisations=["hameenlinna"], actor=coord)
        rnd, sub = collect.get_round(conn, rid), collect.get_submission(conn, rid, "hameenlinna")
        valid, problems = validate_records(TEMPLATE, [row], registry)
        assert not problems, problems
        collect.save_draft(conn, sub, collect.check_rows(registry, rnd, "hameenlinna", valid, problems).rows, rep,
                           how="form")
        collect.submit(conn, collect.get_submission(conn, rid, "hameenlinna"), rep)
    collect.accept_and_publish(engine, registry, sub["id"], publish_on, "", coord, TODAY)


def _shown(engine, as_of: str | None = None) -> tuple[str | None, float | None]:
    """(the status entry of Hämeenlinna 2026H1, its derived round count) as a page reads them."""
    queries.clear_cache()
    with pin.pinned(as_of):
        entries = queries.manual_entries(engine, TEMPLATE)
        obs = queries.period_observations(engine, ROUNDS, "109")
    entry = entries[(entries["region_code"] == "109") & (entries["period"] == "2026H1")]
    tila = entry["data"].iloc[0]["tila"] if not entry.empty else None
    value = float(obs["value"].iloc[-1]) if not obs.empty else None
    return tila, value


def test_mt101_an_embargoed_correction_leaves_the_published_value_on_show_until_its_date(
        any_engine, registry, people, monkeypatch):
    _publish(any_engine, registry, people, "Kierros 1", "toimitettu", TODAY)
    published = _shown(any_engine)
    assert published[0] == "submitted" and published[1] is not None
    before_correction = moment_between_writes()
    _publish(any_engine, registry, people, "Kierros 2", "toimitettu_myohassa", TODAY + timedelta(days=10))
    after_correction = moment_between_writes()

    # Today the public still sees the published value, not a gap and not the correction.
    assert _shown(any_engine) == published
    # A view pinned to any moment before the date sees what the public saw then.
    assert _shown(any_engine, before_correction) == published
    assert _shown(any_engine, after_correction) == published
    # From the publication date on, the correction is shown.
    monkeypatch.setattr(queries, "visibility_today", lambda: TODAY + timedelta(days=10))
    corrected = _shown(any_engine)
    assert corrected[0] == "submitted_late" and corrected != published
    # ... and a pinned view of the earlier moment keeps the earlier value.
    assert _shown(any_engine, before_correction) == published


def test_mt102_a_pinned_view_reads_manual_values_as_they_were_after_load_manual_corrects_them(any_engine, registry,
                                                                                              tmp_path):
    path = tmp_path / "turvallisuuskuva.csv"
    path.write_text("alue;kausi;tila;ilmoittaja\n109;2026H1;toimitettu;Valmiuspäällikkö\n", encoding="utf-8")
    load_manual_files(any_engine, [path], registry=registry)
    first = _shown(any_engine)
    assert first[0] == "submitted"
    moment = moment_between_writes()
    path.write_text("alue;kausi;tila;ilmoittaja\n109;2026H1;toimitettu_myohassa;Valmiuspäällikkö\n", encoding="utf-8")
    load_manual_files(any_engine, [path], registry=registry)
    assert _shown(any_engine)[0] == "submitted_late"
    assert _shown(any_engine, moment) == first


def test_mt103_a_publication_keeps_one_version_per_load_run(any_engine, registry, people):
    """The in-between state of a publication (the new value before its embargo date was set) is
    never kept as a version anyone could read."""
    from sqlalchemy import select

    from data_pipeline.db.schema import observation_history as h

    _publish(any_engine, registry, people, "Kierros 1", "toimitettu", TODAY + timedelta(days=3))
    with any_engine.connect() as conn:
        rows = conn.execute(select(h.c.load_run_id, h.c.visible_from, h.c.reported_by).where(
            h.c.indicator_key == ROUNDS, h.c.region_code == "109")).all()
    assert rows and all(r.visible_from == TODAY + timedelta(days=3) and r.reported_by == "hameenlinna" for r in rows)
    assert len({r.load_run_id for r in rows}) == len(rows)
