"""``msp-learn course ...``: thin wrappers over :mod:`msp_learn.grading`."""

from __future__ import annotations

import argparse
import sys


def cmd_init(args: argparse.Namespace) -> int:
    from msp_learn.grading import init_course

    for path in init_course(args.dir, course_id=args.course_id, exchange=args.exchange,
                            timeout=args.timeout):
        print(f"wrote {path}")
    print(f"next: add assessed items under {args.dir}/assessed and assignments to "
          f"{args.dir}/course.yaml, then run 'msp-learn course build --course {args.dir}'")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from msp_learn.grading import build_course

    for path in build_course(args.course, force=args.force):
        print(f"wrote {path}")
    print("next: from the course folder, run 'nbgrader generate_assignment ASSIGNMENT --force'")
    return 0


def cmd_comments(args: argparse.Namespace) -> int:
    from msp_learn.grading import rubric

    r = rubric()
    for c in r.criteria:
        print(f"rubric-{c.id}: {c.title}")
        for comment in r.comments_for(c.id):
            print(f"  {comment.id}  {comment.text}")
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    from pathlib import Path

    from msp_learn.grading import CourseError
    from msp_learn.grading._gradebook import mark_task

    if args.score is None and not args.use and not args.text:
        raise CourseError("nothing to mark: give --score, --use or --text (or several)")
    folder = Path(args.course).expanduser().resolve()
    if not (folder / "gradebook.db").is_file():
        raise CourseError(f"no gradebook.db in {folder}: run this in the course folder, or "
                          "pass --course COURSE_DIR")
    done = mark_task(folder, args.assignment, args.student, args.cell, score=args.score,
                     comments=args.use or [], text=args.text or "")
    score = "not scored yet" if done.score is None else f"{done.score:g} / {done.max_score:g}"
    print(f"marked {done.cell} of {args.assignment} for {args.student}: {score}")
    if done.comment:
        print("comment:\n" + "\n".join(f"  {line}" if line else ""
                                         for line in done.comment.splitlines()))
    return 0


def cmd_tune(args: argparse.Namespace) -> int:
    from msp_learn.grading._tune import tune, untune

    undo = args.course_command == "untune"
    for change in (untune if undo else tune)(args.dir):
        verb = ("dropped" if change.done else "not there:") if undo else \
            ("added" if change.done else "already there:")
        print(f"{verb} {change.index}")
    print("nbgrader's data is unchanged." + ("" if undo else " To undo: msp-learn course "
                                              f"untune {args.dir}"))
    return 0


def _run(func):
    def wrapper(args: argparse.Namespace) -> int:
        from msp_learn.grading import CourseError

        try:
            return func(args)
        except CourseError as exc:
            print(f"msp-learn course {args.course_command}: {exc}", file=sys.stderr)
            return 1
    return wrapper


def add_commands(sub) -> None:
    """Add the ``course`` command group to the main parser's subparsers."""
    course = sub.add_parser("course", help="assessed work with nbgrader: make a course, build "
                            "its notebooks from content")
    group = course.add_subparsers(dest="course_command", required=True, metavar="COMMAND")

    p = group.add_parser("init", help="make an nbgrader course folder with the kit's settings")
    p.add_argument("dir", help="folder to make the course in (created if missing)")
    p.add_argument("--course-id", default="msp-assessed",
                   help="nbgrader course id (default: %(default)s)")
    p.add_argument("--exchange", help="nbgrader exchange folder shared with learners "
                   "(default: DIR/exchange)")
    p.add_argument("--timeout", type=int, default=60,
                   help="seconds a cell may run during autograde (default: %(default)s)")
    p.set_defaults(func=_run(cmd_init))

    p = group.add_parser("build", help="write nbgrader source notebooks from course.yaml and "
                         "the assessed content")
    p.add_argument("--course", default=".", help="the course folder (default: the current one)")
    p.add_argument("--force", action="store_true",
                   help="replace notebooks even if they were changed by hand")
    p.set_defaults(func=_run(cmd_build))

    p = group.add_parser("comments", help="list the rubric and the bank of reusable comments")
    p.set_defaults(func=_run(cmd_comments))

    p = group.add_parser("mark", help="score a rubric cell and add bank comments, as in the "
                         "formgrader (written through nbgrader's gradebook)")
    p.add_argument("assignment", help="assignment id, e.g. myths")
    p.add_argument("student", help="learner's id")
    p.add_argument("cell", help="rubric cell, e.g. rubric-outcomes")
    p.add_argument("--score", type=float,
                   help="points for this criterion: 0 to its points (rubric cells: 0, 1 or 2)")
    p.add_argument("--use", action="append", metavar="ID",
                   help="a comment from the bank by id (repeat for more); see 'course comments'")
    p.add_argument("--text", help="your own comment, after any bank comments")
    p.add_argument("--course", default=".", help="the course folder (default: the current one)")
    p.set_defaults(func=_run(cmd_mark))

    for name, what in (("tune", "add two indexes to nbgrader's gradebook so 'nbgrader export' "
                                "and the formgrader stay quick with thousands of learners"),
                       ("untune", "drop the indexes 'course tune' added (nothing else)")):
        p = group.add_parser(name, help=what)
        p.add_argument("dir", nargs="?", default=".",
                       help="the course folder, or its gradebook.db (default: the current one)")
        p.set_defaults(func=_run(cmd_tune))
