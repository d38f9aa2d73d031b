"""The ``msp-learn`` command line: thin wrappers over the package's functions.

Exit codes: 0 all well, 1 content is invalid (or, for ``coverage``, something is uncovered),
2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from msp_learn import _version
from msp_learn import paths as kit_paths
from msp_learn.activities import CONTENT_KINDS
from msp_learn.content import load_catalogue
from msp_learn.server._argv import LOG_LEVELS

NEW_KINDS = {"case-study": ("case_studies/{name}/case.yaml", "case-study.yaml"),
             "myth": ("exercises/myths/{name}.yaml", "myth.yaml"),
             "risk": ("exercises/risks/{name}.yaml", "risk-scenario.yaml")}
PATHS_HELP = ("files or folders to report on (default: all content, the kit's and your "
              "content folder's)")


class UsageError(Exception):
    """Bad arguments: exit code 2."""


def _load(paths: Sequence[str]):
    """The kit's content and the trainer's overlay, reporting on ``paths`` when named."""
    try:
        catalogue = load_catalogue(paths or None)
    except FileNotFoundError as exc:
        raise UsageError(f"no such file or folder: {exc}") from None
    if not catalogue.files and not catalogue.problems:
        raise UsageError("no content found: name a file or folder, or set "
                         f"{kit_paths.ENV} to your content folder")
    return catalogue


def cmd_validate(args: argparse.Namespace) -> int:
    catalogue = _load(args.paths)
    problems = catalogue.all_problems
    shown = [p for p in problems if p.is_error or not args.errors_only]
    for problem in shown:
        print(problem)
    if args.readability:
        _print_readability(catalogue)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    files = len(catalogue.files)
    verdict = "OK" if not errors else "INVALID"
    print(f"{verdict}: {files} file{'s' * (files != 1)} checked, {errors} error"
          f"{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}.",
          file=sys.stderr if shown and not errors else sys.stdout)
    return 1 if errors else 0


def _print_readability(catalogue) -> None:
    """Per-file Flesch reading ease of the learner-facing text, then the whole set's."""
    from msp_learn.content.lint import Readability, readability

    rows = [(loaded.path, readability(loaded.item)) for loaded in catalogue.files
            if loaded.item is not None]
    print("Readability (Flesch reading ease of learner-facing text; 60 or more is plain "
          "English, higher is easier):")
    for path, r in rows:
        print(f"  {r.score:5.1f}  {r.band:<16} {r.words_per_sentence:4.1f} words/sentence  {path}")
    if rows:
        total = Readability(sum(r.words for _, r in rows), sum(r.sentences for _, r in rows),
                            sum(r.syllables for _, r in rows))
        print(f"  {total.score:5.1f}  {total.band:<16} {total.words_per_sentence:4.1f} "
              f"words/sentence  all {len(rows)} valid file{'s' * (len(rows) != 1)}")


def cmd_coverage(args: argparse.Namespace) -> int:
    from msp_learn.content.lint import content_set_problems
    from msp_learn.coverage import coverage, render

    catalogue = _load(args.paths)
    cov = coverage(catalogue)
    print(render(cov))
    warnings = [p for f in catalogue.files if f.item is not None
                for p in content_set_problems(f.path, f.item, f.located)]
    if warnings:
        print(f"\nContent-set checks ({len(warnings)} warning{'s' * (len(warnings) != 1)}):")
        for problem in sorted(warnings):
            print(problem)
    invalid = sum(1 for f in catalogue.files if f.item is None)
    if invalid:
        print(f"({invalid} invalid file{'s' * (invalid != 1)} not counted: run 'msp-learn "
              "validate')", file=sys.stderr)
    return 0 if cov.complete else 1


def cmd_list(args: argparse.Namespace) -> int:
    catalogue = _load(args.paths)
    rows = []
    for loaded in catalogue.files:
        item = loaded.item
        if item is None or (args.kind and loaded.kind != args.kind):
            continue
        title = getattr(item, "title", None) or getattr(item, "statement", "")
        rows.append({"kind": loaded.kind, "id": item.id, "title": title,
                     "level": getattr(item, "level", ""), "minutes": getattr(item, "minutes", ""),
                     "path": loaded.path})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for kind in sorted({r["kind"] for r in rows}):
            group = [r for r in rows if r["kind"] == kind]
            print(f"{kind} ({len(group)})")
            for r in group:
                extra = f"  [{r['level']}, {r['minutes']} min]" if r["level"] else ""
                print(f"  {r['id']:<40} {r['title'][:70]}{extra}")
    invalid = sum(1 for f in catalogue.files if f.item is None)
    if invalid:
        print(f"({invalid} invalid file{'s' * (invalid != 1)} not listed: run 'msp-learn "
              "validate')", file=sys.stderr)
    return 0


def _id_problem(name: str) -> str | None:
    """Why ``name`` is not an id the schemas accept (None when it is)."""
    from pydantic import TypeAdapter, ValidationError

    from msp_learn.schemas.common import Slug

    try:
        TypeAdapter(Slug).validate_python(name)
    except ValidationError:
        return (f"'{name}' is not a valid id: use 2 to 80 lower-case letters (a-z), digits and "
                "hyphens, starting with a letter or digit, e.g. 'mrs-khan-finances'")
    return None


def cmd_new(args: argparse.Namespace) -> int:
    name = args.name
    problem = _id_problem(name)
    if problem:
        raise UsageError(problem)
    root = Path(args.root) if args.root else kit_paths.new_content_root()
    if kit_paths.is_in_package(root):
        raise UsageError(f"{root} is inside the installed msp_learn package; write into your "
                         f"own content folder (the current folder, or set {kit_paths.ENV})")
    if not args.root and kit_paths.is_kit_root(root):
        raise UsageError(f"{root} holds the kit's own content; run this in your own content "
                         f"folder or set {kit_paths.ENV} (pass --root to add to the kit on "
                         "purpose)")
    target = root / NEW_KINDS[args.kind][0].format(name=name)
    if target.exists():
        raise UsageError(f"{target} already exists; choose another name")
    text = resources.files("msp_learn").joinpath("starters", NEW_KINDS[args.kind][1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.read_text("utf-8").replace("__ID__", name), encoding="utf-8")
    print(f"wrote {target}\nnext: edit it, then run 'msp-learn validate {target}'")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from msp_learn.schemas.export import write_json_schemas

    for path in write_json_schemas(Path(args.out) if args.out else None):
        print(f"wrote {path}")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    import subprocess

    from msp_learn.lab import lab_argv

    extra = [a for a in args.lab_args if a != "--"]
    try:
        return subprocess.call(lab_argv(extra))
    except KeyboardInterrupt:  # JupyterLab has stopped itself on Ctrl+C
        return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    from msp_learn.server import serve

    folder = Path(args.apps_dir) if args.apps_dir else kit_paths.apps_dir()
    if not (folder / "app.ipynb").is_file():
        raise UsageError(f"no Voila app in {folder} (expected app.ipynb)")
    pool = 0 if args.pool_size is None else args.pool_size
    if min(pool, args.cull_idle_timeout, args.fill_delay) < 0 or args.port <= 0:
        raise UsageError("--pool-size, --fill-delay and --cull-idle-timeout must be >= 0, "
                         "--port > 0")
    if args.db:
        os.environ["MSP_LEARN_DB"] = args.db
    overlay = kit_paths.overlay_root()
    if overlay is not None:  # kernels run in the apps' folder: name the trainer's content
        os.environ[kit_paths.ENV] = str(overlay.resolve())
    from msp_learn.store import Store

    try:  # open (and migrate) the store once before any kernel does, and fail early
        Store().close()
    except Exception as exc:  # a bad URL or an unreachable database: say so plainly
        raise UsageError(f"cannot open the progress store: {exc}") from None
    return serve(apps_dir=folder, host=args.host, port=args.port, pool_size=args.pool_size,
                 cull_idle_timeout=args.cull_idle_timeout, fill_delay=args.fill_delay,
                 open_browser=args.open, log_level=args.log_level, log_file=args.log_file)


def _date(text: str | None, flag: str):
    import datetime as dt

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date: write it as YYYY-MM-DD, e.g. "
                         "2026-11-30") from None


class _ProgressBar:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.live:
            return
        width = 30
        filled = width * done // max(1, total)
        text = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label}"[:78]
        self.stream.write("\r" + text.ljust(78))
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def cmd_report(args: argparse.Namespace) -> int:
    from msp_learn import reports

    if args.min_group < 1:
        raise UsageError(f"--min-group must be 1 or more (got {args.min_group})")
    course = Path(args.course) if args.course else None
    if course is not None and not course.is_dir():
        raise UsageError(f"no course folder at {course}: name the nbgrader course folder "
                         "(the one holding gradebook.db)")
    learners = Path(args.learners) if args.learners else None
    if learners is not None and not learners.is_file():
        raise UsageError(f"no learners file at {learners}: name a CSV file with the columns "
                         "id, name, team, role")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: name a folder for the report")
    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    store_url = args.store
    if store_url is None:
        from msp_learn.store import default_url

        store_url = default_url()
    print("Reading the gradebook, the answers and the store...", file=sys.stderr)
    try:
        data = reports.load(course=course, store_url=store_url, learners_file=learners)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the report's data: {exc}") from None
    problems = [str(p) for p in getattr(data, "problems", [])]
    if any(v for v in (args.team, args.role, args.assignment, since, until)):
        data = data.filter(team=args.team, role=args.role, assignment=args.assignment,
                           start=since, end=until)
    print("Working out the tables...", file=sys.stderr)
    sections = reports.sections(data, min_group=args.min_group)
    try:
        written = reports.write(sections, out, progress=_ProgressBar(), problems=problems,
                                shared=args.board)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot write the report into {out}: {exc}") from None
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)} in the data (listed above "
              "and at the top of the report).", file=sys.stderr)
    tables = [Path(p) for p in written if Path(p).suffix == ".csv"]
    for path in written:
        if Path(path).suffix != ".csv":
            print(f"wrote {path}")
    if tables:
        folders = {p.parent for p in tables}
        where = folders.pop() if len(folders) == 1 else out
        print(f"wrote {len(tables)} CSV file{'s' * (len(tables) != 1)} (one per table) in {where}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msp-learn", description="Making Safeguarding Personal training kit.")
    parser.add_argument("--version", action="version", version=f"msp-learn {_version.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check content files and report every problem")
    p.add_argument("paths", nargs="*", help=PATHS_HELP)
    p.add_argument("--errors-only", action="store_true", help="do not print warnings")
    p.add_argument("--readability", action="store_true",
                   help="also print each valid file's Flesch reading ease (learner-facing text "
                   "only; 60 or more is plain English). A report only: it never fails a file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "coverage", help="show which items cover each principle, abuse category, toolkit "
        "section, MCA principle and situation",
        description="Count, for each term of the vocabularies the content set must cover "
        "(abuse_categories, principles, toolkit_sections, mca_principles, situations), the "
        "valid items that cover it, and print a table; uncovered rows are marked '!' and "
        "'UNCOVERED'. Case studies are also checked against the content-set rules (at least "
        "3 nodes and 3 endings that differ in both outcome measures); these are warnings. "
        "Exit 0 when every term is covered, 1 when something is uncovered, 2 on a usage error.")
    p.add_argument("paths", nargs="*", help=PATHS_HELP)
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("list", help="show what content exists")
    p.add_argument("paths", nargs="*", help=PATHS_HELP)
    p.add_argument("--kind", choices=list(CONTENT_KINDS),
                   help="only this kind of content")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("new", help="write a valid starter file to edit")
    p.add_argument("kind", choices=sorted(NEW_KINDS), help="what to create")
    p.add_argument("name", help="id of the new item, e.g. 'mrs-khan-finances'")
    p.add_argument("--root", help=f"content folder to write into (default: ${kit_paths.ENV}, "
                   "else the current folder; never the kit's own)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("serve", help="start the Voila apps (the gallery) on this machine")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8866, help="port (default: %(default)s)")
    p.add_argument("--pool-size", type=int, default=None,
                   help="preheated kernels kept ready per app; size it for the room, about "
                   "130 MB each (0 turns preheating off; default: sized from this machine's "
                   "memory and cores, between 2 and 30)")
    p.add_argument("--fill-delay", type=float, default=15.0,
                   help="seconds the pool waits before replacing a kernel it handed out; after "
                   "that, replacements start one at a time when the machine has spare CPU, so a "
                   "room arriving at once is not slowed by refills; once a page has found the "
                   "pool empty they start at once (default: %(default)s)")
    p.add_argument("--cull-idle-timeout", type=int, default=600,
                   help="seconds before the kernel of a closed or abandoned page is shut down "
                   "(default: %(default)s)")
    p.add_argument("--db", help="progress store URL (default: $MSP_LEARN_DB, else SQLite in "
                   "$MSP_LEARN_DATA or ~/.local/share/msp_learn)")
    p.add_argument("--apps-dir", help="folder of app notebooks (default: voila_apps/ in your "
                   "content folder if it has app.ipynb, else the kit's)")
    p.add_argument("--open", action="store_true", help="open a browser too")
    p.add_argument("--log-level", choices=LOG_LEVELS, default="warning",
                   help="the least serious server messages shown here; the log file keeps "
                   "info and worse, or debug too with debug (default: %(default)s)")
    p.add_argument("--log-file", help="the server's log (default: logs/server.log in "
                   "$MSP_LEARN_DATA or ~/.local/share/msp_learn)")
    p.set_defaults(func=cmd_serve)

    from msp_learn.cli_learner import add_commands

    add_commands(sub)

    from msp_learn.cli_workshop import add_commands as add_workshop_commands

    add_workshop_commands(sub)

    from msp_learn.grading._cli import add_commands as add_course_commands

    add_course_commands(sub)

    p = sub.add_parser(
        "report", help="write the workforce leads' report: HTML, an Excel workbook and CSV files",
        description="Read nbgrader's gradebook and the course's answers files (--course), the "
        "kit's store (--store) and the learners file (--learners), and write report.html, "
        "report.xlsx and csv/*.csv into --out. No figure is shown for a group smaller than "
        "--min-group. Problems in the data are printed with their file and line, and listed "
        "in the report. Exit 0 when the report is written, 2 on a usage error.")
    p.add_argument("--out", required=True, help="folder to write the report into (created if "
                   "missing; files of an earlier report there are replaced)")
    p.add_argument("--course", help="the nbgrader course folder (holding gradebook.db)")
    p.add_argument("--store", help="progress store URL (default: $MSP_LEARN_DB, else the "
                   "kit's SQLite store)")
    p.add_argument("--learners", help="learners file: CSV with the columns id, name, team, role")
    p.add_argument("--min-group", type=int, default=5, help="the smallest group a figure is "
                   "shown for (default: %(default)s)")
    p.add_argument("--team", action="append", help="only this team (repeat for several)")
    p.add_argument("--role", action="append", help="only this role (repeat for several)")
    p.add_argument("--assignment", action="append",
                   help="only this assignment (repeat for several)")
    p.add_argument("--since", help="only work from this day on (YYYY-MM-DD)")
    p.add_argument("--until", help="only work up to this day, included (YYYY-MM-DD)")
    p.add_argument("--board", action="store_true", help="a copy to share beyond the learners' "
                   "managers (with a Safeguarding Adults Board, say): leave out the table that "
                   "names learners, and count the data's problems rather than list them")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("lab", help="start JupyterLab with the kit's settings: no news feed, no "
                       "update checks (what an installed kit sets up; an editable install needs "
                       "this)")
    p.add_argument("lab_args", nargs="*", metavar="JUPYTERLAB_OPTION",
                   help="passed on to JupyterLab, e.g. --port=8888 --no-browser")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("schema", help="write JSON Schema files for editor completion")
    p.add_argument("--out", help="folder to write to (default: msp_learn/schemas/json)")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and getattr(args, "command", None) != "lab":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if unknown:  # msp-learn lab passes JupyterLab's own options on
        args.lab_args = [*unknown, *args.lab_args]
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"msp-learn {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
