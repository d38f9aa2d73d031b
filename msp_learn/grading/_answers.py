"""The answers file: where assessed work keeps a learner's answers, beside the notebook.

A kernel cannot write notebook metadata, and autograde clears outputs and widget state, so the
only channel that works in JupyterLab and Voila alike is a file in the assignment folder:
``nbgrader submit`` copies it and autograde runs the kernel in the submission's folder.

:class:`AnswersFileTracker` has the Tracker shape of ``docs/house.md`` (``load() -> Snapshot``,
``commit(event, state) -> Snapshot``) so it can move into ``msp_learn.tracking`` later.
Every write is atomic (a temporary file, then ``os.replace``). Nothing is written until the
learner acts: building a view only reads.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FILENAME = "answers.json"
FORMAT = 1
MAX_EVENTS = 50  # per activity: enough to see what happened, small enough to stay readable


class StaleError(RuntimeError):
    """Another tab (or another copy of the notebook) wrote this activity first."""


@dataclass(frozen=True)
class Event:
    """What the learner did (``name``, e.g. 'answer') and its details."""

    name: str
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """An activity's saved state and its version (0 when nothing is saved yet)."""

    state: dict | None
    version: int


@dataclass(frozen=True)
class AnswersRead:
    """What could be read from an answers file, and what was wrong with it (if anything)."""

    activities: dict
    problem: str | None = None


def answers_path(folder: str | os.PathLike | None = None) -> Path:
    """The answers file of the assignment folder (default: ``$MSP_LEARN_ANSWERS`` or the cwd)."""
    if folder is None and os.environ.get("MSP_LEARN_ANSWERS"):
        return Path(os.environ["MSP_LEARN_ANSWERS"])
    return Path(folder or os.getcwd()) / FILENAME


def read_answers(path: str | os.PathLike) -> AnswersRead:
    """Read an answers file without ever raising: a problem comes back as plain English."""
    path = Path(path)
    if not path.exists():
        return AnswersRead({}, f"No answers file ({path.name}) was found in the assignment "
                               "folder, so no answers were recorded.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return AnswersRead({}, f"The answers file ({path.name}) could not be read as JSON "
                               f"({type(exc).__name__}); it may have been edited by hand.")
    if not isinstance(data, dict) or not isinstance(data.get("activities"), dict):
        return AnswersRead({}, f"The answers file ({path.name}) is not in the expected shape; "
                               "it may have been edited by hand.")
    good, bad = {}, []
    for key, entry in data["activities"].items():
        if isinstance(entry, dict) and isinstance(entry.get("state"), dict | None):
            good[str(key)] = entry
        else:
            bad.append(str(key))
    problem = (f"Some entries of the answers file were not in the expected shape and were "
               f"ignored: {', '.join(sorted(bad))}." if bad else None)
    return AnswersRead(good, problem)


def _write_atomic(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AnswersFileTracker:
    """One learner's answers to one activity (``kind:ident``) in the assignment's answers file."""

    def __init__(self, kind: str, ident: str, *, assignment: str = "",
                 path: str | os.PathLike | None = None) -> None:
        self.key = f"{kind}:{ident}"
        self.assignment = assignment
        self.path = Path(path) if path is not None else answers_path()
        self._version = 0

    def _read_all(self) -> dict | None:
        """The whole file's data, or None when it is missing or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("activities"), dict) \
            else None

    def load(self) -> Snapshot:
        """The saved state of this activity (never writes)."""
        entry = (self._read_all() or {}).get("activities", {}).get(self.key)
        if not isinstance(entry, dict):
            self._version = 0
            return Snapshot(None, 0)
        state = entry.get("state")
        version = entry.get("version")
        self._version = version if isinstance(version, int) else 0
        return Snapshot(dict(state) if isinstance(state, dict) else None, self._version)

    def commit(self, event: Event, state: dict | None = None) -> Snapshot:
        """Record ``event`` and, with ``state``, the activity's new state (version + 1).

        Raises StaleError when the file holds a newer version than this tracker loaded.
        An unreadable file is moved aside (never deleted) and a fresh one started.
        """
        data = self._read_all()
        if data is None:
            if self.path.exists():
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
                os.replace(self.path, self.path.with_name(f"{self.path.name}.unreadable-{stamp}"))
            data = {"format": FORMAT, "assignment": self.assignment, "activities": {}}
        entry = data["activities"].get(self.key)
        entry = entry if isinstance(entry, dict) else {}
        current = entry.get("version") if isinstance(entry.get("version"), int) else 0
        if current != self._version:
            raise StaleError("These answers were changed somewhere else (another tab or copy "
                             "of this notebook). Run this cell again to see the latest answers.")
        events = entry.get("events") if isinstance(entry.get("events"), list) else []
        events = [*events, {"name": event.name, "payload": dict(event.payload),
                            "at": datetime.now(UTC).isoformat(timespec="seconds")}][-MAX_EVENTS:]
        new = {"version": current + 1, "events": events,
               "state": dict(state) if state is not None else entry.get("state")}
        data["activities"][self.key] = new
        _write_atomic(self.path, data)
        self._version = current + 1
        return Snapshot(new["state"], self._version)
