"""Per-item grades read straight from nbgrader's gradebook by SQL (read only).

``NbGraderAPI`` gives totals only, and reading grades through the ORM is about 100x slower.
nbgrader stays the record: everything is written through nbgrader; this only reads.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from msp_learn.nbgrader_sql import GRADES_FROM, MAX_SCORE_SQL, SCORE_SQL

ITEM_GRADES = f"""
SELECT sa.student_id AS student, a.name AS assignment, bc.name AS cell,
       {SCORE_SQL} AS score,
       {MAX_SCORE_SQL} AS max_score, g.needs_manual_grade AS needs_manual
{GRADES_FROM}
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


@dataclass(frozen=True)
class Mark:
    """What ``mark_task`` wrote: the cell, its score now (None if still unmarked), the most
    it can score, and the comment written ('' if none)."""

    cell: str
    score: float | None
    max_score: float
    comment: str


def mark_task(course: str | Path, assignment: str, student: str, cell: str, *,
              score: float | None = None, comments: list[str] = (), text: str = "") -> Mark:
    """What an assessor does in the formgrader, through nbgrader's own Gradebook: a manual
    score and a comment (bank comments by id, e.g. 'O2', then any text of their own).

    Raises CourseError, with a plain message and nothing written, when the course has no
    gradebook (none is made), the learner has no autograded submission of the assignment,
    the cell is not one of its cells, the score is outside 0 to the cell's points, or a bank
    id is unknown.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from msp_learn.grading._course import CourseError
    from msp_learn.grading._rubric import rubric
    from msp_learn.grading._tune import gradebook_path

    bank = rubric()
    try:
        parts = [bank.comment(c).text for c in comments]
    except KeyError as exc:
        raise CourseError(str(exc.args[0])) from None
    comment = "\n\n".join(parts + ([text] if text else []))
    db = gradebook_path(Path(course).resolve())  # never let nbgrader make an empty one
    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            notebook = gb.find_submission_notebook(assignment, assignment, student)
        except MissingEntry:
            raise CourseError(f"no autograded submission of '{assignment}' by '{student}': "
                              "check the assignment and the learner's id (as in 'nbgrader "
                              f"export'), and run 'nbgrader autograde {assignment}' after "
                              "'nbgrader collect'") from None
        try:
            grade = gb.find_grade(cell, notebook.name, assignment, student)
        except MissingEntry:
            cells = sorted(g.cell.name for g in notebook.grades)
            rubric_cells = [c for c in cells if c.startswith("rubric-")] or cells
            raise CourseError(f"'{assignment}' has no cell '{cell}'; its rubric cells are: "
                              f"{', '.join(rubric_cells)}") from None
        most = float(grade.max_score)
        if score is not None and not (math.isfinite(score) and 0 <= score <= most):
            raise CourseError(f"--score {score:g} is not possible for {cell}: give a score "
                              f"from 0 to {most:g}")
        if score is not None:
            grade.manual_score = float(score)
            grade.needs_manual_grade = False
        if comment:
            record = gb.find_comment(cell, notebook.name, assignment, student)
            record.manual_comment = comment
        gb.db.commit()
        return Mark(cell, grade.score if not grade.needs_manual_grade else None, most, comment)
