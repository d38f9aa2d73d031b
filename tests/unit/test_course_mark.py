"""`msp-learn course mark`: an assessor's score and comment, written through nbgrader's
gradebook, with a plain message and nothing written for every kind of mistake."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from msp_learn.cli import main
from msp_learn.grading._gradebook import item_grades


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """A gradebook holding one submission of 'myths' by 'ben' (made once: nbgrader takes
    seconds to make one)."""
    db = tmp_path_factory.mktemp("template") / "gradebook.db"
    path = os.environ["PATH"]
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{path}"  # nbgrader runs alembic
    try:
        with Gradebook(f"sqlite:///{db}") as gb:
            gb.add_assignment("myths")
            gb.add_notebook("myths", "myths")
            gb.add_task_cell("rubric-outcomes", "myths", "myths", max_score=2,
                             cell_type="markdown")
            gb.add_task_cell("rubric-voice", "myths", "myths", max_score=2,
                             cell_type="markdown")
            gb.add_grade_cell("test-myth-one", "myths", "myths", max_score=1, cell_type="code")
            gb.add_student("ben")
            gb.add_submission("myths", "ben")
    finally:
        os.environ["PATH"] = path
    return db


@pytest.fixture
def course(tmp_path, gradebook):
    """A course folder with its own copy of that gradebook."""
    shutil.copy(gradebook, tmp_path / "gradebook.db")
    return tmp_path


def grades(course) -> dict:
    return {r["cell"]: (r["score"], r["needs_manual"]) for r in item_grades(course, "myths")}


def run(capsys, course, *args):
    code = main(["course", "mark", *args, "--course", str(course)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_mark_is_written_and_reported_with_its_score_and_comment(capsys, course):
    """Does a mark reach the gradebook, and does the reply say which assignment, the score
    out of the criterion's points, and the comment written?"""
    code, out, err = run(capsys, course, "myths", "ben", "rubric-outcomes", "--score", "1",
                         "--use", "O2", "--text", "See the guide.")
    assert (code, err) == (0, "")
    assert grades(course)["rubric-outcomes"] == (1.0, 0)
    assert out.splitlines()[0] == "marked rubric-outcomes of myths for ben: 1 / 2"
    assert "comment:\n  'Abuse substantiated'" in out and out.rstrip().endswith("See the guide.")


@pytest.mark.parametrize("score", ["3", "-1", "nan", "inf", "2.5"])
def test_a_score_outside_the_criterions_points_is_refused(capsys, course, score):
    """Is a score the criterion cannot have (over its points, negative, not a number)
    refused with the range, leaving the grade unmarked?"""
    before = grades(course)
    code, out, err = run(capsys, course, "myths", "ben", "rubric-outcomes", "--score", score)
    assert code == 1 and out == ""
    assert "give a score from 0 to 2" in err and "Traceback" not in err
    assert grades(course) == before
    assert before["rubric-outcomes"] == (None, 1)


def test_a_score_within_the_points_for_an_autograded_cell_overrides_it(capsys, course):
    """Can an assessor override an automatic mark within its points (as the formgrader
    allows), and is more than its points refused?"""
    assert run(capsys, course, "myths", "ben", "test-myth-one", "--score", "2")[0] == 1
    code, out, _ = run(capsys, course, "myths", "ben", "test-myth-one", "--score", "1")
    assert code == 0 and grades(course)["test-myth-one"][0] == 1.0
    assert "1 / 1" in out


def test_without_a_gradebook_it_says_where_to_run_and_makes_none(capsys, tmp_path):
    """Run outside a course folder, does it say so, and leave no new gradebook.db behind?"""
    code, out, err = run(capsys, tmp_path, "myths", "ben", "rubric-voice", "--score", "1")
    assert code == 1 and out == ""
    assert f"no gradebook.db in {tmp_path}" in err and "--course" in err
    assert not (tmp_path / "gradebook.db").exists()


def test_unknown_learner_cell_and_bank_comment_each_get_their_own_message(capsys, course):
    """Does a wrong learner id, a wrong cell and a wrong bank id each say what is wrong
    (the cell message listing the rubric cells), with nothing written?"""
    before = grades(course)
    code, _, err = run(capsys, course, "myths", "nobody", "rubric-voice", "--score", "1")
    assert code == 1 and "no autograded submission of 'myths' by 'nobody'" in err
    code, _, err = run(capsys, course, "myths", "ben", "rubric-nope", "--score", "1")
    assert code == 1
    assert "'myths' has no cell 'rubric-nope'; its rubric cells are: rubric-outcomes, " \
           "rubric-voice" in err
    code, _, err = run(capsys, course, "myths", "ben", "rubric-voice", "--use", "Z9")
    assert code == 1 and "no comment 'Z9' in the bank; known comments: V1" in err
    assert grades(course) == before


def test_nothing_to_mark_is_refused(capsys, course):
    """Without --score, --use or --text, does it say there is nothing to mark?"""
    code, out, err = run(capsys, course, "myths", "ben", "rubric-voice")
    assert code == 1 and out == ""
    assert "nothing to mark: give --score, --use or --text" in err


def test_a_comment_alone_leaves_the_criterion_waiting_for_a_score(capsys, course):
    """Does a comment with no score keep the criterion in the marking queue, and say so?"""
    code, out, _ = run(capsys, course, "myths", "ben", "rubric-voice", "--use", "V2")
    assert code == 0
    assert out.startswith("marked rubric-voice of myths for ben: not scored yet")
    assert grades(course)["rubric-voice"] == (None, 1)
