"""SQL over nbgrader's gradebook (its schema, read only), shared by grading and reports.

nbgrader stays the record: grades are written through nbgrader; these only read. Per-item
grades come by SQL because ``NbGraderAPI`` gives totals only and the ORM is about 100x
slower at council scale.
"""

#: nbgrader's score rule, on the ``grade`` table (aliased ``g``): the manual score when set,
#: else the autograder's, plus any extra credit; NULL while neither is given.
SCORE_SQL = """CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0)
            WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0)
       END"""

#: Every grade with its cell (``bc``, ``gc``/``tc`` for the points), submitted notebook
#: (``sn``), submission (``sa``) and assignment (``a``).
GRADES_FROM = """FROM grade g
JOIN base_cell bc ON bc.id = g.cell_id
LEFT JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN task_cells tc ON tc.id = g.cell_id
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id"""

#: A cell's points, whichever kind of cell it is.
MAX_SCORE_SQL = "COALESCE(gc.max_score, tc.max_score)"
