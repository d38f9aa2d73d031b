"""The path through a case study as the assessor and the learner read it: the content's
labels, not choice ids (no kernel, no nbgrader)."""

from __future__ import annotations

from msp_learn.grading._case_path import describe_path, route_of

CASE = {"id": "c1", "start": "n1",
        "nodes": [{"id": "n1", "choices": [{"id": "ask", "label": "Ask Paulo what he wants",
                                            "next": "n2"},
                                           {"id": "tell", "label": "Tell him", "next": "n2"}]},
                  {"id": "n2", "choices": [{"id": "ask", "label": "Ask again, alone",
                                            "next": "e1"}]}],
        "endings": [{"id": "e1", "title": "Paulo's plan"}]}


def test_the_path_reads_as_the_choices_labels_and_the_ending():
    """Is each choice shown by its label (ids repeat across nodes), then the ending?"""
    text = describe_path(["ask", "ask"], route_of(CASE))
    assert text == "Ask Paulo what he wants -> Ask again, alone -> ending reached: Paulo's plan"


def test_an_unknown_or_missing_path_is_still_shown_plainly():
    """Is an id not in the case study (an edited file) shown as it is, and no path said?"""
    assert describe_path(["tell", "nowhere"], route_of(CASE)) == "Tell him -> nowhere"
    assert describe_path([], route_of(CASE)) == "not recorded"
    assert describe_path("junk", route_of(CASE)) == "not recorded"
    assert describe_path(["ask"], None) == "ask"  # a notebook built before labels
