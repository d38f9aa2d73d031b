"""The store's crash harness: writer processes killed with SIGKILL at random moments and
restarted, a reader running throughout, then a count of what was lost, duplicated or
half-written. Used by tests/unit/test_store_crash.py (small) and
benchmarks/bench_store_crash.py (full).

Each writer stands for one learner's page answering a quiz: answer ``i`` carries an
idempotency key made before it is sent (the parent makes them all up front), and each answer
is one :meth:`Store.commit` of an event and the new state with a version check. After a write
returns the writer appends an acknowledgement line to its own file. A writer that is killed
is restarted from its last acknowledged answer, so the answer in flight is sent again with the
same key: if it had been committed before the kill, the store must say ``duplicate``.

Besides the parent's random SIGKILLs, some launches kill themselves at the two moments random
kills rarely hit: between writing the event and committing (``mid``: nothing may be kept), and
after the commit but before the acknowledgement (``after-commit``: the resend must be a
duplicate).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import statistics
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select, text

from msp_learn.store import Store, _schema

KIND = "quiz"
PAD = "Reflection text with odd characters: <b>&amp;</b> 'quotes' \u00e9\u0301 \u202e. " * 4
MID, AFTER_COMMIT = "mid", "after-commit"


def learner_of(writer: int) -> str:
    """Two writers share each learner (two tabs), each answering its own activity."""
    return f"learner-{writer // 2}"


def activity_of(writer: int) -> str:
    return f"crash-quiz-{writer}"


# the writer process

def _die_mid_transaction(store: Store, when: dict[str, int | None]) -> None:
    """SIGKILL this process right after the state is written, before the commit, when the
    answer being written is ``when["answer"]``."""

    def after_execute(conn, clause, *args: Any) -> None:
        if getattr(clause, "table", None) is _schema.progress and when["answer"] == when["now"]:
            _note(when["notes"], f"{MID} {when['now']}")
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(store._engine, "after_execute", after_execute)


def _note(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (line + "\n").encode())
    os.close(fd)


def writer(url: str, number: int, keys: list[str], start: int, folder: str,
           suicide: tuple[int, str] | None, plain: bool, pause: float, queue: bool) -> None:
    """Send answers ``start..`` for writer ``number``, acknowledging each one that returns,
    with a pause of ``uniform(0, 2 * pause)`` seconds (the learner thinking) before each."""
    acks = f"{folder}/acks-{number}"
    try:
        store = Store(url)
        if not queue:
            store._queue = None  # SQLite's busy handler alone, as before the writer queue
        learner, activity = learner_of(number), activity_of(number)
        state, version = store.load_state(learner, activity_kind=KIND, activity_id=activity)
        answers = state["answers"] if state else []
        when: dict[str, Any] = {"answer": None, "now": None, "notes": f"{folder}/notes-{number}"}
        if suicide and suicide[1] == MID:
            when["answer"] = suicide[0]
            _die_mid_transaction(store, when)
        fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        thinking = random.Random(f"{number}-{start}")
        for i in range(start, len(keys)):
            time.sleep(thinking.uniform(0, 2 * pause))
            when["now"] = i
            payload = {"writer": number, "answer": i, "text": PAD}
            began = time.perf_counter()
            if plain:
                store.record(learner, activity_kind=KIND, activity_id=activity, event="answer",
                             payload=payload)
                duplicate, version = False, i + 1
            else:
                done = store.commit(learner, activity_kind=KIND, activity_id=activity,
                                    event="answer", payload=payload, key=keys[i],
                                    state={"answers": [*answers[:i], i], "last_key": keys[i]},
                                    expected_version=version)
                duplicate, version = done.duplicate, done.version
            latency = time.perf_counter() - began
            answers = [*answers[:i], i]
            if suicide == (i, AFTER_COMMIT):
                _note(when["notes"], f"{AFTER_COMMIT} {i}")
                os.kill(os.getpid(), signal.SIGKILL)
            # one write() of a short line: a kill leaves the line whole or absent
            os.write(fd, f"{i} {int(duplicate)} {version} {latency:.6f}\n".encode())
        os.close(fd)
        store.close()
    except BaseException:
        _note(f"{folder}/errors-{number}", traceback.format_exc().replace("\n", "\n  "))
        raise


# the reader process

def reader(url: str, writers: int, folder: str, stop) -> None:
    """Read every writer's state and events until ``stop`` is set, checking that what any
    read sees is whole: the events of an activity are answers 0..n-1 once each, and its state
    lists a prefix of them. Writes a JSON summary to ``folder/reader.json``."""
    reads, errors, violations = 0, [], []
    store = None
    while not stop.is_set():
        try:
            store = store or Store(url)
            for number in range(writers):
                where = dict(activity_kind=KIND, activity_id=activity_of(number))
                if store.find_learner(learner_of(number)) is None:
                    continue
                state, version = store.load_state(learner_of(number), **where)
                seen = [e.payload["answer"] for e in store.events(learner_of(number), **where)]
                answered = state["answers"] if state else []
                if seen != list(range(len(seen))) or answered != seen[:len(answered)] or (
                        version != len(answered)):
                    violations.append(f"writer {number}: state {answered} v{version}, "
                                      f"events {seen}")
                reads += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
            time.sleep(0.05)
    Path(folder, "reader.json").write_text(json.dumps(
        {"reads": reads, "errors": errors, "violations": violations[:20]}))


# the run

@dataclass
class Report:
    """What a crash run did and found."""

    database: str
    writers: int
    answers: int
    acknowledged: int = 0
    rows: int = 0
    lost: int = 0
    duplicated: int = 0
    half_written: int = 0
    kills: Counter = field(default_factory=Counter)
    restarts: int = 0
    resent_duplicates: int = 0
    reader_reads: int = 0
    reader_errors: list[str] = field(default_factory=list)
    reader_violations: list[str] = field(default_factory=list)
    writer_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    integrity: str = ""
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile write latency in seconds."""
        if not self.latencies:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] \
            if len(self.latencies) > 1 else self.latencies[0]

    @property
    def ok(self) -> bool:
        return (self.lost == 0 and self.duplicated == 0 and self.half_written == 0
                and not self.problems and not self.writer_errors and not self.reader_errors
                and not self.reader_violations and self.integrity == "ok"
                and self.acknowledged == self.writers * self.answers)

    def summary(self) -> str:
        kills = ", ".join(f"{k} {v}" for k, v in sorted(self.kills.items())) or "none"
        return (f"{self.database}: {self.writers} writers x {self.answers} answers in "
                f"{self.seconds:.1f} s; acknowledged {self.acknowledged}, rows {self.rows}, "
                f"lost {self.lost}, duplicated {self.duplicated}, half-written "
                f"{self.half_written}; kills: {kills}; restarts {self.restarts}, resends "
                f"found already written {self.resent_duplicates}; reader: {self.reader_reads} "
                f"reads, {len(self.reader_errors)} errors, {len(self.reader_violations)} torn "
                f"reads; integrity {self.integrity}; write latency p50 "
                f"{1000 * self.percentile(50):.1f} ms, p95 {1000 * self.percentile(95):.1f} ms")


def _last_ack(path: Path) -> list[tuple[int, bool, int, float]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        i, dup, version, latency = line.split()
        rows.append((int(i), dup == "1", int(version), float(latency)))
    return rows


def run(url: str, folder: Path, *, writers: int, answers: int, kills: int = 0,
        self_kills: int = 0, seed: int = 0, plain: bool = False, kill_gap: float = 0.3,
        pause: float = 0.0, queue: bool = True, timeout: float = 600) -> Report:
    """Run ``writers`` writer processes of ``answers`` answers each against ``url``.

    Args:
        kills: SIGKILLs the parent sends, one every ``uniform(0, 2 * kill_gap)`` seconds, to
            a random running writer.
        self_kills: launches that kill themselves mid-transaction, and as many again that
            kill themselves after the commit but before acknowledging it.
        pause: each writer's mean pause before an answer, in seconds.
        queue: False turns off SQLite's writer queue in the writers (a baseline).
        plain: write with ``Store.record`` (a plain insert: no key, no state, no version
            check) instead of ``Store.commit``; a baseline for the commit logic's cost.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    report = Report(make_url_name(url), writers, answers)
    Store(url).close()  # migrate once, before the crowd
    keys = [[uuid.uuid4().hex for _ in range(answers)] for _ in range(writers)]
    plans: dict[int, list[tuple[int, str]]] = {w: [] for w in range(writers)}
    if not plain:
        for mode in (MID, AFTER_COMMIT):
            for _ in range(self_kills):
                plans[rng.randrange(writers)].append((rng.randrange(answers), mode))
    for plan in plans.values():
        plan.sort()

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    stop = context.Event()
    watcher = context.Process(target=reader, args=(url, writers, str(folder), stop))
    began = time.monotonic()
    watcher.start()

    def launch(number: int) -> multiprocessing.Process:
        acked = _last_ack(folder / f"acks-{number}")
        start = acked[-1][0] + 1 if acked else 0
        notes = folder / f"notes-{number}"
        done = {(int(i), mode) for mode, i in (line.split() for line in (
            notes.read_text().splitlines() if notes.exists() else []))}
        pending = [p for p in plans[number] if p[0] >= start and p not in done]
        process = context.Process(target=writer, args=(
            url, number, keys[number], start, str(folder), pending[0] if pending else None,
            plain, pause, queue))
        process.start()
        return process

    running = {w: launch(w) for w in range(writers)}
    next_kill = time.monotonic() + rng.uniform(0, 2 * kill_gap)
    try:
        while running:
            if time.monotonic() - began > timeout:
                report.problems.append(f"timed out after {timeout:.0f} s with writers "
                                       f"{sorted(running)} still running")
                break
            if report.kills["external"] < kills and time.monotonic() >= next_kill:
                number = rng.choice(sorted(running))
                running[number].kill()
                report.kills["external"] += 1
                next_kill = time.monotonic() + rng.uniform(0, 2 * kill_gap)
            for number, process in list(running.items()):
                if process.is_alive():
                    continue
                process.join()
                if process.exitcode == 0:
                    del running[number]
                elif process.exitcode == -signal.SIGKILL:
                    report.restarts += 1
                    running[number] = launch(number)
                else:
                    report.problems.append(f"writer {number} exited with {process.exitcode}")
                    del running[number]
            time.sleep(0.01)
    finally:
        for process in running.values():
            process.kill()
            process.join()
        stop.set()
        watcher.join(timeout=60)
        if watcher.is_alive():
            watcher.kill()
            report.problems.append("the reader did not stop")
    report.seconds = time.monotonic() - began
    _check(url, folder, keys, report, plain)
    return report


def make_url_name(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def _check(url: str, folder: Path, keys: list[list[str]], report: Report, plain: bool) -> None:
    """Count what was acknowledged, lost, duplicated and half-written."""
    watched = folder / "reader.json"
    if watched.exists():
        seen = json.loads(watched.read_text())
        report.reader_reads = seen["reads"]
        report.reader_errors = seen["errors"]
        report.reader_violations = seen["violations"]
    else:
        report.problems.append("the reader wrote no summary")
    for path in sorted(folder.glob("errors-*")):
        report.writer_errors.append(path.read_text()[-1500:])

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(_schema.events.c.payload, _schema.events.c.key)
            .where(_schema.events.c.activity_kind == KIND).order_by(_schema.events.c.id)).all()
        states = {row.activity_id: row for row in conn.execute(
            select(_schema.progress.c.activity_id, _schema.progress.c.state,
                   _schema.progress.c.version))}
        report.integrity = _integrity(conn)
    engine.dispose()
    report.rows = len(rows)

    by_writer: dict[int, list[tuple[int, str | None]]] = {}
    for row in rows:
        payload = json.loads(row.payload)
        by_writer.setdefault(payload["writer"], []).append((payload["answer"], row.key))
    key_counts = Counter(row.key for row in rows if row.key is not None)
    for number, own_keys in enumerate(keys):
        acked = _last_ack(folder / f"acks-{number}")
        report.acknowledged += len(acked)
        report.latencies += [latency for *_, latency in acked]
        written = by_writer.get(number, [])
        answers = Counter(i for i, _ in written)
        report.duplicated += sum(n - 1 for n in answers.values() if n > 1)
        for i, _dup, version, _ in acked:
            if answers[i] == 0:
                report.lost += 1
            if not plain and version != i + 1:
                report.problems.append(f"writer {number} answer {i} acknowledged version "
                                       f"{version}, not {i + 1}")
        if [i for i, *_ in acked] != list(range(len(acked))):
            report.problems.append(f"writer {number} acknowledged {[i for i, *_ in acked]}")
        if plain:
            continue
        report.duplicated += sum(key_counts[k] - 1 for k in own_keys if key_counts[k] > 1)
        if any(key != own_keys[i] for i, key in written):
            report.problems.append(f"writer {number}: an event carries the wrong key")
        state = states.get(activity_of(number))
        saved = json.loads(state.state) if state else {"answers": []}
        if (saved["answers"] != [i for i, _ in written] or (state and state.version)
                != len(written) or (written and saved["last_key"] != written[-1][1])):
            report.half_written += 1
        _check_self_kills(folder, number, acked, report)


def _check_self_kills(folder: Path, number: int, acked: list, report: Report) -> None:
    """A resend after an ``after-commit`` kill must be a duplicate; after a ``mid`` kill it
    must not be (nothing was kept)."""
    notes = folder / f"notes-{number}"
    if not notes.exists():
        return
    duplicates = {i for i, dup, *_ in acked if dup}
    for line in notes.read_text().splitlines():
        mode, answer = line.split()
        report.kills[mode] += 1
        if (int(answer) in duplicates) != (mode == AFTER_COMMIT):
            report.problems.append(f"writer {number}: the resend of answer {answer} after a "
                                   f"'{mode}' kill was {'' if mode == MID else 'not '}"
                                   "reported as a duplicate")
    report.resent_duplicates += len(duplicates)


def _integrity(conn) -> str:
    """SQLite's ``PRAGMA integrity_check``; on PostgreSQL, amcheck over the store's indexes."""
    if conn.dialect.name == "sqlite":
        return ", ".join(r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check"))
    try:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = conn.scalars(text(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE a.amname = 'btree' AND t.relname = ANY(:tables)"),
            {"tables": [t.name for t in _schema.metadata.sorted_tables]}).all()
        for oid in indexes:
            conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        conn.commit()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, and it fails the run
        return f"amcheck failed: {exc}"[:300]
