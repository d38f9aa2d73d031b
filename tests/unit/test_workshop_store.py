"""Tests of the workshop's tables (migration step 4) and of a live room over the store.

Each test runs on SQLite, and on PostgreSQL too when MSP_LEARN_TEST_PG_URL names a
throwaway database (its msp_learn tables are dropped).
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert, inspect

from msp_learn.content import load_catalogue
from msp_learn.store import STEPS, Store, WorkshopStore, _schema
from msp_learn.workshop import CodeError, SessionError
from msp_learn.workshop.activities import ActivityError
from msp_learn.workshop.room import Workshops

PG_URL = os.environ.get("MSP_LEARN_TEST_PG_URL")


def _drop_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        _schema.metadata.drop_all(conn)
        _schema.schema_versions.drop(conn, checkfirst=True)
    engine.dispose()


@pytest.fixture(params=["sqlite"] + ["postgresql"] * bool(PG_URL))
def url(request, tmp_path):
    if request.param == "postgresql":
        _drop_all(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def store(url):
    with Store(url) as opened:
        yield opened


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture
def workshops(store, catalogue):
    return Workshops(store, catalogue)


def test_step_4_adds_the_workshop_tables_to_an_older_database(url):
    """Does a database at step 3 (no workshop tables) gain them, stamped 4, on open?"""
    engine = create_engine(url)
    older = [t for t in _schema.metadata.sorted_tables if t not in _schema.WORKSHOP_TABLES]
    with engine.begin() as conn:
        _schema.schema_versions.create(conn)
        _schema.metadata.create_all(conn, tables=older)
        conn.execute(insert(_schema.schema_versions).values(
            version=3, description="old", applied_at=datetime.now(UTC)))
    Store(url).close()
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {t.name for t in _schema.WORKSHOP_TABLES} <= names
    assert STEPS[-1].version == 4


def test_a_resent_answer_is_recorded_once(store):
    """Does a phone resending the same answer (same key) record it once?"""
    ws = WorkshopStore(store)
    sid = ws.create_session("ACDEFG", "T", {})
    pid = ws.join(sid, "Ash", "secret-1")
    first = ws.answer(sid, pid, 1, "myth", key="k1")
    again = ws.answer(sid, pid, 1, "myth", key="k1")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert [(a.alias, a.value) for a in ws.answers(sid)] == [("Ash", "myth")]


def test_a_changed_vote_replaces_and_an_old_resend_cannot_undo_it(store):
    """Does a changed vote replace the first, and a late resend of the first stay out?"""
    ws = WorkshopStore(store)
    sid = ws.create_session("ACDEFG", "T", {})
    pid = ws.join(sid, "Ash", "secret-1")
    ws.answer(sid, pid, 1, "myth", key="k1")
    changed = ws.answer(sid, pid, 1, "reality", key="k2")
    late = ws.answer(sid, pid, 1, "myth", key="k1")
    assert changed.replaced and late.duplicate
    assert [a.value for a in ws.answers(sid)] == ["reality"]


def test_reset_clears_answers_but_keeps_keys(store):
    """After a reset, is the run empty, and does a pre-reset resend stay out?"""
    ws = WorkshopStore(store)
    sid = ws.create_session("ACDEFG", "T", {})
    pid = ws.join(sid, "Ash", "s")
    ws.answer(sid, pid, 1, "myth", key="k1")
    assert ws.reset(sid, 1) == 1
    assert ws.answer(sid, pid, 1, "myth", key="k1").duplicate
    assert ws.answers(sid) == []


def test_concurrent_resends_record_one_answer(url):
    """Do 8 threads sending the same answer at once record exactly one?"""
    with Store(url) as store:
        ws = WorkshopStore(store)
        sid = ws.create_session("ACDEFG", "T", {})
        pid = ws.join(sid, "Ash", "s")
        results = []
        barrier = threading.Barrier(8)

        def send():
            barrier.wait()
            results.append(ws.answer(sid, pid, 1, "myth", key="same"))

        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.duplicate for r in results) == [False] + [True] * 7
        assert len(ws.answers(sid)) == 1


def test_a_room_runs_a_myth_from_join_to_export(workshops):
    """Does a room take joins and votes, count each person once, reveal, and export them?"""
    room = workshops.start("Tuesday", ["myth:msp-just-a-chat", "scale:How sure?"])
    people = [room.join(alias) for alias in ("Ash", "Bo", "=cmd|' /C calc'!A0")]
    room.control("push", index=0)
    for (pid, _), vote in zip(people, ("myth", "reality", "myth"), strict=True):
        room.answer(pid, vote, key=f"k{pid}")
    assert room.answer(people[0][0], "myth", key=f"k{people[0][0]}")["duplicate"]
    view = room.trainer_view()
    assert [b["count"] for b in view["tally"]["bars"]] == [2, 1]
    assert "correct" not in view["activity"]
    room.control("reveal")
    assert room.learner_view(people[1][0])["activity"]["correct"] == "myth"
    with pytest.raises(SessionError, match="closed"):
        room.answer(people[1][0], "myth", key="late")
    csv_text = room.export_csv()
    assert "'=cmd|' /C calc'!A0" in csv_text and csv_text.count("\r\n") == 4


def test_a_room_comes_back_after_a_restart(store, catalogue):
    """Does a server restart bring a room back at its activity with its answers?"""
    first = Workshops(store, catalogue)
    room = first.start("T", ["myth:msp-just-a-chat"])
    pid, secret = room.join("Ash")
    room.control("push", index=0)
    room.answer(pid, "reality", key="k1")
    again = Workshops(store, catalogue).get(room.code.lower())
    assert again.who(secret) == pid
    assert again.learner_view(pid)["mine"] == "reality"
    assert again.learner_view(pid)["activity"]["prompt"] == room.session.current.prompt
    assert again.answer(pid, "reality", key="k1")["duplicate"]


def test_free_text_is_hidden_until_shown_and_abuse_is_flagged(workshops):
    """Is free text hidden until the trainer shows it, with abuse masked in the queue?"""
    room = workshops.start("T", ["text:One thing you learned"])
    pids = [room.join(a)[0] for a in ("A", "B", "C", "D")]
    room.control("push", index=0)
    for pid, text in zip(pids, ("<img src=x onerror=alert(1)>", "listen", "this is shit",
                                "ask"), strict=True):
        room.answer(pid, text, key=f"t{pid}")
    view = room.trainer_view()
    assert view["tally"]["entries"] == [] and view["tally"]["hidden"] == 4
    assert [q["flagged"] for q in view["queue"]] == [False, False, True, False]
    assert view["queue"][2]["text"] == "this is s***"
    room.moderate(pids[1], "shown")
    room.moderate(pids[2], "removed")
    view = room.trainer_view()
    assert [e["text"] for e in view["tally"]["entries"]] == ["listen"]
    assert view["tally"]["answered"] == 3 and len(view["queue"]) == 3
    room.moderate(pids[3], "removed")  # two answers left: under the small-number rule
    assert room.trainer_view()["tally"]["entries"] == []


def test_bad_codes_plans_and_aliases_are_explained(workshops):
    """Are an unknown code, a plan naming missing content and a duplicate alias explained?"""
    with pytest.raises(CodeError, match="no workshop with the code"):
        workshops.get("ACDEFG")
    with pytest.raises(ActivityError, match="no myth 'nope'"):
        workshops.start("T", ["myth:nope"])
    with pytest.raises(ActivityError, match="KIND:WHAT"):
        workshops.start("T", ["quiz"])
    room = workshops.start()
    room.join("Ash")
    with pytest.raises(SessionError, match="already called"):
        room.join("ASH")


def test_the_sample_plan_walks_a_case_study_down_the_rooms_branch(workshops):
    """Does the sample plan's case study follow the branch most of the room chose?"""
    room = workshops.start()
    pids = [room.join(a)[0] for a in ("A", "B", "C")]
    room.control("push", index=2)
    decision = room.session.current
    assert decision.kind == "decision"
    pick = decision.options[1][0]
    for i, pid in enumerate(pids):
        room.answer(pid, pick if i < 2 else decision.options[0][0], key=f"d{pid}")
    room.control("next")
    assert room.session.current.source.get("node", room.session.current.source.get("ending")) \
        == decision.branches[pick]


def test_a_burst_is_taken_in_one_go_without_losing_or_doubling(workshops):
    """In one burst, is a resend counted once, a changed vote counted once with the new
    value, and a refused answer refused alone?"""
    room = workshops.start("T", ["myth:msp-just-a-chat"])
    a, b, c = (room.join(x)[0] for x in ("A", "B", "C"))
    room.control("push", index=0)
    results = room.answer_many([(a, "myth", "a1"), (a, "myth", "a1"), (b, "myth", "b1"),
                                (b, "reality", "b2"), (c, "maybe", "c1"), (99, "myth", "x")])
    assert [r["duplicate"] if isinstance(r, dict) else type(r).__name__ for r in results] == [
        False, True, False, False, "SessionError", "SessionError"]
    assert "Choose one" in str(results[4]) and "not in this workshop" in str(results[5])
    view = room.trainer_view()["tally"]
    assert view["answered"] == 2
    assert room.session.mine(b) == "reality"
    assert sorted((x.alias, x.value) for x in room._wstore.answers(room.id)) == [
        ("A", "myth"), ("B", "reality")]


def test_a_linked_alias_counts_in_the_learners_own_progress_and_cpd_record(store, workshops,
                                                                             catalogue):
    """Does linking write the learner's answers into their own progress (and CPD record),
    follow later answers, a reset and a removal, and leave the room with the alias only?"""
    from msp_learn.cpd import cpd_record

    store.claim("Priya Shah", "priya-secret")
    room = workshops.start("Tuesday refresher", ["myth:msp-just-a-chat", "text:One word"])
    pid, _ = room.join("Otter")
    room.control("next")
    room.answer(pid, "myth", "k1")
    assert store.progress("Priya Shah") == []  # nothing before the learner chooses
    view = room.link(pid, "priya shah")
    assert view["linked"] is True
    (kept,) = store.progress("Priya Shah")
    assert (kept.activity_kind, kept.activity_id, kept.completed) == ("workshop", room.code, True)
    assert [a["answer"] for a in kept.state["answers"]] == ["Myth"]
    record = cpd_record(store, "Priya Shah", catalogue=catalogue)
    assert "Live workshop: Tuesday refresher" in record
    assert "Training session: live workshop with a trainer" in record
    room.control("next")
    room.answer(pid, "person-centred", "k2")
    assert [a["answer"] for a in store.progress("Priya Shah")[0].state["answers"]] == [
        "Myth", "person-centred"]
    room.moderate(pid, "removed")  # a removed entry leaves their record too
    assert len(store.progress("Priya Shah")[0].state["answers"]) == 1
    # the trainer's view and export still show only the alias
    assert "Priya" not in room.export_csv() and "Priya" not in str(room.trainer_view())
    # the link survives a restart of the server
    again = Workshops(store, catalogue).get(room.code)
    assert again.linked == {pid: "Priya Shah"} and again.learner_view(pid)["linked"]
    # unlinking takes the workshop out of their progress
    assert again.link(pid, None)["linked"] is False
    assert store.progress("Priya Shah") == []
    assert Workshops(store, catalogue).get(room.code).linked == {}


def test_linking_needs_a_known_account_and_one_alias_per_account(store, workshops):
    """Is linking to an unknown account refused, and one account linked to one alias only;
    and does forgetting the learner make the alias anonymous again?"""
    store.claim("Sam Okoro", "sam-secret")
    room = workshops.start("T", ["myth:msp-just-a-chat"])
    first, _ = room.join("Kestrel")
    second, _ = room.join("Heron")
    with pytest.raises(SessionError, match="not found"):
        room.link(first, "Nobody Here")
    room.link(first, "Sam Okoro")
    with pytest.raises(SessionError, match="already linked"):
        room.link(second, "sam okoro")
    anonymous = room.learner_view(second)
    assert anonymous["linked"] is False
    store.forget("Sam Okoro")
    assert WorkshopStore(store).linked(room.id) == {}


def test_a_burst_of_joins_is_taken_in_one_go(workshops, store):
    """Does a burst of joins go in together, each alias once (a repeat in the burst or one
    already in the room refused in words), every joiner able to come back with their secret?"""
    room = workshops.start("T", ["myth:msp-just-a-chat"])
    room.join("Ash")
    results = room.join_many(["Bo", "ash", "Cy", "bo", ""])
    assert [type(r).__name__ for r in results] == ["tuple", "SessionError", "tuple",
                                                   "SessionError", "CodeError"]
    assert "already called" in str(results[1]) and "already called" in str(results[3])
    assert sorted(room.session.participants.values()) == ["Ash", "Bo", "Cy"]
    again = Workshops(store, load_catalogue()).get(room.code)
    for pid, secret in (results[0], results[2]):
        assert again.who(secret) == pid
    assert len(WorkshopStore(store).participants(room.id)) == 3
