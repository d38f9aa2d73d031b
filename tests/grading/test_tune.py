"""``msp-learn course tune``/``untune``: two msp_ indexes on nbgrader's gradebook, nbgrader's
data untouched, nbgrader still working, clear messages for a missing or busy gradebook."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from msp_learn.cli import main
from msp_learn.grading import CourseError, _tune
from msp_learn.grading._tune import INDEXES, tune, tuned, untune

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCORE_PLAN = """EXPLAIN QUERY PLAN SELECT (SELECT coalesce(sum(grade.auto_score), 0.0)
  FROM grade, submitted_notebook WHERE submitted_notebook.assignment_id = submitted_assignment.id
  AND grade.notebook_id = submitted_notebook.id) FROM submitted_assignment
  WHERE submitted_assignment.id = ?"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A small synthetic course in nbgrader's own schema (benchmarks/synth_gradebook.py)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth_gradebook
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return synth_gradebook.make(tmp_path_factory.mktemp("synth") / "s", learners=6,
                                assignments=2, cells=10, events=0)


@pytest.fixture
def course(made, tmp_path):
    """A fresh copy of the course for each test."""
    return Path(shutil.copytree(made.course, tmp_path / "course"))


def checksums(db: Path) -> dict[str, str]:
    """A digest of every row of every table, and of every schema entry not the kit's."""
    con = sqlite3.connect(db)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            rows = sorted(map(repr, con.execute(f'SELECT * FROM "{table}"')))
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        schema = sorted(map(repr, con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'msp_%'")))
        out["(schema)"] = hashlib.sha256("\n".join(schema).encode()).hexdigest()
        return out
    finally:
        con.close()


def indexes(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()


def plan(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        some = con.execute("SELECT id FROM submitted_assignment LIMIT 1").fetchone()[0]
        return "\n".join(r[3] for r in con.execute(SCORE_PLAN, (some,)))
    finally:
        con.close()


def test_tune_adds_two_indexes_and_untune_removes_exactly_them(course):
    """Does tune add only the two msp_ indexes, leave every row and schema entry of
    nbgrader's as it was, and does untune bring the gradebook back exactly?"""
    db = course / "gradebook.db"
    before, names = checksums(db), indexes(db)
    assert len(before) > 10 and all(i.name.startswith("msp_") for i in INDEXES)
    changes = tune(course)
    assert [c.done for c in changes] == [True, True]
    assert indexes(db) - names == {i.name for i in INDEXES}
    assert checksums(db) == before
    assert [c.done for c in untune(course)] == [True, True]
    assert indexes(db) == names and checksums(db) == before


def test_tune_twice_changes_nothing_more(course):
    """Is tuning a tuned gradebook a no-op, and untuning an untuned one too?"""
    tune(course)
    assert [c.done for c in tune(course)] == [False, False]
    assert [i.name for i in tuned(course)] == [i.name for i in INDEXES]
    untune(course)
    assert [c.done for c in untune(course)] == [False, False] and tuned(course) == []


def test_untune_leaves_other_indexes_alone(course):
    """Does untune drop only the kit's two indexes, not another msp_-named one?"""
    db = course / "gradebook.db"
    con = sqlite3.connect(db)
    con.execute("CREATE INDEX msp_someone_elses ON grade (cell_id)")
    con.close()
    tune(course)
    untune(course)
    assert "msp_someone_elses" in indexes(db)


def test_the_score_query_uses_the_indexes_once_tuned(course):
    """Does the per-submission score (nbgrader's correlated subquery) scan the grade table
    before tuning and search it by index after?"""
    db = course / "gradebook.db"
    assert "SCAN grade" in plan(db)
    tune(course)
    after = plan(db)
    assert "SCAN grade" not in after
    assert "msp_grade_notebook_id" in after and "msp_submitted_notebook_assignment_id" in after


def test_nbgrader_reads_a_tuned_gradebook_as_before(course):
    """Do nbgrader's own gradebook reads give the same answers tuned, and does
    'nbgrader db student list' still run in the course?"""
    from nbgrader.api import Gradebook

    def read():
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="synth") as gb:
            names = [a.name for a in gb.assignments]
            return ([gb.find_submission(a, s.id).to_dict() for a in names for s in gb.students
                     if gb.find_student(s.id).submissions],
                    gb.submission_dicts(names[0]), gb.student_dicts())

    before = read()
    tune(course)
    assert read() == before
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(BIN / "nbgrader"), "db", "student", "list"], cwd=course,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "p00001" in done.stdout + done.stderr


def test_a_missing_gradebook_is_a_plain_message(tmp_path, capsys):
    """Does tune on a folder without gradebook.db say where it looked and what to do?"""
    with pytest.raises(CourseError, match="no nbgrader gradebook at .*gradebook.db"):
        tune(tmp_path)
    assert main(["course", "tune", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "msp-learn course tune: no nbgrader gradebook" in err and "Traceback" not in err


@pytest.mark.parametrize("content", [b"not a database at all" * 100, None])
def test_something_else_is_not_taken_for_a_gradebook(tmp_path, content):
    """Is a file that is not SQLite, or a SQLite file without nbgrader's tables, refused
    with a message (and left as it was)?"""
    db = tmp_path / "gradebook.db"
    if content is None:
        sqlite3.connect(db).execute("CREATE TABLE notes (x)").connection.close()
    else:
        db.write_bytes(content)
    data = db.read_bytes()
    with pytest.raises(CourseError, match="nbgrader gradebook|SQLite database"):
        tune(tmp_path)
    assert db.read_bytes() == data


def test_a_gradebook_in_use_is_a_plain_message(course, monkeypatch):
    """While nbgrader holds the gradebook's write lock, does tune wait briefly, then say
    it is in use, and change nothing?"""
    monkeypatch.setattr(_tune, "BUSY_MS", 200)
    db = course / "gradebook.db"
    before = indexes(db)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(CourseError, match="in use .* try again"):
            tune(course)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert indexes(db) == before


def test_the_cli_tunes_and_untunes(course, capsys):
    """Do 'msp-learn course tune DIR' and 'untune DIR' say what they did and how to undo?"""
    assert main(["course", "tune", str(course)]) == 0
    out = capsys.readouterr().out
    assert "added msp_grade_notebook_id on grade(notebook_id)" in out
    assert f"msp-learn course untune {course}" in out
    assert main(["course", "untune", str(course / "gradebook.db")]) == 0
    assert "dropped msp_submitted_notebook_assignment_id" in capsys.readouterr().out
    assert tuned(course) == []


def test_the_synthetic_course_is_nbgraders_own_and_seeded(made, tmp_path):
    """Does the benchmark's synthetic course hold the kit's cell names, one grade per learner
    and cell, scores nbgrader itself agrees with, and the same rows for the same seed?"""
    import re

    from nbgrader.api import Gradebook

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth_gradebook
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    con = sqlite3.connect(made.gradebook)
    names = {r[0] for r in con.execute("SELECT name FROM base_cell")}
    (grades,), = con.execute("SELECT count(*) FROM grade")
    cells = sum(len(p.cells) for p in made.assignments)
    sql_total, = con.execute("SELECT sum(COALESCE(manual_score, auto_score, 0) + "
                             "COALESCE(extra_credit, 0)) FROM grade").fetchone()
    con.close()
    assert all(re.fullmatch(r"test-myth-[a-z0-9-]+|test-risk-[a-z0-9-]+-(likelihood|impact|"
                            r"level)|rubric-(voice|outcomes|capacity|proportionality|"
                            r"partnership|next-time)", n) for n in names)
    assert grades == made.grades == made.learners * cells
    with Gradebook(f"sqlite:///{made.gradebook}", course_id="synth") as gb:
        nbgrader_total = sum(gb.find_submission(p.name, s.id).score for p in made.assignments
                             for s in gb.students if s.submissions)
    assert nbgrader_total == pytest.approx(sql_total)
    a = synth_gradebook.make(tmp_path / "a", learners=3, assignments=2, cells=8, events=40)
    b = synth_gradebook.make(tmp_path / "b", learners=3, assignments=2, cells=8, events=40)
    assert checksums(a.gradebook) == checksums(b.gradebook)
    store_a, store_b = (checksums(Path(x.store_url.removeprefix("sqlite:///"))) for x in (a, b))
    del store_a["msp_schema_versions"], store_b["msp_schema_versions"]  # when migrated
    assert store_a == store_b and len(store_a) > 5
    assert a.learners_file.read_text() == b.learners_file.read_text()
