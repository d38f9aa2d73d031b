"""Playing a branching case study: choices, feedback, going back, endings and a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from msp_learn.schemas import CaseStudy, Choice, Ending, Node


class InvalidChoice(ValueError):
    """A choice that is not available where the learner is."""


@dataclass(frozen=True)
class Step:
    """One choice the learner made, where, and the feedback it earned."""

    node_id: str
    choice: Choice

    @property
    def choice_id(self) -> str:
        return self.choice.id

    @property
    def feedback(self) -> str:
        return self.choice.feedback


@dataclass(frozen=True)
class Summary:
    """What a finished (or unfinished) path through a case study adds up to."""

    ending: Ending | None
    steps: tuple[Step, ...]
    honoured: Counter
    broken: Counter
    asked: bool = False

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def measure(self) -> list[tuple[str, str]]:
        """The ending's three-step outcome measure, or nothing before an ending."""
        return self.ending.measure() if self.ending is not None else []


class ScenarioSession:
    """A learner's path through one case study. Pure state: no widgets, no storage."""

    def __init__(self, case: CaseStudy) -> None:
        self.case = case
        self._nodes: dict[str, Node] = {n.id: n for n in case.nodes}
        self._endings: dict[str, Ending] = {e.id: e for e in case.endings}
        self._steps: list[Step] = []

    @classmethod
    def replay(cls, case: CaseStudy, choice_ids: Iterable[str]) -> ScenarioSession:
        """A session that has made ``choice_ids`` in order (for resuming saved progress).

        Raises InvalidChoice if the saved path no longer fits the case study.
        """
        session = cls(case)
        for choice_id in choice_ids:
            session.choose(choice_id)
        return session

    @property
    def position(self) -> str:
        """Id of the node or ending the learner is at."""
        return self._steps[-1].choice.next if self._steps else self.case.start

    @property
    def node(self) -> Node | None:
        """The current decision point, or None once an ending is reached."""
        return self._nodes.get(self.position)

    @property
    def ending(self) -> Ending | None:
        """The ending reached, or None while the story goes on."""
        return self._endings.get(self.position)

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def history(self) -> tuple[Step, ...]:
        return tuple(self._steps)

    @property
    def choice_ids(self) -> list[str]:
        """The choices made so far, in order: all that is needed to restore the session."""
        return [s.choice_id for s in self._steps]

    @property
    def asked(self) -> bool:
        """Has the person been asked what they want on the path so far?

        True once the path passes a node or takes a choice marked ``asks_outcomes``.
        """
        start = self._nodes.get(self.case.start)
        if start is not None and start.asks_outcomes:
            return True
        for step in self._steps:
            target = self._nodes.get(step.choice.next)
            if step.choice.asks_outcomes or (target is not None and target.asks_outcomes):
                return True
        return False

    def available_choices(self) -> list[Choice]:
        node = self.node
        return list(node.choices) if node else []

    def choose(self, choice_id: str) -> Step:
        """Take the choice ``choice_id`` at the current node and return the step with feedback."""
        node = self.node
        if node is None:
            raise InvalidChoice(f"the case study has ended at '{self.position}'")
        for choice in node.choices:
            if choice.id == choice_id:
                step = Step(node.id, choice)
                self._steps.append(step)
                return step
        raise InvalidChoice(f"'{choice_id}' is not a choice at '{node.id}'")

    def back(self) -> Step | None:
        """Undo the last choice; returns it, or None at the start."""
        return self._steps.pop() if self._steps else None

    def restart(self) -> None:
        self._steps.clear()

    def summary(self) -> Summary:
        """Principles honoured and broken along the path, whether the person was asked what
        they want, and the ending if reached."""
        honoured: Counter = Counter()
        broken: Counter = Counter()
        for step in self._steps:
            honoured.update(step.choice.honours)
            broken.update(step.choice.breaks)
        return Summary(self.ending, self.history, honoured, broken, self.asked)


def all_paths(case: CaseStudy, *, max_loops: int = 1) -> list[list[str]]:
    """Every path (as choice ids) from the start to an ending, taking each loop at most
    ``max_loops`` times. Used to test that every path through a case study plays."""
    nodes = {n.id: n for n in case.nodes}
    paths: list[list[str]] = []
    stack: list[tuple[str, list[str], Counter]] = [(case.start, [], Counter())]
    while stack:
        position, path, loops = stack.pop()
        node = nodes.get(position)
        if node is None:
            paths.append(path)
            continue
        for choice in node.choices:
            taken = loops.copy()
            if choice.loop:
                taken[(node.id, choice.id)] += 1
                if taken[(node.id, choice.id)] > max_loops:
                    continue
            stack.append((choice.next, path + [choice.id], taken))
    return paths
