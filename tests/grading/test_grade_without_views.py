"""The GradeWithoutViews sanitize step on built notebooks (no nbgrader command, no kernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from msp_learn.grading import (
    AnswersFileTracker,
    Event,
    _graded,
    assessed,
    build_course,
    init_course,
)
from msp_learn.grading.preprocessors import SKIP, GradeWithoutViews

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "assessed"
CASE = "rosa-ferreira-keeping-paulo"


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """The three kinds of assessed notebook, as ``course build`` writes them."""
    root = tmp_path_factory.mktemp("gwv") / "course"
    init_course(root)
    shutil.copytree(EXAMPLE, root / "assessed", dirs_exist_ok=True)
    myths = sorted(p.stem for p in (EXAMPLE / "exercises" / "myths").glob("*.yaml"))
    (root / "course.yaml").write_text(yaml.safe_dump({"course_id": "c1", "assignments": [
        {"id": "myths", "kind": "myths", "title": "Myths", "items": myths},
        {"id": "risk", "kind": "risk", "title": "Risk", "items": ["assessed-ray-missed-meals"]},
        {"id": "case-analysis", "kind": "case-analysis", "title": "Case", "items": [CASE]}]}))
    return {p.stem: p for p in build_course(root)}


def _submission(folder: Path) -> Path:
    """An answers file with a reflection (with markup in it) and a path through the case."""
    path = folder / "answers.json"
    t = AnswersFileTracker("written", "reflection", path=path)
    t.load()
    t.commit(Event("answer"), {"answers": {"voice": "She said <b>stay</b> at home."}})
    t = AnswersFileTracker("case", CASE, path=path)
    t.load()
    t.commit(Event("choose"), {"path": ["start", "visit"]})
    return folder


def _graded_copy(path: Path, folder: Path):
    nb = nbformat.read(path, as_version=4)
    return GradeWithoutViews().preprocess(nb, {"metadata": {"path": str(folder)}})[0]


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", ["myths", "risk", "case-analysis"])
def test_the_kernel_runs_only_the_autograder_tests(notebooks, name, tmp_path):
    """Is every autograder test left to run, every other generated code cell tagged to be
    skipped, and only the for-assessor cells given output?"""
    nb = _graded_copy(notebooks[name], _submission(tmp_path))
    for cell in _code(nb):
        meta = cell.metadata["nbgrader"]
        skipped = SKIP in cell.metadata.get("tags", [])
        assert skipped is not meta["grade"], meta["grade_id"]
        assert bool(cell.outputs) is meta["grade_id"].endswith("-for-assessor"), meta["grade_id"]
    assert any(c.metadata["nbgrader"]["grade"] for c in _code(nb)) is (name != "case-analysis")


def _run_in_kernel_mode(source: str, folder: Path, monkeypatch, capsys) -> tuple[str, list]:
    """What the cell prints and displays when the kernel runs it during autograde."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.delenv("MSP_LEARN_ANSWERS", raising=False)
    monkeypatch.chdir(folder)
    shown = []
    monkeypatch.setattr(assessed, "display",
                        lambda obj, metadata=None: shown.append((obj.data, metadata)))
    capsys.readouterr()
    exec(source, {})  # noqa: S102 - a generated, locked cell of our own notebook
    return capsys.readouterr().out, shown


@pytest.mark.parametrize("answers", [True, False], ids=["answers", "no-answers-file"])
def test_the_assessors_copy_is_what_the_kernel_would_print(notebooks, tmp_path, monkeypatch,
                                                           capsys, answers):
    """Does each for-assessor cell get exactly the text and comment bank the kernel gives
    during autograde (with the learner's markup left as text, and a missing file noted)?"""
    folder = _submission(tmp_path) if answers else tmp_path
    nb = _graded_copy(notebooks["case-analysis"], folder)
    cells = [c for c in _code(nb) if c.outputs]
    assert len(cells) == 2
    for cell in cells:
        text, shown = _run_in_kernel_mode(cell.source, folder, monkeypatch, capsys)
        stream, bank = cell.outputs
        assert stream.output_type == "stream" and stream.name == "stdout"
        assert stream.text == text
        assert [(bank.data["text/html"], dict(bank.metadata))] == \
            [(data, metadata) for data, metadata in shown]
        assert bank.metadata == {_graded.ASSESSOR_ONLY: True}
    joined = "".join(c.outputs[0].text for c in cells)
    if answers:
        assert "She said <b>stay</b> at home." in joined
        assert "Path through the case study: start -> visit" in joined
    else:  # said once at the top of the notebook (NoteAnswersProblem), not here
        assert "No answers file" not in joined and "(no answer written)" in joined


def test_a_learners_skip_tag_and_edited_cells_still_run(notebooks, tmp_path):
    """Can a skip tag a learner added keep an autograder test (or any cell) from running, or
    a cell that does more than the generated call be left unrun?"""
    nb = nbformat.read(notebooks["myths"], as_version=4)
    test = next(c for c in nb.cells if c.metadata["nbgrader"]["grade"])
    test.metadata["tags"] = [SKIP, "keep-me"]
    display = next(c for c in _code(nb) if c.metadata["nbgrader"]["grade_id"].startswith(
        "myth-"))
    display.source += "\nimport os"
    nb, _ = GradeWithoutViews().preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert test.metadata["tags"] == ["keep-me"]
    assert SKIP not in display.metadata.get("tags", [])


def test_a_failure_leaves_the_cell_to_the_kernel(notebooks, tmp_path, monkeypatch):
    """If the assessor's copy cannot be made here, does the kernel run that cell as before,
    without the step raising?"""
    def broken(*_a, **_k):
        raise OSError("disk gone")

    monkeypatch.setattr(_graded, "assessor_text", broken)
    nb = _graded_copy(notebooks["myths"], tmp_path)
    cell = next(c for c in _code(nb) if c.metadata["nbgrader"]["grade_id"] ==
                "reflection-for-assessor")
    assert SKIP not in cell.metadata.get("tags", []) and not cell.outputs


@pytest.mark.parametrize("source", [
    "from msp_learn.grading import assessed\nassessed.myth('a', 'b')\nimport os",
    "from msp_learn.grading import assessed\nassessed.myth(open('x').read(), 'b')",
    "from msp_learn.grading import assessed as a\nassessed.myth('a', 'b')",
    "from msp_learn.grading import assessed\nassessed.check_verdict('a', key='myth')",
    "from msp_learn.grading import assessed\nassessed.myth(**{'item_id': 'a'})",
    "from msp_learn.grading import assessed\nassessed.myth('a',",
    "x = 1",
    "",
])
def test_only_the_generated_display_calls_are_left_unrun(source):
    """Is a cell left unrun only when all it does is the generated display call?"""
    assert not _graded.shows_nothing_when_graded(source)
    assert _graded.for_assessor_call(source) is None
    assert _graded.shows_nothing_when_graded(
        "from msp_learn.grading import assessed\nassessed.start('myths')")


def test_for_assessor_calls_of_another_shape_are_left_to_the_kernel():
    """Is a for_assessor call with arguments of another shape run by the kernel?"""
    head = "from msp_learn.grading import assessed\n"
    good = head + "assessed.for_assessor('analysis', [{'id': 'q1', 'text': 'Q?'}], path_of='c')"
    assert _graded.for_assessor_call(good) == ("analysis", [{"id": "q1", "text": "Q?"}], "c",
                                               None)
    routed = good[:-1] + ", route={'start': 'n1', 'choices': {}, 'endings': {}})"
    assert _graded.for_assessor_call(routed)[3] == {"start": "n1", "choices": {},
                                                    "endings": {}}
    for bad in ("assessed.for_assessor('analysis', 'q1')",
                "assessed.for_assessor('analysis', [{'id': 1, 'text': 'Q?'}])",
                "assessed.for_assessor('analysis', [], other=1)",
                "assessed.for_assessor('analysis', [], route='not a dict')",
                "assessed.for_assessor('analysis', [])\nassessed.start('x')"):
        assert _graded.for_assessor_call(head + bad) is None, bad
