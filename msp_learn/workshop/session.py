"""The workshop session state machine: who joined, what is pushed, what the room answered.

States: ``waiting`` (joined, nothing pushed yet) -> ``open`` (answers accepted) <-> ``locked``
(answers closed; ``reveal`` also locks) -> ... -> ``ended``. ``next`` moves along the plan;
after a case-study decision point it takes the room down the branch most of the room chose.
The session holds no I/O: :mod:`msp_learn.workshop.room` persists every change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from msp_learn.workshop.activities import Activity, ActivityError
from msp_learn.workshop.codes import alias_key, clean_alias

#: A plan item -> the activity it starts with (content lookups live outside the core).
Builder = Callable[[dict[str, Any]], Activity]

MODERATION = ("hidden", "shown", "removed")


class SessionError(RuntimeError):
    """An action the session cannot take now; the message says why, in plain English."""


@dataclass
class Entry:
    """One participant's current answer to one activity."""

    value: Any
    status: str = "shown"  # free text starts "hidden"
    flagged: bool = False  # caught by the word filter


@dataclass
class Session:
    """One workshop: a plan of activities and the room's answers to each run of one.

    Args:
        code: the join code; title: shown to the room.
        plan: the trainer's activities in order (see :func:`msp_learn.workshop.room.build`).
        build: turns a plan item or a case-study step into an :class:`Activity`.
    """

    code: str
    title: str
    plan: list[dict[str, Any]]
    build: Builder
    status: str = "waiting"
    position: int = -1
    run: int = 0
    current: Activity | None = None
    revealed: bool = False
    participants: dict[int, str] = field(default_factory=dict)
    answers: dict[int, dict[int, Entry]] = field(default_factory=dict)
    history: dict[int, Activity] = field(default_factory=dict)

    # joining

    def check_alias(self, alias: str) -> str:
        """The alias cleaned; SessionError if someone in the room already uses it."""
        alias = clean_alias(alias)
        if any(alias_key(a) == alias.casefold() for a in self.participants.values()):
            raise SessionError(f"Someone here is already called '{alias}': add a letter or "
                               "choose another name.")
        if self.status == "ended":
            raise SessionError("This workshop has ended.")
        return alias

    def add_participant(self, participant_id: int, alias: str) -> None:
        self.participants[participant_id] = alias

    # the trainer's controls

    def push(self, index: int) -> Activity:
        """Open plan item ``index`` (0-based) for answers."""
        if not 0 <= index < len(self.plan):
            raise SessionError(f"There is no activity {index + 1}; the plan has "
                               f"{len(self.plan)}.")
        self.position = index
        return self._open(self.build(self.plan[index]))

    def next(self, choice: str | None = None) -> Activity | None:
        """Move on: down the room's chosen branch after a decision point, else to the next
        plan item. Returns None (and ends the session) after the last one.

        Args:
            choice: for a decision point, the option to follow instead of the room's vote
                (needed when the vote is tied or nobody voted).
        """
        current = self.current
        if current is not None and current.kind == "decision":
            branch = choice if choice is not None else self.winner()
            if branch not in current.branches:
                raise SessionError("Choose which option to follow: the room's vote is tied or "
                                   "empty." if choice is None else
                                   f"'{choice}' is not one of this decision's options.")
            return self._open(self.build({**current.source, "node": current.branches[branch]}))
        if self.position + 1 >= len(self.plan):
            self.status, self.current, self.revealed = "ended", None, False
            return None
        return self.push(self.position + 1)

    def lock(self) -> None:
        """Stop taking answers to the current activity."""
        self._need_current()
        self.status = "locked"

    def unlock(self) -> None:
        """Take answers again (the correct answer, if revealed, stays shown)."""
        self._need_current()
        if self.revealed:
            raise SessionError("The answer has been revealed: reset to ask again.")
        self.status = "open"

    def reveal(self) -> None:
        """Show the correct answer or explanation to the room; locks answering."""
        activity = self._need_current()
        if not activity.revealable:
            raise SessionError("This activity has no answer to reveal.")
        self.revealed, self.status = True, "locked"

    def reset(self) -> None:
        """Clear the room's answers to the current activity and open it again."""
        self._need_current()
        self.answers[self.run] = {}
        self.revealed, self.status = False, "open"

    def end(self) -> None:
        self.status, self.current, self.revealed = "ended", None, False

    # answers

    def check_answer(self, participant_id: int, value: Any) -> Any:
        """The answer as it will be stored; SessionError when it cannot be taken now."""
        if participant_id not in self.participants:
            raise SessionError("You are not in this workshop: join again with the code.")
        if self.current is None:
            raise SessionError("Nothing is open yet: wait for the trainer's next question."
                               if self.status != "ended" else "This workshop has ended.")
        if self.status != "open":
            raise SessionError("Answers are closed for this question.")
        try:
            return self.current.check_answer(value)
        except ActivityError as exc:
            raise SessionError(str(exc)) from None

    def record(self, participant_id: int, run: int, value: Any, *, status: str = "shown",
               flagged: bool = False) -> bool:
        """Keep the participant's answer to ``run``; True if it replaced an earlier one."""
        room = self.answers.setdefault(run, {})
        replaced = participant_id in room
        room[participant_id] = Entry(value, status, flagged)
        return replaced

    def moderate(self, participant_id: int, status: str) -> None:
        """Show, hide or remove one free-text entry of the current activity."""
        if status not in MODERATION:
            raise SessionError(f"Moderation is one of {', '.join(MODERATION)}.")
        entry = self.answers.get(self.run, {}).get(participant_id)
        if entry is None:
            raise SessionError("That answer is no longer there (changed or reset).")
        entry.status = status

    def winner(self) -> str | None:
        """The option most of the room chose now, or None if tied or empty."""
        counts = Counter(e.value for e in self.answers.get(self.run, {}).values())
        ranked = counts.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def mine(self, participant_id: int) -> Any:
        """The participant's answer to the current activity, or None."""
        entry = self.answers.get(self.run, {}).get(participant_id)
        return entry.value if entry is not None else None

    # views of the state

    def public(self) -> dict[str, Any]:
        """What every learner's screen shows (no correct answer before the reveal)."""
        return {"code": self.code, "title": self.title, "status": self.status, "run": self.run,
                "activity": self.current.public(self.revealed) if self.current else None,
                "revealed": self.revealed}

    def to_state(self) -> dict[str, Any]:
        """Everything but the answers and participants (the store keeps those), as JSON."""
        return {"status": self.status, "position": self.position, "run": self.run,
                "revealed": self.revealed, "plan": self.plan,
                "history": {str(k): a.to_dict() for k, a in self.history.items()}}

    def restore(self, state: dict[str, Any]) -> None:
        """Put back what :meth:`to_state` saved."""
        self.status, self.position = state["status"], state["position"]
        self.run, self.revealed = state["run"], state["revealed"]
        self.plan = state["plan"]
        self.history = {int(k): Activity.from_dict(a) for k, a in state["history"].items()}
        self.current = self.history.get(self.run) if self.status in ("open", "locked") else None

    def _open(self, activity: Activity) -> Activity:
        self.run += 1
        self.current, self.revealed = activity, False
        self.status = "open" if activity.answerable else "locked"
        self.history[self.run] = activity
        self.answers[self.run] = {}
        return activity

    def _need_current(self) -> Activity:
        if self.current is None:
            raise SessionError("Push an activity first.")
        return self.current
