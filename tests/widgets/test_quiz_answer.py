"""The quiz view shows which answer the learner picked: on its button and in the feedback."""

from __future__ import annotations

from msp_learn.html import quiz
from msp_learn.widgets import QuizView
from tests.conftest import kit_catalogue

MYTHS = [m for m in kit_catalogue().items("myth") if m.is_myth][:2]
A_MYTH = MYTHS[0]


def test_the_buttons_and_the_feedback_use_the_same_words():
    """Are the answer words the quiz view puts on its buttons the ones the feedback repeats?"""
    view = QuizView(MYTHS)
    assert view.myth_button.description == quiz.answer_words(True) == "It's a myth"
    assert view.true_button.description == quiz.answer_words(False) == "It's true"
    view.answer(True)
    assert "You answered:</strong> It&#x27;s a myth." in view.feedback.value
    assert "msp-picked" in view.myth_button._dom_classes
    assert "msp-picked" not in view.true_button._dom_classes
    view.next()
    assert "msp-picked" not in view.myth_button._dom_classes  # the next statement: unpicked
