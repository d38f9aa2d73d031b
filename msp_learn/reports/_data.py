"""Reading everything a report needs into tidy tables (``ReportData``), read only.

Three sources, each optional:

- nbgrader's gradebook (``<course>/gradebook.db``, or ``gradebook_url``): every grade of
  every assignment, read only, with nbgrader's score rule (the manual score when set, else
  the autograder's, plus any extra credit; see ``_gradebook``). A grade nobody has given
  yet (neither score set) is left empty (NaN) with ``needs_manual`` true, not counted as 0.
- the course's autograded answers files (``<course>/autograded/<learner>/<assignment>/
  answers.json``): what each learner chose, for response analysis.
- the kit's store (``store_url``): every answer, case-study choice and ending, reflection, and
  workshop answer. Workshop answers join a learner only when the learner linked their alias;
  the others are kept apart, in ``anonymous``.

Team and role come from the learners file (:func:`read_learners`). Nothing is dropped
silently: every row left out, and every file that could not be read, is a ``Problem``.
Learner text passes through unchanged; the outputs escape or neutralise it.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import String, create_engine, event, make_url, select, type_coerce

from msp_learn import events as ev
from msp_learn.identity import name_key
from msp_learn.reports._aside import Aside
from msp_learn.reports._events import compact_events, event_tables
from msp_learn.reports._gradebook import CHUNK, grade_rows
from msp_learn.reports._learners import LEARNER_COLUMNS, NOT_GIVEN, Problem, read_learners

# The tables' columns (docs/house.md, Reports). Extra columns are marked "extra" there.
GRADE_COLUMNS = ["learner", "assignment", "item", "kind", "score", "max_score", "needs_manual",
                 "submitted_at"]
ANSWER_COLUMNS = ["learner", "source", "activity_kind", "activity_id", "item", "attempt",
                  "response", "correct", "recorded_at", "assignment"]
CHOICE_COLUMNS = ["learner", "case_study", "run", "step", "node", "choice", "next",
                  "recorded_at", "source"]
ENDING_COLUMNS = ["learner", "case_study", "run", "ending", "recorded_at", "source"]
REFLECTION_COLUMNS = ["learner", "activity_kind", "activity_id", "prompt", "text", "saved_at"]
ITEM_COLUMNS = ["kind", "item", "title", "principles", "categories"]
ANONYMOUS_COLUMNS = ["workshop", "participant", "activity_kind", "activity_id", "item",
                     "response", "correct", "recorded_at"]
STRUCTURE_COLUMNS = ["case_study", "node", "node_title", "choice", "label", "next", "honours",
                     "breaks"]
CASE_ENDING_COLUMNS = ["case_study", "ending", "title", "outcomes_asked", "outcome_achievement",
                       "risk_outcome"]

STUDENTS_SQL = "SELECT id, first_name, last_name FROM student"
ASSIGNMENTS_SQL = "SELECT name, duedate FROM assignment"

#: The events the report reads from the store (the rest are actions: start, pause...).
EVENTS_READ = ("answer", "choice", "back", "ending", "assess", "compare")
#: Grade cell name prefixes and the kind of item each marks.
KINDS = (("test-myth-", "myth"), ("test-risk-", "risk"), ("rubric-", "rubric"))
#: How a verdict on a statement is written in every table (practice, assessed, workshop).
VERDICT = {"myth": "myth", "reality": "true", "true": "true"}


def _frame(rows: list[dict] | None, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows or [], columns=columns)


def _utc(values) -> pd.Series:
    """Timestamps as tz-aware UTC (naive ones are UTC: nbgrader and SQLite keep them so)."""
    if isinstance(values, pd.Series) and pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize("UTC") if values.dt.tz is None else \
            values.dt.tz_convert("UTC")
    series = pd.Series(values, dtype=object)
    try:  # the fast path: every value ISO 8601 text, or datetime objects
        return pd.to_datetime(series, utc=True, format="ISO8601")
    except (ValueError, TypeError):
        return pd.to_datetime(series, errors="coerce", utc=True, format="mixed")


def item_kind(cell: str) -> str:
    """The kind of a grade cell from its name: myth, risk, rubric, or other."""
    for prefix, kind in KINDS:
        if cell.startswith(prefix):
            return kind
    return "other"


@dataclass
class ReportData:
    """Every table a report is made from (columns in docs/house.md, Reports)."""

    learners: pd.DataFrame = field(default_factory=lambda: _frame(None, LEARNER_COLUMNS))
    grades: pd.DataFrame = field(default_factory=lambda: _frame(None, GRADE_COLUMNS))
    answers: pd.DataFrame = field(default_factory=lambda: _frame(None, ANSWER_COLUMNS))
    choices: pd.DataFrame = field(default_factory=lambda: _frame(None, CHOICE_COLUMNS))
    endings: pd.DataFrame = field(default_factory=lambda: _frame(None, ENDING_COLUMNS))
    reflections: pd.DataFrame = field(default_factory=lambda: _frame(None, REFLECTION_COLUMNS))
    items: pd.DataFrame = field(default_factory=lambda: _frame(None, ITEM_COLUMNS))
    #: extra: assignments in the gradebook (``assignment, duedate``).
    assignments: pd.DataFrame = field(
        default_factory=lambda: _frame(None, ["assignment", "duedate"]))
    #: extra: workshop answers from aliases not linked to a learner (never joined to a person).
    anonymous: pd.DataFrame = field(default_factory=lambda: _frame(None, ANONYMOUS_COLUMNS))
    #: extra: each case study's nodes and choices, and its endings with the outcome measure.
    case_structure: pd.DataFrame = field(
        default_factory=lambda: _frame(None, STRUCTURE_COLUMNS))
    case_endings: pd.DataFrame = field(
        default_factory=lambda: _frame(None, CASE_ENDING_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    #: what was read: {"gradebook": path or url, "store": url, "learners_file": path, ...}
    sources: dict[str, str] = field(default_factory=dict)

    def filter(self, team: str | Iterable[str] | None = None,
               role: str | Iterable[str] | None = None,
               assignment: str | Iterable[str] | None = None,
               start: date | datetime | str | None = None,
               end: date | datetime | str | None = None) -> ReportData:
        """The same data for some learners, assignments or dates only (a new ReportData).

        ``team`` and ``role`` keep the learners in them (one value or several);
        ``assignment`` keeps those assignments' grades and assessed answers (practice and
        workshop answers are not part of an assignment and stay); ``start`` and ``end`` keep
        what was submitted, answered or saved between them, both days included.
        """
        learners = self.learners
        for col, wanted in (("team", team), ("role", role)):
            if wanted is not None:
                wanted = [wanted] if isinstance(wanted, str) else list(wanted)
                learners = learners[learners[col].isin(wanted)]
        who = set(learners["learner"])
        lo, hi = _bound(start, False), _bound(end, True)

        def keep(frame: pd.DataFrame, when: str) -> pd.DataFrame:
            out = frame[frame["learner"].isin(who)] if "learner" in frame else frame
            if lo is not None:
                out = out[out[when] >= lo]
            if hi is not None:
                out = out[out[when] <= hi]
            return out

        grades, answers = self.grades, self.answers
        if assignment is not None:
            names = [assignment] if isinstance(assignment, str) else list(assignment)
            grades = grades[grades["assignment"].isin(names)]
            answers = answers[(answers["source"] != "assessed")
                              | answers["assignment"].isin(names)]
        anonymous = self.anonymous
        if lo is not None:
            anonymous = anonymous[anonymous["recorded_at"] >= lo]
        if hi is not None:
            anonymous = anonymous[anonymous["recorded_at"] <= hi]
        return replace(self, learners=learners, grades=keep(grades, "submitted_at"),
                       answers=keep(answers, "recorded_at"),
                       choices=keep(self.choices, "recorded_at"),
                       endings=keep(self.endings, "recorded_at"),
                       reflections=keep(self.reflections, "saved_at"),
                       anonymous=anonymous if team is None and role is None else
                       anonymous.iloc[0:0])


def _bound(value, end: bool) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    day_only = isinstance(value, date) and not isinstance(value, datetime) or (
        isinstance(value, str) and len(value.strip()) <= 10)
    if end and day_only:
        stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return stamp


# the gradebook

def _server_engine(url: str):
    """An engine on a database server whose every transaction is read only."""
    engine = create_engine(url)
    if engine.dialect.name != "postgresql":
        return engine

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):  # refuse any write, for the whole session
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        dbapi_connection.commit()  # a SET in a transaction rolled back would be undone
    return engine


def _gradebook_connect(course: Path | None, url: str | None, problems: list[Problem]):
    """A read-only DB-API connection (SQLite file) or SQLAlchemy engine, or None."""
    if url and make_url(url).get_backend_name() != "sqlite":
        return _server_engine(url)
    db = Path(make_url(url).database) if url else course / "gradebook.db"
    if not db.is_file():
        problems.append(Problem(str(db), 0, 0, "no gradebook was found here, so there are no "
                                "assessed grades in this report. Run 'nbgrader autograde' in the "
                                "course folder first, or check --course.", "warning"))
        return None
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)


def read_gradebook(course: Path | None = None, url: str | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[Problem], str]:
    """(grades, students, assignments, problems, where) from nbgrader's gradebook."""
    problems: list[Problem] = []
    where = url or str(course / "gradebook.db")
    con = _gradebook_connect(course, url, problems)
    if con is None:
        return (_frame(None, GRADE_COLUMNS), _frame(None, ["learner", "name"]),
                _frame(None, ["assignment", "duedate"]), problems, where)
    try:
        grades = pd.DataFrame(grade_rows(con, item_kind, _utc), columns=GRADE_COLUMNS)
        students = pd.read_sql(STUDENTS_SQL, con)
        assignments = pd.read_sql(ASSIGNMENTS_SQL, con)
    except Exception as exc:  # noqa: BLE001 - any database failure is a problem, not a crash
        problems.append(Problem(where, 0, 0, f"the gradebook could not be read ({exc}); is it "
                                "nbgrader's gradebook.db? No grades are in this report."))
        return (_frame(None, GRADE_COLUMNS), _frame(None, ["learner", "name"]),
                _frame(None, ["assignment", "duedate"]), problems, where)
    finally:
        con.dispose() if hasattr(con, "dispose") else con.close()
    names = (students["first_name"].fillna("").str.strip() + " "
             + students["last_name"].fillna("").str.strip()).str.strip()
    students = pd.DataFrame({"learner": students["id"].astype(str),
                             "name": names.where(names != "", students["id"].astype(str))})
    assignments = pd.DataFrame({"assignment": assignments["name"],
                                "duedate": _utc(assignments["duedate"])})
    return grades, students, assignments, problems, where


# the assessed answers files

def _last_at(entry: dict) -> Any:
    events = entry.get("events")
    if isinstance(events, list) and events and isinstance(events[-1], dict):
        return events[-1].get("at")
    return None


def _read_answers_file(path: Path) -> tuple[dict, str | None]:
    """The activities of an answers file, and a problem in plain English (never raises).

    The format is msp_learn.grading's (``{"format": 1, "activities": {"myth:id": {"state":
    ..., "events": [...]}}}``); reports may not import grading (same row of the house), so
    the reading is repeated here, kept to what a report needs.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return {}, (f"this answers file could not be read as JSON ({type(exc).__name__}); it may "
                    "have been edited by hand. Its grades are still in the report, but not "
                    "what the learner chose.")
    if not isinstance(data, dict) or not isinstance(data.get("activities"), dict):
        return {}, ("this answers file is not in the expected shape; its grades are still in "
                    "the report, but not what the learner chose.")
    good = {str(k): v for k, v in data["activities"].items()
            if isinstance(v, dict) and isinstance(v.get("state"), dict | None)}
    bad = sorted(set(map(str, data["activities"])) - set(good))
    return good, (f"some entries were not in the expected shape and were left out: "
                  f"{', '.join(bad)}." if bad else None)


# the content: keys for "correct", and the items table

class _Content:
    """The catalogue(s) a report reads: the kit (and overlay) and the course's assessed items."""

    def __init__(self, catalogues: Iterable) -> None:
        self.catalogues = [c for c in catalogues if c is not None]

    def items(self, kind: str) -> list:
        seen, out = set(), []
        for catalogue in self.catalogues:
            for item in catalogue.items(kind):
                if item.id not in seen:
                    seen.add(item.id)
                    out.append(item)
        return out

    def get(self, kind: str, ident: str):
        for catalogue in self.catalogues:
            try:
                return catalogue.get(kind, ident)
            except KeyError:
                pass
        return None

    def myth_key(self, ident: str) -> str | None:
        item = self.get("myth", ident)
        return None if item is None else ("myth" if item.is_myth else "true")

    def risk_key(self, ident: str, fld: str) -> Any:
        item = self.get("risk-scenario", ident)
        if item is None:
            return None
        if fld == "level":
            return item.model_answer.level
        return getattr(item.factors, fld, None)

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """(items, case_structure, case_endings)."""
        from msp_learn.vocab import vocabulary

        order = {t: i for i, t in enumerate(vocabulary("principles").ids)}
        items, structure, endings = [], [], []
        for m in self.items("myth"):
            items.append({"kind": "myth", "item": m.id, "title": " ".join(m.statement.split()),
                          "principles": tuple(m.principles), "categories": ()})
        for r in self.items("risk-scenario"):
            items.append({"kind": "risk-scenario", "item": r.id, "title": r.title,
                          "principles": (), "categories": tuple(r.abuse_categories)})
        for c in self.items("case-study"):
            principles = {p for n in c.nodes for ch in n.choices for p in (*ch.honours,
                                                                          *ch.breaks)}
            items.append({"kind": "case-study", "item": c.id, "title": c.title,
                          "principles": tuple(sorted(principles, key=lambda p: order.get(p, 99))),
                          "categories": tuple(c.abuse_categories)})
            for n in c.nodes:
                for ch in n.choices:
                    structure.append({"case_study": c.id, "node": n.id,
                                      "node_title": n.title or n.id,
                                      "choice": ch.id, "label": " ".join(ch.label.split()),
                                      "next": ch.next, "honours": tuple(ch.honours),
                                      "breaks": tuple(ch.breaks)})
            for e in c.endings:
                endings.append({"case_study": c.id, "ending": e.id, "title": e.title,
                                "outcomes_asked": e.outcomes_asked,
                                "outcome_achievement": e.outcome_achievement,
                                "risk_outcome": e.risk_outcome})
        return (_frame(items, ITEM_COLUMNS), _frame(structure, STRUCTURE_COLUMNS),
                _frame(endings, CASE_ENDING_COLUMNS))


class _Paths:
    """Replays case-study choices: the step (depth of the path) and where each choice leads."""

    def __init__(self, content: _Content) -> None:
        self.content = content
        self._next: dict[tuple[str, str, str], str] = {}
        self._endings: set[tuple[str, str]] = set()
        self._breaks: dict[tuple[str, str, str], bool | None] = {}
        for c in content.items("case-study"):
            for n in c.nodes:
                for ch in n.choices:
                    self._next[(c.id, n.id, ch.id)] = ch.next
                    self._breaks[(c.id, n.id, ch.id)] = (not ch.breaks) if (
                        ch.honours or ch.breaks) else None
            self._endings |= {(c.id, e.id) for e in c.endings}

    def next(self, case: str, node: str, choice: str) -> str | None:
        return self._next.get((case, node, choice))

    def correct(self, case: str, node: str, choice: str) -> bool | None:
        return self._breaks.get((case, node, choice))

    def is_ending(self, case: str, ident: str) -> bool:
        return (case, ident) in self._endings


def _nan(value: Any) -> Any:
    return float("nan") if value is None else value


# the assessed answers files

def read_assessed(course: Path, content: _Content, grades: pd.DataFrame) -> dict[str, list]:
    """What each learner chose in each autograded submission, from its answers file.

    Returns rows for ``answers``, ``choices``, ``endings`` and ``reflections``, and problems.
    ``correct`` comes from the item's key in the catalogue, else from the grade nbgrader gave
    the cell that marks it (full marks), else it is unknown (NaN).
    """
    out: dict[str, list] = {"answers": [], "choices": [], "endings": [], "reflections": [],
                            "problems": []}
    root = course / "autograded"
    if not root.is_dir():
        return out
    full = {}
    submitted = {}
    if len(grades):
        marked = grades.dropna(subset=["score", "max_score"])
        full = dict(zip(zip(marked["learner"], marked["assignment"], marked["item"], strict=True),
                        marked["score"] >= marked["max_score"], strict=True))
        firsts = grades.drop_duplicates(["learner", "assignment"])
        submitted = dict(zip(zip(firsts["learner"], firsts["assignment"], strict=True),
                             firsts["submitted_at"], strict=True))
    paths = _Paths(content)
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        learner, assignment = folder.parent.name, folder.name
        path = folder / "answers.json"
        if not path.exists():
            out["problems"].append(Problem(str(path), 0, 0, "this submission has no answers "
                                           "file, so what the learner chose is not in the "
                                           "report (their grades are).", "warning"))
            continue
        activities, problem = _read_answers_file(path)
        if problem:
            out["problems"].append(Problem(str(path), 0, 0, problem,
                                           "warning" if activities else "error"))
        _assessed_file(out, path, learner, assignment, activities,
                       submitted.get((learner, assignment)), full, content, paths)
    return out


def _assessed_file(out: dict, path: Path, learner: str, assignment: str, activities: dict,
                   when: Any, full: dict, content: _Content, paths: _Paths) -> None:
    """The rows of one answers file (see :func:`read_assessed`)."""

    def grade_says(cell: str) -> Any:
        return _nan(full.get((learner, assignment, cell)))

    def answer(kind: str, ident: str, item: str, response: Any, correct: Any, at: Any):
        out["answers"].append({
            "learner": learner, "source": "assessed", "activity_kind": kind,
            "activity_id": ident, "item": item, "attempt": 1, "response": response,
            "correct": correct, "recorded_at": at, "assignment": assignment})

    for key, entry in activities.items():
        kind, _, ident = key.partition(":")
        state = entry.get("state") or {}
        at = _last_at(entry) or when
        if kind == "myth" and state.get("said") is not None:
            said = state["said"]
            response = VERDICT.get(said, said) if isinstance(said, str) else said
            key_ = content.myth_key(ident)
            correct = (response == key_) if key_ else grade_says(f"test-myth-{ident}")
            answer("quiz", assignment, ident, response, correct, at)
        elif kind == "risk":
            for fld in ("likelihood", "impact", "level"):
                if state.get(fld) is None:
                    continue
                key_ = content.risk_key(ident, fld)
                correct = (state[fld] == key_) if key_ is not None else grade_says(
                    f"test-risk-{ident}-{fld}")
                answer("risk-scenario", ident, fld, state[fld], correct, at)
        elif kind == "case":
            path_taken = state.get("path")
            if not isinstance(path_taken, list) or not path_taken:
                continue
            case = content.get("case-study", ident)
            if case is None:
                out["problems"].append(Problem(str(path), 0, 0, f"the case study '{ident}' "
                                               "is not in the content, so the path taken "
                                               "cannot be shown.", "warning"))
                continue
            node = case.start
            for step, choice in enumerate(map(str, path_taken), 1):
                nxt = paths.next(ident, node, choice)
                out["choices"].append({"learner": learner, "case_study": ident, "run": 1,
                                       "step": step, "node": node, "choice": choice,
                                       "next": nxt, "recorded_at": at,
                                       "source": "assessed"})
                answer("case-study", ident, node, choice,
                       _nan(paths.correct(ident, node, choice)), at)
                if nxt is None:
                    break
                if paths.is_ending(ident, nxt):
                    out["endings"].append({"learner": learner, "case_study": ident,
                                           "run": 1, "ending": nxt, "recorded_at": at,
                                           "source": "assessed"})
                    break
                node = nxt
        elif kind == "written":
            written = state.get("answers")
            for prompt, text in (written.items() if isinstance(written, dict) else ()):
                out["reflections"].append({
                    "learner": learner, "activity_kind": "assignment",
                    "activity_id": assignment, "prompt": f"{ident}/{prompt}",
                    "text": text if isinstance(text, str) else json.dumps(text),
                    "saved_at": at})


# the store

def _store_engine(url: str):
    """A read-only engine on the store (SQLite opened with mode=ro; PostgreSQL read only)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            raise FileNotFoundError("an in-memory store holds nothing to report on")
        db = Path(database)
        if not db.is_file():
            raise FileNotFoundError(f"no learner database at {db}")
        return create_engine("sqlite://", creator=lambda: sqlite3.connect(
            f"{db.resolve().as_uri()}?mode=ro", uri=True))
    return _server_engine(url)


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class StoreRows:
    """What :func:`read_store_rows` read from the store: its learners (id -> (name, role)),
    its events (compact), reflections and workshop rows (sessions, participants, answers;
    None before schema 4), or ``problem`` when it could not be read."""

    people: dict = field(default_factory=dict)
    events: Any = None
    reflections: list = field(default_factory=list)
    workshop: tuple | None = None
    problem: Problem | None = None


def read_store_rows(url: str) -> StoreRows:
    """The store's rows the report needs, read only (no content needed: it can be read aside,
    in another process, while the gradebook is read)."""
    from msp_learn.store import _schema as S  # the tables; read only, no migration

    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = _store_engine(url)
    except FileNotFoundError as exc:
        return StoreRows(problem=Problem(shown, 0, 0, f"{exc}; no practice or workshop answers "
                                         "are in this report.", "warning"))
    try:
        with engine.connect() as conn:
            version = S.current_version(conn)
            if version > S.STEPS[-1].version:
                return StoreRows(problem=Problem(
                    shown, 0, 0, f"the store was written by a newer msp_learn (schema "
                    f"{version}); upgrade msp_learn to report on it."))
            people = {row.id: (row.name, row.role) for row in conn.execute(
                select(S.learners.c.id, S.learners.c.name, S.learners.c.role))}
            # timestamps as the driver gives them (parsed once, by pandas, not per row)
            # and the rows straight from the driver's cursor: plain tuples, no Row objects
            # (the largest table: 800,000 events at council scale)
            result = conn.execute(
                select(S.events.c.id, S.events.c.learner_id, S.events.c.activity_kind,
                       S.events.c.activity_id, S.events.c.event, S.events.c.payload,
                       type_coerce(S.events.c.recorded_at, String).label("recorded_at"))
                .where(S.events.c.event.in_(EVENTS_READ)).order_by(S.events.c.id))
            cursor = result.cursor  # read a chunk at a time, kept compact (_events)
            events_read = compact_events(iter(lambda: cursor.fetchmany(CHUNK), []), _utc)
            result.close()
            reflection_rows = conn.execute(select(
                S.reflections.c.learner_id, S.reflections.c.activity_kind,
                S.reflections.c.activity_id, S.reflections.c.answers,
                S.reflections.c.updated_at).order_by(S.reflections.c.id)).all()
            workshop = None
            if version >= 4:
                workshop = (
                    conn.execute(select(S.workshop_sessions.c.id, S.workshop_sessions.c.code,
                                        S.workshop_sessions.c.state)).all(),
                    conn.execute(select(S.workshop_participants.c.id,
                                        S.workshop_participants.c.learner_id)).all(),
                    conn.execute(select(S.workshop_answers.c.session_id,
                                        S.workshop_answers.c.participant_id,
                                        S.workshop_answers.c.run, S.workshop_answers.c.answer,
                                        S.workshop_answers.c.answered_at)
                                 .order_by(S.workshop_answers.c.id)).all())
    except Exception as exc:  # noqa: BLE001 - a store we cannot read is a problem, not a crash
        return StoreRows(problem=Problem(shown, 0, 0, f"the store could not be read ({exc}); "
                                         "no practice or workshop answers are in this report."))
    finally:
        engine.dispose()
    return StoreRows(people, events_read, reflection_rows, workshop)


def read_store(url: str, content: _Content, rows: StoreRows | None = None) -> dict[str, list]:
    """Every answer, choice, ending, reflection and workshop answer in the kit's store
    (from ``rows`` when :func:`read_store_rows` has read them already).

    Rows carry the store's learner name as ``learner`` (mapped to learners-file ids later).
    """
    out: dict[str, list] = {"answers": [], "choices": [], "endings": [], "reflections": [],
                            "anonymous": [], "learners": [], "problems": []}
    shown = make_url(url).render_as_string(hide_password=True)
    rows = read_store_rows(url) if rows is None else rows
    if rows.problem is not None:
        out["problems"].append(rows.problem)
        return out
    people, reflection_rows, workshop = rows.people, rows.reflections, rows.workshop
    out["learners"] = [{"store_name": n, "store_role": r} for n, r in people.values()]
    events_read, rows.events = rows.events, None
    held = [events_read]
    del events_read
    _events(held, people, content, out, shown)  # it lets go of the rows as it goes
    for row in reflection_rows:
        answers = _json(row.answers)
        for prompt, text in (answers.items() if isinstance(answers, dict) else ()):
            out["reflections"].append({
                "learner": people.get(row.learner_id, ("?",))[0],
                "activity_kind": row.activity_kind, "activity_id": row.activity_id,
                "prompt": prompt, "text": text if isinstance(text, str) else json.dumps(text),
                "saved_at": row.updated_at})
    out["workshop"] = []
    if workshop:
        _workshop(*workshop, people, content, out, shown)
    linked = _frame(out.pop("workshop"), ANSWER_COLUMNS)
    if len(linked):
        linked["recorded_at"] = _utc(linked["recorded_at"])
        events_answers = out["answers"] if isinstance(out["answers"], pd.DataFrame) else \
            _frame(out["answers"], ANSWER_COLUMNS)
        out["answers"] = pd.concat([events_answers, linked], ignore_index=True) \
            if len(events_answers) else linked
    return out


def _decode(name: str, text: str, content: _Content, paths: _Paths, case: str) -> tuple | None:
    """One stored (event, payload) as (kind, attempt, answer rows, choice, ending), or None
    when it cannot be read. Answer rows are (item, response, correct)."""
    try:
        payload = json.loads(text)
        e = ev.read(name, payload if isinstance(payload, dict) else {})
    except (ValueError, TypeError, ev.EventError):
        return None
    if isinstance(e, ev.QuizAnswered):
        return ("answer", e.attempt, [(e.item, e.response, e.correct)], None, None)
    if isinstance(e, ev.ChoiceMade):
        correct = e.correct if e.correct is not None else paths.correct(case, e.node, e.choice)
        return ("choice", e.attempt, [(e.node, e.choice, _nan(correct))],
                (e.node, e.choice), None)
    if isinstance(e, ev.WentBack):
        return ("back", e.attempt, [], None, None)
    if isinstance(e, ev.EndingReached):
        return ("ending", e.attempt, [], None, e.ending)
    if isinstance(e, ev.RiskAssessed):
        rows = []
        for fld, value in e.factors.items():
            key = content.risk_key(case, fld)
            rows.append((fld, value, _nan(None if key is None else value == key)))
        return ("assess", e.attempt, rows, None, None)
    if isinstance(e, ev.RiskCompared):
        return ("compare", e.attempt, [("level", e.level, _nan(e.correct))], None, None)
    return ("other", e.attempt, [], None, None)


def _events(held: list, people, content: _Content, out: dict, shown: str) -> None:
    """The store's events as answers, choices and endings (frames, in ``out``; see
    ``_events``: each distinct event is read once through ``events.read``)."""
    paths = _Paths(content)
    events = held.pop()
    if not len(events.key):
        return
    tables = event_tables(events, {k: v[0] for k, v in people.items()},
                          lambda n, t, a: _decode(n, t, content, paths, a), paths.next)
    del events
    for name, frame in (("answers", tables.answers), ("choices", tables.choices),
                        ("endings", tables.endings)):
        if frame is not None:
            out[name] = frame
    bad = tables.bad_ids
    if bad:
        shown_ids = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
        out["problems"].append(Problem(shown, 0, 0, f"{len(bad)} stored event(s) could not be "
                                       f"read and are left out (event ids {shown_ids}).",
                                       "warning"))


def _workshop(sessions, participants, answers, people, content: _Content, out: dict,
              shown: str) -> None:
    paths = _Paths(content)
    history = {}
    for s in sessions:
        state = _json(s.state)
        runs = state.get("history") if isinstance(state, dict) else None
        history[s.id] = (s.code, runs if isinstance(runs, dict) else {})
    linked = {p.id: p.learner_id for p in participants}
    for a in answers:
        code, runs = history.get(a.session_id, ("?", {}))
        activity = runs.get(str(a.run)) or {}
        kind, source = activity.get("kind"), activity.get("source") or {}
        value = _json(a.answer)
        if isinstance(value, dict) and "value" in value:  # stored as {"value": ...}
            value = value["value"]
        correct = activity.get("correct")
        if kind == "myth":
            row = ("quiz", f"workshop-{code}", source.get("myth"),
                   VERDICT.get(value, value) if isinstance(value, str) else value,
                   _nan(None if correct is None else value == correct))
        elif kind == "decision":
            case, node = source.get("case"), source.get("node")
            row = ("case-study", case, node, value, _nan(paths.correct(case, node, value)))
        elif kind == "risk":
            row = ("risk-scenario", source.get("risk"), "level", value,
                   _nan(None if correct is None else value == correct))
        elif kind in ("scale", "text"):
            row = (f"workshop-{kind}", f"workshop-{code}", f"run-{a.run}", value, float("nan"))
        else:
            continue
        learner_id = linked.get(a.participant_id)
        if learner_id is not None and learner_id in people:
            out["workshop"].append({"learner": people[learner_id][0], "source": "workshop",
                                   "activity_kind": row[0], "activity_id": row[1],
                                   "item": row[2], "attempt": 1, "response": row[3],
                                   "correct": row[4], "recorded_at": a.answered_at,
                                   "assignment": None})
        else:
            out["anonymous"].append({"workshop": code, "participant": a.participant_id,
                                     "activity_kind": row[0], "activity_id": row[1],
                                     "item": row[2], "response": row[3], "correct": row[4],
                                     "recorded_at": a.answered_at})


# learners: one id per person across the gradebook, the store and the learners file

@functools.lru_cache(maxsize=16_384)  # each name is keyed several times (ids, names, files)
def _name_key(name: str) -> str | None:
    try:
        return name_key(name)
    except ValueError:
        return None


def _key(name: Any) -> str | None:
    return _name_key(str(name))


class _Known(Collection):
    """The ids the gradebook and store know: gradebook ids exactly, store names by name key."""

    def __init__(self, gradebook: Iterable[str], store: Iterable[str]) -> None:
        self.exact = set(gradebook)
        self.keys = {k for k in map(_key, store) if k}

    def __contains__(self, ident: object) -> bool:
        return ident in self.exact or _key(ident) in self.keys

    def __iter__(self):
        return iter(self.exact)

    def __len__(self) -> int:
        return len(self.exact) + len(self.keys)


def _store_ids(store_names: Iterable[str], file: pd.DataFrame, gradebook: set[str]
               ) -> dict[str, str]:
    """Store name -> the report's learner id: the learners-file id whose id or name it matches
    (ignoring case and spacing), else the gradebook id it matches, else the name itself."""
    by_id = {_key(i): i for i in file["learner"]}
    names: dict[str | None, list[str]] = {}
    for ident, name in zip(file["learner"], file["name"], strict=True):
        names.setdefault(_key(name), []).append(ident)
    books = {_key(i): i for i in gradebook}
    out = {}
    for name in store_names:
        k = _key(name)
        if k in by_id:
            out[name] = by_id[k]
        elif len(names.get(k, [])) == 1:
            out[name] = names[k][0]
        elif k in books:
            out[name] = books[k]
        else:
            out[name] = name
    return out


def load(*, course: str | os.PathLike | None = None, store_url: str | None = None,
         learners_file: str | os.PathLike | None = None, catalogue=None,
         gradebook_url: str | None = None, roles: Collection[str] | None = None,
         parallel: bool = True) -> ReportData:
    """Read the gradebook, the answers files, the store and the learners file (all optional).

    Args:
        course: an nbgrader course folder (``gradebook.db``, ``autograded/``, ``assessed/``).
        store_url: the kit's store (SQLAlchemy URL); ``None`` reads no store.
        learners_file: the learners CSV (``id, name, team, role``).
        catalogue: the content (default ``load_catalogue()``); the course's ``assessed/``
            items are added to it.
        gradebook_url: extra: nbgrader's ``db_url`` when it is not ``<course>/gradebook.db``.
        roles: extra: the roles the learners file may use (others are kept, with a warning).
        parallel: extra: read the store in a forked process while the gradebook is read
            here, when it is safe (see ``_aside``); ``False``: never. The result is the same
            either way.
    """
    # The store's rows need nothing else read first: started before anything else, so the
    # child forks from a small process with no connection open.
    store_rows = Aside(read_store_rows, (store_url,), parallel) if store_url else None
    try:
        return _load(course, store_url, store_rows, learners_file, catalogue, gradebook_url,
                     roles)
    finally:
        if store_rows is not None:
            store_rows.cancel()  # only if it was never asked for (an error before that)


def _load(course, store_url, store_rows, learners_file, catalogue, gradebook_url, roles
          ) -> ReportData:
    from msp_learn.content import Catalogue, load_catalogue

    problems: list[Problem] = []
    sources: dict[str, str] = {}
    course = Path(course) if course is not None else None
    assessed = None
    if course is not None and (course / "assessed").is_dir():
        assessed = load_catalogue([course / "assessed"])
    if catalogue is None:
        # The assessed items' context is the kit and the overlay, loaded once already.
        catalogue = (Catalogue(assessed.context) if assessed is not None
                     else load_catalogue())
    catalogues = [catalogue] if assessed is None else [assessed, catalogue]
    content = _Content(catalogues)
    items, structure, case_endings = content.tables()

    grades = _frame(None, GRADE_COLUMNS)
    students = _frame(None, ["learner", "name"])
    assignments = _frame(None, ["assignment", "duedate"])
    assessed: dict[str, list] = {}
    if course is not None or gradebook_url:
        grades, students, assignments, found, sources["gradebook"] = read_gradebook(
            course, gradebook_url)
        grades = _compact(grades, GRADE_KEYS)  # before the store is read: less memory at once
        problems += found
    if course is not None:
        assessed = read_assessed(course, content, grades)
        problems += assessed.pop("problems")
        sources["course"] = str(course)
    store: dict[str, list] = {}
    if store_url:
        store = read_store(store_url, content, store_rows.result())
        problems += store.pop("problems")
        sources["store"] = make_url(store_url).render_as_string(hide_password=True)

    store_learners = store.get("learners", [])
    store_names = [p["store_name"] for p in store_learners]
    in_gradebook = set(students["learner"].unique()) | set(grades["learner"].unique())
    file = _frame(None, [*LEARNER_COLUMNS, "line"])
    if learners_file is not None:
        file, found = read_learners(learners_file, known=_Known(in_gradebook, store_names),
                                    roles=roles)
        problems += found
        sources["learners_file"] = str(learners_file)
    ids = _store_ids(store_names, file, in_gradebook)

    def rows(name: str, columns: list[str]) -> pd.DataFrame:
        parts = []
        for found, from_store in ((assessed.get(name, []), False),
                                  (store.get(name, []), True)):
            frame = found if isinstance(found, pd.DataFrame) else _frame(found, columns)
            if from_store and len(frame):
                frame = frame.assign(learner=frame["learner"].map(ids).fillna(frame["learner"]))
            if len(frame):
                parts.append(frame)
        if not parts:
            return _frame(None, columns)
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    answers = rows("answers", ANSWER_COLUMNS)
    answers["recorded_at"] = _utc(answers["recorded_at"])
    answers["attempt"] = answers["attempt"].astype("int64")
    choices = rows("choices", CHOICE_COLUMNS)
    choices["recorded_at"] = _utc(choices["recorded_at"])
    endings = rows("endings", ENDING_COLUMNS)
    endings["recorded_at"] = _utc(endings["recorded_at"])
    reflections = rows("reflections", REFLECTION_COLUMNS)
    reflections["saved_at"] = _utc(reflections["saved_at"])
    anonymous = _frame(store.get("anonymous"), ANONYMOUS_COLUMNS)
    anonymous["recorded_at"] = _utc(anonymous["recorded_at"])
    choices = _fill_next(choices, endings)

    learners = _learners(file, students, store_learners, ids,
                         {x for f in (answers, choices, reflections, grades)
                          for x in f["learner"].unique()})
    answers = _compact(answers, ANSWER_KEYS)
    choices, endings = _compact(choices, CHOICE_KEYS), _compact(endings, ENDING_KEYS)
    return ReportData(learners=learners, grades=grades, answers=answers, choices=choices,
                      endings=endings, reflections=reflections, items=items,
                      assignments=assignments, anonymous=anonymous,
                      case_structure=structure, case_endings=case_endings,
                      problems=problems, sources=sources)


#: Columns with few distinct values, kept as categories (a tenth of the memory at council
#: scale, and faster grouping): compare, filter and group them as usual.
GRADE_KEYS = ("learner", "assignment", "item", "kind")
ANSWER_KEYS = ("learner", "source", "activity_kind", "activity_id", "item", "assignment")
CHOICE_KEYS = ("learner", "case_study", "node", "choice", "next", "source")
ENDING_KEYS = ("learner", "case_study", "ending", "source")


COMPACT_FROM = 10_000  # rows; smaller tables stay plain (simpler to work with by hand)


def _compact(frame: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """The key columns as categories from ``COMPACT_FROM`` rows, else plain (as text)."""
    if len(frame) < COMPACT_FROM:
        return frame.astype({k: frame[k].cat.categories.dtype for k in keys
                             if isinstance(frame[k].dtype, pd.CategoricalDtype)})
    return frame.astype({k: "category" for k in keys})


def _fill_next(choices: pd.DataFrame, endings: pd.DataFrame) -> pd.DataFrame:
    """Where the content does not say where a choice led: the next node chosen at in the
    same run, or the ending the run reached."""
    if choices.empty or choices["next"].notna().all():
        return choices
    choices = choices.reset_index(drop=True)
    run = ["learner", "case_study", "run", "source"]
    following = choices.groupby(run, sort=False)["node"].shift(-1)
    last = endings.drop_duplicates(run, keep="last").set_index(run)["ending"]
    reached = pd.Series([last.get(tuple(k)) for k in choices[run].itertuples(index=False)],
                        index=choices.index, dtype=object)
    choices["next"] = choices["next"].fillna(following).fillna(reached)
    return choices


def _learners(file: pd.DataFrame, students: pd.DataFrame, store_learners: list[dict],
              ids: dict[str, str], active: set[str]) -> pd.DataFrame:
    rows = {r.learner: {"learner": r.learner, "name": r.name, "team": r.team, "role": r.role,
                        "in_file": True, "in_gradebook": False, "in_store": False}
            for r in file.itertuples()}
    for r in students.itertuples():
        rows.setdefault(r.learner, {"learner": r.learner, "name": r.name, "team": NOT_GIVEN,
                                    "role": NOT_GIVEN, "in_file": False, "in_store": False})
        rows[r.learner]["in_gradebook"] = True
    for p in store_learners:
        ident = ids.get(p["store_name"], p["store_name"])
        if ident not in rows and p["store_role"] != "learner" and ident not in active:
            continue  # a trainer or lead who has done nothing a report counts
        rows.setdefault(ident, {"learner": ident, "name": p["store_name"], "team": NOT_GIVEN,
                                "role": NOT_GIVEN, "in_file": False, "in_gradebook": False})
        rows[ident]["in_store"] = True
    for ident in active - set(rows):  # e.g. graded but not in the student table
        rows[ident] = {"learner": ident, "name": ident, "team": NOT_GIVEN, "role": NOT_GIVEN,
                       "in_file": False, "in_gradebook": True, "in_store": False}
    return pd.DataFrame(list(rows.values()),
                        columns=[*LEARNER_COLUMNS, "in_file", "in_gradebook", "in_store"])
