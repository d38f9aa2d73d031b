"""``nbgrader export`` and the formgrader's gradebook queries at council scale, on nbgrader's
gradebook as it is and after ``msp-learn course tune`` (run by hand).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_tune.py --learners 200,2000 \
        [--timeout 900] [--data DIR] [--json out.json]

For each class size a synthetic course (``synth_gradebook.py``; reused from ``--data`` if
there) is copied twice: one gradebook left as nbgrader made it, one tuned
(``msp_learn.grading._tune.tune``). On each, in a subprocess with a timeout:

- ``nbgrader export`` (the real command, nbgrader's CSV plugin, from the course folder);
  when it runs out of time, the rows it had written give its rate and an estimate;
- the gradebook calls behind the formgrader's pages, through ``nbgrader.api.Gradebook``:
  the assignments list (``Assignment.to_dict`` per assignment), one assignment's
  submissions (``submission_dicts``), the manual-grading list
  (``notebook_submission_dicts``), the students list (``student_dicts``), one learner's
  submissions (``SubmittedAssignment.to_dict`` per assignment) and one submission.

It prints SQLite's query plan for the score of one submission (the correlated subquery
``nbgrader export`` runs per row) on both gradebooks, so the index in use can be seen.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
BIN = Path(sys.executable).parent

SCORE_SQL = """SELECT (SELECT coalesce(sum(CASE WHEN grade.manual_score IS NOT NULL
  THEN grade.manual_score ELSE grade.auto_score END), 0.0)
  FROM grade, submitted_notebook
  WHERE submitted_notebook.assignment_id = submitted_assignment.id
    AND grade.notebook_id = submitted_notebook.id)
FROM submitted_assignment WHERE submitted_assignment.id = ?"""

FORMGRADER = r'''
import json, sys, time
from nbgrader.api import Gradebook
from sqlalchemy import text
db, skip = sys.argv[1], set(filter(None, sys.argv[2].split(",")))
out = {}
with Gradebook(f"sqlite:///{db}", course_id="synth") as gb:
    names = [a.name for a in gb.assignments]
    submitted = [r[0] for r in gb.db.execute(text(
        "SELECT DISTINCT student_id FROM submitted_assignment ORDER BY student_id"))]
    student = submitted[len(submitted) // 2]  # one who submitted everything
    calls = {
        "assignments list": lambda: [gb.find_assignment(a).to_dict() for a in names],
        "one assignment's submissions": lambda: gb.submission_dicts(names[0]),
        "manual grading list": lambda: gb.notebook_submission_dicts(names[0], names[0]),
        "students list": lambda: gb.student_dicts(),
        "one learner's submissions": lambda: [gb.find_submission(a, student).to_dict()
                                              for a in names],
        "one submission": lambda: gb.find_submission(names[-1], student).to_dict(),
    }
    for name, call in calls.items():
        if name in skip:
            continue
        t = time.perf_counter()
        call()
        out[name] = round(time.perf_counter() - t, 3)
        print(json.dumps(out), flush=True)
'''


def env() -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                        os.environ.get("PYTHONPATH")]))}


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def export(course: Path, timeout: float, rows_total: int) -> dict:
    """Time ``nbgrader export`` in ``course``; on timeout, estimate from rows written."""
    dest = course / "export.csv"
    dest.unlink(missing_ok=True)
    start = time.perf_counter()
    before = load()
    try:
        subprocess.run([str(BIN / "nbgrader"), "export", f"--CsvExportPlugin.to={dest}"],
                       cwd=course, env=env(), check=True, capture_output=True, timeout=timeout)
        seconds = time.perf_counter() - start
        rows = sum(1 for _ in dest.open()) - 1
        return {"seconds": round(seconds, 1), "rows": rows, "finished": True,
                "load": f"{before} -> {load()}"}
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        rows = max(0, sum(1 for _ in dest.open()) - 1) if dest.exists() else 0
        # every row costs about the same (one scan of the grade table per row)
        estimate = seconds * rows_total / rows if rows else None
        return {"seconds": round(seconds, 1), "rows": rows, "finished": False,
                "estimate_s": round(estimate) if estimate else None,
                "load": f"{before} -> {load()}"}


def formgrader(db: Path, timeout: float, skip: str = "") -> dict:
    try:
        done = subprocess.run([sys.executable, "-c", FORMGRADER, str(db), skip],
                              env=env(), capture_output=True, text=True, timeout=timeout)
        lines = done.stdout.strip().splitlines()
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines = out.strip().splitlines()
        result = json.loads(lines[-1]) if lines else {}
        result["timed out after"] = timeout
        return result
    result = json.loads(lines[-1]) if lines else {}
    if done.returncode:
        result["error"] = (done.stderr.strip().splitlines() or ["?"])[-1][:300]
    return result


def plan(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        some = con.execute("SELECT id FROM submitted_assignment LIMIT 1").fetchone()[0]
        rows = con.execute("EXPLAIN QUERY PLAN " + SCORE_SQL, (some,)).fetchall()
    finally:
        con.close()
    return "\n".join(f"  {'  ' * (parent != 0)}{detail}" for _, parent, _, detail in rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="200,2000", help="class sizes, comma-separated")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per export")
    parser.add_argument("--data", help="folder of synthetic courses (made if missing; kept)")
    parser.add_argument("--skip-untuned-export", default="",
                        help="class sizes whose untuned export is not run (too slow)")
    parser.add_argument("--skip-untuned-calls", default="",
                        help="formgrader calls not run on the untuned gradebook (comma-separated "
                        "names, e.g. \"one assignment's submissions\")")
    parser.add_argument("--no-export", action="store_true", help="the formgrader calls only")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    import synth_gradebook

    from msp_learn.grading._tune import tune

    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="bench-tune-"))
    skip = {int(n) for n in args.skip_untuned_export.split(",") if n}
    results = {}
    for n in [int(x) for x in args.learners.split(",")]:
        src = data / f"n{n}"
        if not (src / "course" / "gradebook.db").exists():
            print(f"making a course of {n} learners in {src} ...", flush=True)
            synth_gradebook.make(src, learners=n, events=0)
        con = sqlite3.connect(src / "course" / "gradebook.db")
        (grades,), = con.execute("SELECT count(*) FROM grade")
        (students,), = con.execute("SELECT count(*) FROM student")
        (assignments,), = con.execute("SELECT count(*) FROM assignment")
        con.close()
        work = Path(tempfile.mkdtemp(prefix=f"tune-{n}-"))
        row = {"grades": grades}
        for state in ("as nbgrader made it", "tuned"):
            course = work / ("plain" if state != "tuned" else "tuned")
            shutil.copytree(src / "course", course)
            db = course / "gradebook.db"
            if state == "tuned":
                tune(course)
            print(f"\n{n} learners, {grades} grades, gradebook {state}; plan of one "
                  f"submission's score:\n{plan(db)}", flush=True)
            fg = formgrader(db, args.timeout,
                            args.skip_untuned_calls if state != "tuned" else "")
            print(f"  formgrader calls (s): {fg}  [load {load()}]", flush=True)
            if args.no_export or (state != "tuned" and n in skip):
                ex = {"skipped": True}
            else:
                ex = export(course, args.timeout, students * assignments)
            print(f"  nbgrader export: {ex}", flush=True)
            row[state] = {"export": ex, "formgrader": fg}
        shutil.rmtree(work, ignore_errors=True)
        results[n] = row
    print("\n| learners | grades | export, as made | export, tuned | ratio |")
    print("|---|---|---|---|---|")
    for n, row in results.items():
        a, b = row["as nbgrader made it"]["export"], row["tuned"]["export"]
        sa = a.get("seconds") if a.get("finished") else a.get("estimate_s")
        shown = (f"{a['seconds']} s" if a.get("finished") else
                 f"> {a['seconds']} s ({a['rows']} rows; est. {a.get('estimate_s')} s)"
                 if not a.get("skipped") else "not run")
        ratio = f"{b['seconds'] / sa:.3f}" if sa and b.get("finished") else ""
        print(f"| {n} | {row['grades']} | {shown} | {b.get('seconds')} s | {ratio} |")
    print("\n| formgrader call (s) | " + " | ".join(f"{n}: as made | {n}: tuned" for n in results)
          + " |")
    print("|---|" + "---|---|" * len(results))
    calls = dict.fromkeys(k for row in results.values() for state in ("as nbgrader made it",
                                                                     "tuned")
                          for k in row[state]["formgrader"])
    for call in calls:
        cells = [str(row[state]["formgrader"].get(call, "-")) for row in results.values()
                 for state in ("as nbgrader made it", "tuned")]
        print(f"| {call} | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if not args.data:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
