"""A synthetic assessed course at council scale, in nbgrader's own schema (run by hand, or
imported by tests at a small size).

    PYTHONPATH=. .venv/bin/python benchmarks/synth_gradebook.py OUT [--learners 2000]
        [--assignments 10] [--cells 40] [--seed 13]

Writes, under OUT (which must not exist yet):

- ``course/``: an nbgrader course (``msp-learn course init``'s files, a ``course.yaml``) whose
  ``gradebook.db`` is made by ``nbgrader.api.Gradebook`` (so its tables are exactly those of
  the installed nbgrader) and then filled by bulk inserts through nbgrader's own table
  definitions. Half the assignments are myths (one ``test-myth-<id>`` cell per statement),
  half risk (``test-risk-<id>-likelihood``, ``-impact``, ``-level``), each with the six rubric
  task cells (``rubric-voice``, ...), as ``msp-learn course build`` makes them: at the default
  40 cells on average, 2,000 learners x 10 assignments give 800,000 grades. Scores follow
  a simple item-response model (learner ability, item difficulty), with partial credit on
  risk ratings, rubric cells marked by hand (some still waiting: ``needs_manual_grade``), a
  few manual overrides of autograded cells and a little extra credit. A further 5% of
  learners are on the roll (nbgrader's students, the learners file) but submitted nothing.
- ``store.sqlite``: the kit's store (``msp_learn.store``'s schema, made by ``Store``) with
  practice answers of the same size (as many events as grades): quiz answers with retries,
  case-study walks along the kit's real case studies, risk ratings. Every payload is made by
  the event records of ``msp_learn.events`` (``.payload()``).
- ``learners.csv``: ``id,name,team,role`` for everyone on the roll (fictional names).

Everything is drawn from one seeded generator: the same arguments give the same rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

RUBRIC = ("voice", "outcomes", "capacity", "proportionality", "partnership", "next-time")
RISK_POINTS = {"likelihood": 1.0, "impact": 1.0, "level": 2.0}
LEVELS = ("low", "medium", "high", "very-high")
CHUNK = 50_000

TEAMS = (  # (team, share of learners); the last is deliberately tiny (group suppression)
    ("Adult Social Care North", 0.16), ("Adult Social Care South", 0.15),
    ("Hospital Discharge", 0.12), ("Learning Disability", 0.11), ("Mental Health", 0.11),
    ("Safeguarding Hub", 0.09), ("Reablement", 0.08), ("Occupational Therapy", 0.07),
    ("Housing Support", 0.06), ("Commissioning", 0.05))
TINY_TEAM = "Out of Hours"
ROLES = (("Social worker", 0.35), ("Care coordinator", 0.2), ("Support worker", 0.2),
         ("Occupational therapist", 0.1), ("Nurse", 0.08), ("Team manager", 0.07))
FIRST = ("Amara", "Ben", "Chidi", "Dana", "Elif", "Femi", "Grace", "Hamza", "Ines", "Jonah",
         "Kiran", "Lena", "Malik", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sami", "Tara",
         "Uma", "Vik", "Wren", "Yusuf", "Zoe", "Siobhán", "Łucja", "Aoife")
LAST = ("Adeyemi", "Brook", "Castellano", "Dunmore", "Eastwood", "Farrow", "Gallagher",
        "Halloran", "Iqbal", "Jessop", "Kowalczyk", "Lindqvist", "Mbeki", "Northcote",
        "O'Rourke", "Pemberton", "Quarry", "Rahman", "Sandoval", "Thistlewood", "Umeh",
        "Varga", "Whitlock", "Yardley", "Zielinski")


@dataclass
class Cell:
    name: str
    item: str  # the content id (myth, risk scenario) or the rubric criterion
    kind: str  # "myth", "risk", "rubric"
    max_score: float
    difficulty: float
    field: str = ""  # risk: likelihood, impact or level


@dataclass
class AssignmentPlan:
    name: str
    kind: str  # "myths" or "risk"
    items: list[str]
    cells: list[Cell]
    duedate: datetime


@dataclass
class Synth:
    """What :func:`make` wrote, and how much."""

    root: Path
    course: Path
    gradebook: Path
    store_url: str
    learners_file: Path
    learners: int
    on_roll: int
    assignments: list[AssignmentPlan] = field(default_factory=list)
    grades: int = 0
    events: int = 0
    seconds: float = 0.0


def _uid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _pick(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _catalogue():
    from msp_learn.content import load_catalogue

    return load_catalogue(overlay=None)


def plan_assignments(n_assignments: int, cells: int, rng: random.Random,
                     catalogue) -> list[AssignmentPlan]:
    """Half myths, half risk, each with the rubric's six task cells. A myths assignment has
    ``cells - 5`` statements and a risk one ``(cells - 7) // 3`` scenarios, so that with
    40 cells the two average 40 (41 and 39)."""
    myths = [m.id for m in catalogue.items("myth")]
    risks = [r.id for r in catalogue.items("risk-scenario")]
    plans = []
    start = datetime(2026, 1, 16, 17, 0)
    for n in range(n_assignments):
        kind = "myths" if n % 2 == 0 else "risk"
        number = n // 2 + 1
        name = f"{kind}-{number}"
        grade_cells = []
        if kind == "myths":
            want = max(1, cells - 5)
            pool = myths[number % len(myths):] + myths[:number % len(myths)]
            items = (pool + [f"assessed-statement-{number}-{j}" for j in
                             range(max(0, want - len(pool)))])[:want]
            for ident in items:
                grade_cells.append(Cell(f"test-myth-{ident}", ident, "myth", 1.0,
                                        rng.gauss(-0.8, 1.0)))
        else:
            want = max(1, (cells - 7) // 3)
            pool = risks[number % len(risks):] + risks[:number % len(risks)]
            items = (pool + [f"assessed-situation-{number}-{j}" for j in
                             range(max(0, want - len(pool)))])[:want]
            for ident in items:
                difficulty = rng.gauss(-0.3, 0.8)
                for fld in ("likelihood", "impact", "level"):
                    grade_cells.append(Cell(f"test-risk-{ident}-{fld}", ident, "risk",
                                            RISK_POINTS[fld], difficulty + rng.gauss(0, 0.3),
                                            fld))
        for criterion in RUBRIC:
            grade_cells.append(Cell(f"rubric-{criterion}", criterion, "rubric", 2.0,
                                    rng.gauss(0.0, 0.6)))
        plans.append(AssignmentPlan(name, kind, items, grade_cells,
                                    start + timedelta(days=35 * n)))
    return plans


def _people(n: int, absent: int, rng: random.Random) -> list[dict]:
    """Everyone on the roll: the first ``n`` submit, the last ``absent`` do not."""
    people = []
    total = n + absent
    tiny = min(3, max(0, total // 200))  # a team under the report's minimum group size
    for i in range(total):
        team = TINY_TEAM if i >= total - tiny else _pick(rng, TEAMS)
        people.append({"id": f"p{i + 1:05d}",
                       "first": rng.choice(FIRST), "last": rng.choice(LAST),
                       "team": team, "role": _pick(rng, ROLES),
                       "ability": rng.gauss(0.0, 1.0)})
    return people


def _score(cell: Cell, ability: float, rng: random.Random) -> tuple:
    """(auto_score, manual_score, extra_credit, needs_manual) for one learner and cell."""
    if cell.kind == "myth":
        right = rng.random() < _sigmoid(1.3 * ability - cell.difficulty)
        auto = cell.max_score if right else 0.0
        manual = None
        if rng.random() < 0.004:  # an assessor overrode the autograder
            manual = cell.max_score - auto
        return auto, manual, None, False
    if cell.kind == "risk":
        p = _sigmoid(1.1 * ability - cell.difficulty)
        u = rng.random()
        share = 1.0 if u < p else 0.5 if u < p + (1 - p) * 0.6 else 0.0
        return share * cell.max_score, None, None, False
    # a rubric task cell: marked by hand (0, 1 or 2), or still waiting
    if rng.random() < 0.06:
        return None, None, None, True
    p = _sigmoid(0.9 * ability - cell.difficulty)
    manual = float(sum(rng.random() < p for _ in range(2)))
    extra = rng.choice((0.5, 1.0)) if rng.random() < 0.003 else None
    return None, manual, extra, False


def _gradebook_rows(plans, people, n_submit, rng, course_id) -> Iterator[tuple[str, list]]:
    """(table, rows) chunks for nbgrader's tables, in foreign-key order per chunk."""
    subs, nbs, grades, comments = [], [], [], []
    for plan in plans:
        for person in people[:n_submit]:
            late = rng.random() < 0.04
            when = plan.duedate - timedelta(hours=rng.uniform(1, 24 * 20)) if not late else \
                plan.duedate + timedelta(hours=rng.uniform(1, 72))
            sa, sn = _uid(rng), _uid(rng)
            subs.append({"id": sa, "assignment_id": plan.id, "student_id": person["id"],
                         "timestamp": when, "extension": None})
            nbs.append({"id": sn, "assignment_id": sa, "notebook_id": plan.notebook_id,
                        "flagged": False, "late_submission_penalty": 0.0})
            for cell in plan.cells:
                auto, manual, extra, needs = _score(cell, person["ability"], rng)
                grades.append({"id": _uid(rng), "notebook_id": sn, "cell_id": cell.id,
                               "auto_score": auto, "manual_score": manual,
                               "extra_credit": extra, "needs_manual_grade": needs})
                if cell.kind == "rubric":
                    text = None
                    if manual is not None and rng.random() < 0.3:
                        text = rng.choice(("Good: the person's own words lead the account.",
                                           "Say which decision you assessed capacity for.",
                                           "Make your next step specific: what, with whom, "
                                           "by when?"))
                    comments.append({"id": _uid(rng), "notebook_id": sn, "cell_id": cell.id,
                                     "auto_comment": None, "manual_comment": text})
            if len(grades) >= CHUNK:
                yield from (("submitted_assignment", subs), ("submitted_notebook", nbs),
                            ("grade", grades), ("comment", comments))
                subs, nbs, grades, comments = [], [], [], []
    yield from (("submitted_assignment", subs), ("submitted_notebook", nbs),
                ("grade", grades), ("comment", comments))


def make_gradebook(course: Path, plans, people, n_submit, rng, course_id: str) -> int:
    """Create ``course/gradebook.db`` with nbgrader's Gradebook, then bulk insert. Returns
    the number of grades."""
    from nbgrader.api import Base, Gradebook, GradeCell, SourceCell, TaskCell

    bindir = str(Path(sys.executable).parent)  # nbgrader runs `alembic heads` on a new db
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    db = course / "gradebook.db"
    with Gradebook(f"sqlite:///{db}", course_id=course_id) as gb:
        # the structure (a few hundred rows) as nbgrader's own records, in one commit
        for plan in plans:
            plan.id = _uid(rng)  # nbgrader's Assignment() ignores a given id: insert the row
            gb.db.execute(Base.metadata.tables["assignment"].insert().values(
                id=plan.id, name=plan.name, duedate=plan.duedate, course_id=course_id))
            nb = gb.add_notebook(plan.name, plan.name, id=_uid(rng))
            plan.notebook_id = nb.id
            for cell in plan.cells:
                kwargs = dict(id=_uid(rng), name=cell.name, notebook=nb,
                              max_score=cell.max_score)
                if cell.kind == "rubric":
                    record = TaskCell(cell_type="markdown", **kwargs)
                    source = f"### {cell.item}"
                else:
                    record = GradeCell(cell_type="code", **kwargs)
                    source = f"assessed.recorded({cell.kind!r}, {cell.item!r})"
                gb.db.add(record)
                gb.db.add(SourceCell(id=_uid(rng), name=cell.name, notebook=nb, source=source,
                                     locked=True,
                                     cell_type="markdown" if cell.kind == "rubric" else "code",
                                     checksum=f"{rng.getrandbits(256):064x}"))
                cell.record = record
        gb.db.commit()
        for plan in plans:
            for cell in plan.cells:
                cell.id = cell.record.id
        tables = Base.metadata.tables
        with gb.engine.begin() as conn:
            conn.execute(tables["student"].insert(), [
                {"id": p["id"], "first_name": p["first"], "last_name": p["last"],
                 "email": f"{p['id']}@council.example", "lms_user_id": None} for p in people])
        n = 0
        for table, rows in _gradebook_rows(plans, people, n_submit, rng, course_id):
            if not rows:
                continue
            with gb.engine.begin() as conn:
                conn.execute(tables[table].insert(), rows)
            if table == "grade":
                n += len(rows)
    return n


def _practice(person: dict, budget: int, catalogue, rng: random.Random,
              start: datetime) -> Iterator[tuple[str, str, object, datetime]]:
    """(activity_kind, activity_id, event, when) for one learner, ``budget`` events."""
    from msp_learn import events as E

    myths = catalogue.items("myth")
    cases = catalogue.items("case-study")
    risks = catalogue.items("risk-scenario")
    when = start + timedelta(days=rng.uniform(0, 300))
    made = 0
    ability = person["ability"]

    def tick():
        nonlocal when
        when += timedelta(seconds=rng.uniform(5, 90))
        return when

    while made < budget:
        what = rng.random()
        out: list[tuple[str, str, object]] = []
        if what < 0.3:  # the quiz, then the ones missed
            missed = []
            for m in myths:
                right = rng.random() < _sigmoid(1.2 * ability + 0.6)
                said = m.is_myth if right else not m.is_myth
                out.append(("quiz", "myths", E.QuizAnswered(item_id=m.id, said_myth=said,
                                                             is_correct=right)))
                if not right:
                    missed.append(m.id)
            if missed and rng.random() < 0.6:
                out.append(("quiz", "myths", E.RetriedMissed(attempt=2, items=tuple(missed))))
                for ident in missed:
                    m = next(x for x in myths if x.id == ident)
                    right = rng.random() < 0.8
                    out.append(("quiz", "myths", E.QuizAnswered(
                        attempt=2, item_id=ident, is_correct=right,
                        said_myth=m.is_myth if right else not m.is_myth)))
        elif what < 0.75:  # a case study walked from start to an ending
            case = rng.choice(cases)
            nodes = {n.id: n for n in case.nodes}
            node, taken = nodes[case.start], []
            out.append(("case-study", case.id, E.Started()))
            for _ in range(12):
                weights = [math.exp((len(c.honours) - 2 * len(c.breaks)) * (0.5 + 0.4 * ability))
                           for c in node.choices]
                choice = rng.choices(node.choices, weights)[0]
                taken.append(choice.id)
                out.append(("case-study", case.id, E.ChoiceMade(
                    node=node.id, choice=choice.id, honours=tuple(choice.honours),
                    breaks=tuple(choice.breaks))))
                if choice.next not in nodes:
                    out.append(("case-study", case.id, E.EndingReached(
                        ending=choice.next, choices=tuple(taken))))
                    break
                node = nodes[choice.next]
        else:  # a risk scenario rated and compared with the model answer
            s = rng.choice(risks)
            rating = {}
            for fld in ("likelihood", "impact"):
                key = getattr(s.factors, fld)
                off = 0 if rng.random() < _sigmoid(ability + 0.5) else rng.choice((-1, 1))
                rating[fld] = min(5, max(1, key + off))
                out.append(("risk-scenario", s.id, E.Edited(field_name=fld, value=rating[fld])))
            model = s.model_answer.level.replace(" ", "-")
            level = model if rng.random() < _sigmoid(ability + 0.3) else rng.choice(LEVELS)
            out.append(("risk-scenario", s.id, E.RiskAssessed(factors=rating, level=level)))
            out.append(("risk-scenario", s.id, E.RiskCompared(
                level=level, model_level=model, agreement=round(rng.random(), 2))))
        for kind, ident, event in out[:budget - made]:
            yield kind, ident, event, tick()
        made += min(len(out), budget - made)
        when += timedelta(days=rng.uniform(0.5, 12))


def make_store(url: str, people, n_events: int, catalogue, rng: random.Random) -> int:
    """Create the kit's store with ``Store`` (its migrations), then bulk insert learners and
    ``n_events`` practice events spread evenly over the learners."""
    from sqlalchemy import create_engine

    from msp_learn.events import event_name
    from msp_learn.identity import name_key
    from msp_learn.store import Store
    from msp_learn.store._schema import events, learners

    Store(url).close()
    engine = create_engine(url)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            conn.execute(learners.insert(), [
                {"id": i + 1, "name": p["id"], "name_key": name_key(p["id"]),
                 "created_at": start, "secret_hash": None, "role": "learner"}
                for i, p in enumerate(people)])
        per, extra = divmod(n_events, len(people)) if people else (0, 0)
        rows, n = [], 0
        for i, person in enumerate(people):
            budget = per + (1 if i < extra else 0)
            for kind, ident, event, when in _practice(person, budget, catalogue, rng, start):
                rows.append({"learner_id": i + 1, "activity_kind": kind,
                             "activity_id": ident, "event": event_name(event),
                             "payload": json.dumps(event.payload(), ensure_ascii=False),
                             "recorded_at": when, "key": _uid(rng)})
            if len(rows) >= CHUNK:
                with engine.begin() as conn:
                    conn.execute(events.insert(), rows)
                n += len(rows)
                rows = []
        if rows:
            with engine.begin() as conn:
                conn.execute(events.insert(), rows)
            n += len(rows)
    finally:
        engine.dispose()
    return n


def write_learners(path: Path, people) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "team", "role"])
        for p in people:
            out.writerow([p["id"], f"{p['first']} {p['last']}", p["team"], p["role"]])


def make(out: str | os.PathLike, *, learners: int = 2000, assignments: int = 10,
         cells: int = 40, seed: int = 13, absent: float = 0.05,
         events: int | None = None) -> Synth:
    """Write the synthetic course, store and learners file under ``out`` (a new folder).

    ``events`` (default: as many as grades) is the size of the practice store.
    """
    from msp_learn.grading import init_course

    t0 = time.perf_counter()
    root = Path(out)
    root.mkdir(parents=True, exist_ok=False)
    rng = random.Random(seed)
    catalogue = _catalogue()
    course = root / "course"
    course_id = "synth"
    init_course(course, course_id=course_id)
    plans = plan_assignments(assignments, cells, rng, catalogue)
    (course / "course.yaml").write_text(yaml.safe_dump({"course_id": course_id, "assignments": [
        {"id": p.name, "kind": p.kind, "title": p.name.replace("-", " ").capitalize(),
         "items": p.items} for p in plans]}, sort_keys=False), encoding="utf-8")
    n_absent = round(learners * absent)
    people = _people(learners, n_absent, rng)
    write_learners(root / "learners.csv", people)
    grades = make_gradebook(course, plans, people, learners, rng, course_id)
    url = f"sqlite:///{root / 'store.sqlite'}"
    n_events = make_store(url, people[:learners], grades if events is None else events,
                          catalogue, rng)
    return Synth(root, course, course / "gradebook.db", url, root / "learners.csv", learners,
                 len(people), plans, grades, n_events, time.perf_counter() - t0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="a new folder to write into")
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--assignments", type=int, default=10)
    parser.add_argument("--cells", type=int, default=40, help="graded cells per assignment "
                        "(on average)")
    parser.add_argument("--events", type=int, help="practice events (default: as many as "
                        "grades)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if Path(args.out).exists():
        print(f"{args.out} already exists: give a new folder", file=sys.stderr)
        return 2
    s = make(args.out, learners=args.learners, assignments=args.assignments, cells=args.cells,
             seed=args.seed, events=args.events)
    print(f"{s.grades} grades ({s.learners} learners submitting, {s.on_roll} on the roll, "
          f"{len(s.assignments)} assignments), {s.events} practice events in {s.seconds:.1f} s")
    print(f"course {s.course}\nstore {s.store_url}\nlearners {s.learners_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
