"""Routes of ``/tiedonkeruu``: thin views over :mod:`data_pipeline.collect`.

Every view that shows or changes a round's data calls :func:`_access` first: a reporter reaches only
their own organisation (403 otherwise, before anything is read), a coordinator only the templates in
their scope, the administrator everything.
"""
from __future__ import annotations

import functools
import shutil
from datetime import date

from flask import abort, redirect, request, session, url_for
from flask_login import current_user, login_required, logout_user

from dashboard.core.i18n import t
from dashboard.deliver.collect import (
    _engine,
    _registry,
    audit_event,
    bp,
    count_failure,
    csv_response,
    lang,
    login_refused,
    render_page,
    save_upload,
    start_session,
    today,
)
from data_pipeline import collect

STATES = ("not_started", "draft", "submitted", "returned", "accepted", "published")


# --- helpers ----------------------------------------------------------------------------------


def _user() -> dict:
    return current_user.row


def _is_reporter() -> bool:
    return _user()["role"] == "ilmoittaja"


def _round(rid: int) -> dict:
    with _engine().connect() as conn:
        rnd = collect.get_round(conn, rid)
    if rnd is None:
        abort(404)
    return rnd


def _may_see_round(rnd: dict) -> None:
    user = _user()
    if user["role"] == "ilmoittaja":
        if user["organisation"] not in rnd["organisations"]:
            abort(403)
    elif not collect.can_coordinate(user, _registry(), rnd["template"]):
        abort(403)


def _access(rid: int, org: str) -> tuple[dict, dict]:
    """(round, submission) when the user may see this organisation's report; 403/404 otherwise."""
    user = _user()
    if user["role"] == "ilmoittaja" and user["organisation"] != org:
        audit_event("forbidden", account_id=user["id"], username=user["username"], path=request.path)
        abort(403)
    rnd = _round(rid)
    _may_see_round(rnd)
    if org not in rnd["organisations"]:
        abort(404)
    with _engine().connect() as conn:
        sub = collect.get_submission(conn, rid, org)
    return rnd, sub


def _submission_page(suffix: str = "", methods: tuple[str, ...] = ("GET",), only=None):
    """A view of one organisation's report in a round (``/kierros/<rid>/<org>`` + ``suffix``): the
    user is signed in and may see it (:func:`_access`), then passes ``only`` (a role check, if
    given); the view gets ``(rid, org, rnd, sub)``. One rule for every such view."""
    def register(view):
        @functools.wraps(view)
        def page(rid: int, org: str):
            rnd, sub = _access(rid, org)
            if only is not None:
                only()
            return view(rid, org, rnd, sub)

        return bp.route(f"/kierros/<int:rid>/<org>{suffix}", methods=list(methods))(login_required(page))

    return register


def _reporter_only() -> None:
    if not _is_reporter():
        abort(403)


def _refused(rnd: dict, sub: dict, message: str, values: dict | None = None):
    """The reporting page again (422) with one problem that belongs to no cell: the whole report
    was refused."""
    problem = {"row": "", "column": "", "region": "", "message": message}
    return render_page("report.html", **_page_data(rnd, sub, values), problems=[problem], bad=set()), 422


def _save(operation, *args, **kwargs) -> None:
    """``operation(conn, *args, **kwargs)`` in one transaction; its refusal (``CollectError``: the
    submission is no longer in a state that allows it) answers 409 Conflict."""
    try:
        with _engine().begin() as conn:
            operation(conn, *args, **kwargs)
    except collect.CollectError as exc:
        abort(409, str(exc))


def _coordinator_only() -> None:
    if _user()["role"] not in ("koordinaattori", "yllapitaja"):
        abort(403)


def _admin_only() -> None:
    if _user()["role"] != "yllapitaja":
        abort(403)


def _fields(template: str):
    """The template's columns a person fills in (region and period come from the round)."""
    tpl = _registry().templates.templates[template]
    return [c for c in tpl.columns if c.name not in ("alue", tpl.period_column)]


def _org_regions(org_key: str, template: str) -> list[str]:
    from data_pipeline.manual import Regions

    registry = _registry()
    regions = Regions.from_registry(registry)
    tpl = registry.templates.templates[template]
    allowed = {c for lv in tpl.region_levels for c in regions.by_level.get(lv, [])}
    return [r for r in registry.organisations.by_key[org_key].regions if r in allowed]


def _region_name(code: str) -> str:
    county = _registry().county
    lg = lang()
    for m in county.municipalities:
        if m.code == code:
            return getattr(m.name, lg)
    for named in (county.welfare_area, county.region):
        if named.code == code:
            return getattr(named.name, lg)
    return code


def _display(col, value) -> str:
    """A stored value as a person reads it (an enum's label, kyllä/ei)."""
    if value is None or value == "":
        return ""
    if col.type == "enum":
        for c in col.choices:
            if c.code == value:
                return getattr(c, lang())
    if col.type == "boolean":
        return t("collect.yes", lang()) if value else t("collect.no", lang())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _form_value(col, value) -> str:
    """A stored value as the form field's value."""
    if value is None:
        return ""
    if col.type == "boolean":
        return "kyllä" if value else "ei"
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else str(value)).replace(".", ",")
    return str(value)


def _page_data(rnd: dict, sub: dict, values: dict | None = None) -> dict:
    """What the reporting page shows: rows per region with draft values and the last published ones."""
    org = sub["organisation"]
    regions = _org_regions(org, rnd["template"])
    fields = _fields(rnd["template"])
    with _engine().connect() as conn:
        draft = {r["region_code"]: r["data"] for r in collect.submission_rows(conn, sub["id"])}
        published = collect.published_entries(conn, rnd["template"], regions)
        notes = collect.comments(conn, sub["id"])
    latest: dict[str, dict] = {}
    for (region, period), data in sorted(published.items()):
        latest[region] = {"period": period, "data": data}
    rows = []
    for i, region in enumerate(regions):
        if values is not None:
            current = values.get(region, {})
        else:
            current = {c.name: _form_value(c, draft.get(region, {}).get(c.name)) for c in fields}
        pub = latest.get(region)
        rows.append({
            "index": i, "region": region, "name": _region_name(region),
            "values": current,
            "published": {c.name: _display(c, pub["data"].get(c.name)) for c in fields} if pub else {},
            "published_period": pub["period"] if pub else None,
        })
    tpl = _registry().templates.templates[rnd["template"]]
    corrects = False
    if sub["status"] == "submitted" and not _is_reporter():
        with _engine().connect() as conn:
            corrects = bool(collect.preview(conn, _registry(), rnd, sub)["changed"])
    return {"rnd": rnd, "sub": sub, "rows": rows, "corrects": corrects, "fields": fields, "template": tpl, "comments": notes,
            "org": _registry().organisations.by_key[org],
            "editable": _is_reporter() and sub["status"] in collect.EDITABLE,
            "shown": collect.display_status(sub, today()), "today_iso": today().isoformat()}


def _problems_by_cell(problems: list[dict], regions: list[str]) -> tuple[list[dict], set[tuple[str, str]]]:
    """Form problems with the region named; the (region, column) cells to mark invalid."""
    out, cells = [], set()
    for p in problems:
        region = ""
        if p["row"].isdigit() and 0 <= int(p["row"]) - 2 < len(regions):
            region = regions[int(p["row"]) - 2]
        out.append(dict(p, region=_region_name(region) if region else ""))
        cells.add((region, p["column"]))
    return out, cells


# --- login ------------------------------------------------------------------------------------


@bp.route("/kirjaudu", methods=["GET", "POST"])
def login():
    from dashboard.deliver.collect import oidc

    error = None
    notice = session.pop("tk_notice", None)
    if request.method == "POST":
        username = (request.form.get("tunnus") or "").strip()[:120]
        password = request.form.get("salasana") or ""
        if login_refused(username):
            audit_event("login_refused", username=username, reason="rate_limit")
            return render_page("login.html", error=t("collect.login.locked", lang()), sso=oidc.enabled()), 429
        from data_pipeline import collect as c

        with _engine().begin() as conn:
            row = c.authenticate(conn, username, password, ip=request.remote_addr)
        if row is None:
            count_failure(username)
            error = t("collect.login.failed", lang())
        else:
            start_session(row, "password")
            target = request.args.get("seuraava") or ""
            if not target.startswith("/tiedonkeruu") or target.startswith("//"):
                target = url_for("collect.home")
            return redirect(target)
    status = 401 if error else 200
    return render_page("login.html", error=error, notice=notice, sso=oidc.enabled()), status


@bp.route("/ulos", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit_event("logout", account_id=current_user.id, username=current_user.username)
    logout_user()
    lg = session.get("kieli")
    session.clear()
    if lg:
        session["kieli"] = lg
    return redirect(url_for("collect.login"))


# --- rounds -----------------------------------------------------------------------------------


@bp.route("/")
@login_required
def home():
    user = _user()
    registry = _registry()
    with _engine().connect() as conn:
        rounds = collect.list_rounds(conn)
        boards = {r["id"]: collect.round_status(conn, r["id"], today()) for r in rounds}
    if user["role"] == "ilmoittaja":
        rounds = [r for r in rounds if user["organisation"] in r["organisations"]]
    else:
        rounds = [r for r in rounds if collect.can_coordinate(user, registry, r["template"])]
    mine = {}
    if user["role"] == "ilmoittaja":
        for r in rounds:
            mine[r["id"]] = next((b["shown"] for b in boards[r["id"]] if b["organisation"] == user["organisation"]), None)
    coordinated = [k for k in registry.templates.templates if collect.can_coordinate(user, registry, k)]
    return render_page("home.html", rounds=rounds, boards=boards, mine=mine, coordinated=coordinated,
                       defaults={k: collect.default_organisations(registry, k) for k in coordinated},
                       today=today(), error=request.args.get("virhe"))


@bp.route("/kierros", methods=["POST"])
@login_required
def open_round():
    _coordinator_only()
    form = request.form
    try:
        due = date.fromisoformat(form.get("erapaiva") or "")
    except ValueError:
        return redirect(url_for("collect.home", virhe=t("collect.round.bad_date", lang())))
    organisations = form.getlist("organisaatiot")
    try:
        with _engine().begin() as conn:
            rid = collect.open_round(conn, _registry(), template=form.get("lomake") or "", name=form.get("nimi") or "",
                                     period=form.get("kausi") or "", due_date=due, organisations=organisations,
                                     actor=_user())
    except collect.CollectError as exc:
        return redirect(url_for("collect.home", virhe=str(exc)))
    return redirect(url_for("collect.board", rid=rid))


@bp.route("/kierros/<int:rid>")
@login_required
def board(rid: int):
    rnd = _round(rid)
    _may_see_round(rnd)
    with _engine().connect() as conn:
        rows = collect.round_status(conn, rid, today())
    orgs = _registry().organisations.by_key
    for r in rows:
        r["name"] = orgs[r["organisation"]].label(lang()) if r["organisation"] in orgs else r["organisation"]
        r["may_open"] = not _is_reporter() or _user()["organisation"] == r["organisation"]
        r["overdue"] = rnd["due_date"] < today() and r["shown"] in collect.EDITABLE
    counts = {s: sum(1 for r in rows if r["shown"] == s) for s in STATES}
    return render_page("board.html", rnd=rnd, rows=rows, counts=counts, states=STATES,
                       template=_registry().templates.templates[rnd["template"]])


# --- reporting --------------------------------------------------------------------------------


@_submission_page(methods=("GET", "POST"))
def report(rid: int, org: str, rnd: dict, sub: dict):
    if request.method == "GET":
        return render_page("report.html", **_page_data(rnd, sub), problems=[], bad=set())
    _reporter_only()
    regions = _org_regions(org, rnd["template"])
    fields = _fields(rnd["template"])
    tpl = _registry().templates.templates[rnd["template"]]
    posted: dict[str, dict] = {}
    rows, order = [], []
    for i in range(len(regions)):
        region = request.form.get(f"r{i}-alue")
        if region is None:
            continue
        if region not in regions:  # a field edited to reach another organisation
            audit_event("forbidden", account_id=_user()["id"], username=_user()["username"], path=request.path,
                        region=region)
            abort(403)
        values = {c.name: (request.form.get(f"r{i}-{c.name}") or "").strip() for c in fields}
        posted[region] = values
        if any(v for v in values.values()):
            rows.append({"alue": region, tpl.period_column: rnd["period"], **values})
            order.append(region)
    if not rows:
        return _refused(rnd, sub, t("collect.report.empty", lang()), posted)
    from data_pipeline.manual import validate_records

    valid, found = validate_records(rnd["template"], rows, _registry())
    checked = collect.check_rows(_registry(), rnd, org, valid, found)
    if not checked.ok:
        problems, bad = _problems_by_cell(checked.problems, order)
        return render_page("report.html", **_page_data(rnd, sub, posted), problems=problems, bad=bad), 422
    _save(collect.save_draft, sub, checked.rows, _user(), how="form")
    return redirect(url_for("collect.preview", rid=rid, org=org))


@_submission_page("/tiedosto", methods=("POST",), only=_reporter_only)
def upload(rid: int, org: str, rnd: dict, sub: dict):
    storage = request.files.get("tiedosto")
    if storage is None or not storage.filename:
        return _refused(rnd, sub, t("collect.upload.missing", lang()))
    path = save_upload(storage)
    try:
        from data_pipeline.manual import read_file, validate_path

        valid, found = validate_path(path, _registry())
        checked = collect.check_rows(_registry(), rnd, org, valid, found)
        if not checked.ok:
            prefill = _prefill(read_file(path), rnd, org)
            problems = [dict(p, region="", file=storage.filename) for p in checked.problems]
            bad = {(region, p["column"]) for p in checked.problems for region in prefill.get("_rows", {}).get(p["row"], [])}
            prefill.pop("_rows", None)
            return render_page("report.html", **_page_data(rnd, sub, prefill or None), problems=problems, bad=bad,
                               uploaded=storage.filename), 422
        _save(collect.save_draft, sub, checked.rows, _user(), how=f"file {storage.filename}")
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return redirect(url_for("collect.preview", rid=rid, org=org))


def _prefill(raw, rnd: dict, org: str) -> dict:
    """The file's cells per region of this organisation, so a rejected upload can be fixed in the form."""
    regions = _org_regions(org, rnd["template"])
    if not raw.header or "alue" not in raw.header:
        return {}
    idx = {c: i for i, c in enumerate(raw.header)}
    out: dict = {"_rows": {}}
    for number, cells in raw.rows:
        code = str(cells[idx["alue"]] if idx["alue"] < len(cells) else "").strip()
        if code.isdigit():
            code = f"{int(code):03d}"
        if code not in regions:
            continue
        values = {}
        for c in _fields(rnd["template"]):
            cell = cells[idx[c.name]] if c.name in idx and idx[c.name] < len(cells) else None
            values[c.name] = "" if cell is None else (cell.isoformat()[:10] if hasattr(cell, "isoformat") else str(cell))
        out[code] = values
        out["_rows"].setdefault(str(number), []).append(code)
    return out


@_submission_page("/esikatselu")
def preview(rid: int, org: str, rnd: dict, sub: dict):
    fields = {c.name: c for c in _registry().templates.templates[rnd["template"]].columns}
    with _engine().connect() as conn:
        diff = collect.preview(conn, _registry(), rnd, sub)
    for item in diff["changed"]:
        col = fields.get(item["column"])
        item["name"] = _region_name(item["region_code"])
        if col is not None:
            item["old"], item["new"] = _display(col, _typed(item["old"])), _display(col, _typed(item["new"]))
    for item in diff["new"] + diff["missing"]:
        item["name"] = _region_name(item["region_code"])
        item["cells"] = [(name, _display(col, item["data"].get(name))) for name, col in fields.items()
                         if item["data"].get(name) not in (None, "")]
    return render_page("preview.html", rnd=rnd, sub=sub, diff=diff,
                       editable=_is_reporter() and sub["status"] == "draft")


def _typed(text: str):
    if text in ("True", "False"):
        return text == "True"
    return text


@_submission_page("/laheta", methods=("POST",), only=_reporter_only)
def send(rid: int, org: str, _rnd: dict, sub: dict):
    _save(collect.submit, sub, _user())
    return redirect(url_for("collect.report", rid=rid, org=org))


@_submission_page("/arvio", methods=("POST",), only=_coordinator_only)
def review(rid: int, org: str, rnd: dict, sub: dict):
    action = request.form.get("toiminto")
    comment = (request.form.get("kommentti") or "").strip()
    try:
        if action == "palauta":
            with _engine().begin() as conn:
                collect.return_submission(conn, sub, comment, _user())
        elif action == "hyvaksy":
            try:
                publish_on = date.fromisoformat(request.form.get("julkaisupaiva") or "")
            except ValueError:
                raise collect.CollectError(t("collect.review.bad_date", lang())) from None
            collect.accept_and_publish(_engine(), _registry(), sub["id"], publish_on, comment, _user(), today())
        else:
            abort(400)
    except collect.CollectError as exc:
        return _refused(rnd, sub, str(exc))
    return redirect(url_for("collect.board", rid=rid))


# --- history ----------------------------------------------------------------------------------


@bp.route("/historia")
@login_required
def value_history():
    _coordinator_only()
    user, registry = _user(), _registry()
    templates = [k for k in registry.templates.templates if collect.can_coordinate(user, registry, k)]
    with _engine().connect() as conn:
        rows = collect.history(conn, templates)
    if request.args.get("muoto") == "csv":
        return csv_response(rows, collect.HISTORY_COLUMNS, "tiedonkeruu-arvohistoria.csv")
    return render_page("history.html", rows=rows[:500], total=len(rows))


# --- accounts (administrator) -----------------------------------------------------------------


@bp.route("/kayttajat", methods=["GET", "POST"])
@login_required
def accounts():
    _admin_only()
    message, error = None, None
    if request.method == "POST":
        form, actor = request.form, _user()
        action = form.get("toiminto")
        try:
            with _engine().begin() as conn:
                if action == "lisaa":
                    collect.add_user(conn, _registry(), username=form.get("tunnus") or "",
                                     display_name=form.get("nimi") or "", role=form.get("rooli") or "",
                                     organisation=form.get("organisaatio") or None,
                                     scope=[s for s in (form.get("vastuu") or "").replace(",", " ").split() if s],
                                     password=form.get("salasana") or None, actor=actor["username"], actor_id=actor["id"])
                elif action in ("poista_kaytosta", "ota_kayttoon"):
                    collect.set_disabled(conn, form.get("tunnus") or "", action == "poista_kaytosta",
                                         actor=actor["username"], actor_id=actor["id"])
                elif action == "salasana":
                    collect.reset_password(conn, form.get("tunnus") or "", form.get("salasana") or "",
                                           actor=actor["username"], actor_id=actor["id"])
                else:
                    abort(400)
            message = t("collect.accounts.saved", lang())
        except collect.CollectError as exc:
            error = str(exc)
    with _engine().connect() as conn:
        users = collect.list_users(conn)
    status = 422 if error else 200
    return render_page("accounts.html", users=users, message=message, error=error,
                       organisations=_registry().organisations.organisations), status
