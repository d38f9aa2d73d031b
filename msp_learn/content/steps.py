"""Loading one content file as a declared list of small named steps, each one concern.

A step takes the file's :class:`Work` (what is known so far), adds what it finds and returns
:data:`STOP` when the file cannot go further. Problems are kept on the work, never raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from msp_learn.content._yaml import Located, YamlError
from msp_learn.content._yaml import decode as decode_yaml
from msp_learn.content._yaml import parse as parse_yaml
from msp_learn.content.graph import check_case_study
from msp_learn.content.lint import lint as lint_item
from msp_learn.content.messages import did_you_mean, translate
from msp_learn.content.problems import Problem
from msp_learn.content.semantics import check_item
from msp_learn.schemas import KINDS, SCHEMA_VERSION

#: Returned by a step when the file can go no further.
STOP = object()
#: Where each kind lives in a content tree; used to suggest a missing ``kind``.
FOLDER_KINDS = {"case_studies": "case-study", "myths": "myth", "risks": "risk-scenario",
                "reflections": "reflection-set"}


@dataclass
class Work:
    """One file on its way through the steps."""

    path: str
    raw: bytes | None = None
    text: str | None = None
    located: Located | None = None
    kind: str | None = None
    item: BaseModel | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.located.data if self.located is not None else None

    def fail(self, line: int, column: int, message: str, hint: str = "",
             severity: str = "error") -> None:
        self.problems.append(Problem(self.path, line, column, message, hint, severity))

    def fail_at(self, key: tuple, message: str, hint: str = "") -> None:
        mark = self.located.mark(key)
        self.fail(mark.line, mark.column, message, hint)


@dataclass(frozen=True)
class Step:
    """A named step. With ``needs_clean``, it (and every step after it) runs only on a file
    with no problem so far."""

    name: str
    run: Callable[[Work], object]
    needs_clean: bool = False


def read(work: Work):
    """The file's bytes."""
    try:
        work.raw = Path(work.path).read_bytes()
    except OSError as exc:
        work.fail(1, 1, f"cannot read the file ({exc.strerror or exc})",
                  "Check the path and its permissions.")
        return STOP


def decode(work: Work):
    """UTF-8 text (a byte-order mark, NUL bytes and other encodings are refused with a place)."""
    try:
        work.text = decode_yaml(work.raw)
    except YamlError as exc:
        work.fail(exc.mark.line, exc.mark.column, exc.message, exc.hint)
        return STOP


def parse(work: Work):
    """Safe YAML with a position for every value; duplicate keys are kept as problems."""
    try:
        work.located, soft = parse_yaml(work.text)
    except YamlError as exc:
        work.fail(exc.mark.line, exc.mark.column, exc.message, exc.hint)
        return STOP
    for exc in soft:
        work.fail(exc.mark.line, exc.mark.column, exc.message, exc.hint)


def _guess_kind(path: str) -> str | None:
    for part in reversed(Path(path).parts[:-1]):
        if part in FOLDER_KINDS:
            return FOLDER_KINDS[part]
    return None


def kind(work: Work):
    """A mapping with a known ``kind`` (a missing one is guessed from the folder)."""
    data = work.data
    if not isinstance(data, dict):
        work.fail(1, 1, "the file should be a set of 'key: value' lines, not "
                  f"{'a list' if isinstance(data, list) else 'a single value'}",
                  "Start with 'schema_version: 1' and 'kind: ...'.")
        return STOP
    value = data.get("kind")
    if isinstance(value, str) and value in KINDS:
        work.kind = value
        return None
    if value is None:
        guess = _guess_kind(work.path)
        mark = work.located.mark(())
        work.fail(mark.line, mark.column, "'kind' is missing",
                  f"Add 'kind: {guess or 'case-study'}' (one of: {', '.join(KINDS)}).")
    elif not isinstance(value, str):
        work.fail_at(("kind",), "'kind' should be one word", f"Use one of: {', '.join(KINDS)}.")
    else:
        work.fail_at(("kind",), f"'{value}' is not a kind of content", did_you_mean(value, KINDS))
    return STOP


def version(work: Work):
    """A ``schema_version`` this kit can read (missing or too old ones are the schema's to
    report)."""
    value = work.data.get("schema_version")
    if isinstance(value, bool):
        work.fail_at(("schema_version",), "'schema_version' should be a number, not "
                     f"{str(value).lower()}", f"Write 'schema_version: {SCHEMA_VERSION}'.")
        return STOP
    if isinstance(value, int) and value > SCHEMA_VERSION:
        work.fail_at(("schema_version",), f"schema_version {value} is newer than this kit "
                     f"reads ({SCHEMA_VERSION})", "Upgrade msp_learn, or write the file for "
                     f"schema_version {SCHEMA_VERSION}.")
        return STOP


def graph(work: Work):
    """A case study's links, reachability and endings, read from the raw data."""
    if work.kind == "case-study":
        work.problems.extend(check_case_study(work.path, work.data, work.located))


def validate(work: Work):
    """The schema of the kind: every field, type and vocabulary reference."""
    model = KINDS[work.kind]
    try:
        work.item = model.model_validate(work.data)
    except ValidationError as exc:
        work.problems.extend(translate(work.path, model, exc, work.located))
        return STOP


def semantics(work: Work):
    """What the schema cannot say: reflection stages, a risk answer against the matrix, the id
    against the file name."""
    work.problems.extend(check_item(work.path, work.item, work.located))


def lint(work: Work):
    """Safety and readability of the text: personal data, placeholders, long sentences."""
    work.problems.extend(lint_item(work.path, work.item, work.located))


FILE_STEPS: tuple[Step, ...] = (
    Step("read", read),
    Step("decode", decode),
    Step("parse", parse),
    Step("kind", kind),
    Step("version", version),
    Step("graph", graph, needs_clean=True),
    Step("validate", validate),
    Step("semantics", semantics),
    Step("lint", lint),
)
# Ordering constraints:
# - decode needs read's bytes; parse needs decode's text; kind needs parse's data.
# - kind must come before version, so that a file with no 'kind' is told that first.
# - graph needs_clean: a file with duplicate keys (parse) stops here, so half a file is never
#   validated; graph comes before validate so that a case study's broken links are reported
#   even when its schema also fails.
# - validate needs kind (it picks the model); semantics and lint need validate's item.
# - Checks across files (ids, references) need every file through these steps: they are the
#   catalogue's steps (msp_learn/content/catalogue.py), not these.


def run_steps(path: str, steps: tuple[Step, ...] = FILE_STEPS) -> Work:
    """Run ``steps`` over the file at ``path``; the work holds what they found."""
    work = Work(str(path))
    for step in steps:
        if step.needs_clean and work.problems:
            break
        if step.run(work) is STOP:
            break
    return work
