"""Meeting sequences saved in the database (``meeting_sequence``, ``meeting_slide``; migration 0007).

A coordinator creates, edits and deletes them in the collection area (``/tiedonkeruu/kokoukset``);
the player, the list ``/kokous`` and the PDF read them through
``dashboard.deliver.meeting.sequence.DbSequenceStore`` beside the YAML files. Only plain rows go
in and out here: what a valid sequence is, is decided once in ``sequence.parse_sequence``.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Connection, delete, insert, select, update

from data_pipeline.db.schema import meeting_sequence, meeting_slide


def names(conn: Connection) -> list[str]:
    return [r.slug for r in conn.execute(select(meeting_sequence.c.slug).order_by(meeting_sequence.c.slug))]


def get(conn: Connection, slug: str) -> dict | None:
    """The sequence as the file format's fields (title, date, as_of, lang, slides), or None."""
    row = conn.execute(select(meeting_sequence).where(meeting_sequence.c.slug == slug)).mappings().first()
    if row is None:
        return None
    slides = conn.execute(select(meeting_slide.c.title, meeting_slide.c.view)
                          .where(meeting_slide.c.sequence_id == row["id"]).order_by(meeting_slide.c.position)).all()
    out = {"title": row["title"], "date": row["meeting_date"].isoformat(), "lang": row["lang"],
           "slides": [{"title": s.title, "view": s.view} for s in slides],
           "created_by": row["created_by"], "updated_at": row["updated_at"]}
    if row["as_of"]:
        out["as_of"] = row["as_of"]
    return out


def save(conn: Connection, slug: str, *, title: str, meeting_date: date, as_of: str | None, lang: str,
         slides: list[tuple[str, str]], actor: str, previous_slug: str | None = None) -> None:
    """Create (``previous_slug`` None) or replace a sequence and its slides in one transaction."""
    values = {"slug": slug, "title": title, "meeting_date": meeting_date, "as_of": as_of, "lang": lang,
              "created_by": actor[:80], "updated_at": datetime.now(UTC)}
    if previous_slug is None:
        seq_id = conn.execute(insert(meeting_sequence).values(**values)).inserted_primary_key[0]
    else:
        seq_id = conn.execute(select(meeting_sequence.c.id).where(meeting_sequence.c.slug == previous_slug)).scalar_one()
        conn.execute(update(meeting_sequence).where(meeting_sequence.c.id == seq_id).values(**values))
        conn.execute(delete(meeting_slide).where(meeting_slide.c.sequence_id == seq_id))
    conn.execute(insert(meeting_slide), [{"sequence_id": seq_id, "position": i, "title": t, "view": v}
                                         for i, (t, v) in enumerate(slides, start=1)])


def remove(conn: Connection, slug: str) -> bool:
    seq_id = conn.execute(select(meeting_sequence.c.id).where(meeting_sequence.c.slug == slug)).scalar()
    if seq_id is None:
        return False
    conn.execute(delete(meeting_slide).where(meeting_slide.c.sequence_id == seq_id))
    conn.execute(delete(meeting_sequence).where(meeting_sequence.c.id == seq_id))
    return True
