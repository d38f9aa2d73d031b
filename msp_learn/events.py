"""What a learner does, as typed records: each event the views write, declared once.

An event is made in the view the moment the learner acts, with a fresh idempotency ``key``, and
handed to a tracker (``tracking``), which writes it with the activity's new state. The store
keeps an event as a name and a JSON payload; :func:`read` turns a stored (name, payload) back
into its record, including payloads written before a field existed (an answer stored without an
attempt number reads as attempt 1).

Every event answers the questions item analysis asks: which ``item`` (question, step or
rating) it is about, the learner's ``response``, whether it was ``correct`` (None where there
is no right answer), and the ``attempt`` it belongs to (1 for the first run through).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar


def new_key() -> str:
    """A fresh idempotency key (32 hex digits): one per thing the learner does."""
    return uuid.uuid4().hex


@dataclass(frozen=True, kw_only=True)
class Event:
    """One thing a learner did. Subclasses name themselves with ``name`` (the stored event)."""

    name: ClassVar[str] = ""
    #: field name -> payload name, where the stored payload spells a field differently.
    renamed: ClassVar[dict[str, str]] = {}

    key: str = field(default_factory=new_key, compare=False)
    attempt: int = 1

    # item analysis

    @property
    def item(self) -> str | None:
        """The question, step or rating this event answers (None for actions)."""
        return None

    @property
    def response(self) -> Any:
        """What the learner gave as their answer (None for actions)."""
        return None

    @property
    def correct(self) -> bool | None:
        """Whether the response was right; None where there is no right answer."""
        return None

    # storing

    def payload(self) -> dict[str, Any]:
        """The JSON payload the store keeps (every field but the key)."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name == "key":
                continue
            out[self.renamed.get(f.name, f.name)] = _json(getattr(self, f.name))
        return out

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], *, key: str | None = None) -> Event:
        """The event from a stored payload; fields the payload lacks take their defaults,
        and payload entries this version does not know are ignored."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "key":
                continue
            stored = cls.renamed.get(f.name, f.name)
            if stored in payload:
                value = payload[stored]
                values[f.name] = tuple(value) if isinstance(value, list) and _is_tuple(f) \
                    else value
        values["attempt"] = _attempt(payload.get("attempt", 1))
        if key:
            values["key"] = key
        try:
            return cls(**values)
        except TypeError as exc:  # a required field is missing from the payload
            raise EventError(f"a stored '{cls.name}' event lacks a field it needs ({exc}); "
                             f"payload: {dict(payload)!r}") from None


class EventError(ValueError):
    """A stored payload that cannot be read as its event."""


def _json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _is_tuple(f: dataclasses.Field) -> bool:
    return "tuple" in str(f.type)


def _attempt(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


# case studies

@dataclass(frozen=True, kw_only=True)
class Started(Event):
    """The learner started (or restarted after skipping) a case study."""

    name: ClassVar[str] = "start"


@dataclass(frozen=True, kw_only=True)
class Skipped(Event):
    """The learner chose not to do a case study (after its content note)."""

    name: ClassVar[str] = "skip"


@dataclass(frozen=True, kw_only=True)
class Paused(Event):
    name: ClassVar[str] = "pause"


@dataclass(frozen=True, kw_only=True)
class Resumed(Event):
    name: ClassVar[str] = "resume"


@dataclass(frozen=True, kw_only=True)
class Continued(Event):
    """The learner moved on from a choice's feedback to the next step."""

    name: ClassVar[str] = "continue"


@dataclass(frozen=True, kw_only=True)
class ChoiceMade(Event):
    """A choice at one step of a case study. ``correct`` is whether it put no principle at
    risk (None when the choice names no principles either way)."""

    name: ClassVar[str] = "choice"
    node: str
    choice: str
    honours: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()

    @property
    def item(self) -> str:
        return self.node

    @property
    def response(self) -> str:
        return self.choice

    @property
    def correct(self) -> bool | None:
        return not self.breaks if (self.honours or self.breaks) else None


@dataclass(frozen=True, kw_only=True)
class WentBack(Event):
    """The learner undid their last choice (``choice``)."""

    name: ClassVar[str] = "back"
    choice: str | None = None


@dataclass(frozen=True, kw_only=True)
class EndingReached(Event):
    name: ClassVar[str] = "ending"
    ending: str
    choices: tuple[str, ...] = ()

    @property
    def item(self) -> str:
        return "ending"

    @property
    def response(self) -> str:
        return self.ending


@dataclass(frozen=True, kw_only=True)
class Restarted(Event):
    """Play again (case study) or start again (quiz): the next attempt begins."""

    name: ClassVar[str] = "restart"


# the quiz

@dataclass(frozen=True, kw_only=True)
class QuizAnswered(Event):
    """One statement answered: the learner said it is a myth (``said_myth``) or true."""

    name: ClassVar[str] = "answer"
    item_id: str
    said_myth: bool
    is_correct: bool
    renamed: ClassVar[dict[str, str]] = {"item_id": "item", "is_correct": "correct"}

    @property
    def item(self) -> str:
        return self.item_id

    @property
    def response(self) -> str:
        return "myth" if self.said_myth else "true"

    @property
    def correct(self) -> bool:
        return self.is_correct


@dataclass(frozen=True, kw_only=True)
class RetriedMissed(Event):
    """"Try the ones I missed": ``attempt`` is the new attempt, over ``items``."""

    name: ClassVar[str] = "retry"
    items: tuple[str, ...] = ()


# risk scenarios

@dataclass(frozen=True, kw_only=True)
class Edited(Event):
    """One control changed (a risk rating, the journal's model or activity)."""

    name: ClassVar[str] = "edit"
    field_name: str
    value: Any = None
    renamed: ClassVar[dict[str, str]] = {"field_name": "field"}

    @property
    def item(self) -> str:
        return self.field_name

    @property
    def response(self) -> Any:
        return self.value


@dataclass(frozen=True, kw_only=True)
class RiskAssessed(Event):
    """The learner asked for the level: ``level`` is what the engine gives for ``factors``."""

    name: ClassVar[str] = "assess"
    factors: dict[str, Any] = field(default_factory=dict)
    level: str

    @property
    def item(self) -> str:
        return "factors"

    @property
    def response(self) -> dict[str, Any]:
        return self.factors


@dataclass(frozen=True, kw_only=True)
class RiskCompared(Event):
    """The learner compared their plan with the model answer. ``correct`` is whether their
    level matches the model's (None for payloads stored before ``model_level`` was kept)."""

    name: ClassVar[str] = "compare"
    level: str
    responses: tuple[str, ...] = ()
    escalate_to: tuple[str, ...] = ()
    agreement: float | None = None
    model_level: str | None = None

    @property
    def item(self) -> str:
        return "level"

    @property
    def response(self) -> str:
        return self.level

    @property
    def correct(self) -> bool | None:
        return None if self.model_level is None else self.level == self.model_level


# reflection

@dataclass(frozen=True, kw_only=True)
class DraftKept(Event):
    """Reflection answers kept as they were typed (not yet saved as a reflection)."""

    name: ClassVar[str] = "draft"
    prompt_set: str
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ReflectionSaved(Event):
    name: ClassVar[str] = "reflection"
    prompt_set: str
    reflection_id: int | None = None
    renamed: ClassVar[dict[str, str]] = {"reflection_id": "id"}


@dataclass(frozen=True, kw_only=True)
class Unknown(Event):
    """An event this version of the kit does not declare, kept as it was stored."""

    event: str
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return dict(self.data)


EVENTS: dict[str, type[Event]] = {cls.name: cls for cls in (
    Started, Skipped, Paused, Resumed, Continued, ChoiceMade, WentBack, EndingReached, Restarted,
    QuizAnswered, RetriedMissed, Edited, RiskAssessed, RiskCompared, DraftKept,
    ReflectionSaved)}


def event_name(event: Event) -> str:
    """The name the store keeps for ``event``."""
    return event.event if isinstance(event, Unknown) else event.name


def read(name: str, payload: Mapping[str, Any], *, key: str | None = None) -> Event:
    """The typed event for a stored ``name`` and ``payload`` (:class:`Unknown` if this
    version does not declare ``name``). Raises EventError if a needed field is missing."""
    cls = EVENTS.get(name)
    if cls is None:
        return Unknown(event=name, data=dict(payload), **({"key": key} if key else {}))
    return cls.from_payload(payload, key=key)
