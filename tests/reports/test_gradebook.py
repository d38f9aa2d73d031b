"""The gradebook read normalised (``_gradebook.grade_rows``) against the one query a lead
would write (``GRADES_SQL``): the same rows, in the same order, with the same values."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from sqlalchemy import create_engine

from msp_learn.reports._data import GRADE_COLUMNS, GRADE_KEYS, _utc, item_kind, read_gradebook
from msp_learn.reports._gradebook import GRADES_SQL, grade_rows
from tests.reports import builders as B

CELLS = {"test-myth-a": (1, "grade"), "test-risk-b-level": (2, "grade"),
         "rubric-voice": (3, "task")}


def reference(con) -> pd.DataFrame:
    """What the report read before: ``GRADES_SQL`` through ``pandas.read_sql``."""
    old = pd.read_sql(GRADES_SQL, con)
    old["kind"] = old["item"].map(item_kind)
    old["score"] = pd.to_numeric(old["score"], errors="coerce").astype(float)
    old["max_score"] = pd.to_numeric(old["max_score"], errors="coerce").astype(float)
    old["needs_manual"] = old["needs_manual"].fillna(False).astype(bool)
    old["submitted_at"] = _utc(old["submitted_at"])
    return old[GRADE_COLUMNS]


def normalised(con) -> pd.DataFrame:
    new = pd.DataFrame(grade_rows(con, item_kind, _utc), columns=GRADE_COLUMNS)
    assert all(isinstance(new[k].dtype, pd.CategoricalDtype) for k in GRADE_KEYS)
    return new.astype({k: new[k].cat.categories.dtype for k in GRADE_KEYS})


def make(course, url=None):
    """Two assignments; s01 marked by hand over the autograder with extra credit, s02 with a
    rubric nobody has marked yet, s03 with no submission at all."""
    return B.gradebook(course, {"myths-1": CELLS, "myths-2": {"test-myth-a": (1, "grade")}}, {
        ("s01", "myths-1"): {"test-myth-a": 1, "test-risk-b-level": 0, "rubric-voice": 2},
        ("s02", "myths-1"): {"test-myth-a": 0, "test-risk-b-level": 2, "rubric-voice": None},
        ("s02", "myths-2"): {"test-myth-a": 1}},
        students={"s01": ("Asha", "Patel"), "s02": ("Ben", "Okoro"), "s03": ("Cai", "Jones")},
        when={("s02", "myths-2"): "2026-11-02 14:05:06.250000"}, url=url)


ODD_GRADES = [
    # s01's risk level: the autograder gave 0, a trainer 1.5, plus 0.5 extra credit
    """UPDATE grade SET manual_score = 1.5, extra_credit = 0.5 WHERE cell_id IN
       (SELECT id FROM base_cell WHERE name = 'test-risk-b-level') AND notebook_id IN
       (SELECT sn.id FROM submitted_notebook sn JOIN submitted_assignment sa
        ON sa.id = sn.assignment_id WHERE sa.student_id = 's01')""",
    # extra credit on a grade the autograder gave
    """UPDATE grade SET extra_credit = 1 WHERE auto_score = 1 AND notebook_id IN
       (SELECT sn.id FROM submitted_notebook sn JOIN submitted_assignment sa
        ON sa.id = sn.assignment_id WHERE sa.student_id = 's02')""",
]
# a grade of a cell and one of a notebook the gradebook no longer has: the joins drop both
ORPHANS = """INSERT INTO grade (id, notebook_id, cell_id, auto_score, needs_manual_grade)
             SELECT 'orphan-cell', notebook_id, 'no-such-cell', 1, 0 FROM grade LIMIT 1;
             INSERT INTO grade (id, notebook_id, cell_id, auto_score, needs_manual_grade)
             SELECT 'orphan-book', 'no-such-notebook', cell_id, 1, 0 FROM grade LIMIT 1;"""


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    db = make(tmp_path_factory.mktemp("gradebook") / "course")
    with sqlite3.connect(db) as con:
        for sql in ODD_GRADES:
            con.execute(sql)
        con.executescript(ORPHANS)
    return db


def test_the_normalised_read_gives_the_querys_rows(gradebook):
    """Does reading the grade table apart from the small tables give exactly GRADES_SQL's
    rows (manual over auto, extra credit, an unmarked rubric, orphans left out)?"""
    with sqlite3.connect(gradebook) as con:
        old, new = reference(con), normalised(con)
    pd.testing.assert_frame_equal(new, old)
    assert len(new) == 7  # 3 + 3 + 1 grades; the two orphans are not there
    g = new.set_index(["learner", "assignment", "item"])
    assert g.loc[("s01", "myths-1", "test-risk-b-level"), "score"] == 2.0  # 1.5 + 0.5
    assert g.loc[("s02", "myths-2", "test-myth-a"), "score"] == 2.0  # 1 + 1 extra
    unmarked = g.loc[("s02", "myths-1", "rubric-voice")]
    assert pd.isna(unmarked["score"]) and unmarked["needs_manual"]
    assert unmarked["max_score"] == 3 and unmarked["kind"] == "rubric"
    assert "s03" not in set(new["learner"])  # no submission, no grades
    assert str(g.loc[("s02", "myths-2", "test-myth-a"), "submitted_at"]) == \
        "2026-11-02 14:05:06.250000+00:00"


def test_read_gradebook_keeps_the_learner_without_a_submission(gradebook):
    """Is the learner who submitted nothing still among the students (so due, not done)?"""
    grades, students, assignments, problems, _ = read_gradebook(gradebook.parent)
    assert problems == []
    assert set(students["learner"]) == {"s01", "s02", "s03"}
    assert sorted(assignments["assignment"]) == ["myths-1", "myths-2"]
    assert len(grades) == 7


def test_an_empty_gradebook_gives_no_rows(tmp_path):
    """A gradebook with assignments but no submissions: no rows, the same columns."""
    db = B.gradebook(tmp_path / "course", {"myths-1": CELLS}, {})
    with sqlite3.connect(db) as con:
        old, new = reference(con), normalised(con)
    assert len(new) == len(old) == 0
    assert list(new.columns) == GRADE_COLUMNS


def test_the_normalised_read_on_postgresql_gives_the_querys_rows(pg_url, tmp_path):
    """The same comparison on a gradebook in PostgreSQL (nbgrader's db_url), through
    SQLAlchemy."""
    make(tmp_path / "pgcourse", url=pg_url)
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            for sql in ODD_GRADES:
                conn.exec_driver_sql(sql)
        old, new = reference(engine), normalised(engine)
    finally:
        engine.dispose()
    # the server may return the rows in another order; the rows themselves must agree
    key = ["learner", "assignment", "item"]
    pd.testing.assert_frame_equal(new.sort_values(key).reset_index(drop=True),
                                  old.sort_values(key).reset_index(drop=True))
    assert len(new) == 7
