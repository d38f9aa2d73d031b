"""Autograde time per submission: the kit's assessed notebooks against plain nbgrader notebooks
with the same graded cells, in one run, in one course (run by hand).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_grading.py --submissions 5 --repeats 3 \
        [--class-size 200 --per-student 10] [--json out.json]

For each assignment (myths, risk, case-analysis) a plain twin is built with the same number of
autograder-test cells (same points, each ``assert True``) and the same task cells. Every
submission is the released notebook plus, for the kit, an answers file written through
``AnswersFileTracker``. Each ``nbgrader autograde`` run (all N submissions in one process, as
a lead runs it) is timed on the wall clock and in CPU seconds (the nbgrader process and the
kernels it started and reaped); per submission = (time for N) / N. The kit and plain runs
alternate (``--force`` after the first), so drift hits both; figures are medians of the
repeats, with the load average (1 minute) around each pair, since the machine may be shared.

``--class-size`` also grades a class in one ``nbgrader autograde`` (the batch) and times
``--per-student`` of them graded one ``nbgrader autograde --student ID`` each (what one
click per learner in the formgrader does), extrapolated to the class.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def nbgrader(*args, cwd) -> tuple[float, float]:
    """Run one nbgrader command; returns (wall seconds, CPU seconds of it and its kernels)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, check=True,
                   capture_output=True, timeout=7200)
    return time.perf_counter() - start, _children_cpu() - cpu


def load() -> float:
    return round(os.getloadavg()[0], 2)


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


def grade_class(course: Path, size: int, sample: int) -> dict:
    """A class of ``size`` myths submissions graded by one ``nbgrader autograde myths`` (which
    skips the submissions graded before), then ``sample`` more graded one
    ``nbgrader autograde myths --student ID`` each, the per-learner figure extrapolated."""
    for n in range(size):
        submit(course, "myths", f"c{n:04d}", True)
    before = load()
    wall, cpu = nbgrader("autograde", "myths", cwd=course)
    batch = {"submissions": size, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
             "per_submission_wall_s": round(wall / size, 2),
             "per_submission_cpu_s": round(cpu / size, 2), "load": [before, load()]}
    graded = len(list((course / "autograded").glob("c*/myths/myths.ipynb")))
    batch["graded"] = graded
    walls, cpus = [], []
    before = load()
    for n in range(sample):
        submit(course, "myths", f"p{n:04d}", True)
        w, c = nbgrader("autograde", "myths", "--student", f"p{n:04d}", cwd=course)
        walls.append(w)
        cpus.append(c)
    one = {"sampled": sample, "median_wall_s": round(statistics.median(walls), 2),
           "median_cpu_s": round(statistics.median(cpus), 2), "load": [before, load()]}
    one["class_wall_s_extrapolated"] = round(one["median_wall_s"] * size, 1)
    one["class_cpu_s_extrapolated"] = round(one["median_cpu_s"] * size, 1)
    print(f"class of {size}, one command: {batch['wall_s']} s wall ({batch['cpu_s']} s CPU), "
          f"{batch['per_submission_wall_s']} s per submission, {graded} graded; "
          f"load {batch['load']}", flush=True)
    print(f"one command per learner ({sample} timed): median {one['median_wall_s']} s wall "
          f"({one['median_cpu_s']} s CPU); for {size}: about "
          f"{one['class_wall_s_extrapolated']} s wall; load {one['load']}", flush=True)
    print(f"batch / one-per-learner (wall): {wall / one['class_wall_s_extrapolated']:.2f}")
    return {"batch": batch, "one_per_learner": one}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=5, help="per assignment")
    parser.add_argument("--repeats", type=int, default=3, help="autograde runs per side")
    parser.add_argument("--class-size", type=int, default=0,
                        help="also grade a class of this many myths submissions (batch vs one "
                        "command per learner)")
    parser.add_argument("--per-student", type=int, default=10,
                        help="learners graded one command each, extrapolated to the class")
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
    results = {"assignments": {}}
    for kit, plain in pairs:
        for n in range(args.submissions):
            submit(course, kit, f"k{n:03d}", True)
            submit(course, plain, f"k{n:03d}", False)
        runs = {"kit": [], "plain": [], "load": []}
        for rep in range(args.repeats):
            force = ["--force"] if rep else []
            before = load()
            for side, name in (("kit", kit), ("plain", plain)) if rep % 2 == 0 else \
                    (("plain", plain), ("kit", kit)):
                wall, cpu = nbgrader("autograde", name, *force, cwd=course)
                runs[side].append((wall / args.submissions, cpu / args.submissions))
            runs["load"].append((before, load()))
        row = {side: {"wall_s": round(statistics.median(w for w, _ in runs[side]), 2),
                      "cpu_s": round(statistics.median(c for _, c in runs[side]), 2),
                      "runs": [[round(w, 2), round(c, 2)] for w, c in runs[side]]}
               for side in ("kit", "plain")}
        row["ratio_wall"] = round(row["kit"]["wall_s"] / row["plain"]["wall_s"], 2)
        row["ratio_cpu"] = round(row["kit"]["cpu_s"] / row["plain"]["cpu_s"], 2)
        row["load"] = runs["load"]
        results["assignments"][kit] = row
        print(f"{kit:15} per submission: kit {row['kit']['wall_s']:5.2f} s "
              f"({row['kit']['cpu_s']:.2f} s CPU), plain {row['plain']['wall_s']:5.2f} s "
              f"({row['plain']['cpu_s']:.2f} s CPU); ratio {row['ratio_wall']:.2f} wall, "
              f"{row['ratio_cpu']:.2f} CPU; load {runs['load']}", flush=True)
    rows = results["assignments"].values()
    print(f"median ratio {statistics.median(r['ratio_wall'] for r in rows):.2f} wall, "
          f"{statistics.median(r['ratio_cpu'] for r in rows):.2f} CPU")
    if args.class_size:
        results["class"] = grade_class(course, args.class_size, args.per_student)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
