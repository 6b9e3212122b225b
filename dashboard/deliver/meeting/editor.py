"""Saving meeting sequences from the browser: ``/tiedonkeruu/kokoukset`` in the collection area.

A coordinator or the administrator (the collection area's accounts, Flask-Login; CSRF on every
form) creates, edits and deletes a sequence: its name and address, meeting date, an optional
pinned moment and the slides (title, view URL, order). It is stored in the database
(:class:`dashboard.deliver.meeting.sequence.DbSequenceStore`) and listed and played at ``/kokous``
beside the file sequences; anyone may play it, only these accounts change it. A form with
problems is shown again with every problem named in Finnish, and nothing is saved.
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from dashboard.deliver.collect import _engine, _registry, audit_event, bp, render_page
from dashboard.deliver.meeting import sequence

EDITORS = ("koordinaattori", "yllapitaja")
#: Blank slide rows the form offers below the saved ones.
BLANK_ROWS = 3


def _editor_only() -> None:
    if current_user.row["role"] not in EDITORS:
        abort(403)


def _store() -> sequence.DbSequenceStore:
    return sequence.DbSequenceStore(_engine())


def _form_values(fields: dict, slug: str) -> dict:
    slides = list(fields.get("slides") or [])
    return {"tunnus": slug, "nimi": fields.get("title", ""), "paiva": fields.get("date", ""),
            "tilanne": fields.get("as_of") or "", "kieli": fields.get("lang", "fi"),
            "slides": slides + [{"title": "", "view": ""}] * BLANK_ROWS}


def _save(previous_slug: str | None):
    registry = _registry()
    slug, fields, problems = sequence.sequence_from_form(request.form, registry)
    store = _store()
    if not problems and slug != previous_slug and (slug in store.names() or slug in sequence.FileSequenceStore().names()):
        problems.append(f"Tunnus ”{slug}” on jo toisen kokouksen käytössä.")
    if not problems:
        try:
            seq = sequence.validate_sequence(slug, fields, registry, where=f"kokous {slug}")
        except sequence.SequenceError as exc:
            problems.append(str(exc))
    if problems:
        return render_page("meeting_edit.html", values=_form_values(fields, slug), problems=problems,
                           previous=previous_slug), 400
    store.save(seq, actor=current_user.row["username"], previous_slug=previous_slug)
    audit_event("meeting_saved", account_id=current_user.id, username=current_user.row["username"], slug=slug)
    return redirect(url_for("collect.meetings", tallennettu=slug))


@bp.route("/kokoukset")
@login_required
def meetings():
    _editor_only()
    store = _store()
    rows = []
    for slug in store.names():
        raw = store.raw(slug) or {}
        rows.append({"slug": slug, "title": raw.get("title", slug), "date": raw.get("date", ""),
                     "slides": len(raw.get("slides") or []), "as_of": raw.get("as_of")})
    return render_page("meetings.html", rows=rows, saved=request.args.get("tallennettu"),
                       deleted=request.args.get("poistettu"))


@bp.route("/kokoukset/uusi", methods=["GET", "POST"])
@login_required
def meeting_new():
    _editor_only()
    if request.method == "POST":
        return _save(None)
    return render_page("meeting_edit.html", values=_form_values({}, ""), problems=[], previous=None)


@bp.route("/kokoukset/<slug>", methods=["GET", "POST"])
@login_required
def meeting_edit(slug: str):
    _editor_only()
    raw = _store().raw(slug) if sequence.SLUG_RE.match(slug) else None
    if raw is None:
        abort(404)
    if request.method == "POST":
        return _save(slug)
    return render_page("meeting_edit.html", values=_form_values(raw, slug), problems=[], previous=slug)


@bp.route("/kokoukset/<slug>/poista", methods=["POST"])
@login_required
def meeting_delete(slug: str):
    _editor_only()
    if not (sequence.SLUG_RE.match(slug) and _store().delete(slug)):
        abort(404)
    audit_event("meeting_deleted", account_id=current_user.id, username=current_user.row["username"], slug=slug)
    return redirect(url_for("collect.meetings", poistettu=slug))
