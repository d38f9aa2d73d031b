"""A tracker that keeps everything in memory: for trainer demos and tests."""

from __future__ import annotations

from typing import Any, NamedTuple

from msp_learn.events import Event, ReflectionSaved, event_name
from msp_learn.tracking._base import Snapshot, StaleError, UnboundError


class Logged(NamedTuple):
    """One event as the memory tracker logged it (indexable like the old 4-tuples)."""

    activity_kind: str
    activity_id: str
    event: str
    payload: dict
    record: Event


class _Memory:
    """What every :class:`MemoryTracker` of one learner shares."""

    def __init__(self) -> None:
        self.events: list[Logged] = []
        self.states: dict[tuple[str, str], tuple[dict, int]] = {}
        self.reflections: dict[int, dict] = {}
        self.keys: set[str] = set()


class MemoryTracker:
    """Keeps everything in memory (nothing survives the kernel). Trackers made from one
    another with :meth:`for_activity` share one memory, as one learner's store would."""

    keeps_work = False

    def __init__(self, activity_kind: str | None = None, activity_id: str | None = None, *,
                 _memory: _Memory | None = None) -> None:
        self.activity_kind, self.activity_id = activity_kind, activity_id
        self._memory = _memory or _Memory()
        self._version = 0

    # what tests and demos read
    @property
    def events(self) -> list[Logged]:
        return self._memory.events

    @property
    def states(self) -> dict[tuple[str, str], dict]:
        return {k: dict(s) for k, (s, _) in self._memory.states.items()}

    @property
    def reflections(self) -> dict[int, dict]:
        return self._memory.reflections

    def for_activity(self, kind: str, ident: str) -> MemoryTracker:
        return MemoryTracker(kind, ident, _memory=self._memory)

    def _where(self) -> tuple[str, str]:
        if self.activity_kind is None or self.activity_id is None:
            raise UnboundError("this tracker is not bound to an activity: use "
                               "tracker.for_activity(kind, id)")
        return self.activity_kind, self.activity_id

    def load(self) -> Snapshot:
        state, version = self._memory.states.get(self._where(), (None, 0))
        self._version = version
        return Snapshot(dict(state) if state is not None else None, version)

    def commit(self, event: Event, state: dict[str, Any] | None = None) -> Snapshot:
        where = self._where()
        memory = self._memory
        current = memory.states.get(where, (None, 0))[1]
        if event.key in memory.keys:
            self._version = current
            return Snapshot(self.load().state, current, duplicate=True)
        memory.keys.add(event.key)
        memory.events.append(Logged(*where, event_name(event), event.payload(), event))
        if state is None:
            return Snapshot(None, current)
        if current != self._version:
            raise StaleError(f"{where[0]} '{where[1]}'", self._version, current)
        memory.states[where] = (dict(state), current + 1)
        self._version = current + 1
        return Snapshot(dict(state), current + 1)

    def save_reflection(self, prompt_set, answers, context, reflection_id=None) -> int:
        kind, ident = self._where()
        memory = self._memory
        if reflection_id is None or reflection_id not in memory.reflections:
            reflection_id = len(memory.reflections) + 1
            memory.reflections[reflection_id] = dict(kind=kind, ident=ident,
                                                     prompt_set=prompt_set, answers={})
        saved = memory.reflections[reflection_id]
        saved["answers"] = {**saved["answers"], **answers}
        saved["context"] = dict(context)
        self.commit(ReflectionSaved(prompt_set=prompt_set, reflection_id=reflection_id))
        return reflection_id

    def cpd_record(self, catalogue: Any = None, fmt: str = "html") -> str | bytes | None:
        return None
