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
