"""``msp-learn workshop ...``: start a live workshop on a running server, export one."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request

from msp_learn.workshop.room import SAMPLE_PLAN


def cmd_start(args: argparse.Namespace) -> int:
    from msp_learn.workshop.trainer_key import token_path, trainer_token

    base = args.url.rstrip("/") + "/"
    body = json.dumps({"title": args.title, "plan": args.add or list(SAMPLE_PLAN)}).encode()
    request = urllib.request.Request(base + "workshop/api/sessions", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "X-Workshop-Trainer": trainer_token()})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        try:
            message = json.load(exc).get("error") or exc.reason
        except ValueError:
            message = exc.reason
        print(f"msp-learn workshop start: error: {message}", file=sys.stderr)
        if exc.code == 403:
            print(f"(the server's trainer key is in {token_path()} on the machine it runs on, or "
                  "$MSP_LEARN_TRAINER_TOKEN)", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"msp-learn workshop start: error: no kit server at {base} ({exc}). Start one "
              "with 'msp-learn serve' (add --host 0.0.0.0 so phones can reach it).",
              file=sys.stderr)
        return 1
    code = data["code"]
    print(f"Join code:    {code}")
    print(f"Learners go to: {data['join_url']}")
    print(f"QR code:      {base}workshop/qr/{code}.svg")
    print(f"Trainer page: {base}workshop/trainer?code={code}#token={trainer_token()}")
    print("(keep the trainer link to yourself: it lets whoever opens it run the workshop)")
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
    s = ws.add_parser("start", help="start a workshop on a running 'msp-learn serve' and print "
                      "its join code, link and trainer link")
    s.add_argument("--url", default="http://127.0.0.1:8866/",
                   help="the running server (default: %(default)s)")
    s.add_argument("--title", default="Making Safeguarding Personal",
                   help="what the room sees (default: %(default)s)")
    s.add_argument("--add", action="append", metavar="KIND:WHAT",
                   help="an activity, in order (repeat): myth:ID, case:ID, risk:ID, "
                   "scale:QUESTION, text:QUESTION or cloud:QUESTION; default: a sample of each")
    s.set_defaults(func=cmd_start)
    e = ws.add_parser("export", help="write a workshop's answers as CSV (safe in Excel)")
    e.add_argument("code", help="the workshop's join code")
    e.add_argument("--out", help="file to write (default: print)")
    e.add_argument("--db", help="store URL (default: $MSP_LEARN_DB or the SQLite file)")
    e.set_defaults(func=cmd_export)
