"""A tracker over the kit's store: one learner, one activity, every write committed at once."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from msp_learn.events import Event, ReflectionSaved, event_name
from msp_learn.store import NotFoundError, StaleVersionError, Store
from msp_learn.tracking._base import Snapshot, StaleError, UnboundError


class StoreTracker:
    """Writes one learner's work to a :class:`~msp_learn.store.Store`.

    ``commit`` passes the event's key (so a retried answer is recorded once) and the version
    this tracker last loaded or wrote (so a stale tab cannot overwrite a newer state). When
    the version check fails, the event alone is still written, so no answer is lost, and
    :class:`StaleError` is raised.
    """

    keeps_work = True

    def __init__(self, store: Store, learner: str, activity_kind: str | None = None,
                 activity_id: str | None = None) -> None:
        self.store = store
        self.learner = store.learner(learner) if isinstance(learner, str) else learner
        self.activity_kind, self.activity_id = activity_kind, activity_id
        self._version = 0

    def for_activity(self, kind: str, ident: str) -> StoreTracker:
        return StoreTracker(self.store, self.learner, kind, ident)

    def _where(self) -> dict[str, str]:
        if self.activity_kind is None or self.activity_id is None:
            raise UnboundError("this tracker is not bound to an activity: use "
                               "tracker.for_activity(kind, id)")
        return {"activity_kind": self.activity_kind, "activity_id": self.activity_id}

    def load(self) -> Snapshot:
        state, version = self.store.load_state(self.learner, **self._where())
        self._version = version
        return Snapshot(state, version)

    def commit(self, event: Event, state: dict[str, Any] | None = None) -> Snapshot:
        where = self._where()
        write = dict(event=event_name(event), payload=event.payload(), key=event.key)
        try:
            done = self.store.commit(self.learner, **where, **write, state=state,
                                     expected_version=self._version if state is not None
                                     else None)
        except StaleVersionError as exc:
            self.store.commit(self.learner, **where, **write)  # keep the answer itself
            raise StaleError(f"{where['activity_kind']} '{where['activity_id']}'",
                             exc.expected, exc.current) from None
        if done.duplicate:
            return replace(self.load(), duplicate=True)
        if state is not None:
            self._version = done.version
        return Snapshot(state, done.version)

    def save_reflection(self, prompt_set, answers, context, reflection_id=None) -> int:
        where = self._where()
        if reflection_id is not None:
            try:
                self.store.update_reflection(self.learner, reflection_id, answers=answers,
                                             context=context)
            except NotFoundError:  # forgotten or from another store: keep it as a new one
                reflection_id = None
        if reflection_id is None:
            reflection_id = self.store.save_reflection(
                self.learner, **where, prompt_set=prompt_set, answers=answers, context=context)
        self.commit(ReflectionSaved(prompt_set=prompt_set, reflection_id=reflection_id))
        return reflection_id

    def cpd_record(self, catalogue: Any = None, fmt: str = "html") -> str | bytes | None:
        from msp_learn.cpd import cpd_record

        try:
            return cpd_record(self.store, self.learner.name, fmt=fmt, catalogue=catalogue)
        except NotFoundError:
            return None
