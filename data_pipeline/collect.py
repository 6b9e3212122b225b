"""Collection rounds (tiedonkeruu): accounts, rounds, submissions, review, publication, history.

Why here: the web area (``dashboard/deliver/collect``) and the CLI (``users``, ``load-manual``) share these
pure functions over a connection, so a rule (who may report what, when a value becomes public, what
the history records) is written once. Values go through :mod:`data_pipeline.manual`'s validator,
the same one ``load-manual`` uses; publication writes manual entries and derived observations the
way ``load-manual`` does, with the publication date in ``visible_from`` (the embargo that
``dashboard.data.queries.visible`` honours) and the organisation in ``reported_by``.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, delete, insert, select, update

from data_pipeline.db.schema import (
    ROLES,
    account,
    audit_log,
    collection_round,
    manual_entry,
    observation,
    review_comment,
    submission,
    submission_value,
    value_history,
)
from data_pipeline.errors import Problem
from data_pipeline.load import recorded_load, utcnow
from data_pipeline.registry import Registry

_hasher = PasswordHasher()
#: Verified against when the user does not exist, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("tilannekuva-dummy-password")
MIN_PASSWORD = 12
#: Submissions a reporter may still edit.
EDITABLE = ("not_started", "draft", "returned")


class CollectError(ValueError):
    """A request the rules refuse; the message is a Finnish sentence for the user."""


# --- audit ------------------------------------------------------------------------------------


def audit(conn: Connection, event: str, *, account_id: int | None = None, username: str | None = None,
          ip: str | None = None, **detail) -> None:
    """One line in the audit log: logins, failed logins and every change."""
    conn.execute(insert(audit_log).values(at=utcnow(), account_id=account_id, username=(username or None) and username[:120],
                                          event=event, ip=ip, detail=json.loads(json.dumps(detail, default=str))))


# --- accounts ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise CollectError(f"Salasanan pitää olla vähintään {MIN_PASSWORD} merkkiä pitkä.")
    return _hasher.hash(password)


def check_account_fields(registry: Registry, role: str, organisation: str | None, scope: list[str]) -> None:
    if role not in ROLES:
        raise CollectError(f"Tuntematon rooli {role!r}; sallitut: {', '.join(ROLES)}.")
    orgs = registry.organisations.by_key if registry.organisations else {}
    if organisation is not None and organisation not in orgs:
        raise CollectError(f"Tuntematon organisaatio {organisation!r}; tunnetut: {', '.join(orgs)}.")
    if role == "ilmoittaja" and organisation is None:
        raise CollectError(f"Ilmoittajalla pitää olla organisaatio; tunnetut: {', '.join(orgs)}.")
    known = set(registry.templates.templates) | {a.slug for a in registry.agreement.areas}
    bad = [s for s in scope if s not in known]
    if bad:
        raise CollectError(f"Tuntematon vastuualue {', '.join(bad)}; käytä lomakkeen nimeä tai painopistettä ({', '.join(sorted(known))}).")


def add_user(conn: Connection, registry: Registry, *, username: str, display_name: str, role: str,
             organisation: str | None = None, scope: list[str] | None = None, password: str | None = None,
             oidc_subject: str | None = None, actor: str = "cli", actor_id: int | None = None) -> int:
    username = username.strip().lower()
    scope = list(scope or [])
    if not username:
        raise CollectError("Käyttäjätunnus puuttuu.")
    check_account_fields(registry, role, organisation, scope)
    if conn.execute(select(account.c.id).where(account.c.username == username)).first():
        raise CollectError(f"Käyttäjätunnus {username} on jo käytössä.")
    now = utcnow()
    new_id = conn.execute(insert(account).values(
        username=username, display_name=display_name.strip() or username, role=role, organisation=organisation,
        scope=scope, password_hash=hash_password(password) if password else None, disabled=False,
        oidc_subject=oidc_subject, created_at=now, password_changed_at=now if password else None,
    )).inserted_primary_key[0]
    audit(conn, "user_added", account_id=actor_id, username=actor, target=username, role=role, organisation=organisation,
          scope=scope)
    return int(new_id)


def get_user(conn: Connection, *, user_id: int | None = None, username: str | None = None,
             oidc_subject: str | None = None) -> dict | None:
    if user_id is not None:
        cond = account.c.id == user_id
    elif oidc_subject is not None:
        cond = account.c.oidc_subject == oidc_subject
    else:
        cond = account.c.username == (username or "").strip().lower()
    row = conn.execute(select(account).where(cond)).mappings().first()
    return dict(row) if row else None


def set_role_from_provider(conn: Connection, user_id: int, role: str, organisation: str | None) -> None:
    """Single sign-on: the provider's claims are the source of truth for role and organisation."""
    conn.execute(update(account).where(account.c.id == user_id).values(role=role, organisation=organisation))


def list_users(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(account).order_by(account.c.username)).mappings()]


def set_disabled(conn: Connection, username: str, disabled: bool, *, actor: str = "cli", actor_id: int | None = None) -> None:
    user = get_user(conn, username=username)
    if user is None:
        raise CollectError(f"Käyttäjää {username} ei ole.")
    conn.execute(update(account).where(account.c.id == user["id"]).values(disabled=disabled))
    audit(conn, "user_disabled" if disabled else "user_enabled", account_id=actor_id, username=actor, target=user["username"])


def reset_password(conn: Connection, username: str, password: str, *, actor: str = "cli", actor_id: int | None = None) -> None:
    user = get_user(conn, username=username)
    if user is None:
        raise CollectError(f"Käyttäjää {username} ei ole.")
    conn.execute(update(account).where(account.c.id == user["id"]).values(
        password_hash=hash_password(password), password_changed_at=utcnow()))
    audit(conn, "password_reset", account_id=actor_id, username=actor, target=user["username"])


def authenticate(conn: Connection, username: str, password: str, ip: str | None = None) -> dict | None:
    """The account when the password matches and the account is enabled; every attempt is audited."""
    user = get_user(conn, username=username)
    ok = False
    try:
        ok = _hasher.verify(user["password_hash"] if user and user["password_hash"] else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not (user and user["password_hash"] and ok) or user["disabled"]:
        audit(conn, "login_failed", account_id=user["id"] if user else None, username=username, ip=ip,
              reason="disabled" if (user and ok and user["disabled"]) else "password")
        return None
    conn.execute(update(account).where(account.c.id == user["id"]).values(last_login_at=utcnow()))
    audit(conn, "login", account_id=user["id"], username=user["username"], ip=ip, method="password")
    return user


def can_coordinate(user: dict, registry: Registry, template: str) -> bool:
    """Coordinators of the template or of its priority area; administrators coordinate everything."""
    if user["role"] == "yllapitaja":
        return True
    if user["role"] != "koordinaattori":
        return False
    scope = set(user.get("scope") or [])
    if not scope:
        return True  # a coordinator without a scope coordinates every template
    area = next((i.area for i in registry.catalogue.indicators
                 if i.source.kind == "manual" and i.source.template == template), None)
    return template in scope or (area is not None and area in scope)


# --- rounds -----------------------------------------------------------------------------------


def default_organisations(registry: Registry, template: str, include_all_kinds: bool = False) -> list[str]:
    """Organisations whose regions the template's levels cover (municipalities for a municipal form);
    the rescue department, which may report for every municipality, only when asked for."""
    tpl = registry.templates.templates[template]
    levels = {"kunta": set(registry.county.municipality_codes), "hyvinvointialue": {registry.county.welfare_area.code},
              "maakunta": {registry.county.region.code}}
    allowed = set().union(*(levels[lv] for lv in tpl.region_levels))
    return [o.key for o in registry.organisations.organisations
            if (include_all_kinds or o.kind != "pelastuslaitos") and set(o.regions) & allowed]


def open_round(conn: Connection, registry: Registry, *, template: str, name: str, period: str, due_date: date,
               organisations: list[str], actor: dict) -> int:
    if template not in registry.templates.templates:
        raise CollectError(f"Tuntematon lomake {template!r}.")
    if not can_coordinate(actor, registry, template):
        raise CollectError("Sinulla ei ole oikeutta avata kierrosta tälle lomakkeelle.")
    name = name.strip()
    if not name:
        raise CollectError("Kierroksen nimi puuttuu.")
    organisations = list(organisations) or default_organisations(registry, template)
    unknown = [o for o in organisations if o not in registry.organisations.by_key]
    if unknown:
        raise CollectError(f"Tuntematon organisaatio: {', '.join(unknown)}.")
    fits = set(default_organisations(registry, template, include_all_kinds=True))
    misfit = [registry.organisations.by_key[o].name.fi for o in organisations if o not in fits]
    if misfit:
        raise CollectError(f"Lomakkeella ei ole riviä, jonka nämä voisivat ilmoittaa: {', '.join(misfit)}.")
    period = period.strip().upper()
    tpl = registry.templates.templates[template]
    kind = next(c.type for c in tpl.columns if c.name == tpl.period_column)
    if not re.fullmatch(r"\d{4}H[12]" if kind == "half_year" else r"\d{4}", period):
        raise CollectError(f"Kausi {period or '(tyhjä)'} ei sovi lomakkeelle: "
                           + ("puolivuosi muodossa VVVVH1 tai VVVVH2, esim. 2026H1." if kind == "half_year"
                              else "vuosi muodossa VVVV, esim. 2026."))
    if conn.execute(select(collection_round.c.id).where(collection_round.c.template == template,
                                                        collection_round.c.name == name)).first():
        raise CollectError(f"Kierros {name} on jo olemassa.")
    rid = conn.execute(insert(collection_round).values(
        template=template, name=name, period=period, due_date=due_date, organisations=list(organisations),
        opened_by=actor["id"], opened_at=utcnow())).inserted_primary_key[0]
    for org in organisations:
        conn.execute(insert(submission).values(round_id=rid, organisation=org, status="not_started"))
    audit(conn, "round_opened", account_id=actor["id"], username=actor["username"], round_id=rid, template=template,
          name=name, period=period, due_date=due_date, organisations=organisations)
    return int(rid)


def list_rounds(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(collection_round).order_by(collection_round.c.opened_at.desc(),
                                                                             collection_round.c.id.desc())).mappings()]


def get_round(conn: Connection, round_id: int) -> dict | None:
    row = conn.execute(select(collection_round).where(collection_round.c.id == round_id)).mappings().first()
    return dict(row) if row else None


def display_status(sub: dict, today: date) -> str:
    """The state a person sees: a publication waiting for its date is 'accepted'."""
    if sub["status"] == "published" and sub["publish_on"] and sub["publish_on"] > today:
        return "accepted"
    return sub["status"]


def round_status(conn: Connection, round_id: int, today: date) -> list[dict]:
    rows = conn.execute(select(submission).where(submission.c.round_id == round_id).order_by(submission.c.organisation)).mappings()
    return [dict(r, shown=display_status(dict(r), today)) for r in rows]


def get_submission(conn: Connection, round_id: int, organisation: str) -> dict | None:
    row = conn.execute(select(submission).where(submission.c.round_id == round_id,
                                                submission.c.organisation == organisation)).mappings().first()
    return dict(row) if row else None


def submission_rows(conn: Connection, submission_id: int) -> list[dict]:
    rows = conn.execute(select(submission_value).where(submission_value.c.submission_id == submission_id)
                        .order_by(submission_value.c.row)).mappings()
    return [dict(r) for r in rows]


def comments(conn: Connection, submission_id: int) -> list[dict]:
    stmt = (select(review_comment, account.c.display_name).join(account, account.c.id == review_comment.c.account_id, isouter=True)
            .where(review_comment.c.submission_id == submission_id).order_by(review_comment.c.id))
    return [dict(r) for r in conn.execute(stmt).mappings()]


# --- reporting --------------------------------------------------------------------------------


@dataclass
class Checked:
    """Validated rows, or every problem found (row, column, Finnish sentence)."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def problem_parts(p: Problem) -> dict:
    """'file:row:column' -> row and column for a person; the message's Finnish half first."""
    parts = str(p.where).rsplit(":", 2)
    row = column = ""
    if len(parts) == 3 and parts[1].isdigit():
        row, column = parts[1], parts[2]
    elif len(parts) >= 2 and parts[-1].isdigit():
        row = parts[-1]
    return {"row": row, "column": column, "message": p.message}


def check_rows(registry: Registry, rnd: dict, organisation: str, valid, problems: list[Problem]) -> Checked:
    """The manual validator's verdict plus the round's own rules: the organisation's regions and the
    round's period only."""
    if problems:
        return Checked(problems=[problem_parts(p) for p in problems])
    org = registry.organisations.by_key[organisation]
    out = Checked()
    if valid.template != rnd["template"]:
        out.problems.append({"row": "", "column": "", "message": f"tiedosto on lomaketta {valid.template}, kierros lomaketta {rnd['template']}"})
        return out
    for r in valid.rows:
        if r.region not in org.regions:
            out.problems.append({"row": str(r.row), "column": "alue",
                                 "message": f"alue {r.region} ei kuulu organisaatiolle {org.name.fi} (sallitut: {', '.join(org.regions)})"})
        if str(r.period) != rnd["period"]:
            tpl = registry.templates.templates[rnd["template"]]
            out.problems.append({"row": str(r.row), "column": tpl.period_column,
                                 "message": f"kausi {r.period} ei ole tämän kierroksen kausi {rnd['period']}"})
        out.rows.append({"region_code": r.region, "period": str(r.period), "data": r.data, "row": r.row})
    if out.problems:
        out.rows = []
    return out


def save_draft(conn: Connection, sub: dict, rows: list[dict], actor: dict, how: str) -> None:
    """Replace the draft's rows (already checked) and mark it a draft; drafts live in the database,
    so they survive logout and a change of browser."""
    if sub["status"] not in EDITABLE:
        raise CollectError("Ilmoitus on jo lähetetty; sitä ei voi enää muuttaa.")
    conn.execute(delete(submission_value).where(submission_value.c.submission_id == sub["id"]))
    for r in rows:
        conn.execute(insert(submission_value).values(submission_id=sub["id"], region_code=r["region_code"],
                                                     period=r["period"], data=r["data"], row=r["row"]))
    now = utcnow()
    conn.execute(update(submission).where(submission.c.id == sub["id"]).values(
        status="draft", updated_at=now, started_at=sub["started_at"] or now))
    audit(conn, "draft_saved", account_id=actor["id"], username=actor["username"], submission_id=sub["id"],
          organisation=sub["organisation"], rows=len(rows), how=how)


def published_entries(conn: Connection, template: str, regions: list[str], period: str | None = None) -> dict:
    """(region, period) -> current published data (the values the public sees or will see)."""
    cond = [manual_entry.c.template == template, manual_entry.c.superseded_at.is_(None),
            manual_entry.c.synthetic.is_(False), manual_entry.c.region_code.in_(regions)]
    if period is not None:
        cond.append(manual_entry.c.period == period)
    rows = conn.execute(select(manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.data).where(*cond))
    return {(r.region_code, str(r.period)): r.data for r in rows}


def preview(conn: Connection, registry: Registry, rnd: dict, sub: dict) -> dict:
    """What submitting would change against the published values: changed cells (old -> new), new
    rows, and published rows of the period this submission leaves out (they stay as they are)."""
    org = registry.organisations.by_key[sub["organisation"]]
    current = published_entries(conn, rnd["template"], org.regions, rnd["period"])
    draft = {(r["region_code"], r["period"]): r["data"] for r in submission_rows(conn, sub["id"])}
    changed, new = [], []
    for key, data in sorted(draft.items()):
        old = current.get(key)
        if old is None:
            new.append({"region_code": key[0], "period": key[1], "data": data})
            continue
        for col in data:
            if _text(old.get(col)) != _text(data.get(col)):
                changed.append({"region_code": key[0], "period": key[1], "column": col,
                                "old": _text(old.get(col)), "new": _text(data.get(col))})
    missing = [{"region_code": k[0], "period": k[1], "data": v} for k, v in sorted(current.items()) if k not in draft]
    return {"changed": changed, "new": new, "missing": missing, "unchanged": not (changed or new)}


def _text(value) -> str:
    return "" if value is None else str(value)


def submit(conn: Connection, sub: dict, actor: dict) -> None:
    if sub["status"] != "draft":
        raise CollectError("Vain luonnoksen voi lähettää; tallenna tiedot ensin.")
    if not submission_rows(conn, sub["id"]):
        raise CollectError("Ilmoituksessa ei ole yhtään riviä.")
    conn.execute(update(submission).where(submission.c.id == sub["id"]).values(status="submitted", submitted_at=utcnow()))
    audit(conn, "submitted", account_id=actor["id"], username=actor["username"], submission_id=sub["id"],
          organisation=sub["organisation"])


# --- review and publication -------------------------------------------------------------------


def return_submission(conn: Connection, sub: dict, comment: str, actor: dict) -> None:
    if sub["status"] != "submitted":
        raise CollectError("Vain lähetetyn ilmoituksen voi palauttaa.")
    if not comment.strip():
        raise CollectError("Kirjoita palautukselle syy: ilmoittaja näkee sen.")
    now = utcnow()
    conn.execute(update(submission).where(submission.c.id == sub["id"]).values(status="returned", reviewed_at=now))
    conn.execute(insert(review_comment).values(submission_id=sub["id"], account_id=actor["id"], action="return",
                                               text=comment.strip(), created_at=now))
    audit(conn, "returned", account_id=actor["id"], username=actor["username"], submission_id=sub["id"], comment=comment)


def accept_and_publish(engine: Engine, registry: Registry, sub_id: int, publish_on: date, comment: str, actor: dict,
                       today: date) -> int:
    """Accept a submitted report and publish it from ``publish_on`` (today or later): its rows become
    manual entries (a changed row supersedes the old one), the template's observations are derived
    again, and everything this publication wrote is hidden until ``publish_on``. One load run, one
    transaction; returns the load run id."""
    from data_pipeline.manual import ValidFile, ValidRow, refresh_derived, write_entries
    from data_pipeline.sync import sync_registry

    if publish_on < today:
        raise CollectError("Julkaisupäivä ei voi olla menneisyydessä.")
    with engine.connect() as conn:
        sub = dict(conn.execute(select(submission).where(submission.c.id == sub_id)).mappings().one())
        rnd = get_round(conn, sub["round_id"])
        rows = submission_rows(conn, sub_id)
    if sub["status"] != "submitted":
        raise CollectError("Vain lähetetyn ilmoituksen voi hyväksyä.")
    canonical = json.dumps([[r["region_code"], r["period"], r["data"]] for r in rows], sort_keys=True, ensure_ascii=False)
    valid = ValidFile(path=f"tiedonkeruu/{rnd['name']}/{sub['organisation']}", template=rnd["template"],
                      sha256=hashlib.sha256(canonical.encode()).hexdigest(),
                      rows=[ValidRow(r["row"], r["region_code"], r["period"], r["data"]) for r in rows])
    with recorded_load(engine, source="partner", dataset=rnd["template"], location=str(valid.path), sha256=valid.sha256) as (run, conn):
        claimed = conn.execute(update(submission).where(submission.c.id == sub_id, submission.c.status == "submitted")
                               .values(status="published", publish_on=publish_on, load_run_id=run.id))
        if claimed.rowcount != 1:  # someone else reviewed it meanwhile
            raise CollectError("Ilmoitus on jo käsitelty.")
        sync_registry(conn, registry)
        from data_pipeline.manual import drop_synthetic_entries

        run.counts.deleted += drop_synthetic_entries(conn, rnd["template"])
        entries = write_entries(conn, valid, run.id)
        conn.execute(update(manual_entry).where(manual_entry.c.load_run_id == run.id).values(
            visible_from=publish_on, submission_id=sub_id))
        record_history(conn, rnd["template"], run.id, actor=actor["username"], account_id=actor["id"],
                       organisation=sub["organisation"], round_id=rnd["id"], submission_id=sub_id, publish_on=publish_on)
        obs, notes = refresh_derived(conn, registry, rnd["template"], run.id)
        apply_embargo(conn, registry, rnd["template"], run.id)
        org_regions = registry.organisations.by_key[sub["organisation"]].regions
        conn.execute(update(observation).where(observation.c.load_run_id == run.id,
                                               observation.c.region_code.in_(org_regions))
                     .values(reported_by=sub["organisation"]))
        run.counts += entries
        run.counts += obs
        run.note = "; ".join(notes) or None
        now = utcnow()
        conn.execute(update(submission).where(submission.c.id == sub_id).values(reviewed_at=now))
        conn.execute(insert(review_comment).values(submission_id=sub_id, account_id=actor["id"], action="accept",
                                                   text=comment.strip() or "Hyväksytty.", created_at=now))
        audit(conn, "accepted", account_id=actor["id"], username=actor["username"], submission_id=sub_id,
              publish_on=publish_on, load_run_id=run.id)
    return run.id


def apply_embargo(conn: Connection, registry: Registry, template: str, run_id: int) -> int:
    """Give every observation the load run ``run_id`` derived the latest publication date of the
    entries behind it: its own region's current entries for the period, or all of the period's
    entries for a county value computed from several municipalities. So a value, or a sum or ratio
    that includes it, stays hidden until its embargo ends, whichever load recomputed it."""
    from data_pipeline.manual import indicator_map

    indicators = sorted(indicator_map(registry, template).values())
    if not indicators:
        return 0
    entries = conn.execute(select(manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.visible_from).where(
        manual_entry.c.template == template, manual_entry.c.superseded_at.is_(None),
        manual_entry.c.synthetic.is_(False))).all()
    rows = conn.execute(select(observation.c.id, observation.c.region_code, observation.c.period).where(
        observation.c.load_run_id == run_id, observation.c.indicator_key.in_(indicators))).all()
    changed = 0
    for o in rows:
        period_entries = [e for e in entries if str(e.period).startswith(str(o.period))]
        own = [e for e in period_entries if e.region_code == o.region_code]
        dates = [e.visible_from for e in (own or period_entries) if e.visible_from is not None]
        conn.execute(update(observation).where(observation.c.id == o.id).values(visible_from=max(dates) if dates else None))
        changed += 1
    return changed


# --- history ----------------------------------------------------------------------------------


def record_history(conn: Connection, template: str, run_id: int, *, actor: str, account_id: int | None = None,
                   organisation: str | None = None, round_id: int | None = None, submission_id: int | None = None,
                   publish_on: date | None = None) -> int:
    """One history line per cell the load run ``run_id`` changed (old -> new; a new row has no old
    value). The entries themselves are never overwritten: the predecessor stays, superseded."""
    new_rows = conn.execute(select(manual_entry.c.id, manual_entry.c.region_code, manual_entry.c.period, manual_entry.c.data)
                            .where(manual_entry.c.load_run_id == run_id, manual_entry.c.template == template)).all()
    now, n = utcnow(), 0
    for row in new_rows:
        prev = conn.execute(select(manual_entry.c.data).where(manual_entry.c.superseded_by == row.id)).first()
        old = prev.data if prev else {}
        for col in sorted(set(row.data) | set(old)):
            before, after = old.get(col), row.data.get(col)
            if prev is not None and _text(before) == _text(after):
                continue
            if prev is None and after is None:
                continue
            conn.execute(insert(value_history).values(
                at=now, account_id=account_id, actor=actor, organisation=organisation, round_id=round_id,
                submission_id=submission_id, template=template, region_code=row.region_code, period=str(row.period),
                column=col, old_value=None if prev is None or before is None else _text(before),
                new_value=None if after is None else _text(after), manual_entry_id=row.id, publish_on=publish_on))
            n += 1
    return n


HISTORY_COLUMNS = ["at", "actor", "organisation", "round", "template", "region_code", "period", "column",
                   "old_value", "new_value", "publish_on"]


def history(conn: Connection, templates: list[str] | None = None, limit: int = 5000) -> list[dict]:
    stmt = (select(value_history, collection_round.c.name.label("round"))
            .join(collection_round, collection_round.c.id == value_history.c.round_id, isouter=True)
            .order_by(value_history.c.id.desc()).limit(limit))
    if templates is not None:
        stmt = stmt.where(value_history.c.template.in_(templates))
    return [dict(r) for r in conn.execute(stmt).mappings()]


__all__ = [
    "Checked",
    "CollectError",
    "accept_and_publish",
    "add_user",
    "authenticate",
    "history",
    "open_round",
    "preview",
    "record_history",
    "return_submission",
    "save_draft",
    "submit",
]
