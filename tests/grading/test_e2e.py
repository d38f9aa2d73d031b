"""End to end with the real nbgrader commands and a local exchange: build, release, learners
answer through the widgets in a kernel and submit, then collect, autograde, feedback, export,
release the feedback, and each learner fetches theirs.

Slow (several minutes on a busy 2-core machine): ``MSP_GRADING_LEARNERS`` sets how many
ordinary learners take part (default 5); six more hand in broken submissions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from msp_learn.grading import build_course, init_course
from msp_learn.grading._gradebook import item_grades, mark_task

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "assessed"
BIN = Path(sys.executable).parent
N = int(os.environ.get("MSP_GRADING_LEARNERS", "5"))
CASE = "rosa-ferreira-keeping-paulo"
MYTHS = sorted(p.stem for p in (EXAMPLE / "exercises" / "myths").glob("*.yaml"))
RISKS = sorted(p.stem for p in (EXAMPLE / "exercises" / "risks").glob("*.yaml"))
LEVELS = ["low", "medium", "high", "very-high"]
PROFILES = ["right", "wrong", "partial", "empty", "near"]
ASSIGNMENTS = ["myths", "risk", "case-analysis"]
BROKEN = ["deleted-cell", "corrupt-notebook", "hand-edited", "not-json", "missing-answers",
          "added-cell"]
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=[\"']?(?:https?:)?//|"
                      r"url\([\"']?(?:https?:)?//|x-mathjax-config|mathjax\.js", re.I)
REFLECTION = "Mrs Example told me she wanted to <b>stay</b> at home"  # escaped in HTML


def _yaml(kind: str, ident: str) -> dict:
    return yaml.safe_load((EXAMPLE / "exercises" / kind / f"{ident}.yaml").read_text())


MYTH_KEY = {i: "myth" if _yaml("myths", i)["is_myth"] else "reality" for i in MYTHS}
RISK_KEY = {i: (_yaml("risks", i)["factors"]["likelihood"], _yaml("risks", i)["factors"]["impact"],
                _yaml("risks", i)["model_answer"]["level"]) for i in RISKS}


def myth_answers(profile: str) -> dict:
    other = {"myth": "reality", "reality": "myth"}
    if profile in ("right", "near"):
        return dict(MYTH_KEY)
    if profile == "wrong":
        return {i: other[k] for i, k in MYTH_KEY.items()}
    if profile == "partial":
        return {i: (k if n % 2 == 0 else other[k]) for n, (i, k) in enumerate(MYTH_KEY.items())}
    return {}


def _far(v: int) -> int:
    return 1 if v >= 4 else 5


def risk_answers(profile: str) -> dict:
    def step(v, lo, hi):
        return v + 1 if v < hi else v - 1
    out = {}
    for i, (lk, im, lv) in RISK_KEY.items():
        n = LEVELS.index(lv)
        if profile == "right":
            out[i] = (lk, im, lv)
        elif profile == "near":
            out[i] = (step(lk, 1, 5), step(im, 1, 5), LEVELS[step(n, 0, 3)])
        elif profile in ("wrong", "partial"):
            out[i] = (_far(lk), im if profile == "partial" else _far(im),
                      LEVELS[0 if n >= 2 else 3])
    return out


def expected_myths(answers: dict) -> dict:
    return {f"test-myth-{i}": float(answers.get(i) == k) for i, k in MYTH_KEY.items()}


def expected_risks(answers: dict) -> dict:
    def near(a, b):
        return 1.0 if a == b else 0.5 if abs(a - b) == 1 else 0.0
    out = {}
    for i, (lk, im, lv) in RISK_KEY.items():
        given = answers.get(i)
        out[f"test-risk-{i}-likelihood"] = near(given[0], lk) * 1 if given else 0.0
        out[f"test-risk-{i}-impact"] = near(given[1], im) * 1 if given else 0.0
        out[f"test-risk-{i}-level"] = near(LEVELS.index(given[2]), LEVELS.index(lv)) * 2 \
            if given else 0.0
    return out


DRIVER = """
import json, os
from msp_learn.grading import assessed
V = assessed.VIEWS
plan = json.loads({plan!r})
for item, said in plan.get("myths", {{}}).items():
    V["myth:" + item].buttons[said].click()
for sid, (lk, im, lv) in plan.get("risks", {{}}).items():
    view = V["risk:" + sid]
    view.likelihood.value = lk
    view.impact.value = im
    view.level.value = lv
if plan.get("case"):
    cv = V["case:" + plan["case"]]
    while True:
        node, ending = cv._where()
        if ending is not None or node is None:
            break
        cv.choose(node["choices"][0]["id"])
for ident in ("reflection", "analysis"):
    view = V.get("written:" + ident)
    if view is not None and plan.get("text"):
        for area in view.areas.values():
            area.value = plan["text"]
"""

STATES = """
import json
from msp_learn.grading import assessed
print(json.dumps({k: v.state for k, v in assessed.VIEWS.items()}, sort_keys=True))
"""


def nbgrader(*args, cwd, env=None, check=True):
    env = dict(env or os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs alembic from PATH
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n"
                             f"{result.stderr[-4000:]}")
    return result


def run_learner(folder: Path, plan: dict) -> dict:
    """Run the fetched notebook in a kernel, answer through the widgets, rerun; return states."""
    nb = nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=180, startup_timeout=180,
                            resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):  # Run All: a raising cell fails the test
            client.execute_cell(cell, index)
        assert not (folder / "answers.json").exists(), "building the views wrote answers"
        extra = [nbformat.v4.new_code_cell(DRIVER.format(plan=json.dumps(plan)))]
        for cell in nb.cells:  # and again: the views restore their answers
            if cell.cell_type == "code":
                extra.append(nbformat.v4.new_code_cell(cell.source))
        extra.append(nbformat.v4.new_code_cell(STATES))
        start = len(nb.cells)
        nb.cells.extend(extra)
        for index, cell in enumerate(extra, start):
            client.execute_cell(cell, index)
    text = "".join(o.get("text", "") for o in extra[-1].outputs if o.output_type == "stream")
    return json.loads(text)


def break_submission(folder: Path, how: str) -> None:
    nb_path = folder / f"{folder.name}.ipynb"
    answers = folder / "answers.json"
    if how == "deleted-cell":
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get(
            "grade_id", "").startswith((f"test-myth-{MYTHS[0]}", "setup"))]
        nbformat.write(nb, nb_path)
    elif how == "corrupt-notebook":
        nb_path.write_text('{"cells": [ this is not json', encoding="utf-8")
    elif how == "hand-edited":
        data = json.loads(answers.read_text())
        data["activities"][f"myth:{MYTHS[0]}"]["state"] = {"said": "definitely!"}
        answers.write_text(json.dumps(data))
    elif how == "not-json":
        answers.write_text("my answers: all myths", encoding="utf-8")
    elif how == "missing-answers":
        answers.unlink()
    elif how == "added-cell":
        nb = nbformat.read(nb_path, as_version=4)
        fake = {"format": 1, "activities": {f"myth:{i}": {"version": 1, "state": {"said": k}}
                                            for i, k in MYTH_KEY.items()}}
        nb.cells.insert(2, nbformat.v4.new_code_cell(
            "import json\n_real = json.loads\n"
            f"json.loads = lambda *a, **k: {fake!r}\n"))
        nbformat.write(nb, nb_path)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """The whole cycle, run once: returns the course folder and what each learner did."""
    base = tmp_path_factory.mktemp("grading")
    kit_data = base / "kit-data"  # the kit's progress store would go here; it must stay empty
    saved_env = {k: os.environ.get(k) for k in ("MSP_LEARN_DATA", "MSP_LEARN_DB")}
    os.environ["MSP_LEARN_DATA"] = str(kit_data)
    os.environ.pop("MSP_LEARN_DB", None)
    course = base / "course"
    init_course(course)
    shutil.copytree(EXAMPLE, course / "assessed", dirs_exist_ok=True)
    (course / "course.yaml").write_text(yaml.safe_dump({"course_id": "msp-assessed",
        "assignments": [
            {"id": "myths", "kind": "myths", "title": "Myth or reality?", "items": MYTHS},
            {"id": "risk", "kind": "risk", "title": "Assessing risk", "items": RISKS},
            {"id": "case-analysis", "kind": "case-analysis", "title": "Case analysis",
             "items": [CASE]}]}))
    build_course(course)
    for a in ("myths", "risk", "case-analysis"):
        nbgrader("generate_assignment", a, "--force", cwd=course)
        nbgrader("release_assignment", a, "--force", cwd=course)

    learners = {}
    for n in range(N):
        learners[f"s{n:02d}"] = ("profile", PROFILES[n % len(PROFILES)])
    for n, how in enumerate(BROKEN):
        learners[f"b{n:02d}"] = ("broken", how)

    def learner_env(student: str) -> dict:
        return {**os.environ, "HOME": str(base / "homes" / student)}

    def assignments_of(student: str) -> list[str]:
        return ["myths"] if learners[student][0] == "broken" else ASSIGNMENTS

    def learner(student: str) -> dict:
        what, detail = learners[student]
        home = base / "homes" / student
        (home / ".jupyter").mkdir(parents=True)
        shutil.copy(course / "for_learners" / "nbgrader_config.py", home / ".jupyter")
        env = learner_env(student)
        work = base / "work" / student
        work.mkdir(parents=True)
        done = {}
        assignments = assignments_of(student)
        for a in assignments:
            nbgrader("fetch_assignment", a, cwd=work, env=env)
            profile = "right" if what == "broken" else detail
            plan = {"myths": myth_answers(profile) if a == "myths" else {},
                    "risks": risk_answers(profile) if a == "risk" else {},
                    "case": CASE if a == "case-analysis" and profile != "empty" else None,
                    "text": "" if profile == "empty" else f"{REFLECTION} ({student})"}
            done[a] = {"plan": plan, "states": run_learner(work / a, plan)}
            if what == "broken":
                break_submission(work / a, detail)
            nbgrader("submit", a, "--student", student, cwd=work, env=env)
        return done

    try:
        with ThreadPoolExecutor(2) as pool:
            results = dict(zip(learners, pool.map(learner, learners), strict=True))
    finally:
        for k, v in saved_env.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    # a lead tries the assignment in the course's own copy, after releasing it: the views
    # write nothing there; a stray answers file (from before) must not replace anyone's
    stray = course / "source" / "myths" / "answers.json"
    stray.write_text(json.dumps({"format": 1, "activities": {
        f"myth:{i}": {"version": 1, "state": {"said": "nonsense"}} for i in MYTHS}}))
    logs = {}
    for a in ("myths", "risk", "case-analysis"):
        nbgrader("collect", a, cwd=course)
        logs[a] = nbgrader("autograde", a, cwd=course, check=False)
    # an assessor marks one learner's reflection, using the comment bank
    mark_task(course, "myths", "s00", "rubric-outcomes", score=2, comments=["O1"],
              text="Well done <b>Sam</b>.")
    for a in ASSIGNMENTS:
        nbgrader("generate_feedback", a, "--force", cwd=course)
        nbgrader("release_feedback", a, cwd=course)
    nbgrader("export", cwd=course)

    def fetch_feedback(student: str) -> None:
        for a in assignments_of(student):
            nbgrader("fetch_feedback", a, "--student", student, cwd=base / "work" / student,
                     env=learner_env(student))

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(fetch_feedback, learners))
    return {"course": course, "base": base, "learners": learners, "results": results,
            "logs": logs, "kit_data": kit_data}


def test_assessed_work_never_touches_the_kits_progress_store(cycle):
    """Did answering assessed work leave the kit's store untouched?"""
    assert not cycle["kit_data"].exists() or not any(cycle["kit_data"].iterdir())


def _grades(course, assignment):
    by = {}
    for row in item_grades(course, assignment):
        by.setdefault(row["student"], {})[row["cell"]] = row["score"]
    return by


def test_views_restore_answers_and_write_only_when_answered(cycle):
    """Does each view, run again, show what the learner answered (and nothing before)?"""
    for student, (what, _) in cycle["learners"].items():
        if what == "broken":
            continue
        done = cycle["results"][student]
        myths = {k.split(":", 1)[1]: v.get("said") for k, v in done["myths"]["states"].items()
                 if k.startswith("myth:")}
        assert {k: v for k, v in myths.items() if v} == done["myths"]["plan"]["myths"]
        risks = {k.split(":", 1)[1]: (v.get("likelihood"), v.get("impact"), v.get("level"))
                 for k, v in done["risk"]["states"].items() if k.startswith("risk:") and v}
        assert risks == {k: tuple(v) for k, v in done["risk"]["plan"]["risks"].items()}


def test_marks_match_each_learners_answers_item_by_item(cycle):
    """Does every autograded item score exactly what the learner's answer deserves?"""
    myths, risks = _grades(cycle["course"], "myths"), _grades(cycle["course"], "risk")
    for student, (what, profile) in cycle["learners"].items():
        if what == "broken":
            continue
        got = {c: s for c, s in myths[student].items() if c.startswith("test-")}
        assert got == expected_myths(myth_answers(profile)), student
        got = {c: s for c, s in risks[student].items() if c.startswith("test-")}
        assert got == expected_risks(risk_answers(profile)), student


def test_broken_submissions_are_graded_as_far_as_possible(cycle):
    """Is each broken submission graded from what survives, without crashing the batch?"""
    grades = _grades(cycle["course"], "myths")
    right = expected_myths(MYTH_KEY)
    by_how = {how: s for s, (what, how) in cycle["learners"].items() if what == "broken"}
    tests = lambda s: {c: v for c, v in grades[s].items() if c.startswith("test-")}  # noqa: E731
    assert tests(by_how["deleted-cell"]) == right      # the test cell came back from nbgrader
    assert tests(by_how["corrupt-notebook"]) == right  # marked from the answers file
    assert tests(by_how["hand-edited"]) == {**right, f"test-myth-{MYTHS[0]}": 0.0}
    assert set(tests(by_how["not-json"]).values()) == {0.0}
    assert set(tests(by_how["missing-answers"]).values()) == {0.0}
    assert tests(by_how["added-cell"]) == right  # its real answers; the fake cell never ran
    autograded = cycle["course"] / "autograded"
    notes = {how: (autograded / s / "myths" / "myths.ipynb").read_text()
             for how, s in by_how.items()}
    assert "could not be read (it may be damaged)" in notes["corrupt-notebook"]
    assert "were removed before grading" in notes["added-cell"]
    assert "were put back before grading" in notes["deleted-cell"]
    assert "not &#x27;myth&#x27; or &#x27;reality&#x27;" in notes["hand-edited"] or \
        "is not 'myth' or 'reality'" in notes["hand-edited"]
    assert "could not be read as JSON" in notes["not-json"]
    assert "No answers file" in notes["missing-answers"]
    said = nbformat.read(autograded / by_how["missing-answers"] / "myths" / "myths.ipynb", 4)
    assert sum("No answers file" in str(c) for c in said.cells) == 1  # once, at the top
    assert "json.loads = lambda" not in notes["added-cell"]


def test_case_path_is_recorded_and_analysis_waits_for_an_assessor(cycle):
    """Is the path through the case study shown to the assessor, with the analysis ungraded?"""
    rows = item_grades(cycle["course"], "case-analysis")
    assert rows and all(r["cell"].startswith("rubric-") for r in rows)
    assert all(r["needs_manual"] for r in rows if r["student"] == "s00")
    text = (cycle["course"] / "autograded" / "s00" / "case-analysis" /
            "case-analysis.ipynb").read_text()
    assert "Path through the case study: " in text and "not recorded" not in text
    from msp_learn.content import load_catalogue

    case = load_catalogue().get("case-study", CASE)
    start = next(n for n in case.nodes if n.id == case.start)  # the driver picks the first
    nb = nbformat.read(cycle["course"] / "autograded" / "s00" / "case-analysis" /
                       "case-analysis.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert f"Path through the case study: {start.choices[0].label} -> " in printed
    assert "msp-assessor-only" in text  # the comment bank, for assessors


def test_feedback_is_useful_and_free_of_keys(cycle):
    """Does feedback give marks, realities, the learner's reflection and the assessor's
    comment, with no hidden test, traceback, key or CDN?"""
    course = cycle["course"]
    html = (course / "feedback" / "s00" / "myths" / "myths.html").read_text()
    item = _yaml("myths", MYTHS[0])
    assert " ".join(item["reality"].split())[:60] in " ".join(html.split())
    assert "Mrs Example told me she wanted to &lt;b&gt;stay&lt;/b&gt;" in html
    assert "Well done &lt;b&gt;Sam&lt;/b&gt;." in html or "Well done <b>Sam</b>." in html
    assert "You said the statement is" in html
    for path in (course / "feedback").rglob("*.html"):
        page = path.read_text()
        assert "HIDDEN TESTS" not in page, path
        assert "Traceback (most recent call last)" not in page, path
        assert "msp-assessor-only" not in page, path
        assert not EXTERNAL.search(page), (path, EXTERNAL.search(page))
        for key in key_signatures():
            assert key not in page, (path, key)


def test_each_learner_fetches_their_own_feedback(cycle):
    """Does every learner fetch exactly their own feedback, with their marks, and no key?"""
    course, base = cycle["course"], cycle["base"]
    scores = {a: {} for a in ASSIGNMENTS}
    for a in ASSIGNMENTS:
        for row in item_grades(course, a):
            scores[a][row["student"]] = scores[a].get(row["student"], 0.0) + (row["score"] or 0)
    fetched = 0
    for student, (what, how) in cycle["learners"].items():
        for a in ["myths"] if what == "broken" else ASSIGNMENTS:
            pages = list((base / "work" / student / a / "feedback").glob(f"*/{a}.html"))
            assert len(pages) == 1, (student, a, pages)
            page = pages[0].read_text()
            assert page == (course / "feedback" / student / a / f"{a}.html").read_text()
            assert f"Your marks: {round(scores[a][student], 2):g} out of " in page, (student, a)
            assert "assessed." not in page and "In&nbsp;[" not in page, (student, a)
            plan = cycle["results"][student][a]["plan"]
            if plan["text"] and how not in ("not-json", "missing-answers"):
                assert f"({student})" in page, (student, a)  # their own reflection
            others = [s for s in cycle["learners"] if s != student and f"({s})" in page]
            assert not others, (student, a, others)
            for key in key_signatures():
                assert key not in page, (student, a, key)
            assert "Traceback (most recent call last)" not in page
            assert not EXTERNAL.search(page), (student, a)
            fetched += 1
    assert fetched == N * len(ASSIGNMENTS) + len(BROKEN)


def key_signatures() -> list[str]:
    """Strings that appear only in hidden tests: one per graded item."""
    out = [f"check_verdict('{i}', key=" for i in MYTHS]
    out += [f"check_level('{i}', key=" for i in RISKS]
    out += [f"check_rating('{i}', " for i in RISKS]
    return out + ["BEGIN HIDDEN TESTS"]


def test_no_key_in_anything_a_learner_receives(cycle):
    """Are the keys absent from the release, the exchange and the fetched folders?"""
    places = [cycle["course"] / "release", cycle["course"] / "exchange", cycle["base"] / "work"]
    files = [p for place in places for p in place.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        text = path.read_text(errors="replace")
        for key in key_signatures():
            assert key not in text, (path, key)
    assert "BEGIN HIDDEN TESTS" in (cycle["course"] / "source" / "myths" /
                                    "myths.ipynb").read_text()  # the search can find it


def test_export_has_every_learner(cycle):
    """Does nbgrader export list every learner who submitted, with a score?"""
    import csv

    rows = list(csv.DictReader((cycle["course"] / "grades.csv").open()))
    students = {r["student_id"] for r in rows}
    assert set(cycle["learners"]) <= students


def test_a_lead_reports_on_the_cycles_gradebook(cycle, tmp_path):
    """Does `msp-learn report` on this real cycle's course write the HTML, Excel and CSV
    report, with each learner's assessed marks equal to the gradebook's, item by item, and
    the learners' myth answers read from their answers files?"""
    import csv

    from msp_learn import reports

    course, out = cycle["course"], tmp_path / "report"
    learners = tmp_path / "learners.csv"
    with learners.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "team", "role"])
        for n, student in enumerate(sorted(cycle["learners"])):
            w.writerow([student, f"Learner {n}", "North" if n % 2 else "South", "Social worker"])
    store = f"sqlite:///{tmp_path / 'kit.sqlite'}"  # the kit's store: nobody practised here
    done = subprocess.run([sys.executable, "-m", "msp_learn.cli", "report", "--out", str(out),
                           "--course", str(course), "--learners", str(learners),
                           "--store", store], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for name in ("report.html", "report.xlsx"):
        assert (out / name).stat().st_size > 1000, name
    assert any((out / "csv").glob("*.csv"))
    data = reports.load(course=course, store_url=store, learners_file=learners)
    got = {(r.learner, r.assignment, r.item): r.score for r in data.grades.itertuples()}
    for assignment in ("myths", "risk"):
        for student, cells in _grades(course, assignment).items():
            for cell, score in cells.items():
                if score is not None:
                    assert got[(student, assignment, cell)] == pytest.approx(score), (
                        student, assignment, cell)
    assessed = data.answers[data.answers.source == "assessed"]
    assert set(assessed.learner.astype(str)) & set(cycle["learners"]), "no answers file read"
