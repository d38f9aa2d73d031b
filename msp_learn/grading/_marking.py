"""Marking assessed answers: pure functions from a saved answer and a key to a mark and a note.

Partial credit: a rating one step from the key earns half the points. A missing or malformed
answer earns nothing and says why, in plain English; nothing here raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICTS = ("myth", "reality")
LEVELS = ("low", "medium", "high", "very-high")
SCALE = (1, 2, 3, 4, 5)
NEAR = 0.5  # the share of the points for a rating one step from the key


@dataclass(frozen=True)
class Mark:
    """The share of the points earned (0..1) and a note for the learner."""

    share: float
    note: str


def _label(value) -> str:
    return {"myth": "a myth", "reality": "true", "very-high": "very high"}.get(value, str(value))


def mark_verdict(state: dict | None, key: str) -> Mark:
    """A myth-vs-reality answer: ``state['said']`` is 'myth' or 'reality'."""
    said = (state or {}).get("said")
    if said is None:
        return Mark(0.0, f"No answer was recorded for this statement; it is {_label(key)}.")
    if said not in VERDICTS:
        return Mark(0.0, f"The recorded answer ({said!r}) is not 'myth' or 'reality', so it "
                         f"could not be marked; the statement is {_label(key)}.")
    if said == key:
        return Mark(1.0, f"You said the statement is {_label(said)}: correct.")
    return Mark(0.0, f"You said the statement is {_label(said)}; it is {_label(key)}.")


def _near(index_given: int, index_key: int) -> float:
    gap = abs(index_given - index_key)
    return 1.0 if gap == 0 else NEAR if gap == 1 else 0.0


def mark_scale(state: dict | None, field: str, key: int, *, what: str) -> Mark:
    """A 1..5 rating (likelihood or impact): exact earns all, one step off earns half."""
    given = (state or {}).get(field)
    if given is None:
        return Mark(0.0, f"No {what} rating was recorded; the model answer is {key}.")
    if isinstance(given, bool) or given not in SCALE:
        return Mark(0.0, f"The recorded {what} rating ({given!r}) is not a whole number from 1 "
                         f"to 5, so it could not be marked; the model answer is {key}.")
    share = _near(given, key)
    verdict = {1.0: "the same as the model answer", NEAR: "one step from the model answer"}
    return Mark(share, f"You rated {what} {given}; the model answer is {key} "
                       f"({verdict.get(share, 'more than one step away')}).")


def mark_level(state: dict | None, key: str) -> Mark:
    """The overall level of risk: exact earns all, one level off earns half."""
    given = (state or {}).get("level")
    if given is None:
        return Mark(0.0, "No overall level of risk was recorded; the model answer is "
                         f"{_label(key)}.")
    if given not in LEVELS:
        return Mark(0.0, f"The recorded level ({given!r}) is not one of low, medium, high or "
                         f"very high, so it could not be marked; the model answer is "
                         f"{_label(key)}.")
    share = _near(LEVELS.index(given), LEVELS.index(key))
    verdict = {1.0: "the same as the model answer", NEAR: "one level from the model answer"}
    return Mark(share, f"You rated the overall risk {_label(given)}; the model answer is "
                       f"{_label(key)} ({verdict.get(share, 'more than one level away')}).")
