"""What the store hands back, and the checks on what it is given."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from msp_learn import identity
from msp_learn.store._schema import ID_LENGTH, KEY_LENGTH

#: The most JSON text one payload, state, answer set or context may take (characters).
MAX_JSON_CHARS = 2_000_000


@dataclass(frozen=True)
class Learner:
    """A learner, known by a name or pseudonym."""

    id: int
    name: str
    created_at: datetime
    #: ``learner``, ``trainer`` or ``lead`` (see :mod:`msp_learn.identity`).
    role: str = "learner"


@dataclass(frozen=True)
class Event:
    """One entry in the append-only log: an answer, a choice, a reflection saved..."""

    id: int
    learner: str
    activity_kind: str
    activity_id: str
    event: str
    payload: dict[str, Any]
    recorded_at: datetime


@dataclass(frozen=True)
class Commit:
    """What :meth:`Store.commit` did: the activity's state version now, and whether the
    event's key had been recorded before (a retry), in which case nothing was written."""

    version: int
    duplicate: bool = False


@dataclass(frozen=True)
class Progress:
    """The latest saved state of one activity for one learner."""

    activity_kind: str
    activity_id: str
    state: dict[str, Any]
    updated_at: datetime

    @property
    def completed(self) -> bool:
        """True when the saved state says ``"completed": true``."""
        return self.state.get("completed") is True


@dataclass(frozen=True)
class Reflection:
    """A learner's answers to a reflection prompt set after an activity."""

    id: int
    activity_kind: str
    activity_id: str
    prompt_set: str
    answers: dict[str, str]
    context: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Revision:
    """An earlier version of a reflection, kept when the learner edited it."""

    answers: dict[str, str]
    context: dict[str, Any]
    saved_at: datetime


def _has_control(value: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


def clean_name(name: object) -> str:
    """``name`` as kept and shown (identity's rules); ValueError if it cannot name a learner."""
    return identity.clean_name(name)


def name_key(name: object) -> str:
    """The key two spellings of one name share: 'Amir ' and 'amir' are the same learner."""
    return identity.name_key(name)


def check_id(value: object, what: str) -> str:
    """``value`` if it is usable as an identifier such as an activity id; else ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text, got {value!r}")
    if len(value) > ID_LENGTH or _has_control(value):
        raise ValueError(f"{what} must be at most {ID_LENGTH} characters with no control "
                         f"characters, got {value[:60]!r}")
    return value


def _check_keys(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where} has a key {key!r} that is not text; JSON keys must "
                                 "be text")
            _check_keys(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_keys(item, f"{where}[{index}]")


def dump(value: object, what: str) -> str:
    """``value`` (a dict) as JSON text, or ValueError saying why it cannot be stored faithfully.

    Tuples come back as lists; everything else comes back exactly as given.
    """
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a dict, not {type(value).__name__}")
    _check_keys(value, what)
    try:
        encoded = json.dumps(value, ensure_ascii=False, allow_nan=False)
        encoded.encode("utf-8")
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        raise ValueError(f"{what} cannot be stored as JSON: {exc}") from None
    if len(encoded) > MAX_JSON_CHARS:
        raise ValueError(f"{what} is too large to store ({len(encoded):,} characters of JSON; "
                         f"the limit is {MAX_JSON_CHARS:,})")
    return encoded


def check_answers(answers: object) -> dict[str, str]:
    """``answers`` if it maps prompt ids to text; else ValueError."""
    if not isinstance(answers, dict):
        raise ValueError(f"answers must be a dict of prompt id to text, not "
                         f"{type(answers).__name__}")
    for key, value in answers.items():
        check_id(key, "a prompt id")
        if not isinstance(value, str):
            raise ValueError(f"the answer to {key!r} must be text, not {type(value).__name__}")
    return answers


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite hands back naive ones)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


def check_key(key: str | None) -> str | None:
    """An idempotency key: None, or 1 to 64 printable ASCII characters."""
    if key is None:
        return None
    if not isinstance(key, str) or not 0 < len(key) <= KEY_LENGTH or not (
            key.isascii() and key.isprintable()):
        raise ValueError(f"an event key is 1 to {KEY_LENGTH} printable ASCII characters, "
                         f"not {key!r}")
    return key
