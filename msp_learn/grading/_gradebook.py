"""Per-item grades read straight from nbgrader's gradebook by SQL (read only).

``NbGraderAPI`` gives totals only, and reading grades through the ORM is about 100x slower.
nbgrader stays the record: everything is written through nbgrader; this only reads.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

ITEM_GRADES = """
SELECT sa.student_id AS student, a.name AS assignment, bc.name AS cell,
       COALESCE(g.manual_score, g.auto_score) + COALESCE(g.extra_credit, 0) AS score,
       COALESCE(gc.max_score, tc.max_score) AS max_score, g.needs_manual_grade AS needs_manual
FROM grade g
JOIN base_cell bc ON bc.id = g.cell_id
LEFT JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN task_cells tc ON tc.id = g.cell_id
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
WHERE a.name = ?
ORDER BY sa.student_id, bc.name
"""


def item_grades(course: str | Path, assignment: str) -> list[dict]:
    """Every grade of ``assignment``: student, cell, score (None until graded), max_score."""
    db = Path(course) / "gradebook.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        con.row_factory = sqlite3.Row
        return [dict(row) for row in con.execute(ITEM_GRADES, (assignment,))]
    finally:
        con.close()


def mark_task(course: str | Path, assignment: str, student: str, cell: str, *,
              score: float | None = None, comments: list[str] = (), text: str = "") -> str:
    """What an assessor does in the formgrader, through nbgrader's own Gradebook: a manual
    score and a comment (bank comments by id, e.g. 'O2', then any text of their own).

    Returns the comment written. Raises KeyError (plain message) for an unknown bank id, and
    nbgrader's MissingEntry when the submission or cell does not exist.
    """
    from nbgrader.api import Gradebook

    from msp_learn.grading._rubric import rubric

    bank = rubric()
    comment = "\n\n".join([bank.comment(c).text for c in comments] + ([text] if text else []))
    db = Path(course).resolve() / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        grade = gb.find_grade(cell, notebook.name, assignment, student)
        if score is not None:
            grade.manual_score = float(score)
            grade.needs_manual_grade = False
        if comment:
            record = gb.find_comment(cell, notebook.name, assignment, student)
            record.manual_comment = comment
        gb.db.commit()
    return comment
