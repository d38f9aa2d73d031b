"""The kit's one storage layer: learners, their event log, progress and reflections."""

from msp_learn.store._engine import data_dir, default_url
from msp_learn.store._records import Commit, Event, Learner, Progress, Reflection, Revision
from msp_learn.store._schema import STEPS, SchemaTooNewError, Step, current_version, migrate
from msp_learn.store._store import NameTakenError, NotFoundError, StaleVersionError, Store
from msp_learn.store._workshop import (
    AliasTakenError,
    AnswerRow,
    AnswerWrite,
    CodeTakenError,
    WorkshopRow,
    WorkshopStore,
)

__all__ = ["STEPS", "AliasTakenError", "AnswerRow", "AnswerWrite", "CodeTakenError", "Commit",
           "Event", "Learner", "NameTakenError", "NotFoundError", "Progress", "Reflection",
           "WorkshopRow", "WorkshopStore",
           "Revision", "SchemaTooNewError", "StaleVersionError", "Step", "Store",
           "current_version", "data_dir", "default_url", "migrate"]
