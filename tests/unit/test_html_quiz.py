"""The quiz renderer's feedback says, in words, which answer the learner picked."""

from __future__ import annotations

import re

import pytest

from msp_learn.engine import mark
from msp_learn.html import quiz
from tests.conftest import kit_catalogue

MYTHS = kit_catalogue().items("myth")
A_MYTH = next(m for m in MYTHS if m.is_myth)
A_TRUTH = next(m for m in MYTHS if not m.is_myth)


def text_of(markup: str) -> str:
    """The words a learner reads (tags dropped, entities for quotes read back)."""
    words = re.sub(r"<[^>]+>", "", str(markup))
    return words.replace("&#x27;", "'").replace("&#39;", "'")


@pytest.mark.parametrize(("item", "said_myth", "picked", "headline"), [
    (A_MYTH, True, "It's a myth", "Correct"),
    (A_MYTH, False, "It's true", "Not quite"),
    (A_TRUTH, True, "It's a myth", "Not quite"),
    (A_TRUTH, False, "It's true", "Correct"),
])
def test_feedback_says_which_answer_was_picked(item, said_myth, picked, headline):
    """Does the feedback name the learner's own answer in words (as on its button), before
    saying whether it was right, whichever answer was right?"""
    words = text_of(quiz.feedback(mark(item, said_myth)))
    assert f"You answered: {picked}." in words
    assert words.index("You answered:") < words.index(headline)
    other = quiz.answer_words(not said_myth)
    assert f"You answered: {other}" not in words

