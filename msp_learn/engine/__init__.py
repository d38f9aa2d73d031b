"""The pure learning engine: case-study sessions, quiz marking, risk reasoning (no widgets)."""

from msp_learn.engine.quiz import Attempt, QuizMark, QuizSession, Score, first_and_best, mark
from msp_learn.engine.risk import (
    Assessment,
    Comparison,
    LearnerAnswer,
    assess,
    compare,
    matrix,
    matrix_level,
)
from msp_learn.engine.scenario import InvalidChoice, ScenarioSession, Step, Summary, all_paths

__all__ = [
    "Assessment", "Attempt", "Comparison", "InvalidChoice", "LearnerAnswer", "QuizMark", "QuizSession",
    "ScenarioSession", "Score", "Step", "Summary", "all_paths", "assess", "compare", "first_and_best", "mark",
    "matrix", "matrix_level",
]
