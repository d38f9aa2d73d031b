"""The feedback page a learner receives, rendered from a hand-made graded notebook with the
course's template folders (no nbgrader commands): what a learner reads, nothing else."""

from __future__ import annotations

import logging

import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from msp_learn.grading import _cells as C
from msp_learn.grading import template_dirs
from msp_learn.grading.preprocessors import ClearHiddenTestsForFeedback, FeedbackCleanup

out = nbformat.v4.new_output


def _graded_notebook():
    check = C.test("test-myth-m1", "assessed.recorded('myth', 'm1')",
                 "assessed.check_verdict('m1', key='myth', points=1)", 1,
                 label="Statement 1: Family always decides")
    check.execution_count = 3
    check.outputs = [out("stream", name="stdout", text="You said the statement is a myth: "
                         "correct. <b>escaped</b>\n"),
                     out("execute_result", data={"text/plain": "1.0"}, execution_count=3)]
    check.metadata.nbgrader["score"] = 1.0
    rubric = C.task("rubric-voice", "### The person's voice\n\nLook for their words.", 2,
                  label="Written answers: The person's voice")
    rubric.metadata.nbgrader.update(score=2.0, comment="Well done.")
    unnamed = C.test("test-old", "x = 1", "assert True", 1)  # built before labels existed
    unnamed.metadata.nbgrader["score"] = 0.0
    view = nbformat.v4.new_code_cell(C.IMPORT + "assessed.myth('m1', 'Family always decides')",
                                     execution_count=2)
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Myths"), view, check, rubric, unnamed])


def _render(nb) -> str:
    nb, _ = FeedbackCleanup().preprocess(nb, {})
    exporter = HTMLExporter(config=Config({"HTMLExporter": {
        "template_name": "feedback", "extra_template_basedirs": template_dirs()}}))
    html, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
        "notebook": "myths", "score": 3.0, "max_score": 4.0, "late_penalty": 0}})
    return html


def test_feedback_shows_no_code_prompts_or_raw_outputs():
    """Is the learner's page free of the cells' code, "In [n]" and "Out[n]: 1.0"?"""
    html = _render(_graded_notebook())
    for code in ("from msp_learn.grading import assessed", "assessed.myth(",
                 "assessed.recorded(", "In&nbsp;[", "Out[", ">1.0<", "x = 1"):
        assert code not in html, code
    assert "You said the statement is a myth: correct." in html
    assert "&lt;b&gt;escaped&lt;/b&gt;" in html  # printed text is escaped
    assert "Well done." in html and "Look for their words." in html


def test_the_score_summary_names_each_item():
    """Does the summary list each item by its name (statement, criterion) with its marks,
    and a plain name, never 'Test cell', for a notebook built before names?"""
    html = _render(_graded_notebook())
    summary = html.split('class="msp-summary"', 1)[1].split("</section>", 1)[0]
    assert "Statement 1: Family always decides" in summary and "1 / 1" in summary
    assert "Written answers: The person&#39;s voice" in summary or \
        "Written answers: The person's voice" in summary
    assert "Marked automatically" in summary and "Test cell" not in html
    assert "3 out of 4" in html
    assert "<script" not in html and "https://" not in html and "http://" not in html


def test_the_feedback_steps_accept_nbconverts_display_priority(caplog):
    """Do the kit's feedback steps take the display_data_priority nbconvert's HTML exporter
    configures, instead of warning that it is not recognised?"""
    config = Config({"NbConvertBase": {"display_data_priority": ["text/html", "text/plain"]}})
    with caplog.at_level(logging.WARNING):
        for step in (FeedbackCleanup, ClearHiddenTestsForFeedback):
            assert step(config=config).display_data_priority == ["text/html", "text/plain"]
    assert "not recognized" not in caplog.text
