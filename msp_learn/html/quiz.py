"""The myth-or-reality quiz: header, statement, feedback on an answer, and the score."""

from __future__ import annotations

from collections.abc import Iterable

from msp_learn.engine.quiz import QuizMark, Score
from msp_learn.html._markup import Markup, bullets, el, join


def header(title: str, number: int, total: int, correct: int) -> Markup:
    """The quiz title and where the learner is: 'Statement 2 of 5 · 1 correct so far'."""
    return join([el("h1", title), el("p", Markup("Statement {} of {} &middot; {} correct so far")
                                    .format(number, total, correct), class_="msp-progress")])


def statement(text: str) -> Markup:
    return join([el("h2", "Is this a myth, or is it true?"), el("blockquote", el("p", text))])


#: The two answers, as the buttons say them and the feedback repeats them.
ANSWERS = {True: "It's a myth", False: "It's true"}


def answer_words(said_myth: bool) -> str:
    """The learner's answer in words, as on its button: "It's a myth" or "It's true"."""
    return ANSWERS[bool(said_myth)]


def feedback(result: QuizMark) -> Markup:
    """Feedback that says what the learner answered, then right or wrong in words (never
    colour alone), then the reality."""
    tone = "msp-correct" if result.correct else "msp-incorrect"

    def line(label: str, text: str) -> Markup:
        return el("p", el("strong", f"{label}:"), " ", text)

    return el("div",
              el("p", el("strong", "You answered:"), f" {answer_words(result.said_myth)}.",
                 class_="msp-you-answered"),
              el("p", el("strong", result.headline), class_="msp-headline"),
              line("The reality" if result.verdict == "Myth" else "Why", result.reality),
              line("Why it matters", result.why_it_matters),
              line("What to do", result.instead) if result.instead else None,
              line("Basis", "; ".join(result.basis)),
              class_=f"msp-feedback {tone}", role="status", aria_live="polite")


def attempts_line(first: Score | None, best: Score | None) -> Markup:
    """'First attempt: 25 of 28 correct (89%). Best: 28 of 28 correct (100%).'"""
    if first is None or best is None:
        return Markup("")
    return el("p", el("strong", "First attempt:"), f" {first}. ", el("strong", "Best:"),
              f" {best}.", class_="msp-attempts")


def summary(score: Score, missed: Iterable[str], *, first: Score | None = None,
            best: Score | None = None) -> Markup:
    """The learner's score for this round, the first-attempt and best scores, and the
    statements they missed."""
    missed = list(missed)
    return join([
        el("h2", "Your score"),
        el("p", f"You got {score}.", class_="msp-score", role="status"),
        attempts_line(first, best),
        join([el("h3", "Statements to look at again"), bullets(missed)]) if missed
        else el("p", "You answered every statement correctly.")])
