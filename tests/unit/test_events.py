"""The events a view writes: typed records that read the payloads already in stores."""

from __future__ import annotations

import pytest

from msp_learn import events as ev

#: Payloads exactly as the views wrote them before events.py (one per event name).
OLD = {
    "start": {}, "skip": {}, "pause": {}, "restart": {},
    "choice": {"node": "n1", "choice": "ask", "honours": ["empowerment"], "breaks": []},
    "back": {"choice": "ask"},
    "ending": {"ending": "safe", "choices": ["ask", "wait"]},
    "answer": {"item": "walk-away", "said_myth": True, "correct": False},
    "retry": {"items": ["walk-away"]},
    "assess": {"factors": {"likelihood": 3, "impact": 4}, "level": "high"},
    "compare": {"level": "high", "responses": ["plan"], "escalate_to": [], "agreement": 0.5},
    "reflection": {"prompt_set": "gibbs", "id": 7},
}


@pytest.mark.parametrize("name", sorted(OLD))
def test_old_payloads_still_read(name):
    """Does each payload stored before the events were typed read as its event, attempt 1,
    and write back the same payload (plus the attempt)?"""
    event = ev.read(name, OLD[name])
    assert not isinstance(event, ev.Unknown) and event.name == name
    assert event.attempt == 1
    payload = event.payload()
    assert {k: payload.get(k) for k in OLD[name]} == OLD[name]


def test_quiz_answer_has_what_item_analysis_needs():
    """Does an answer say its item, response, correctness and attempt, from old and new
    payloads alike?"""
    old = ev.read("answer", OLD["answer"])
    assert (old.item, old.response, old.correct, old.attempt) == ("walk-away", "myth", False, 1)
    new = ev.QuizAnswered(item_id="walk-away", said_myth=False, is_correct=True, attempt=2)
    assert new.payload() == {"attempt": 2, "item": "walk-away", "said_myth": False,
                             "correct": True}
    again = ev.read("answer", new.payload(), key=new.key)
    assert again == new and again.key == new.key
    assert (again.item, again.response, again.correct, again.attempt) == (
        "walk-away", "true", True, 2)


def test_choices_and_comparisons_say_whether_they_were_right():
    """Is a choice that breaks a principle marked wrong, one that only honours them right,
    and a comparison right when the level matches the model (unknown for old payloads)?"""
    assert ev.read("choice", OLD["choice"]).correct is True
    assert ev.ChoiceMade(node="n", choice="c", breaks=("choice",)).correct is False
    assert ev.ChoiceMade(node="n", choice="c").correct is None
    assert ev.read("compare", OLD["compare"]).correct is None
    assert ev.RiskCompared(level="high", model_level="high").correct is True
    assert ev.RiskCompared(level="low", model_level="high").response == "low"


def test_every_event_gets_its_own_key():
    """Is every event made with a fresh idempotency key the store accepts?"""
    keys = {ev.Started().key for _ in range(50)}
    assert len(keys) == 50 and all(len(k) == 32 and k.isascii() for k in keys)
    assert "key" not in ev.Started().payload()


def test_unknown_and_broken_payloads():
    """Is an event this version does not know kept as it was, and a payload missing a
    needed field refused with a message naming the event?"""
    later = ev.read("vote", {"option": "b"})
    assert isinstance(later, ev.Unknown) and ev.event_name(later) == "vote"
    assert later.payload() == {"option": "b"}
    with pytest.raises(ev.EventError, match="'answer' event lacks a field"):
        ev.read("answer", {"said_myth": True})
    assert ev.read("answer", {**OLD["answer"], "attempt": "two"}).attempt == 1


def test_each_event_is_declared_once():
    """Does every declared event have its own stored name?"""
    names = [cls.name for cls in ev.EVENTS.values()]
    assert len(names) == len(set(names)) and "" not in names
