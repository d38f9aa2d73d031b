"""nbgrader cells for generated source notebooks (nbgrader's cell metadata, schema v3)."""

from __future__ import annotations

import nbformat

IMPORT = "from msp_learn.grading import assessed\n"


def _meta(grade_id: str, *, grade=False, solution=False, task=False, points=None,
          label: str | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    out = {"nbgrader": meta}
    if label:  # the item's name in the feedback's score summary (templates/feedback)
        out["msp_learn"] = {"label": label}
    return out


def markdown(grade_id: str, source: str) -> nbformat.NotebookNode:
    """A read-only markdown cell."""
    return nbformat.v4.new_markdown_cell(source, metadata=_meta(grade_id))


def code(grade_id: str, source: str) -> nbformat.NotebookNode:
    """A read-only code cell (learners run it; they never edit it)."""
    return nbformat.v4.new_code_cell(IMPORT + source, metadata=_meta(grade_id))


def test(grade_id: str, visible: str, hidden: str, points: float,
         label: str | None = None) -> nbformat.NotebookNode:
    """A locked autograder-test cell: the key lives only in the hidden block; ``label``
    names the item for the learner (never the key)."""
    source = (f"{IMPORT}{visible}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS")
    return nbformat.v4.new_code_cell(source, metadata=_meta(grade_id, grade=True,
                                                             points=points, label=label))


def task(grade_id: str, source: str, points: float,
         label: str | None = None) -> nbformat.NotebookNode:
    """A manually graded task (markdown): the assessor scores it in the formgrader."""
    return nbformat.v4.new_markdown_cell(source, metadata=_meta(grade_id, task=True,
                                                                points=points, label=label))
