"""The ``cpd-record`` and ``learner forget|reset-secret|role`` commands of ``msp-learn``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from msp_learn import identity
from msp_learn.cpd import cpd_record, default_file
from msp_learn.store import NotFoundError, Store

DB_HELP = ("database URL, e.g. sqlite:///path/to/file.sqlite or postgresql://... (default: "
           "$MSP_LEARN_DB, else the kit's SQLite file under $MSP_LEARN_DATA or "
           "~/.local/share/msp_learn)")


def _fail(message: str, code: int) -> int:
    print(f"msp-learn: {message}", file=sys.stderr)
    return code


def _with_store(args: argparse.Namespace, action: Callable[[Store], int]) -> int:
    """Run ``action`` on the store named by ``--db``, turning store errors into exit codes."""
    try:
        store = Store(args.db, create=False)
    except FileNotFoundError as exc:
        return _fail(f"{exc}; nothing recorded yet", 1)
    except ArgumentError as exc:
        return _fail(f"bad --db URL: {exc}", 2)
    except ImportError as exc:
        return _fail(f"the database driver for --db is not installed: {exc}", 1)
    except SQLAlchemyError as exc:
        return _fail(f"cannot open the learner database: {exc}", 1)
    try:
        return action(store)
    except ValueError as exc:
        return _fail(str(exc), 2)
    except NotFoundError as exc:
        return _fail(str(exc), 1)
    finally:
        store.close()


def learner_name(store: Store, name: str) -> str:
    """The learner's name as they first typed it (``name`` itself when unknown)."""
    found = store.find_learner(name)
    return found.name if found is not None else name


def _catalogue() -> Any:
    """The kit's content and the trainer's, for titles and prompt wording; None if it cannot
    be loaded."""
    try:
        from msp_learn.content import load_catalogue

        return load_catalogue()
    except Exception:  # the record is still useful with ids instead of titles
        return None


#: What each format is, for the message saying where a record was written.
FORMAT_WORDS = {"md": "Markdown text", "html": "a web page", "docx": "a Word document"}


def cmd_cpd_record(args: argparse.Namespace) -> int:
    def action(store: Store) -> int:
        out = args.out
        if out is None and args.fmt == "docx":  # a Word document is not for a terminal
            learner = store.find_learner(args.learner)
            out = default_file(learner.name if learner else args.learner, "docx")
        try:
            record = cpd_record(store, args.learner, fmt=args.fmt, out=out,
                                catalogue=_catalogue())
        except OSError as exc:
            return _fail(f"cannot write {out}: {exc.strerror or exc}", 1)
        if out is None:
            sys.stdout.write(record)
        else:
            print(f"wrote {learner_name(store, args.learner)}'s CPD record, as "
                  f"{FORMAT_WORDS[args.fmt]}, to {Path(out).resolve()}")
        return 0

    return _with_store(args, action)


def cmd_forget(args: argparse.Namespace) -> int:
    def action(store: Store) -> int:
        held = store.held(args.learner)
        if not held["learners"]:
            return _fail(f"nothing is held about {args.learner!r} in {store.url}", 1)
        summary = ", ".join(f"{n} {table}" for table, n in held.items() if table != "learners")
        if not args.yes:
            if not sys.stdin.isatty():
                return _fail("add --yes to confirm deleting everything held about "
                             f"{args.learner!r} ({summary})", 2)
            answer = input(f"Delete everything held about {args.learner!r} ({summary})? "
                           "This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                return _fail("nothing deleted", 1)
        counts = store.forget(args.learner)
        print(f"forgot {args.learner!r}: deleted " + ", ".join(
            f"{n} {table}" for table, n in counts.items()))
        return 0

    return _with_store(args, action)


def cmd_reset_secret(args: argparse.Namespace) -> int:
    def action(store: Store) -> int:
        secret = identity.new_secret()
        learner = store.set_secret(args.learner, secret)
        print(f"{learner.name}'s new secret is: {secret}\n"
              "Give it to them privately; they sign in with it (their work is all kept). "
              "Pages they had open elsewhere ask them to sign in again.")
        return 0

    return _with_store(args, action)


def cmd_role(args: argparse.Namespace) -> int:
    def action(store: Store) -> int:
        if args.role is None:
            learner = store.find_learner(args.learner)
            if learner is None:
                raise NotFoundError(f"there is no learner called {args.learner!r} in "
                                    f"{store.url}")
            print(f"{learner.name} is a {learner.role}")
            return 0
        learner = store.set_role(args.learner, args.role)
        print(f"{learner.name} is now a {learner.role}")
        return 0

    return _with_store(args, action)


def add_commands(subparsers: Any) -> None:
    """Add ``cpd-record`` and ``learner forget`` to an argparse ``add_subparsers()`` object."""
    p = subparsers.add_parser(
        "cpd-record", help="write a learner's CPD record for Social Work England",
        description="Build a CPD record from a learner's activities and reflections.")
    p.add_argument("learner", metavar="LEARNER", help="the learner's name or pseudonym")
    p.add_argument("--format", dest="fmt", choices=["md", "html", "docx"],
                   default=cpd_record.__kwdefaults__["fmt"], help="output format (default: md)")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write to FILE instead of printing (docx, which cannot be printed, "
                        "goes to cpd-record-NAME.docx in this folder when no FILE is named)")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.set_defaults(func=cmd_cpd_record)

    learner = subparsers.add_parser("learner", help="manage what is held about a learner")
    actions = learner.add_subparsers(dest="learner_command", required=True, metavar="ACTION")
    p = actions.add_parser("forget", help="delete everything held about a learner",
                           description="Delete a learner, their events, progress and "
                                       "reflections. This cannot be undone.")
    p.add_argument("learner", metavar="LEARNER", help="the learner's name or pseudonym")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_forget)

    p = actions.add_parser(
        "reset-secret", help="give a learner who forgot their secret a new one",
        description="Replace a learner's secret with a new one, printed here for you to give "
                    "them. Nothing of their work is lost.")
    p.add_argument("learner", metavar="LEARNER", help="the learner's name or pseudonym")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.set_defaults(func=cmd_reset_secret)

    p = actions.add_parser(
        "role", help="show or set whether someone is a learner, trainer or lead",
        description="Show a person's role, or make them a learner, a trainer (workshop pages) "
                    "or a lead (reports and dashboard).")
    p.add_argument("learner", metavar="LEARNER", help="the person's name or pseudonym")
    p.add_argument("role", nargs="?", choices=identity.ROLES, help="the role to give them")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.set_defaults(func=cmd_role)
