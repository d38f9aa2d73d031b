"""Marking assessed answers: exact, near and far ratings, and malformed answers."""

from __future__ import annotations

import pytest

from msp_learn.grading._marking import mark_level, mark_scale, mark_verdict


@pytest.mark.parametrize("state, key, share", [
    ({"said": "myth"}, "myth", 1.0), ({"said": "reality"}, "myth", 0.0),
    (None, "myth", 0.0), ({"said": "MYTH!"}, "myth", 0.0), ({"said": ["myth"]}, "reality", 0.0),
])
def test_verdicts(state, key, share):
    """Is a verdict right only when it equals the key, and anything odd simply wrong?"""
    assert mark_verdict(state, key).share == share


@pytest.mark.parametrize("given, share", [(3, 1.0), (2, 0.5), (4, 0.5), (1, 0.0), (5, 0.0),
                                          (None, 0.0), ("3", 0.0), (True, 0.0), (3.5, 0.0)])
def test_a_rating_near_the_key_earns_half(given, share):
    """Does a 1..5 rating one step from the key earn half, and a bad value nothing?"""
    mark = mark_scale({"likelihood": given}, "likelihood", 3, what="likelihood")
    assert mark.share == share and mark.note


@pytest.mark.parametrize("given, share", [("high", 1.0), ("medium", 0.5), ("very-high", 0.5),
                                          ("low", 0.0), ("extreme", 0.0), (None, 0.0)])
def test_levels(given, share):
    """Does an overall level one step from the key earn half?"""
    assert mark_level({"level": given}, "high").share == share


def test_notes_say_what_was_given_and_what_the_model_says():
    """Does the note name both the learner's rating and the model answer?"""
    note = mark_level({"level": "medium"}, "very-high").note
    assert "medium" in note and "very high" in note


@pytest.mark.parametrize("mark, model", [
    (mark_scale(None, "likelihood", 4, what="likelihood"), "the model answer is 4"),
    (mark_scale({"impact": "lots"}, "impact", 2, what="impact"), "the model answer is 2"),
    (mark_level(None, "very-high"), "the model answer is very high"),
    (mark_level({"level": "extreme"}, "low"), "the model answer is low"),
    (mark_verdict(None, "myth"), "it is a myth"),
    (mark_verdict({"said": "maybe"}, "reality"), "the statement is true"),
])
def test_an_item_left_unanswered_still_gives_the_model_answer(mark, model):
    """Is a learner who rated nothing (or something unreadable) told the model answer?"""
    assert mark.share == 0.0 and model in mark.note
