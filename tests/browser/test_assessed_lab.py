"""Assessed work in a real JupyterLab with nbgrader's extensions, in headless Chromium.

A learner fetches the myths assignment in JupyterLab's Assignments list, runs it, answers with
the kit's buttons and boxes and submits it there; the assessor collects and autogrades it with
nbgrader's commands, then opens the formgrader, sees the rubric and the learner's reflection,
and marks the reflection with a score and a comment from the bank.

Two JupyterLab servers (one session fixture): the learner's, in their own HOME and folder, and
the assessor's, in the course folder; both share the course's local exchange, token auth,
free ports. About a minute on a quiet 2-core machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from msp_learn.grading import build_course, init_course
from msp_learn.grading._gradebook import item_grades
from msp_learn.grading._rubric import rubric
from msp_learn.server import stop

from .harness import ARTIFACTS, REPO, SCREENSHOTS, free_port, is_local

EXAMPLE = REPO / "examples" / "assessed"
BIN = Path(sys.executable).parent
TOKEN = "walkthrough-token"
STUDENT = "lena-park"
MYTHS = sorted(p.stem for p in (EXAMPLE / "exercises" / "myths").glob("*.yaml"))
KEY = {i: "myth" if yaml.safe_load((EXAMPLE / "exercises" / "myths" / f"{i}.yaml").read_text())[
    "is_myth"] else "reality" for i in MYTHS}
OTHER = {"myth": "reality", "reality": "myth"}
# the learner gets every statement right but the last
ANSWERS = {i: KEY[i] if n < len(MYTHS) - 1 else OTHER[KEY[i]] for n, i in enumerate(MYTHS)}
REFLECTION = "Ms Example said she wanted to stay at home, so I asked what mattered to her."
LAB_ARGS = ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
# a fresh HOME's JupyterLab settings: no news question over the page, and every cell kept in
# the page (JupyterLab 4 leaves cells out of sight out of the DOM by default)
SETTINGS = {"@jupyterlab/apputils-extension": {"notification.jupyterlab-settings": {
    "checkForUpdates": False, "fetchNews": "false"}},
    "@jupyterlab/notebook-extension": {"tracker.jupyterlab-settings": {
        "windowingMode": "none"}}}


def nbgrader(*args, cwd: Path, env: dict | None = None) -> str:
    env = {**(env or os.environ), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result.stdout + result.stderr


class Lab:
    """One JupyterLab server: its process, URL, log and HOME."""

    def __init__(self, name: str, home: Path, root: Path, env: dict):
        self.name, self.home, self.root = name, home, root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / f"lab-{name}.log"
        for ext, files in SETTINGS.items():
            folder = home / ".jupyter" / "lab" / "user-settings" / ext
            folder.mkdir(parents=True, exist_ok=True)
            for fname, data in files.items():
                (folder / fname).write_text(json.dumps(data))
        argv = [str(BIN / "jupyter-lab"), *LAB_ARGS, f"--port={self.port}",
                f"--ServerApp.root_dir={root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.append("--allow-root")
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(argv, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                         env={**env, "HOME": str(home)})

    def wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"JupyterLab ({self.name}) exited:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={TOKEN}", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"JupyterLab ({self.name}) did not answer in {timeout} s:\n"
                    f"{self.log_tail()}")

    def stop(self) -> None:
        stop(self.proc, timeout=30)

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(ln for ln in text.splitlines()[-lines:]
                         if "without encryption" not in ln)


@pytest.fixture(scope="session")
def lab_course(tmp_path_factory):
    """A course with the myths assignment released, a learner's and an assessor's JupyterLab."""
    base = tmp_path_factory.mktemp("lab-course")
    course = base / "course"
    init_course(course)
    shutil.copytree(EXAMPLE, course / "assessed", dirs_exist_ok=True)
    (course / "course.yaml").write_text(yaml.safe_dump({"course_id": "msp-assessed",
        "assignments": [{"id": "myths", "kind": "myths", "title": "Myth or reality?",
                         "items": MYTHS}]}))
    build_course(course)
    nbgrader("generate_assignment", "myths", "--force", cwd=course)
    nbgrader("release_assignment", "myths", "--force", cwd=course)

    learner_home, work = base / "home-learner", base / "work"
    (learner_home / ".jupyter").mkdir(parents=True)
    work.mkdir()
    # every process here runs as one OS user, so the learner's config names them
    (learner_home / ".jupyter" / "nbgrader_config.py").write_text(
        (course / "for_learners" / "nbgrader_config.py").read_text() +
        f"c.CourseDirectory.student_id = {STUDENT!r}\n")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MSP_LEARN_DATA": str(base / "kit-data"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("MSP_LEARN_DB", None)
    labs = {"learner": Lab("learner", learner_home, work, env),
            "assessor": Lab("assessor", base / "home-assessor", course, env)}
    try:
        for lab in labs.values():
            lab.wait()
        yield {"course": course, "work": work, "base": base, "env": env, **labs}
    finally:
        for lab in labs.values():
            lab.stop()


@pytest.fixture
def lab_page(browser, request):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    external: list[str] = []
    ctx.on("request", lambda r: None if is_local(r.url) else external.append(r.url))
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.external = external
    yield page
    ctx.close()


def _open_assignments(page) -> None:
    page.get_by_text("Nbgrader", exact=True).click()
    page.get_by_text("Assignment List", exact=True).click()
    page.locator("#released_assignments_list").wait_for()


def test_a_learner_fetches_answers_and_submits_in_jupyterlab(lab_course, lab_page, screenshot):
    """Can a learner fetch, answer with the kit's widgets and submit, all in JupyterLab?"""
    page, lab = lab_page, lab_course["learner"]
    page.goto(f"{lab.url}/lab?token={TOKEN}")
    page.locator("#jp-main-dock-panel").wait_for()
    _open_assignments(page)
    released = page.locator("#released_assignments_list .list_item", has_text="myths")
    released.get_by_role("button", name="Fetch").click()
    fetched = page.locator("#fetched_assignments_list .list_item", has_text="myths").first
    fetched.wait_for()
    screenshot(page, "fetched")
    assert (lab_course["work"] / "myths" / "myths.ipynb").is_file()

    fetched.locator("a", has_text="myths").first.click()  # show the assignment's notebooks
    page.locator("#fetched_assignments_list a", has_text="myths").last.click()
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.wait_for()
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for()  # kernel up
    page.get_by_text("Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    choose = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:  # on a slow machine the page may not have joined its kernel yet, and asks
        choose.get_by_role("button", name="Select").click(timeout=3000)
    except Exception:  # noqa: BLE001 - no question: the kernel was ready
        pass
    buttons = panel.locator(".msp-answer-myth")
    for _ in range(120):
        if buttons.count() == len(MYTHS) and panel.locator("textarea").count() > 0:
            break
        page.wait_for_timeout(500)
    if buttons.count() != len(MYTHS):
        screenshot(page, "no-views")
        outputs = panel.locator(".jp-OutputArea-output").all_inner_texts()
        pytest.fail(f"the myth views never appeared; outputs: {outputs[:6]}\n{lab.log_tail()}")
    assert not (lab_course["work"] / "myths" / "answers.json").exists(), \
        "building the views wrote answers"

    views = panel.locator(".msp-assessed")
    for n, ident in enumerate(MYTHS):
        view = views.nth(n)
        view.locator(f".msp-answer-{ANSWERS[ident]}").click()
        view.get_by_text("Saved.").wait_for()
    areas = panel.locator(".msp-assessed textarea")
    for n in range(areas.count()):
        areas.nth(n).fill(f"{REFLECTION} ({n + 1})")
        areas.nth(n).press("Tab")  # the box sends its text when it loses focus
    panel.locator(".msp-assessed").last.get_by_text("Saved.").wait_for()
    answers = json.loads((lab_course["work"] / "myths" / "answers.json").read_text())
    said = {k.split(":", 1)[1]: v["state"]["said"] for k, v in answers["activities"].items()
            if k.startswith("myth:")}
    assert said == ANSWERS
    written = answers["activities"]["written:reflection"]["state"]["answers"]
    assert len(written) == areas.count() and REFLECTION in next(iter(written.values()))
    views.first.scroll_into_view_if_needed()
    screenshot(page, "answered")

    page.locator(".lm-TabBar-tab", has_text="Assignments").click()
    page.locator("#fetched_assignments_list .list_item", has_text="myths").first \
        .get_by_role("button", name="Submit").click()
    submitted = page.locator("#submitted_assignments_list .list_item", has_text="myths")
    submitted.first.wait_for()
    screenshot(page, "submitted")
    inbound = list((lab_course["course"] / "exchange" / "msp-assessed" / "inbound").glob(
        f"{STUDENT}+myths+*"))
    assert len(inbound) == 1 and (inbound[0] / "answers.json").is_file()
    assert page.external == [], page.external


def test_an_assessor_grades_a_reflection_in_the_formgrader(lab_course, lab_page, screenshot):
    """Does the formgrader show the rubric and the reflection, keep a score and a bank
    comment for one criterion, and load nothing from another site?"""
    course = lab_course["course"]
    if not list((course / "exchange" / "msp-assessed" / "inbound").glob(f"{STUDENT}+myths+*")):
        pytest.fail("nothing was submitted: the learner's test must run first")
    nbgrader("collect", "myths", cwd=course, env=lab_course["env"])
    nbgrader("autograde", "myths", cwd=course, env=lab_course["env"])
    page, lab = lab_page, lab_course["assessor"]
    page.goto(f"{lab.url}/formgrader?token={TOKEN}")
    page.get_by_role("link", name="Manual Grading").click()
    page.get_by_role("link", name="myths", exact=True).click()
    page.get_by_role("link", name="myths", exact=True).click()
    page.get_by_role("link", name="Submission #1").click()
    page.locator("input.score#rubric-outcomes").wait_for()
    body = " ".join(page.locator("body").inner_text().split())
    for criterion in rubric().criteria:
        assert criterion.title in body, criterion.title
    assert REFLECTION in body
    assert "For assessors: comments you can reuse" in body
    bank = rubric().comment("O1")
    assert bank.text[:40] in body

    page.locator("input.score#rubric-outcomes").fill("2")
    page.locator("input.score#rubric-outcomes").press("Tab")
    comment = page.locator("textarea#rubric-outcomes-comment")
    comment.fill(bank.text)
    comment.press("Tab")
    for _ in range(60):  # the formgrader saves each box when it loses focus
        grades = {r["cell"]: r for r in item_grades(course, "myths") if r["student"] == STUDENT}
        if grades["rubric-outcomes"]["score"] == 2.0 and _comment(course) == bank.text:
            break
        page.wait_for_timeout(500)
    screenshot(page, "graded")
    page.locator("textarea#rubric-outcomes-comment").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "formgrader-rubric-outcomes-graded.png"))
    assert grades["rubric-outcomes"]["score"] == 2.0
    assert not grades["rubric-outcomes"]["needs_manual"]
    assert _comment(course) == bank.text
    auto = {c: r["score"] for c, r in grades.items() if c.startswith("test-")}
    assert auto == {f"test-myth-{i}": float(ANSWERS[i] == KEY[i]) for i in MYTHS}
    assert page.external == [], page.external  # no MathJax (or anything) from a CDN


def _comment(course: Path) -> str | None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_comment("rubric-outcomes", "myths", "myths", STUDENT).manual_comment
