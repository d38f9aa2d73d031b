"""Reading nbgrader's gradebook: every grade of every assignment, read only.

The grades come with nbgrader's score rule: the manual score when set, else the
autograder's, plus any extra credit. A grade nobody has given yet (neither score set) is
left empty (NaN), not counted as 0.

``GRADES_SQL`` is the one query a lead would write: a row per grade with the learner's,
assignment's and item's names repeated on each. At council scale (800,000 grades) most of
its cost is in making those repeated strings and joining six tables row by row, so the
report reads the gradebook normalised instead: the ``grade`` table alone (its cell and
notebook ids and the score), and the small tables apart (cells, submitted notebooks),
joined in pandas by position. Both give the same rows in the same order (a test checks).
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

import numpy as np
import pandas as pd

from msp_learn.nbgrader_sql import GRADES_FROM, MAX_SCORE_SQL, SCORE_SQL

#: Every grade with its names: the denormalised query (the benchmark's baseline).
GRADES_SQL = f"""
SELECT sa.student_id AS learner, a.name AS assignment, bc.name AS item,
       {SCORE_SQL} AS score,
       {MAX_SCORE_SQL} AS max_score,
       g.needs_manual_grade AS needs_manual, sa.timestamp AS submitted_at
{GRADES_FROM}
"""

# The same grades normalised: the large table as ids and numbers, the small ones apart.
GRADE_ROWS_SQL = f"""
SELECT g.cell_id, g.notebook_id, {SCORE_SQL} AS score, g.needs_manual_grade
FROM grade g
"""
CELLS_SQL = """
SELECT bc.id, bc.name, COALESCE(gc.max_score, tc.max_score) AS max_score
FROM base_cell bc
LEFT JOIN grade_cells gc ON gc.id = bc.id
LEFT JOIN task_cells tc ON tc.id = bc.id
"""
NOTEBOOKS_SQL = """
SELECT sn.id, sa.student_id, a.name, sa.timestamp
FROM submitted_notebook sn
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
"""


#: Rows fetched at a time from the large table: its ids are let go chunk by chunk, so the
#: read never holds them all (less memory, and less time spent getting it).
CHUNK = 50_000


def chunks(con, sql: str, size: int = CHUNK) -> Iterator[list[tuple]]:
    """The rows of ``sql``, ``size`` at a time: ``con`` is a DB-API connection or an
    SQLAlchemy engine (on a server, a server-side cursor)."""
    if hasattr(con, "cursor"):
        cursor = con.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows
        return
    with con.connect() as conn:
        result = conn.execution_options(stream_results=True).exec_driver_sql(sql)
        yield from result.partitions(size)


def fetch(con, sql: str) -> list[tuple]:
    """Every row of ``sql`` as tuples (see :func:`chunks`)."""
    return [row for part in chunks(con, sql) for row in part]


def columns(rows: list[tuple], count: int) -> list[list]:
    """Rows as ``count`` column lists (cheaper than a DataFrame of Python objects)."""
    return [list(map(itemgetter(i), rows)) for i in range(count)]


def _categorical(labels: list, at: np.ndarray) -> pd.Categorical:
    """``labels[at]`` as a categorical of the labels used, sorted (as ``astype("category")``
    makes them from ``read_sql``'s text columns; a missing label is NaN)."""
    codes, uniques = pd.factorize(pd.Index(labels), sort=True)
    return pd.Categorical.from_codes(codes[at], uniques).remove_unused_categories()


def _grade_chunk(rows: list[tuple], cells: pd.Index, books: pd.Index) -> tuple:
    """Some grade rows as arrays: the position of their cell in ``cells`` and of their
    notebook in ``books`` (-1: not there), the score, and whether it awaits marking."""
    cell, book, score, manual = columns(rows, 4)
    return (cells.get_indexer(pd.Index(cell, dtype=object)),
            books.get_indexer(pd.Index(book, dtype=object)),
            pd.to_numeric(pd.Series(score, dtype=object), errors="coerce").to_numpy(float),
            np.fromiter(map(bool, manual), bool, len(manual)))


def grade_rows(con, kind_of, utc) -> dict:
    """The columns of ``GRADES_SQL``'s rows, read normalised (see the module's docstring).

    ``kind_of(cell name)`` gives each item's kind and ``utc(values)`` makes timestamps tz-aware
    UTC. Returns ``learner, assignment, item, kind`` as categoricals and ``score, max_score,
    needs_manual, submitted_at`` as arrays.
    """
    cell_id, cell_name, cell_max = columns(fetch(con, CELLS_SQL), 3)
    book_id, learner, assignment, stamp = columns(fetch(con, NOTEBOOKS_SQL), 4)
    cells, books = pd.Index(cell_id, dtype=object), pd.Index(book_id, dtype=object)
    parts = [_grade_chunk(rows, cells, books) for rows in chunks(con, GRADE_ROWS_SQL)]
    empty = (np.array([], "intp"), np.array([], "intp"), np.array([], float),
             np.array([], bool))
    at_cell, at_book, score, manual = (np.concatenate(c) for c in zip(empty, *parts,
                                                                       strict=True))
    keep = (at_cell >= 0) & (at_book >= 0)  # the inner joins: a grade of a known cell and
    at_cell, at_book = at_cell[keep], at_book[keep]  # submission
    maxes = pd.to_numeric(pd.Series(cell_max, dtype=object), errors="coerce").to_numpy(float)
    return {
        "learner": _categorical(learner, at_book),
        "assignment": _categorical(assignment, at_book),
        "item": _categorical(cell_name, at_cell),
        "kind": _categorical([kind_of(n) for n in cell_name], at_cell),
        "score": score[keep],
        "max_score": maxes[at_cell],
        "needs_manual": manual[keep],
        "submitted_at": utc(pd.Series(stamp, dtype=object)).array.take(at_book)}
