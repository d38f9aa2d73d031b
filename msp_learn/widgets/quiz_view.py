"""Myth-vs-reality quiz: one statement at a time, immediate feedback, a score, retry of misses."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from msp_learn.engine import QuizMark, QuizSession
from msp_learn.schemas import MythItem
from msp_learn.widgets._common import MemoryTracker, Tracker, app_root, box, bullets, button, esc

KIND = "quiz"


class QuizView:
    """Draws a :class:`QuizSession` and passes the learner's clicks to it."""

    def __init__(self, items: Sequence[MythItem], *, quiz_id: str = "myths",
                 title: str = "Myth or reality?", tracker: Tracker | None = None) -> None:
        self.all_items = list(items)
        self.quiz_id, self.title = quiz_id, title
        self.tracker = tracker or MemoryTracker()
        self.header = box()
        self.statement = box("", "msp-statement")
        self.myth_button = button("It's a myth", "msp-answer-myth")
        self.true_button = button("It's true", "msp-answer-true")
        self.myth_button.on_click(lambda _: self.answer(True))
        self.true_button.on_click(lambda _: self.answer(False))
        self.feedback = box("", "msp-quiz-feedback")
        self.next_button = button("Next statement", "msp-next", style="primary")
        self.next_button.on_click(lambda _: self.next())
        self.retry_button = button("Try the ones I missed", "msp-retry")
        self.retry_button.on_click(lambda _: self.retry())
        self.restart_button = button("Start again", "msp-restart")
        self.restart_button.on_click(lambda _: self.restart())
        self.answers_row = W.HBox([self.myth_button, self.true_button])
        self.body = W.VBox()
        self.widget = app_root(self.header, self.body, name="quiz")
        self._showing_feedback = False
        self._restore()

    # state

    def _restore(self) -> None:
        state = self.tracker.load(KIND, self.quiz_id) or {}
        by_id = {i.id: i for i in self.all_items}
        round_ids = [i for i in state.get("round", []) if i in by_id] or list(by_id)
        self.session = QuizSession([by_id[i] for i in round_ids])
        for item_id, said_myth in state.get("answers", {}).items():
            if item_id in by_id and item_id in round_ids:
                self.session.answer(item_id, bool(said_myth))
        self.render()

    def _save(self) -> None:
        score = self.session.score()
        self.tracker.save(KIND, self.quiz_id, {
            "round": [i.id for i in self.session.items],
            "answers": {k: m.said_myth for k, m in self.session.marks.items()},
            "score": {"correct": score.correct, "total": score.total},
            "completed": self.session.finished, "title": self.title})

    # actions

    def answer(self, said_myth: bool) -> QuizMark:
        item = self.session.current
        if item is None or self._showing_feedback:
            raise RuntimeError("no statement is waiting for an answer")
        result = self.session.answer(item.id, said_myth)
        self.tracker.record(KIND, self.quiz_id, "answer", {
            "item": item.id, "said_myth": said_myth, "correct": result.correct})
        self._save()
        self._showing_feedback = True
        self.render(result)
        return result

    def next(self) -> None:
        self._showing_feedback = False
        self.render()

    def retry(self) -> None:
        missed = self.session.missed()
        if not missed:
            return
        self.session = self.session.retry_missed()
        self.tracker.record(KIND, self.quiz_id, "retry", {"items": [i.id for i in missed]})
        self._save()
        self.render()

    def restart(self) -> None:
        self.session = QuizSession(self.all_items)
        self.tracker.record(KIND, self.quiz_id, "restart", {})
        self._save()
        self._showing_feedback = False
        self.render()

    # drawing

    def render(self, result: QuizMark | None = None) -> None:
        s = self.session
        done = len(s.marks)
        self.header.value = (f"<h1>{esc(self.title)}</h1><p class='msp-progress'>Statement "
                             f"{min(done + (0 if result else 1), len(s.items))} of {len(s.items)}"
                             f" &middot; {s.score().correct} correct so far</p>")
        if result is not None:
            self.feedback.value = feedback_html(result)
            last = s.finished
            self.next_button.description = "See my score" if last else "Next statement"
            self.next_button.tooltip = self.next_button.description
            self.myth_button.disabled = self.true_button.disabled = True
            self.body.children = [self.statement, self.answers_row, self.feedback,
                                  self.next_button]
            return
        item = s.current
        if item is None:
            self.body.children = [self.summary(), W.HBox(
                [self.retry_button, self.restart_button])]
            self.retry_button.disabled = not s.missed()
            return
        self.statement.value = (f"<h2>Is this a myth, or is it true?</h2>"
                                f"<blockquote><p>{esc(item.statement)}</p></blockquote>")
        self.myth_button.disabled = self.true_button.disabled = False
        self.body.children = [self.statement, self.answers_row]

    def summary(self) -> W.HTML:
        score = self.session.score()
        missed = self.session.missed()
        text = (f"<h2>Your score</h2><p class='msp-score' role='status'>You got "
                f"{esc(score)}.</p>")
        if missed:
            text += "<h3>Statements to look at again</h3>" + bullets(i.statement for i in missed)
        else:
            text += "<p>You answered every statement correctly.</p>"
        return box(text, "msp-quiz-summary")


def feedback_html(result: QuizMark) -> str:
    """Feedback that says right or wrong in words (never colour alone), then the reality."""
    tone = "msp-correct" if result.correct else "msp-incorrect"
    parts = [f"<div class='msp-feedback {tone}' role='status' aria-live='polite'>",
             f"<p class='msp-headline'><strong>{esc(result.headline)}</strong></p>",
             f"<p><strong>{'The reality' if result.verdict == 'Myth' else 'Why'}:</strong> "
             f"{esc(result.reality)}</p>",
             f"<p><strong>Why it matters:</strong> {esc(result.why_it_matters)}</p>"]
    if result.instead:
        parts.append(f"<p><strong>What to do:</strong> {esc(result.instead)}</p>")
    parts.append(f"<p><strong>Basis:</strong> {esc('; '.join(result.basis))}</p></div>")
    return "".join(parts)
