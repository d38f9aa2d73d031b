"""Tests of the storage layer: learners, events, progress, reflections, forgetting, migrations.

Every test taking ``url`` or ``store`` runs on SQLite and on a real PostgreSQL (a throwaway
cluster, a fresh database per test: the ``pg_url`` fixture in tests/conftest.py).
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import multiprocessing
import sqlite3
import threading
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from msp_learn.store import (
    STEPS,
    Commit,
    NotFoundError,
    SchemaTooNewError,
    StaleVersionError,
    Step,
    Store,
    _schema,
    current_version,
    default_url,
    migrate,
)
from tests import pg

ODD_TEXT = ("<script>alert('x')</script> & \"quotes\" 'single' \\ `tick` *star* # hash\n"
            "emoji 👩🏽‍⚕️ RTL مرحبا combining e\u0301 NUL\x00 bell\x07 tab\t\r\nend")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, monkeypatch):
    """A fresh, empty database URL."""
    monkeypatch.setenv("MSP_LEARN_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("MSP_LEARN_DB", raising=False)
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def store(url):
    with Store(url) as opened:
        yield opened


def _versions(url: str) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = list(conn.scalars(select(_schema.schema_versions.c.version)))
    engine.dispose()
    return versions


# opening

def test_default_url_uses_the_data_dir(tmp_path, monkeypatch):
    """Does the default store live in MSP_LEARN_DATA, creating the folder?"""
    data = tmp_path / "nested" / "data"
    monkeypatch.setenv("MSP_LEARN_DATA", str(data))
    monkeypatch.delenv("MSP_LEARN_DB", raising=False)
    with Store() as store:
        store.learner("amir")
        assert store.url == f"sqlite:///{data / 'msp_learn.sqlite'}"
    assert (data / "msp_learn.sqlite").is_file()


def test_msp_learn_db_wins_and_home_is_the_fallback(tmp_path, monkeypatch):
    """Does MSP_LEARN_DB override the data dir, and is ~/.local/share the last resort?"""
    monkeypatch.setenv("MSP_LEARN_DB", "sqlite:///elsewhere.sqlite")
    assert default_url() == "sqlite:///elsewhere.sqlite"
    monkeypatch.delenv("MSP_LEARN_DB")
    monkeypatch.delenv("MSP_LEARN_DATA", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/.local/share/msp_learn/msp_learn.sqlite"


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    """Is a SQLite store in WAL mode with foreign keys on and a busy timeout?"""
    path = tmp_path / "s.sqlite"
    with Store(f"sqlite:///{path}") as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_create_false_does_not_make_a_database(tmp_path):
    """Does create=False refuse a missing SQLite file instead of creating one?"""
    with pytest.raises(FileNotFoundError, match="no learner database"):
        Store(f"sqlite:///{tmp_path / 'missing.sqlite'}", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_writes_are_visible_to_another_store_at_once(url):
    """Is each write committed when made, so a second open store sees it without a close?"""
    first, second = Store(url), Store(url)
    try:
        first.record("amir", activity_kind="myth", activity_id="m1", event="answer",
                     payload={"verdict": "myth"})
        first.save_progress("amir", activity_kind="myth", activity_id="m1", state={"n": 1})
        assert [e.payload for e in second.events("amir")] == [{"verdict": "myth"}]
        assert second.load_progress("amir", activity_kind="myth", activity_id="m1") == {"n": 1}
    finally:
        first.close()
        second.close()


# learners

def test_learner_is_got_or_created_by_name(store):
    """Do ' Amir ', 'amir' and 'AMIR' name one learner, keeping the first spelling?"""
    amir = store.learner(" Amir ")
    assert amir.name == "Amir"
    assert store.learner("amir") == amir == store.learner("AMIR")
    assert store.learner("Bea").id != amir.id
    assert amir.created_at.tzinfo == UTC
    assert [learner.name for learner in store.learners()] == ["Amir", "Bea"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        amir.name = "changed"


@pytest.mark.parametrize("bad, message", [
    ("", "cannot be empty"), ("   ", "cannot be empty"), ("x" * 81, "at most 80"),
    ("a\x00b", "control characters"), (None, "must be text")])
def test_bad_learner_names_are_refused(store, bad, message):
    """Is an empty, over-long or control-character name refused with a clear message?"""
    with pytest.raises(ValueError, match=message):
        store.learner(bad)
    assert store.learners() == []


def test_an_eighty_character_unicode_name_is_kept(store):
    """Is a name of exactly 80 characters, with non-ASCII letters, stored as given?"""
    name = "Zoë Ōkubo-Ngũgĩ " + "é" * 64
    assert len(name) == 80
    assert store.learner(name).name == name
    assert store.find_learner(name.upper()).name == name
    strasse = "ß" * 80  # casefolds to 160 characters
    assert store.learner(strasse) == store.find_learner("\u1e9e" * 80)  # capital sharp s


# the event log

def test_events_come_back_in_order_and_filter(store):
    """Are events returned in recording order, filtered by learner and activity?"""
    for i in range(3):
        store.record("amir", activity_kind="case-study", activity_id="khan", event="choice",
                     payload={"choice": f"c{i}"})
    store.record("bea", activity_kind="myth", activity_id="m1", event="answer",
                 payload={"verdict": "reality"})
    store.record("amir", activity_kind="myth", activity_id="m1", event="answer", payload={})
    everything = store.events()
    assert [(e.learner, e.activity_id) for e in everything] == [
        ("amir", "khan")] * 3 + [("bea", "m1"), ("amir", "m1")]
    assert [e.payload["choice"] for e in store.events("amir", activity_kind="case-study")] == [
        "c0", "c1", "c2"]
    assert [e.learner for e in store.events(activity_id="m1")] == ["bea", "amir"]
    assert store.events("nobody") == []
    assert all(e.recorded_at.tzinfo == UTC for e in everything)
    assert everything == sorted(everything, key=lambda e: e.id)


def test_odd_and_long_text_is_stored_faithfully(store):
    """Do unicode, HTML, NUL bytes, CRLF and 100 kB answers come back exactly as given?"""
    long = ("Ω≈ç√∫ <b>" * 12_500)[:100_000]
    payload = {"answer": ODD_TEXT, "long": long, "nested": {"list": [ODD_TEXT, 1, 2.5, None,
                                                                     True]}}
    store.record("amir", activity_kind="case-study", activity_id="khan", event="reflection",
                 payload=payload)
    store.save_progress("amir", activity_kind="case-study", activity_id="khan", state=payload)
    rid = store.save_reflection("amir", activity_kind="case-study", activity_id="khan",
                                prompt_set="gibbs", answers={"description": ODD_TEXT,
                                                             "analysis": long},
                                context={"ending": ODD_TEXT})
    assert store.events("amir")[0].payload == payload
    assert store.load_progress("amir", activity_kind="case-study", activity_id="khan") == payload
    (reflection,) = store.reflections("amir")
    assert (reflection.id, reflection.answers, reflection.context) == (
        rid, {"description": ODD_TEXT, "analysis": long}, {"ending": ODD_TEXT})


@pytest.mark.parametrize("payload, message", [
    ({"text": "lone surrogate \ud800"}, "cannot be stored"),
    ({1: "int key"}, "not text"),
    ({"nested": [{2: "x"}]}, "not text"),
    ({"score": float("nan")}, "cannot be stored"),
    ({"choices": {"a", "b"}}, "cannot be stored"),
    ({"huge": "x" * 2_000_001}, "too large"),
    (["not", "a", "dict"], "must be a dict")])
def test_unstorable_payloads_are_refused_not_mangled(store, payload, message):
    """Is a payload that cannot round-trip refused with a ValueError, writing nothing?"""
    with pytest.raises(ValueError, match=message):
        store.record("amir", activity_kind="myth", activity_id="m1", event="answer",
                     payload=payload)
    with pytest.raises(ValueError, match=message):
        store.save_progress("amir", activity_kind="myth", activity_id="m1", state=payload)
    assert store.events() == [] and store.progress("amir") == []


def test_bad_identifiers_are_refused(store):
    """Are empty or non-text activity ids and event names refused?"""
    with pytest.raises(ValueError, match="activity_id"):
        store.record("amir", activity_kind="myth", activity_id="", event="answer", payload={})
    with pytest.raises(ValueError, match="event"):
        store.record("amir", activity_kind="myth", activity_id="m", event=None, payload={})
    with pytest.raises(ValueError, match="answer to 'q1' must be text"):
        store.save_reflection("amir", activity_kind="myth", activity_id="m", prompt_set="p",
                              answers={"q1": 3}, context={})


# progress

def test_progress_is_upserted_and_marks_completion(store):
    """Does saving progress replace the last state, and does "completed": true mark it done?"""
    kw = dict(activity_kind="case-study", activity_id="khan")
    assert store.load_progress("amir", **kw) is None
    store.save_progress("amir", **kw, state={"choices": ["a"]})
    store.save_progress("amir", activity_kind="myth", activity_id="m1", state={"answers": {}})
    store.save_progress("amir", **kw, state={"choices": ["a", "b"], "completed": True})
    assert store.load_progress("amir", **kw) == {"choices": ["a", "b"], "completed": True}
    saved = store.progress("amir")
    assert [(p.activity_id, p.completed) for p in saved] == [("khan", True), ("m1", False)]
    assert store.progress("bea") == [] and store.load_progress("bea", **kw) is None


def test_tuples_come_back_as_lists(store):
    """Is a tuple of choice ids (as the engine returns) saved, coming back as a list?"""
    store.save_progress("amir", activity_kind="case-study", activity_id="khan",
                        state={"choices": ("a", "b")})
    assert store.load_progress("amir", activity_kind="case-study", activity_id="khan") == {
        "choices": ["a", "b"]}


# reflections

def test_editing_a_reflection_keeps_every_earlier_version(store):
    """Does an edit replace only the answers given, keeping the old version as a revision?"""
    rid = store.save_reflection("amir", activity_kind="case-study", activity_id="khan",
                                prompt_set="gibbs", answers={"description": "first draft",
                                                             "feelings": "worried"},
                                context={"ending": "safe-at-home", "choices": ["a", "b"]})
    store.update_reflection("amir", rid, answers={"description": "second draft"})
    store.update_reflection("amir", rid, answers={"description": "second draft"})  # no change
    store.update_reflection("Amir", rid, answers={"analysis": "new"}, context={"ending": "x"})
    (current,) = store.reflections("amir")
    assert current.answers == {"description": "second draft", "feelings": "worried",
                               "analysis": "new"}
    assert current.context == {"ending": "x"}
    assert current.updated_at >= current.created_at
    history = store.revisions("amir", rid)
    assert [h.answers["description"] for h in history] == ["first draft", "second draft"]
    assert history[0].context == {"ending": "safe-at-home", "choices": ["a", "b"]}


def test_a_learner_cannot_edit_another_learners_reflection(store):
    """Is editing someone else's (or a missing) reflection refused, leaving it untouched?"""
    rid = store.save_reflection("amir", activity_kind="myth", activity_id="m1",
                                prompt_set="what-so-what-now-what", answers={"what": "mine"})
    with pytest.raises(NotFoundError):
        store.update_reflection("bea", rid, answers={"what": "hers"})
    with pytest.raises(NotFoundError):
        store.update_reflection("amir", rid + 1, answers={"what": "?"})
    assert store.reflections("amir")[0].answers == {"what": "mine"}
    assert store.revisions("bea", rid) == []


# forgetting

def _fill(store, name):
    store.record(name, activity_kind="myth", activity_id="m1", event="answer", payload={})
    store.record(name, activity_kind="myth", activity_id="m2", event="answer", payload={})
    store.save_progress(name, activity_kind="myth", activity_id="m1", state={"completed": True})
    rid = store.save_reflection(name, activity_kind="myth", activity_id="m1", prompt_set="p",
                                answers={"q": "a"})
    store.update_reflection(name, rid, answers={"q": "b"})


def test_forget_deletes_everything_about_one_learner_only(store):
    """Does forget delete all of a learner's rows, report counts, and spare others?"""
    _fill(store, "amir")
    _fill(store, "bea")
    expected = {"learners": 1, "events": 2, "progress": 1, "reflections": 1,
                "reflection_revisions": 1}
    assert store.held("AMIR") == expected
    assert store.forget(" amir ") == expected
    assert store.held("amir") == dict.fromkeys(expected, 0)
    assert store.find_learner("amir") is None
    assert {e.learner for e in store.events()} == {"bea"}
    assert store.held("bea") == expected
    assert store.forget("amir") == dict.fromkeys(expected, 0)
    assert store.forget("never-seen") == dict.fromkeys(expected, 0)


def test_a_forgotten_learner_object_cannot_be_written_to(store):
    """Does writing with a stale Learner after forget fail clearly instead of orphaning data?"""
    amir = store.learner("amir")
    store.forget("amir")
    with pytest.raises(NotFoundError, match="forgotten"):
        store.record(amir, activity_kind="myth", activity_id="m1", event="answer", payload={})
    assert store.events() == []


def test_forget_leaves_no_text_in_the_sqlite_files(tmp_path):
    """After forget, is the learner's text gone from the SQLite database and WAL files?"""
    path = tmp_path / "s.sqlite"
    with Store(f"sqlite:///{path}") as store:
        store.save_reflection("amir", activity_kind="myth", activity_id="m1", prompt_set="p",
                              answers={"q": "SECRET-DISCLOSURE-TEXT"})
        store.forget("amir")
        leftovers = [p for p in tmp_path.iterdir() if b"SECRET-DISCLOSURE" in p.read_bytes()]
    assert leftovers == []


# migrations

def test_a_new_database_is_stamped_at_the_latest_version(url):
    """Is a new database created at the last step's version, once, however often opened?"""
    Store(url).close()
    Store(url).close()
    assert _versions(url) == [STEPS[-1].version]


def test_later_steps_are_applied_once_in_order(url):
    """Are steps newer than the database applied in order, and never again?"""
    Store(url).close()
    applied = []
    n = STEPS[-1].version
    steps = (*STEPS, Step(n + 1, "next", lambda conn: applied.append(n + 1)),
             Step(n + 2, "after", lambda conn: applied.append(n + 2)))
    engine = create_engine(url)
    for _ in range(2):
        with engine.begin() as conn:
            assert migrate(conn, steps) == n + 2
    with engine.connect() as conn:
        assert current_version(conn) == n + 2
    engine.dispose()
    assert applied == [n + 1, n + 2]
    assert _versions(url) == [n, n + 1, n + 2]


def test_a_newer_database_is_refused(url):
    """Does opening a database written by a newer msp_learn fail with a clear message?"""
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        migrate(conn, (*STEPS, Step(99, "future", lambda conn: None)))
    engine.dispose()
    with pytest.raises(SchemaTooNewError, match="upgrade msp_learn"):
        Store(url)


# concurrency

EVENTS_PER_WORKER = 250
WORKERS = 4


def _worker(url: str, worker: int, barrier, failures) -> None:
    try:
        _work(url, worker, barrier)
    except BaseException:
        failures.put(traceback.format_exc())
        raise


def _work(url: str, worker: int, barrier) -> None:
    barrier.wait()  # every process opens the (possibly new) database at the same moment
    with Store(url) as store:
        own, shared = store.learner(f"worker-{worker}"), store.learner("shared")
        for i in range(EVENTS_PER_WORKER):
            store.record(own, activity_kind="case-study", activity_id="khan", event="choice",
                         payload={"worker": worker, "i": i, "text": ODD_TEXT})
            store.record(shared, activity_kind="myth", activity_id=f"m{worker}",
                         event="answer", payload={"worker": worker, "i": i})
            store.save_progress(own, activity_kind="case-study", activity_id="khan",
                                state={"choices": list(range(i + 1)), "worker": worker})
            store.save_progress(shared, activity_kind="myth", activity_id="shared-state",
                                state={"worker": worker, "i": i})


def test_concurrent_processes_lose_and_corrupt_nothing(url):
    """Do several processes writing at once keep every event exactly once, states intact?"""
    context = multiprocessing.get_context("spawn")
    barrier, failures = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=_worker, args=(url, w, barrier, failures))
                 for w in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert failures.empty(), failures.get()
    assert [p.exitcode for p in processes] == [0] * WORKERS

    with Store(url) as store:
        assert len(store.learners()) == WORKERS + 1
        events = store.events()
        assert len(events) == 2 * WORKERS * EVENTS_PER_WORKER
        seen = [(e.learner, e.payload["worker"], e.payload["i"]) for e in events]
        assert len(set(seen)) == len(seen)
        for w in range(WORKERS):
            own = store.events(f"worker-{w}")
            assert [e.payload["i"] for e in own] == list(range(EVENTS_PER_WORKER))
            assert all(e.payload == {"worker": w, "i": e.payload["i"], "text": ODD_TEXT}
                       for e in own)
            assert store.load_progress(f"worker-{w}", activity_kind="case-study",
                                       activity_id="khan") == {
                "choices": list(range(EVENTS_PER_WORKER)), "worker": w}
            assert [e.payload["i"] for e in store.events("shared", activity_id=f"m{w}")] == list(
                range(EVENTS_PER_WORKER))
        shared = store.load_progress("shared", activity_kind="myth", activity_id="shared-state")
        assert shared["i"] == EVENTS_PER_WORKER - 1 and shared["worker"] in range(WORKERS)
        assert len(store.progress("shared")) == 1
    assert _versions(url) == [STEPS[-1].version]


def test_unique_names_do_not_collide(store):
    """Do many distinct pseudonyms each get their own learner?"""
    names = [uuid.uuid4().hex for _ in range(50)]
    ids = {store.learner(n).id for n in names}
    assert len(ids) == 50
    with store._engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(_schema.learners)) == 50


# commit: one event and the new state in one transaction, with keys and versions

def test_commit_records_a_retried_answer_once(url):
    """Is an answer sent twice with the same key recorded once, the second call told so?"""
    with Store(url) as store:
        args = dict(activity_kind="quiz", activity_id="myths", event="quiz-answered",
                    payload={"item": "m1"}, state={"answers": {"m1": "myth"}}, key="k-1")
        first = store.commit("ann", expected_version=0, **args)
        again = store.commit("ann", expected_version=0, **args)
        assert (first.version, first.duplicate) == (1, False)
        assert (again.version, again.duplicate) == (1, True)
        assert len(store.events("ann")) == 1


def test_commit_from_a_stale_page_is_refused_and_writes_nothing(url):
    """Does a write based on an older version raise StaleVersionError and leave all as it was?"""
    with Store(url) as store:
        where = dict(activity_kind="quiz", activity_id="myths")
        store.commit("ann", event="e", payload={}, state={"n": 1}, expected_version=0, **where)
        with pytest.raises(StaleVersionError, match="changed elsewhere"):
            store.commit("ann", event="e", payload={}, state={"n": 2}, expected_version=0,
                         **where)
        assert store.load_state("ann", **where) == ({"n": 1}, 1)
        assert len(store.events("ann")) == 1
        store.save_progress("ann", state={"n": 3}, **where)
        assert store.load_state("ann", **where) == ({"n": 3}, 2)
        assert store.load_state("nobody", **where) == (None, 0)


# migrating a real version-1 database

def _version_1_tables() -> MetaData:
    """The tables as msp_learn's schema version 1 created them (no events.key, no
    progress.version), frozen here so later edits to the live definitions do not change them."""
    meta = MetaData(naming_convention=_schema.NAMING)

    def when(name):
        return Column(name, DateTime(timezone=True), nullable=False)

    def owner():
        return Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"),
                      nullable=False)

    def activity():
        return [Column("activity_kind", String(200), nullable=False),
                Column("activity_id", String(200), nullable=False)]

    Table("learners", meta, Column("id", Integer, primary_key=True),
          Column("name", String(80), nullable=False),
          Column("name_key", String(240), nullable=False, unique=True), when("created_at"))
    Table("events", meta, Column("id", Integer, primary_key=True), owner(), *activity(),
          Column("event", String(200), nullable=False), Column("payload", Text, nullable=False),
          when("recorded_at"), Index(None, "learner_id", "activity_kind", "activity_id"))
    Table("progress", meta, Column("id", Integer, primary_key=True), owner(), *activity(),
          Column("state", Text, nullable=False), when("updated_at"),
          UniqueConstraint("learner_id", "activity_kind", "activity_id"))
    Table("reflections", meta, Column("id", Integer, primary_key=True), owner(), *activity(),
          Column("prompt_set", String(200), nullable=False),
          Column("answers", Text, nullable=False), Column("context", Text, nullable=False),
          when("created_at"), when("updated_at"), Index(None, "learner_id"))
    Table("reflection_revisions", meta, Column("id", Integer, primary_key=True),
          Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("answers", Text, nullable=False), Column("context", Text, nullable=False),
          when("saved_at"))
    return meta


def _make_version_1_database(url: str) -> None:
    """A database exactly as msp_learn at schema version 1 left it, with some learners' work."""
    meta = _version_1_tables()
    t = meta.tables
    stamp = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    engine = create_engine(url)
    with engine.begin() as conn:
        meta.create_all(conn)
        _schema.schema_versions.create(conn)
        conn.execute(insert(_schema.schema_versions).values(
            version=1, description="learners, events, progress, reflections and reflection "
            "revisions", applied_at=stamp))
        for name in ("Amir", "Bea"):  # ids from the database's own sequence, as in real use
            conn.execute(insert(t["learners"]).values(name=name, name_key=name.casefold(),
                                                      created_at=stamp))
        conn.execute(insert(t["events"]), [
            dict(learner_id=1, activity_kind="quiz", activity_id="myths", event="answer",
                 payload=json.dumps({"item": "m1", "text": ODD_TEXT}), recorded_at=stamp),
            dict(learner_id=1, activity_kind="quiz", activity_id="myths", event="answer",
                 payload=json.dumps({"item": "m2"}), recorded_at=stamp),
            dict(learner_id=2, activity_kind="case-study", activity_id="khan", event="choice",
                 payload=json.dumps({"choice": "c1"}), recorded_at=stamp)])
        conn.execute(insert(t["progress"]), [
            dict(learner_id=1, activity_kind="quiz", activity_id="myths",
                 state=json.dumps({"answers": {"m1": "myth", "m2": "reality"}}),
                 updated_at=stamp),
            dict(learner_id=2, activity_kind="case-study", activity_id="khan",
                 state=json.dumps({"choices": ["c1"], "completed": True}), updated_at=stamp)])
        conn.execute(insert(t["reflections"]).values(
            learner_id=2, activity_kind="case-study", activity_id="khan",
            prompt_set="gibbs", answers=json.dumps({"description": "second"}),
            context=json.dumps({"ending": "safe"}), created_at=stamp, updated_at=stamp))
        conn.execute(insert(t["reflection_revisions"]).values(
            reflection_id=1, answers=json.dumps({"description": "first"}),
            context=json.dumps({}), saved_at=stamp))
    engine.dispose()


def test_a_version_1_database_is_migrated_keeping_every_row(url):
    """Does a real version-1 database reach the current version with all its rows intact, and
    do keyed, versioned commits work on it afterwards?"""
    _make_version_1_database(url)
    with Store(url) as store:
        assert _versions(url) == [s.version for s in STEPS]
        assert [(x.id, x.name) for x in store.learners()] == [(1, "Amir"), (2, "Bea")]
        assert [e.payload for e in store.events("amir")] == [
            {"item": "m1", "text": ODD_TEXT}, {"item": "m2"}]
        assert store.events("bea")[0].recorded_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        myths = dict(activity_kind="quiz", activity_id="myths")
        assert store.load_state("amir", **myths) == (
            {"answers": {"m1": "myth", "m2": "reality"}}, 1)
        assert store.load_state("bea", activity_kind="case-study", activity_id="khan") == (
            {"choices": ["c1"], "completed": True}, 1)
        (reflection,) = store.reflections("bea")
        assert reflection.answers == {"description": "second"}
        assert [v.answers for v in store.revisions("bea", 1)] == [{"description": "first"}]

        answer = dict(event="answer", payload={"item": "m3"}, key="tab-1-m3",
                      state={"answers": {"m1": "myth", "m2": "reality", "m3": "myth"}}, **myths)
        assert store.commit("amir", expected_version=1, **answer) == Commit(2, False)
        assert store.commit("amir", expected_version=1, **answer) == Commit(2, True)
        with pytest.raises(StaleVersionError):
            store.commit("amir", event="answer", payload={}, state={}, expected_version=1,
                         key="tab-2-m3", **myths)
        assert [e.payload for e in store.events("amir")][-1] == {"item": "m3"}
        assert len(store.events("amir")) == 3
        assert store.commit("cy", event="answer", payload={}, key="tab-1-m3", **myths) == Commit(
            0, False)  # keys belong to one learner
        assert store.held("amir")["events"] == 3
    engine = create_engine(url)
    with engine.begin() as conn, pytest.raises(IntegrityError):  # the key is unique in SQL too
        conn.execute(insert(_schema.events).values(
            learner_id=1, activity_kind="quiz", activity_id="myths", event="answer",
            payload="{}", recorded_at=datetime.now(UTC), key="tab-1-m3"))
    engine.dispose()


def test_a_missing_postgresql_is_a_clear_failure(tmp_path):
    """Without PostgreSQL's binaries, does the test cluster say to run scripts/system-deps,
    and with several versions installed does it take the newest?"""
    with pytest.raises(pg.PostgresMissingError, match="run scripts/system-deps"):
        pg.find_bin(tmp_path)
    for version in ("13", "15", "9"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "initdb").touch()
    assert pg.find_bin(tmp_path) == tmp_path / "15" / "bin"


# many writers on one SQLite file

def test_a_sqlite_write_waits_for_another_writer_instead_of_failing(tmp_path):
    """While another connection holds SQLite's write lock, does a write wait its turn (busy
    timeout, BEGIN IMMEDIATE) and then succeed, rather than fail with 'database is locked'?"""
    path = tmp_path / "s.sqlite"
    with Store(f"sqlite:///{path}") as store:
        store.learner("ann")
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(1.0, lambda: other.execute("COMMIT")).start()
        began = time.monotonic()
        done = store.commit("ann", activity_kind="quiz", activity_id="q", event="answer",
                            payload={}, state={"n": 1}, key="k1", expected_version=0)
        waited = time.monotonic() - began
        other.close()
        assert done == Commit(1, False)
        assert waited >= 0.9
        assert store.load_state("ann", activity_kind="quiz", activity_id="q") == ({"n": 1}, 1)


def test_sqlite_writers_take_turns_through_the_writer_queue(tmp_path):
    """Does a write wait while another process holds the writer queue's lock, and go on
    as soon as it is released?"""
    path = tmp_path / "s.sqlite"
    with Store(f"sqlite:///{path}") as store:
        store.learner("ann")
        queue = Path(f"{path}-writers")
        assert queue.exists() and queue.stat().st_size == 0
        with open(queue, "rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            threading.Timer(0.8, lambda: fcntl.flock(held, fcntl.LOCK_UN)).start()
            began = time.monotonic()
            store.record("ann", activity_kind="quiz", activity_id="q", event="e", payload={})
            waited = time.monotonic() - began
        assert 0.7 <= waited < 5
        assert len(store.events("ann")) == 1


# two tabs racing

RACERS, ROUNDS = 4, 5


def _race(url: str, racer: int, barrier, results) -> None:
    try:
        with Store(url) as store:
            where = dict(activity_kind="quiz", activity_id="shared")
            for round_ in range(ROUNDS):
                barrier.wait()
                state, version = store.load_state("ann", **where)
                barrier.wait()  # every tab has loaded the same version; all write at once
                try:
                    store.commit("ann", event="answer", payload={"racer": racer, "round": round_},
                                 state={"by": racer, "round": round_}, expected_version=version,
                                 key=f"racer-{racer}-round-{round_}", **where)
                    results.put((round_, racer, "won"))
                except StaleVersionError:
                    results.put((round_, racer, "stale"))
    except BaseException:
        results.put((-1, racer, traceback.format_exc()))
        raise


def test_tabs_writing_the_same_version_at_once_have_exactly_one_winner(url):
    """When several tabs write from the same version at the same moment, does exactly one
    write win each time, the others told they are stale, nothing else recorded?"""
    Store(url).close()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(RACERS), context.Queue()
    racers = [context.Process(target=_race, args=(url, n, barrier, results))
              for n in range(RACERS)]
    for process in racers:
        process.start()
    for process in racers:
        process.join(timeout=300)
    outcomes = [results.get(timeout=5) for _ in range(RACERS * ROUNDS)]
    assert [p.exitcode for p in racers] == [0] * RACERS, outcomes
    winners = {round_: racer for round_, racer, outcome in outcomes if outcome == "won"}
    assert sorted(winners) == list(range(ROUNDS))
    assert sum(outcome == "won" for *_, outcome in outcomes) == ROUNDS
    with Store(url) as store:
        assert [(e.payload["round"], e.payload["racer"]) for e in store.events("ann")] == [
            (round_, winners[round_]) for round_ in range(ROUNDS)]
        assert store.load_state("ann", activity_kind="quiz", activity_id="shared") == (
            {"by": winners[ROUNDS - 1], "round": ROUNDS - 1}, ROUNDS)
