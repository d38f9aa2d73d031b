"""The Tracker seam: where a view writes what the learner does, bound to one activity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from msp_learn.events import Event


@dataclass(frozen=True)
class Snapshot:
    """An activity's saved state and its version (0 and None when nothing is saved).
    ``duplicate`` says a commit was a retry of one already written (nothing new written)."""

    state: dict[str, Any] | None
    version: int
    duplicate: bool = False


class StaleError(RuntimeError):
    """Another tab or device changed this activity since this page loaded it. The state was
    not written (the event itself is kept in the learner's history); reload the page."""

    MESSAGE = ("This activity was changed in another tab or window. Nothing here has "
               "overwritten it: reload this page to carry on from the latest version.")

    def __init__(self, activity: str, expected: int, current: int) -> None:
        super().__init__(f"{activity} was changed elsewhere (version {current}; this page "
                         f"has version {expected}): reload the page")
        self.activity, self.expected, self.current = activity, expected, current


class UnboundError(RuntimeError):
    """A tracker used for an activity before it was bound to one (call ``for_activity``)."""


@runtime_checkable
class Tracker(Protocol):
    """Where a view writes what the learner does, the moment they do it.

    A tracker is bound to one learner and one activity (``activity_kind``, ``activity_id``).
    ``load`` remembers the version it saw; ``commit`` writes the event and, with ``state``,
    the new state in one go, and raises :class:`StaleError` (writing no state) if another
    tab wrote in between.
    """

    activity_kind: str | None
    activity_id: str | None
    #: False for a tracker that keeps nothing once the kernel stops (trainer demos, tests).
    keeps_work: bool

    def for_activity(self, kind: str, ident: str) -> Tracker:
        """A tracker for the same learner bound to another activity."""
        ...

    def load(self) -> Snapshot: ...

    def commit(self, event: Event, state: dict[str, Any] | None = None) -> Snapshot: ...

    def save_reflection(self, prompt_set: str, answers: dict[str, str], context: dict,
                        reflection_id: int | None = None) -> int:
        """Keep a reflection on this activity (a new one, or edit ``reflection_id``)."""
        ...

    def cpd_record(self, catalogue: Any = None, fmt: str = "html") -> str | bytes | None:
        """The learner's CPD record as ``fmt`` (html or md text, docx bytes: see
        :func:`msp_learn.cpd.cpd_record`); None if there is nothing in it yet."""
        ...
