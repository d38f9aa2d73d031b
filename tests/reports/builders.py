"""Small, real inputs for report tests: a gradebook made through nbgrader's own ORM, answers
files as the assessed views write them, and a store written through msp_learn.store."""

from __future__ import annotations

import functools
import json
import os
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from msp_learn import events as ev
from msp_learn.store import Store, WorkshopStore
from msp_learn.store import _schema as S


def gradebook(course: Path, assignments: dict[str, dict[str, tuple[float, str]]],
              marks: dict[tuple[str, str], dict[str, float | None]],
              students: dict[str, tuple[str, str]] | None = None,
              when: dict[tuple[str, str], str] | None = None, url: str | None = None) -> Path:
    """``course/gradebook.db`` through ``nbgrader.api.Gradebook``.

    assignments: name -> {cell: (max_score, "grade" or "task")};
    marks: (student, assignment) -> {cell: score (None: not marked yet)};
    students: id -> (first name, last name); when: (student, assignment) -> timestamp;
    url: another database for the gradebook (e.g. PostgreSQL) instead of the course's file.
    """
    from nbgrader import api
    from nbgrader.api import Gradebook

    # nbgrader asks `alembic heads` (a subprocess) for every new gradebook; the answer cannot
    # change within a test session, so ask once
    if not hasattr(api.get_alembic_version, "cache_info"):
        api.get_alembic_version = functools.cache(api.get_alembic_version)
    # nbgrader runs `alembic heads` for a new gradebook: the venv's bin must be on the PATH
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    course.mkdir(parents=True, exist_ok=True)
    db = course / "gradebook.db"
    with warnings.catch_warnings(), Gradebook(url or f"sqlite:///{db}") as gb:
        # nbgrader's own add_submission warns about its autoflush (SAWarning); not ours
        warnings.simplefilter("ignore")
        for name, cells in assignments.items():
            gb.add_assignment(name)
            gb.add_notebook(name, name)
            for cell, (points, kind) in cells.items():
                if kind == "grade":
                    gb.add_grade_cell(cell, name, name, max_score=points, cell_type="code")
                else:
                    gb.add_task_cell(cell, name, name, max_score=points, cell_type="markdown")
        people = {s for s, _ in marks} | set(students or {})
        for student in sorted(people):
            first, last = (students or {}).get(student, ("", ""))
            gb.add_student(student, first_name=first, last_name=last)
        for (student, name), scores in marks.items():
            stamp = (when or {}).get((student, name), "2026-10-05 09:30:00")
            gb.add_submission(name, student, timestamp=stamp)
            for cell, score in scores.items():
                grade = gb.find_grade(cell, name, name, student)
                if score is None:
                    grade.needs_manual_grade = True
                elif assignments[name][cell][1] == "task":
                    grade.manual_score, grade.needs_manual_grade = score, False
                else:
                    grade.auto_score, grade.needs_manual_grade = score, False
            gb.db.commit()
    return db


def answers_file(course: Path, student: str, assignment: str, activities: dict) -> Path:
    """``autograded/<student>/<assignment>/answers.json`` in the answers file's format:
    activities maps 'myth:id' (etc.) to the saved state."""
    folder = course / "autograded" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    data = {"format": 1, "assignment": assignment, "activities": {
        key: {"version": 1, "state": state,
              "events": [{"name": "answer", "payload": state, "at": "2026-10-05T09:00:00+00:00"}]}
        for key, state in activities.items()}}
    path = folder / "answers.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def quiz(store: Store, learner: str, item: str, said_myth: bool, correct: bool,
         attempt: int = 1) -> None:
    e = ev.QuizAnswered(item_id=item, said_myth=said_myth, is_correct=correct, attempt=attempt)
    store.commit(learner, activity_kind="quiz", activity_id="myths", event=e.name,
                 payload=e.payload(), key=e.key)


def choose(store: Store, learner: str, case: str, node: str, choice: str, *, attempt: int = 1,
           breaks: tuple[str, ...] = (), honours: tuple[str, ...] = ()) -> None:
    e = ev.ChoiceMade(node=node, choice=choice, attempt=attempt, breaks=breaks,
                      honours=honours)
    store.commit(learner, activity_kind="case-study", activity_id=case, event=e.name,
                 payload=e.payload(), key=e.key)


def act(store: Store, learner: str, kind: str, ident: str, e: ev.Event) -> None:
    store.commit(learner, activity_kind=kind, activity_id=ident, event=ev.event_name(e),
                 payload=e.payload(), key=e.key)


def workshop(store: Store, code: str, history: dict[int, dict],
             answers: list[tuple[str, int, object, str | None]]) -> None:
    """A workshop session: history run -> activity dict; answers (alias, run, value, linked
    learner name or None)."""
    ws = WorkshopStore(store)
    sid = ws.create_session(code, "Team session", {"status": "ended", "position": 0,
                                                    "run": max(history), "revealed": True,
                                                    "plan": [], "history": {
                                                        str(k): v for k, v in history.items()}})
    ids = {}
    for n, (alias, run, value, learner) in enumerate(answers):
        if alias not in ids:
            ids[alias] = ws.join(sid, alias, f"secret-{code}-{alias}")
            if learner:
                lid = store.learner(learner).id
                with store._write() as conn:
                    conn.execute(update(S.workshop_participants)
                                 .where(S.workshop_participants.c.id == ids[alias])
                                 .values(learner_id=lid))
        ws.answer(sid, ids[alias], run, value, key=f"k{n}")


def now() -> str:
    return datetime.now(UTC).isoformat()
