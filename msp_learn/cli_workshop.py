"""``msp-learn workshop ...``: start a live workshop for the kit server to run, export one."""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request

from msp_learn.workshop.room import SAMPLE_PLAN


def _join_url(base: str, code: str) -> str:
    public = os.environ.get("MSP_LEARN_PUBLIC_URL", "").strip() or base
    return public.rstrip("/") + f"/workshop?code={code}"


def _server_answers(base: str) -> bool:
    """True when a kit server answers at ``base`` (asked once, briefly)."""
    try:
        with urllib.request.urlopen(base + "workshop", timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def cmd_start(args: argparse.Namespace) -> int:
    """Make the workshop in the kit's store (as ``learner role`` does: whoever runs this holds
    the store); the running server opens it from the store when the trainer or a learner
    first names its code."""
    from msp_learn.content import load_catalogue
    from msp_learn.store import Store
    from msp_learn.workshop import ActivityError
    from msp_learn.workshop.room import Workshops

    base = args.url.rstrip("/") + "/"
    try:
        with Store(args.db) as store:
            room = Workshops(store, load_catalogue()).start(args.title,
                                                           args.add or list(SAMPLE_PLAN))
    except ActivityError as exc:
        print(f"msp-learn workshop start: error: {exc}", file=sys.stderr)
        return 2
    code = room.code
    print(f"Join code:      {code}")
    print(f"Learners go to: {_join_url(base, code)}")
    print(f"QR code:        {base}workshop/qr/{code}.svg")
    print(f"Trainer page:   {base}workshop/trainer?code={code}")
    print("Open the trainer page signed in as a trainer (the person running the kit makes you "
          "one with 'msp-learn learner role NAME trainer').")
    if not _server_answers(base):
        print(f"Note: no kit server answers at {base} yet. Start one with 'msp-learn serve' "
              "(add --host 0.0.0.0 so phones can reach it), using the same store.",
              file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from msp_learn.content import load_catalogue
    from msp_learn.store import Store
    from msp_learn.workshop import CodeError
    from msp_learn.workshop.room import Workshops

    with Store(args.db) as store:
        try:
            text = Workshops(store, load_catalogue()).get(args.code).export_csv()
        except CodeError as exc:
            print(f"msp-learn workshop export: error: {exc}", file=sys.stderr)
            return 2
    if args.out:
        with open(args.out, "w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def add_commands(sub) -> None:
    """Add ``workshop start`` and ``workshop export`` to the ``msp-learn`` parser."""
    p = sub.add_parser("workshop", help="run a live workshop the room answers from their phones")
    ws = p.add_subparsers(dest="workshop_command", required=True, metavar="ACTION")
    s = ws.add_parser("start", help="start a workshop for 'msp-learn serve' to run and print "
                      "its join code, link, QR code and trainer page")
    s.add_argument("--url", default="http://127.0.0.1:8866/",
                   help="the kit server the links name (default: %(default)s; the room's "
                   "link uses $MSP_LEARN_PUBLIC_URL when set)")
    s.add_argument("--title", default="Making Safeguarding Personal",
                   help="what the room sees (default: %(default)s)")
    s.add_argument("--add", action="append", metavar="KIND:WHAT",
                   help="an activity, in order (repeat): myth:ID, case:ID, risk:ID, "
                   "scale:QUESTION, text:QUESTION or cloud:QUESTION; default: a sample of each")
    s.add_argument("--db", help="store URL (default: $MSP_LEARN_DB or the SQLite file): the "
                   "same store the server uses")
    s.set_defaults(func=cmd_start)
    e = ws.add_parser("export", help="write a workshop's answers as CSV (safe in Excel)")
    e.add_argument("code", help="the workshop's join code")
    e.add_argument("--out", help="file to write (default: print)")
    e.add_argument("--db", help="store URL (default: $MSP_LEARN_DB or the SQLite file)")
    e.set_defaults(func=cmd_export)
