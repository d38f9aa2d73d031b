"""What autograde writes under each item, for the learner and the assessor: a problem with
the answers file said once, the case-study path in words, and the comment bank's commands
(in-process: the cells' functions with NBGRADER_EXECUTION set, no kernel)."""

from __future__ import annotations

import json

import nbformat
import pytest

from msp_learn.grading import Event, assessed
from msp_learn.grading._answers import AnswersFileTracker
from msp_learn.grading._case_path import route_of
from msp_learn.grading.preprocessors import NoteAnswersProblem

CASE = {"id": "c1", "start": "n1",
        "nodes": [{"id": "n1", "choices": [{"id": "a", "label": "Ask Paulo first",
                                            "next": "e1"}]}],
        "endings": [{"id": "e1", "title": "A plan he agreed"}]}


@pytest.fixture
def grading(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.delenv("MSP_LEARN_ANSWERS", raising=False)
    return tmp_path


def test_a_missing_answers_file_is_said_once_at_the_top(grading, capsys):
    """With no answers file, do the items say nothing about the file (each still says what
    was not recorded) while the grading step adds one note at the top?"""
    assessed.check_verdict("m1", key="myth", points=1)
    assessed.check_rating("r1", "likelihood", key=3, points=1)
    assessed.check_rating("r1", "impact", key=2, points=1)
    assessed.check_level("r1", key="high", points=2)
    assessed.for_assessor("reflection", [{"id": "voice", "text": "Whose voice?"}])
    printed = capsys.readouterr().out
    assert "No answers file" not in printed and "No likelihood rating" in printed
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Myths")])
    nb, _ = NoteAnswersProblem().preprocess(nb, {"metadata": {"path": str(grading)}})
    notes = [c.source for c in nb.cells if "No answers file" in c.source]
    assert len(notes) == 1 and nb.cells[0].source == notes[0]


def test_a_good_answers_file_gets_no_note(grading):
    """Is nothing added when the answers file reads cleanly?"""
    AnswersFileTracker("myth", "m1", path=grading / "answers.json").commit(
        Event("answer"), {"said": "myth"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Myths")])
    nb, _ = NoteAnswersProblem().preprocess(nb, {"metadata": {"path": str(grading)}})
    assert len(nb.cells) == 1


def test_the_assessor_reads_the_path_in_the_case_studys_words(grading, capsys, monkeypatch):
    """Does the analysis for the assessor give the choices' labels and the ending, not ids,
    and does the comment bank name the commands that exist?"""
    (grading / "answers.json").write_text(json.dumps({"format": 1, "activities": {
        "case:c1": {"version": 1, "state": {"path": ["a"]}},
        "written:analysis": {"version": 1, "state": {"answers": {"q1": "I asked him."}}}}}))
    shown = []
    monkeypatch.setattr(assessed, "display", lambda obj, **kw: shown.append(obj.data))
    assessed.for_assessor("analysis", [{"id": "q1", "text": "What did you do?"}],
                          path_of="c1", route=route_of(CASE))
    printed = capsys.readouterr().out
    assert "Path through the case study: Ask Paulo first -> ending reached: A plan he " \
           "agreed" in printed
    assert "I asked him." in printed
    bank = "".join(shown)
    assert "msp-learn course comments" in bank and "msp-learn course mark" in bank
    assert "course comment<" not in bank
