"""The tracking seam: a view writes each event, and the activity's new state, through a
tracker bound to one learner and one activity (see docs/house.md)."""

from msp_learn.tracking._base import Snapshot, StaleError, Tracker, UnboundError
from msp_learn.tracking._memory import Logged, MemoryTracker
from msp_learn.tracking._store import StoreTracker

__all__ = ["Logged", "MemoryTracker", "Snapshot", "StaleError", "StoreTracker", "Tracker",
           "UnboundError"]
