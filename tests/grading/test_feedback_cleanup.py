"""The feedback clean-up step on a hand-made graded notebook (no nbgrader commands)."""

from __future__ import annotations

import nbformat

from msp_learn.grading.preprocessors import FeedbackCleanup


def test_errors_widgets_and_assessor_notes_are_removed():
    """Are tracebacks cut to a plain line, and widget and assessor-only outputs dropped?"""
    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell("x", outputs=[
        out("error", ename="AssertionError", evalue="key='myth'",
            traceback=["assessed.check_verdict('a', key='myth')"]),
        out("stream", name="stderr", text="noise"),
        out("display_data", data={"application/vnd.jupyter.widget-view+json": {},
                                  "text/plain": "VBox()"}),
        out("display_data", data={"text/html": '<div class="msp-assessor-only">bank</div>'}),
        out("stream", name="stdout", text="You said the statement is a myth: correct.\n"),
    ])
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})
    nb, _ = FeedbackCleanup().preprocess(nb, {})
    texts = [o.get("text", "") for o in nb.cells[0].outputs]
    assert "widgets" not in nb.metadata
    assert len(texts) == 2 and "could not be checked" in texts[0]
    assert "key=" not in str(nb) and "bank" not in str(nb)
