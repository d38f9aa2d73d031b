"""Autograde time per submission: the kit's assessed notebooks against plain nbgrader notebooks
with the same graded cells, in one run, in one course (run by hand).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_grading.py --submissions 5 [--json out.json]

For each assignment (myths, risk, case-analysis) a plain twin is built with the same number of
autograder-test cells (same points, each ``assert True``) and the same task cells. Every
submission is the released notebook plus, for the kit, an answers file written through
``AnswersFileTracker``. Each ``nbgrader autograde`` run is timed on the wall clock; per
submission = (time for N) / N. The kit and plain runs alternate, so drift hits both.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from msp_learn.grading import AnswersFileTracker, Event, build_course, init_course
from msp_learn.grading import _cells as C

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "assessed"
BIN = Path(sys.executable).parent
ASSIGNMENTS = ("myths", "risk", "case-analysis")


def nbgrader(*args, cwd) -> float:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, check=True,
                   capture_output=True, timeout=3600)
    return time.perf_counter() - start


def plain_twin(course: Path, name: str) -> str:
    """A plain nbgrader notebook with the same graded and task cells as ``name``."""
    src = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    cells = []
    for cell in src.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade"]:
            cells.append(nbformat.v4.new_code_cell(
                "x = 1\n### BEGIN HIDDEN TESTS\nassert x == 1\n### END HIDDEN TESTS",
                metadata=cell.metadata))
        elif meta.get("task"):
            cells.append(C.task(meta["grade_id"], cell.source, meta["points"]))
    twin = f"plain-{name}"
    (course / "source" / twin).mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=src.metadata)
    nbformat.write(nb, course / "source" / twin / f"{twin}.ipynb")
    return twin


def submit(course: Path, name: str, student: str, answers: bool) -> None:
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(course / "release" / name / f"{name}.ipynb", folder)
    (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
    if not answers:
        return
    path = folder / "answers.json"
    for item in yaml.safe_load((course / "course.yaml").read_text())["assignments"]:
        if item["id"] != name:
            continue
        for ident in item["items"]:
            kind = {"myths": "myth", "risk": "risk", "case-analysis": "case"}[name]
            state = {"myths": {"said": "myth"}, "risk": {"likelihood": 3, "impact": 3,
                                                         "level": "high"},
                     "case-analysis": {"path": []}}[name]
            t = AnswersFileTracker(kind, ident, path=path)
            t.load()
            t.commit(Event("bench"), state)
    t = AnswersFileTracker("written", "reflection", path=path)
    t.load()
    t.commit(Event("bench"), {"answers": {"voice": "She said she wanted to stay at home."}})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=5, help="per assignment")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    course = base / "course"
    init_course(course)
    shutil.copytree(EXAMPLE, course / "assessed", dirs_exist_ok=True)
    myths = sorted(p.stem for p in (EXAMPLE / "exercises" / "myths").glob("*.yaml"))
    risks = sorted(p.stem for p in (EXAMPLE / "exercises" / "risks").glob("*.yaml"))
    (course / "course.yaml").write_text(yaml.safe_dump({"course_id": "bench", "assignments": [
        {"id": "myths", "kind": "myths", "title": "M", "items": myths},
        {"id": "risk", "kind": "risk", "title": "R", "items": risks},
        {"id": "case-analysis", "kind": "case-analysis", "title": "C",
         "items": ["rosa-ferreira-keeping-paulo"]}]}))
    build_course(course)
    pairs = [(a, plain_twin(course, a)) for a in ASSIGNMENTS]
    for kit, plain in pairs:
        for name in (kit, plain):
            nbgrader("generate_assignment", name, "--force", cwd=course)
    results = {}
    for kit, plain in pairs:
        for n in range(args.submissions):
            submit(course, kit, f"k{n:03d}", True)
            submit(course, plain, f"k{n:03d}", False)
        t_kit = nbgrader("autograde", kit, cwd=course) / args.submissions
        t_plain = nbgrader("autograde", plain, cwd=course) / args.submissions
        results[kit] = {"kit_s": round(t_kit, 2), "plain_s": round(t_plain, 2),
                        "ratio": round(t_kit / t_plain, 2)}
        print(f"{kit:15} kit {t_kit:5.2f} s  plain {t_plain:5.2f} s per submission  "
              f"ratio {t_kit / t_plain:.2f}", flush=True)
    print(f"median ratio {statistics.median(r['ratio'] for r in results.values()):.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
