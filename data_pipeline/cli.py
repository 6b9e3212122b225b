"""Command line of the data pipeline.

    python -m data_pipeline migrate
    python -m data_pipeline refresh [--source sotkanet statfin boundaries] [--offline DIR] [--years 2010-2024]
    python -m data_pipeline templates OUTDIR
    python -m data_pipeline load-manual FILE [FILE …]      # who reported: the file's `ilmoittaja` column
    python -m data_pipeline status [--json]
    python -m data_pipeline demo [--clear]
    python -m data_pipeline bootstrap      # what `make run` does before serving
    python -m data_pipeline users add NAME --role ROLE [--organisation KEY] [--scope X …] | disable | enable | reset | list

Exit codes: 0 success, 1 a source failed or an unexpected error, 2 bad input (nothing loaded).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from data_pipeline.errors import InputError, SourceUnavailable
from data_pipeline.refresh import SOURCES
from data_pipeline.registry import RegistryError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _years(text: str) -> tuple[int, int]:
    """Parse '2010-2024' or '2024'."""
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
        else:
            a = b = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2010-2024 or 2024, not {text!r}") from None
    if not 1900 <= a <= b <= 2100:
        raise argparse.ArgumentTypeError(f"year range {text!r} is not a valid range")
    return a, b


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data_pipeline", description=__doc__.split("\n\n")[0])
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="bring the database schema to the latest migration")

    r = sub.add_parser("refresh", help="fetch sources (or replay a recording) and load them")
    r.add_argument("--source", nargs="+", choices=SOURCES, default=list(SOURCES), help="sources to refresh (default all)")
    r.add_argument("--offline", type=Path, metavar="DIR", help="read recorded responses from DIR instead of the network")
    r.add_argument("--years", type=_years, metavar="YYYY[-YYYY]", help="limit the years requested from Sotkanet")
    r.add_argument("--facts", type=Path, metavar="FILE",
                   help="CSV of published figures, each with its citation (default TILANNEKUVA_FACTS_FILE)")

    t = sub.add_parser("templates", help="write CSV and XLSX templates for manual measures")
    t.add_argument("outdir", type=Path)

    m = sub.add_parser("load-manual", help="validate and load filled-in templates")
    m.add_argument("files", type=Path, nargs="+")

    s = sub.add_parser("status", help="what is loaded: per source and per indicator")
    s.add_argument("--json", action="store_true", help="machine-readable output")

    d = sub.add_parser("demo", help="fill gaps with labelled synthetic values (never over real ones)")
    d.add_argument("--clear", action="store_true", help="remove every synthetic row")
    d.add_argument("--seed", type=int, default=2026)

    sub.add_parser("bootstrap", help="migrate; load data if the database is empty; prepare geometry")

    u = sub.add_parser("users", help="accounts of the collection area /tiedonkeruu")
    us = u.add_subparsers(dest="users_command", required=True)
    ua = us.add_parser("add", help="new account; asks for the password (or reads TILANNEKUVA_NEW_PASSWORD)")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=("ilmoittaja", "koordinaattori", "yllapitaja"))
    ua.add_argument("--organisation", help="organisation key (counties/<county>.organisations.yaml); reporters need one")
    ua.add_argument("--scope", nargs="*", default=[], help="coordinator: template keys or priority-area slugs")
    ua.add_argument("--name", help="display name (default: the username)")
    ua.add_argument("--sso-only", action="store_true", help="no password: single sign-on only")
    for name, text in (("disable", "disable an account (it can no longer log in)"), ("enable", "enable an account again"),
                       ("reset", "set a new password (asked, or TILANNEKUVA_NEW_PASSWORD)")):
        us.add_parser(name, help=text).add_argument("username")
    us.add_parser("list", help="every account with role, organisation and state")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from data_pipeline.progress import Progress
    from data_pipeline.settings import get_settings

    settings = get_settings()
    progress = Progress(quiet=args.quiet)
    try:
        return _dispatch(args, settings, progress)
    except InputError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RegistryError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SourceUnavailable as exc:
        print(f"Source unavailable: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except DBAPIError as exc:  # read-only file, full disk, server down: a sentence, not a raw SQL dump
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
        print(f"Tietokantaan ei voi kirjoittaa tai siihen ei saada yhteyttä / database error: {reason}. "
              "Mitään ei tallennettu / nothing was saved.", file=sys.stderr)
        return EXIT_FAILED


def _dispatch(args, settings, progress) -> int:
    from data_pipeline.db.engine import get_engine
    from data_pipeline.db.migrate import upgrade

    engine = get_engine(settings.database_url)
    upgrade(engine)
    if args.command == "migrate":
        progress.step(f"database at head: {engine.url.render_as_string(hide_password=True)}")
        return EXIT_OK
    if args.command == "refresh":
        from data_pipeline.refresh import run_refresh

        offline = args.offline or None
        report = run_refresh(engine, settings, sources=args.source, offline_dir=offline, years=args.years, progress=progress,
                             facts_file=args.facts)
        if not report.ok and progress.quiet:
            print(report.render(), file=sys.stderr)  # failures are reported even with --quiet
        if report.bad_input:
            return EXIT_BAD_INPUT
        return EXIT_OK if report.ok else EXIT_FAILED
    if args.command == "templates":
        from data_pipeline.manual import write_templates

        written = write_templates(args.outdir)
        for path in written:
            progress.step(f"wrote {path}")
        return EXIT_OK
    if args.command == "load-manual":
        from data_pipeline.manual import load_manual_files

        load_manual_files(engine, args.files, progress=progress)
        return EXIT_OK
    if args.command == "status":
        from data_pipeline.status import collect_status, render_status

        status = collect_status(engine)
        print(json.dumps(status, ensure_ascii=False, indent=2, default=str) if args.json else render_status(status))
        return EXIT_OK
    if args.command == "demo":
        from data_pipeline.demo import clear_demo, fill_demo

        if args.clear:
            n = clear_demo(engine)
            progress.step(f"removed {n} synthetic rows")
        else:
            counts = fill_demo(engine, seed=args.seed, progress=progress)
            progress.step(f"synthetic rows: {counts.inserted} new, {counts.updated} changed, {counts.unchanged} unchanged")
        return EXIT_OK
    if args.command == "bootstrap":
        from data_pipeline.bootstrap import bootstrap

        return EXIT_OK if bootstrap(engine, settings, progress) else EXIT_FAILED
    if args.command == "users":
        return _users(args, engine, progress)
    raise AssertionError(args.command)  # argparse rejects unknown commands


def _password() -> str:
    """The new password: TILANNEKUVA_NEW_PASSWORD (scripts) or asked twice without echo."""
    import getpass
    import os

    given = os.environ.get("TILANNEKUVA_NEW_PASSWORD")
    if given:
        return given
    first = getpass.getpass("Uusi salasana / new password: ")
    if first != getpass.getpass("Uudelleen / again: "):
        raise SystemExit("Salasanat eivät täsmää / passwords differ")
    return first


def _users(args, engine, progress) -> int:
    from data_pipeline import collect
    from data_pipeline.registry import load_registry

    try:
        with engine.begin() as conn:
            if args.users_command == "add":
                collect.add_user(conn, load_registry(), username=args.username, display_name=args.name or args.username,
                                 role=args.role, organisation=args.organisation, scope=args.scope,
                                 password=None if args.sso_only else _password())
                progress.step(f"account {args.username.lower()} added ({args.role})")
            elif args.users_command in ("disable", "enable"):
                collect.set_disabled(conn, args.username, args.users_command == "disable")
                progress.step(f"account {args.username.lower()} {args.users_command}d")
            elif args.users_command == "reset":
                collect.reset_password(conn, args.username, _password())
                progress.step(f"password of {args.username.lower()} reset")
            else:
                for u in collect.list_users(conn):
                    state = "disabled" if u["disabled"] else "active"
                    print(f"{u['username']}\t{u['role']}\t{u['organisation'] or '-'}\t{','.join(u['scope']) or '-'}\t{state}")
    except collect.CollectError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK
