"""Marking myth-vs-reality answers, with feedback, a score and a retry of missed items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from msp_learn.schemas import MythItem
from msp_learn.vocab import vocabulary


def basis_text(item: MythItem) -> list[str]:
    """The item's legal or guidance basis as readable lines, e.g. 'Care Act 2014, s42(1)'."""
    sources = vocabulary("sources")
    return [sources.label(b.source) + (f", {b.detail}" if b.detail else "") for b in item.basis]


@dataclass(frozen=True)
class QuizMark:
    """The result of one answer, with everything needed to give feedback."""

    item_id: str
    said_myth: bool
    correct: bool
    verdict: str  # "Myth" or "Reality": what the statement actually is
    reality: str
    why_it_matters: str
    instead: str | None
    basis: tuple[str, ...]

    @property
    def headline(self) -> str:
        """A one-line result that does not rely on colour: 'Correct: it is a myth.'"""
        right = "Correct" if self.correct else "Not quite"
        what = "a myth" if self.verdict == "Myth" else "true"
        return f"{right}: this statement is {what}."


def mark(item: MythItem, said_myth: bool) -> QuizMark:
    """Mark one answer: the learner said the statement is a myth (True) or true (False)."""
    return QuizMark(item.id, said_myth, said_myth == item.is_myth,
                    "Myth" if item.is_myth else "Reality", item.reality, item.why_it_matters,
                    item.instead, tuple(basis_text(item)))


@dataclass(frozen=True)
class Score:
    correct: int
    answered: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.correct} of {self.total} correct ({self.percent:.0f}%)"


class QuizSession:
    """A run through a list of items; answers can be given in any order, once each."""

    def __init__(self, items: Sequence[MythItem]) -> None:
        if not items:
            raise ValueError("a quiz needs at least one item")
        ids = [i.id for i in items]
        if len(set(ids)) != len(ids):
            raise ValueError("a quiz cannot hold the same item twice")
        self.items = list(items)
        self._by_id = {i.id: i for i in items}
        self.marks: dict[str, QuizMark] = {}

    def answer(self, item_id: str, said_myth: bool) -> QuizMark:
        """Record and mark an answer. Answering an item again replaces the earlier mark."""
        result = mark(self._by_id[item_id], said_myth)
        self.marks[item_id] = result
        return result

    @property
    def current(self) -> MythItem | None:
        """The first item not yet answered, or None when all are done."""
        return next((i for i in self.items if i.id not in self.marks), None)

    @property
    def finished(self) -> bool:
        return self.current is None

    def score(self) -> Score:
        return Score(sum(m.correct for m in self.marks.values()), len(self.marks), len(self.items))

    def missed(self) -> list[MythItem]:
        return [i for i in self.items if i.id in self.marks and not self.marks[i.id].correct]

    def retry_missed(self) -> QuizSession:
        """A new session holding only the items answered wrongly."""
        return QuizSession(self.missed())


@dataclass(frozen=True)
class Attempt:
    """One finished round of the quiz.

    ``items`` were the statements in the round (all of them, or the ones missed before);
    ``correct`` how many of those were answered right; ``known`` how many of the quiz's
    ``of`` statements the learner has now answered right, counting the earlier rounds of the
    same run (a retry of missed statements adds to the round before it).
    """

    number: int
    items: tuple[str, ...]
    correct: int
    known: int
    of: int

    @classmethod
    def finish(cls, number: int, session: QuizSession, *, of: int,
               before: Attempt | None = None) -> Attempt:
        """The attempt ``session`` (finished) makes; ``before``: the round it retried."""
        correct = session.score().correct
        known = min(of, (before.known if before else 0) + correct)
        return cls(number, tuple(i.id for i in session.items), correct, known, of)

    @property
    def score(self) -> Score:
        """This round's own score: '3 of 3 correct (100%)'."""
        return Score(self.correct, len(self.items), len(self.items))

    @property
    def overall(self) -> Score:
        """The whole quiz after this round: '28 of 28 correct (100%)'."""
        return Score(self.known, self.of, self.of)

    def to_dict(self) -> dict:
        return {"attempt": self.number, "items": list(self.items), "correct": self.correct,
                "known": self.known, "of": self.of}

    @classmethod
    def from_dict(cls, data: dict) -> Attempt | None:
        """An attempt from saved state; None if the record is not one."""
        try:
            items = tuple(str(i) for i in data["items"])
            return cls(int(data["attempt"]), items, int(data["correct"]), int(data["known"]),
                       int(data["of"]))
        except (KeyError, TypeError, ValueError):
            return None


def first_and_best(attempts: Sequence[Attempt]) -> tuple[Score, Score] | None:
    """The first attempt's score and the best overall score (None before any attempt)."""
    if not attempts:
        return None
    best = max(attempts, key=lambda a: (a.overall.percent, a.known))
    return attempts[0].overall, best.overall


def score_words(attempts: Sequence[Attempt]) -> str | None:
    """'first attempt 25 of 28 correct (89%); best 28 of 28 correct (100%)'."""
    found = first_and_best(attempts)
    return f"first attempt {found[0]}; best {found[1]}" if found else None
