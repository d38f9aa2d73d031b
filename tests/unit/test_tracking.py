"""The Tracker seam: one learner, one activity; versioned commits; idempotent events."""

from __future__ import annotations

import pytest

from msp_learn.events import QuizAnswered, Started
from msp_learn.store import Store
from msp_learn.tracking import MemoryTracker, StaleError, StoreTracker, Tracker, UnboundError


@pytest.fixture(params=["memory", "store"])
def learner(request, tmp_path):
    """A learner-level tracker of each kind (two bound from it share one learner)."""
    if request.param == "memory":
        yield MemoryTracker()
        return
    store = Store(f"sqlite:///{tmp_path / 'kit.sqlite'}")
    yield StoreTracker(store, "Ria")
    store.close()


def _events(tracker) -> list[tuple[str, dict]]:
    if isinstance(tracker, MemoryTracker):
        return [(e.event, e.payload) for e in tracker.events]
    return [(e.event, e.payload) for e in tracker.store.events(tracker.learner)]


def answer(correct: bool = True, **kw) -> QuizAnswered:
    return QuizAnswered(item_id="m1", said_myth=True, is_correct=correct, **kw)


def test_commit_writes_the_event_and_the_new_state(learner):
    """Does a commit keep the event and the state, and move the version on by one?"""
    quiz = learner.for_activity("quiz", "myths")
    assert isinstance(quiz, Tracker)
    assert quiz.load().state is None and quiz.load().version == 0
    snap = quiz.commit(answer(), {"answers": {"m1": True}})
    assert snap.version == 1 and quiz.load().state == {"answers": {"m1": True}}
    assert quiz.commit(Started()).version == 1  # an event alone leaves the state be
    assert [name for name, _ in _events(learner)] == ["answer", "start"]


def test_a_retried_event_is_recorded_once(learner):
    """Is an event sent twice with one key (a lost acknowledgement) written once?"""
    quiz = learner.for_activity("quiz", "myths")
    event = answer()
    quiz.commit(event, {"n": 1})
    again = quiz.commit(event, {"n": 1})
    assert again.duplicate and again.version == 1
    assert len(_events(learner)) == 1


def test_a_stale_tab_cannot_overwrite_and_loses_no_answer(learner):
    """When another tab wrote first, is StaleError raised, the newer state kept, and the
    stale tab's answer still logged?"""
    tab1 = learner.for_activity("quiz", "myths")
    tab2 = learner.for_activity("quiz", "myths")
    tab1.load(), tab2.load()
    tab1.commit(answer(True), {"by": "tab1"})
    with pytest.raises(StaleError, match="changed elsewhere") as info:
        tab2.commit(answer(False), {"by": "tab2"})
    assert (info.value.expected, info.value.current) == (0, 1)
    assert tab1.load().state == {"by": "tab1"}
    assert [p["correct"] for _, p in _events(learner)] == [True, False]
    tab2.load()  # a reload sees the latest, and can write again
    assert tab2.commit(answer(), {"by": "tab2"}).version == 2


def test_activities_are_kept_apart(learner):
    """Does each bound tracker read and version only its own activity?"""
    a, b = learner.for_activity("quiz", "myths"), learner.for_activity("quiz", "myths-care")
    a.commit(answer(), {"a": 1})
    assert b.load().state is None
    assert b.commit(answer(), {"b": 1}).version == 1


def test_an_unbound_tracker_says_how_to_bind_it(learner):
    """Is a tracker used before it is bound refused with the fix named?"""
    with pytest.raises(UnboundError, match="for_activity"):
        learner.load()


def test_reflections_are_kept_and_edited(learner):
    """Is a reflection saved, then edited in place under the same id, each time logged?"""
    case = learner.for_activity("case-study", "mrs-khan")
    first = case.save_reflection("gibbs", {"what": "A"}, {"title": "Mrs Khan"})
    again = case.save_reflection("gibbs", {"what": "B"}, {"title": "Mrs Khan"}, first)
    assert again == first
    assert [p for n, p in _events(learner) if n == "reflection"] == [
        {"attempt": 1, "prompt_set": "gibbs", "id": first}] * 2
    if isinstance(learner, StoreTracker):
        (saved,) = learner.store.reflections(learner.learner)
        assert saved.answers == {"what": "B"} and saved.activity_kind == "case-study"
        assert case.cpd_record() is not None
    else:
        assert learner.reflections[first]["answers"] == {"what": "B"}
        assert case.cpd_record() is None and not case.keeps_work
