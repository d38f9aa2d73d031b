"""Myth-vs-reality quiz: one statement at a time, immediate feedback, a score, retry of misses.

Each answer is an event carrying its attempt number; each finished round is kept as an
:class:`~msp_learn.engine.Attempt`, so the first attempt and the best score survive "Try the
ones I missed" and "Start again".
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from msp_learn.activities import ACTIVITIES
from msp_learn.engine import Attempt, QuizMark, QuizSession, first_and_best
from msp_learn.events import QuizAnswered, Restarted, RetriedMissed
from msp_learn.html import quiz as render
from msp_learn.schemas import MythItem
from msp_learn.tracking import Tracker
from msp_learn.widgets._common import Saver, app_root, box, button, focus_mark

KIND = ACTIVITIES["quiz"].kind


class QuizView:
    """Draws a :class:`QuizSession` and passes the learner's clicks to it."""

    def __init__(self, items: Sequence[MythItem], *, quiz_id: str | None = None,
                 title: str = "Myth or reality?", tracker: Tracker | None = None) -> None:
        self.all_items = list(items)
        self.quiz_id = quiz_id or ACTIVITIES["quiz"].default_id
        self.title = title
        self.saver = Saver(tracker, KIND, self.quiz_id)
        self.tracker = self.saver.tracker
        self.header = box()
        self.statement = box("", "msp-statement")
        self.myth_button = button(render.answer_words(True), "msp-answer-myth")
        self.true_button = button(render.answer_words(False), "msp-answer-true")
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
        self.widget = app_root(self.saver.alert, self.header, self.body, name="quiz")
        self._showing_feedback = False
        self._restore()

    # state

    def _restore(self) -> None:
        state = self.saver.load()
        by_id = {i.id: i for i in self.all_items}
        round_ids = [i for i in state.get("round", []) if i in by_id] or list(by_id)
        self.session = QuizSession([by_id[i] for i in round_ids])
        for item_id, said_myth in state.get("answers", {}).items():
            if item_id in by_id and item_id in round_ids:
                self.session.answer(item_id, bool(said_myth))
        saved = state.get("attempts") if isinstance(state.get("attempts"), list) else []
        self.attempts = [a for a in map(Attempt.from_dict, saved) if a is not None]
        self.attempt = state.get("attempt") if isinstance(state.get("attempt"), int) else (
            len(self.attempts) + (0 if self.session.finished and self.attempts else 1))
        self.retrying = bool(state.get("retrying"))
        self.render()

    def _state(self) -> dict:
        score = self.session.score()
        best = first_and_best(self.attempts)
        return {"round": [i.id for i in self.session.items],
                "answers": {k: m.said_myth for k, m in self.session.marks.items()},
                "score": {"correct": score.correct, "total": score.total},
                "attempt": self.attempt, "retrying": self.retrying,
                "attempts": [a.to_dict() for a in self.attempts],
                "first": _score(best[0]) if best else None,
                "best": _score(best[1]) if best else None,
                "completed": bool(self.attempts) or self.session.finished,
                "title": self.title}

    # actions

    def answer(self, said_myth: bool) -> QuizMark:
        item = self.session.current
        if item is None or self._showing_feedback:
            raise RuntimeError("no statement is waiting for an answer")
        result = self.session.answer(item.id, said_myth)
        if self.session.finished:
            before = self.attempts[-1] if self.retrying and self.attempts else None
            self.attempts.append(Attempt.finish(self.attempt, self.session,
                                                of=len(self.all_items), before=before))
        self.saver.commit(QuizAnswered(item_id=item.id, said_myth=said_myth,
                                       is_correct=result.correct, attempt=self.attempt),
                          self._state())
        self._showing_feedback = True
        self.render(result, focus=True)
        return result

    def next(self) -> None:
        self._showing_feedback = False
        self.render(focus=True)

    def retry(self) -> None:
        missed = self.session.missed()
        if not missed:
            return
        self.session = self.session.retry_missed()
        self.attempt, self.retrying = self.attempt + 1, True
        self.saver.commit(RetriedMissed(items=tuple(i.id for i in missed),
                                        attempt=self.attempt), self._state())
        self.render(focus=True)

    def restart(self) -> None:
        self.session = QuizSession(self.all_items)
        self.attempt, self.retrying = self.attempt + 1, False
        self.saver.commit(Restarted(attempt=self.attempt), self._state())
        self._showing_feedback = False
        self.render(focus=True)

    # drawing

    def render(self, result: QuizMark | None = None, *, focus: bool = False) -> None:
        """Draw the session. ``focus`` (after an action, never on restoring) moves keyboard
        focus to what comes next: the feedback, the next statement or the score."""
        mark = focus_mark if focus else (lambda markup: markup)
        s = self.session
        done = len(s.marks)
        self.header.value = render.header(self.title, min(done + (0 if result else 1),
                                                          len(s.items)),
                                          len(s.items), s.score().correct)
        if result is not None:
            self.feedback.value = mark(render.feedback(result))
            last = s.finished
            self.next_button.description = "See my score" if last else "Next statement"
            self.next_button.tooltip = self.next_button.description
            self.myth_button.disabled = self.true_button.disabled = True
            self._mark_picked(result.said_myth)
            self.body.children = [self.statement, self.answers_row, self.feedback,
                                  self.next_button]
            return
        item = s.current
        if item is None:
            self.body.children = [self.summary(focus=focus), W.HBox(
                [self.retry_button, self.restart_button])]
            self.retry_button.disabled = not s.missed()
            return
        self.statement.value = mark(render.statement(item.statement))
        self.myth_button.disabled = self.true_button.disabled = False
        self._mark_picked(None)
        self.body.children = [self.statement, self.answers_row]

    def _mark_picked(self, said_myth: bool | None) -> None:
        """Show which answer button the learner pressed (the feedback also says it)."""
        for button_, is_myth in ((self.myth_button, True), (self.true_button, False)):
            if said_myth is is_myth:
                button_.add_class("msp-picked")
            else:
                button_.remove_class("msp-picked")

    def summary(self, *, focus: bool = False) -> W.HTML:
        found = first_and_best(self.attempts)
        text = render.summary(self.session.score(), (i.statement for i in self.session.missed()),
                              first=found[0] if found else None,
                              best=found[1] if found else None)
        return box(focus_mark(text) if focus else text, "msp-quiz-summary")


def _score(score) -> dict:
    return {"correct": score.correct, "total": score.total}


def feedback_html(result: QuizMark) -> str:
    """Feedback on one answer (kept for code that imported it from here)."""
    return render.feedback(result)
