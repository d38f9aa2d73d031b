"""Two indexes that make nbgrader's gradebook usable at council scale, and their removal.

nbgrader 0.9.6 works out every score with a correlated subquery per row (``SubmittedAssignment
.score``, ``Student.score``, ``needs_manual_grade``, ... in ``nbgrader/api.py``). Those
subqueries look grades up by ``grade.notebook_id`` and submitted notebooks by
``submitted_notebook.assignment_id``, and nbgrader's schema indexes neither (its unique
constraints lead with ``cell_id`` and ``notebook_id``), so SQLite scans the whole table for
every row: ``nbgrader export`` and the formgrader's lists grow with the square of the class.

:func:`tune` adds the two indexes (``CREATE INDEX IF NOT EXISTS``, names starting ``msp_``);
:func:`untune` drops exactly those. Neither changes a row of nbgrader's data, and nbgrader
reads and writes a tuned gradebook as before (an index is invisible to it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from msp_learn.grading._course import CourseError

BUSY_MS = 5000  # how long to wait for nbgrader to finish a write before giving up


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]

    @property
    def create(self) -> str:
        return (f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} "
                f"({', '.join(self.columns)})")

    def __str__(self) -> str:
        return f"{self.name} on {self.table}({', '.join(self.columns)})"


#: The indexes ``msp-learn course tune`` adds. Every name starts with ``msp_``.
INDEXES = (
    Index("msp_grade_notebook_id", "grade", ("notebook_id",)),
    Index("msp_submitted_notebook_assignment_id", "submitted_notebook", ("assignment_id",)),
)


@dataclass(frozen=True)
class Change:
    """What tune or untune did to one index: ``done`` False when there was nothing to do."""

    index: Index
    done: bool


def gradebook_path(where: str | Path) -> Path:
    """The gradebook of a course folder (``DIR/gradebook.db``), or ``where`` itself if it is
    a file. CourseError when there is none."""
    path = Path(where).expanduser()
    db = path if path.is_file() else path / "gradebook.db"
    if not db.is_file():
        raise CourseError(f"no nbgrader gradebook at {db}: give the course folder (where "
                          "nbgrader_config.py and gradebook.db are); nbgrader makes gradebook.db "
                          "on the first 'nbgrader generate_assignment' or 'nbgrader db' command")
    return db


def _open(db: Path) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=BUSY_MS / 1000,
                              isolation_level=None)
        tables = {row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise CourseError(f"{db} could not be opened as a SQLite database ({exc}); is it "
                          "nbgrader's gradebook?") from None
    missing = {i.table for i in INDEXES} - tables
    if missing:
        con.close()
        raise CourseError(f"{db} is not an nbgrader gradebook (it has no "
                          f"{', '.join(sorted(missing))} table)")
    return con


def _existing(con: sqlite3.Connection) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'msp\\_%' "
        "ESCAPE '\\'")}


def _apply(db: Path, statements) -> None:
    con = _open(db)
    try:
        con.execute("BEGIN IMMEDIATE")
        for sql in statements:
            con.execute(sql)
        con.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if con.in_transaction:
            con.execute("ROLLBACK")
        if "locked" in str(exc) or "busy" in str(exc):
            raise CourseError(f"{db} is in use (nbgrader or the formgrader is writing to it) "
                              f"and stayed locked for {BUSY_MS // 1000} s: try again when "
                              "autograding or marking has finished") from None
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise CourseError(f"{db} cannot be written (read-only file or folder): run this "
                              "as the user who runs nbgrader") from None
        raise CourseError(f"{db}: {exc}") from None
    finally:
        con.close()


def tuned(where: str | Path) -> list[Index]:
    """The kit's indexes present in the gradebook."""
    db = gradebook_path(where)
    con = _open(db)
    try:
        have = _existing(con)
    finally:
        con.close()
    return [i for i in INDEXES if i.name in have]


def tune(where: str | Path) -> list[Change]:
    """Add :data:`INDEXES` to the course's gradebook (those already there are left alone)."""
    db = gradebook_path(where)
    before = {i.name for i in tuned(db)}
    _apply(db, [i.create for i in INDEXES])
    return [Change(i, i.name not in before) for i in INDEXES]


def untune(where: str | Path) -> list[Change]:
    """Drop exactly :data:`INDEXES` from the course's gradebook; nothing else is touched."""
    db = gradebook_path(where)
    before = {i.name for i in tuned(db)}
    _apply(db, [f"DROP INDEX IF EXISTS {i.name}" for i in INDEXES])
    return [Change(i, i.name in before) for i in INDEXES]
