"""The answers file: where assessed work keeps a learner's answers, beside the notebook.

A kernel cannot write notebook metadata, and autograde clears outputs and widget state, so the
only channel that works in JupyterLab and Voila alike is a file in the assignment folder:
``nbgrader submit`` copies it and autograde runs the kernel in the submission's folder.

:class:`AnswersFileTracker` has the Tracker shape of ``docs/house.md`` (``load() -> Snapshot``,
``commit(event, state) -> Snapshot``) so it can move into ``msp_learn.tracking`` later.
Every write is atomic (a temporary file, then ``os.replace``). Nothing is written until the
learner acts: building a view only reads.

Nothing is ever written in a course's own copy of an assignment (``COURSE/source/ID`` or
``COURSE/release/ID``, see :func:`course_copy`): ``nbgrader release_assignment`` would send
that file to every learner, and autograde copies the source folder's files over each
submission. There the answers are kept in this process only (``keeps_work`` is False).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FILENAME = "answers.json"
FORMAT = 1
MAX_EVENTS = 50  # per activity: enough to see what happened, small enough to stay readable
COURSE_COPIES = ("source", "release")  # nbgrader's folders of the course's own copies
COURSE_MARKERS = ("nbgrader_config.py", "course.yaml")  # what a course folder holds
COURSE_COPY_NOTE = (
    "This is the course's own copy of the assignment (in {where}/), so nothing you answer "
    "here is saved: the answers work while this notebook runs and are then gone. (A saved "
    "answers file here would be released to every learner, or copied over their answers at "
    "grading.) To try the assignment as a learner does, fetch it with 'nbgrader "
    "fetch_assignment', or copy the folder somewhere outside the course.")
_MEMORY: dict[str, dict] = {}  # answers kept in this process for course copies, by file


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


def course_copy(folder: str | os.PathLike) -> str | None:
    """'source' or 'release' when ``folder`` is a course's own copy of an assignment: its
    parent is named so and its grandparent holds the course's ``nbgrader_config.py`` or
    ``course.yaml``; 'outbound' for the released copy in nbgrader's exchange
    (``EXCHANGE/COURSE_ID/outbound/ID``, beside ``inbound/``), which every learner fetches.
    None for any other folder (a learner's, a submission's)."""
    try:
        folder = Path(folder).resolve()
        parent = folder.parent
        if parent == folder:
            return None
        if parent.name == "outbound" and (parent.parent / "inbound").is_dir():
            return "outbound"
        if parent.name not in COURSE_COPIES:
            return None
        course = parent.parent
        return parent.name if any((course / m).is_file() for m in COURSE_MARKERS) else None
    except (OSError, RuntimeError, ValueError):  # an unreadable folder is nobody's course
        return None


def never_overwritten(course: str | os.PathLike) -> dict[str, list[str]]:
    """``Autograde.exclude_overwriting`` for a course: the answers file of every assignment
    in ``source/``. Autograde copies each non-notebook file of ``source/<id>/`` over the
    submission; without this a stray answers file there replaces every learner's answers."""
    source = Path(course) / COURSE_COPIES[0]
    try:
        return {d.name: [FILENAME] for d in sorted(source.iterdir()) if d.is_dir()}
    except OSError:  # no source/ yet: nothing to copy over anything
        return {}


def stray_answers(course: str | os.PathLike) -> list[Path]:
    """Answers files (and any set aside) in the course's own copies of its assignments,
    ``source/<id>/`` and ``release/<id>/``: none should ever exist."""
    found = []
    for where in COURSE_COPIES:
        folder = Path(course) / where
        if folder.is_dir():
            for d in sorted(p for p in folder.iterdir() if p.is_dir()):
                found += sorted(d.glob(f"{FILENAME}*"))
    return found


def _memory_key(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def read_answers(path: str | os.PathLike) -> AnswersRead:
    """Read an answers file without ever raising: a problem comes back as plain English.

    In a course's own copy (:func:`course_copy`) this reads what was answered in this
    process, never a file there.
    """
    path = Path(path)
    if course_copy(path.parent):
        return AnswersRead(copy.deepcopy(_MEMORY.get(_memory_key(path), {})).get(
            "activities", {}))
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
        self.copy_of_course = course_copy(self.path.parent)  # 'source', 'release' or None
        self.keeps_work = self.copy_of_course is None  # False: answers are never written

    def _read_all(self) -> dict | None:
        """The whole file's data, or None when it is missing or unreadable."""
        if not self.keeps_work:
            return copy.deepcopy(_MEMORY.get(_memory_key(self.path)))
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
        An unreadable file is moved aside (never deleted) and a fresh one started. In a
        course's own copy nothing is written: the answers are kept in this process.
        """
        data = self._read_all()
        if data is None:
            if self.keeps_work and self.path.exists():
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
        if self.keeps_work:
            _write_atomic(self.path, data)
        else:
            _MEMORY[_memory_key(self.path)] = data
        self._version = current + 1
        return Snapshot(new["state"], self._version)
