"""Find, read and validate content files, reporting every problem at once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from msp_learn.content._yaml import Located, YamlError, decode, parse
from msp_learn.content.graph import check_case_study
from msp_learn.content.lint import lint
from msp_learn.content.messages import did_you_mean, translate
from msp_learn.content.problems import Problem
from msp_learn.engine.risk import assess
from msp_learn.schemas import KINDS, SCHEMA_VERSION, ReflectionSet, RiskScenario
from msp_learn.vocab import reflection_stages

SUFFIXES = (".yaml", ".yml")
#: Where each kind lives in a content tree; used to suggest a missing ``kind``.
FOLDER_KINDS = {"case_studies": "case-study", "myths": "myth", "risks": "risk-scenario",
                "reflections": "reflection-set"}


@dataclass
class LoadedFile:
    """One content file: the validated item (when valid) and its problems."""

    path: str
    item: BaseModel | None = None
    located: Located | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        return getattr(self.item, "kind", None)


@dataclass
class Catalogue:
    """Everything loaded from a set of paths: valid items by kind, and all problems."""

    files: list[LoadedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def items(self, kind: str) -> list:
        """The valid items of ``kind`` ('case-study', 'myth', ...), in file order."""
        return [f.item for f in self.files if f.item is not None and f.kind == kind]

    def get(self, kind: str, ident: str):
        """The valid item of ``kind`` with id ``ident``; KeyError when there is none."""
        for item in self.items(kind):
            if item.id == ident:
                return item
        raise KeyError(f"no {kind} with id '{ident}'")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.all_problems if p.is_error]

    @property
    def all_problems(self) -> list[Problem]:
        return sorted([p for f in self.files for p in f.problems] + self.problems)


def _guess_kind(path: str) -> str | None:
    for part in reversed(Path(path).parts[:-1]):
        if part in FOLDER_KINDS:
            return FOLDER_KINDS[part]
    return None


def load_file(path: str | os.PathLike) -> LoadedFile:
    """Read and validate one file. Never raises for bad content: problems are returned."""
    path = str(path)
    result = LoadedFile(path)

    def fail(line: int, column: int, message: str, hint: str = "") -> LoadedFile:
        result.problems.append(Problem(path, line, column, message, hint))
        return result

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return fail(1, 1, f"cannot read the file ({exc.strerror or exc})",
                    "Check the path and its permissions.")
    try:
        located, soft = parse(decode(raw))
    except YamlError as exc:
        return fail(exc.mark.line, exc.mark.column, exc.message, exc.hint)
    result.located = located
    for exc in soft:
        fail(exc.mark.line, exc.mark.column, exc.message, exc.hint)
    data = located.data
    if not isinstance(data, dict):
        return fail(1, 1, "the file should be a set of 'key: value' lines, not "
                    f"{'a list' if isinstance(data, list) else 'a single value'}",
                    "Start with 'schema_version: 1' and 'kind: ...'.")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        guess = _guess_kind(path)
        if kind is None:
            mark = located.mark(())
            return fail(mark.line, mark.column, "'kind' is missing",
                        f"Add 'kind: {guess or 'case-study'}' (one of: {', '.join(KINDS)}).")
        mark = located.mark(("kind",))
        if not isinstance(kind, str):
            return fail(mark.line, mark.column, "'kind' should be one word",
                        f"Use one of: {', '.join(KINDS)}.")
        return fail(mark.line, mark.column, f"'{kind}' is not a kind of content",
                    did_you_mean(kind, KINDS))
    version = data.get("schema_version")
    if isinstance(version, bool):
        mark = located.mark(("schema_version",))
        return fail(mark.line, mark.column, "'schema_version' should be a number, not "
                    f"{str(version).lower()}", f"Write 'schema_version: {SCHEMA_VERSION}'.")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        mark = located.mark(("schema_version",))
        return fail(mark.line, mark.column, f"schema_version {version} is newer than this kit "
                    f"reads ({SCHEMA_VERSION})", "Upgrade msp_learn, or write the file for "
                    f"schema_version {SCHEMA_VERSION}.")
    model = KINDS[kind]
    if result.problems:  # duplicate keys: do not validate half a file
        return result
    if kind == "case-study":
        result.problems.extend(check_case_study(path, data, located))
    try:
        item = model.model_validate(data)
    except ValidationError as exc:
        result.problems.extend(translate(path, model, exc, located))
        return result
    result.problems.extend(_check_item(path, item, located))
    result.problems.extend(lint(path, item, located))
    if not any(p.is_error for p in result.problems):
        result.item = item
    return result


def _check_item(path: str, item: BaseModel, located: Located) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(item, ReflectionSet):
        problems += _check_reflection(path, item, located)
    if isinstance(item, RiskScenario):
        problems += _check_risk(path, item, located)
    stem = Path(path).stem if Path(path).stem != "case" else Path(path).parent.name
    if item.id != stem:
        mark = located.mark(("id",))
        problems.append(Problem(path, mark.line, mark.column, f"the id '{item.id}' differs from "
                                f"the file name '{stem}'", "Name the file after the id so "
                                "authors can find it.", "warning"))
    return problems


def _check_risk(path: str, item: RiskScenario, located: Located) -> list[Problem]:
    """The model answer must agree with the matrix the learner is shown."""
    problems = []
    reasoned = assess(item.factors)
    if reasoned.level != item.model_answer.level:
        mark = located.mark(("model_answer", "level"))
        problems.append(Problem(path, mark.line, mark.column, f"the model answer's level is "
                                f"'{item.model_answer.level}' but the factors give "
                                f"'{reasoned.level}': {reasoned.level_reason}",
                                "Change the level, or the likelihood and impact ratings."))
    for route in reasoned.escalate_to:
        if route.id in ("marac", "police", "legal-advice") and (
                route.id not in item.model_answer.escalate_to):
            mark = located.mark(("model_answer", "escalate_to"))
            problems.append(Problem(path, mark.line, mark.column, f"the factors point to "
                                    f"escalating to '{route.id}' but the model answer does not",
                                    f"Add it, or explain in 'explanation' why not. "
                                    f"({route.reason})", "warning"))
    return problems


def _check_reflection(path: str, item: ReflectionSet, located: Located) -> list[Problem]:
    problems = []
    stages = reflection_stages(item.model)
    for i, prompt in enumerate(item.prompts):
        if prompt.stage not in stages:
            mark = located.mark(("prompts", i, "stage"))
            problems.append(Problem(path, mark.line, mark.column, f"'{prompt.stage}' is not a "
                                    f"stage of the {item.model} model",
                                    did_you_mean(prompt.stage, stages)))
    missing = [s for s in stages if s not in {p.stage for p in item.prompts}]
    if missing:
        mark = located.mark(("prompts",))
        problems.append(Problem(path, mark.line, mark.column, f"no prompt covers the stage(s) "
                                f"{', '.join(missing)}", "Add a prompt for each stage of the "
                                "model."))
    ids = [p.id for p in item.prompts]
    for i, ident in enumerate(ids):
        if ident in ids[:i]:
            mark = located.mark(("prompts", i, "id"))
            problems.append(Problem(path, mark.line, mark.column, f"the prompt id '{ident}' is "
                                    "used twice", "Give each prompt its own id."))
    return problems


def discover(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Every content file under ``paths`` (files are taken as given), sorted, hidden dirs skipped.

    Raises FileNotFoundError for a path that does not exist.
    """
    found: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            for root, dirs, files in os.walk(entry):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                found += [Path(root, f) for f in sorted(files) if f.endswith(SUFFIXES)]
        elif entry.exists():
            found.append(entry)
        else:
            raise FileNotFoundError(str(entry))
    return found


def load_paths(paths: Iterable[str | os.PathLike], *,
               references: Iterable[str | os.PathLike] = ()) -> Catalogue:
    """Load every file under ``paths`` and check ids and references across files.

    ``references`` are extra trees whose valid items may be referred to (for example the kit's
    own reflection sets) without being reported on.
    """
    catalogue = Catalogue([load_file(p) for p in discover(paths)])
    seen_paths = {Path(f.path).resolve() for f in catalogue.files}
    extra = [load_file(p) for p in discover(references) if p.resolve() not in seen_paths]
    _check_ids(catalogue)
    _check_references(catalogue, extra)
    return catalogue


def _check_ids(catalogue: Catalogue) -> None:
    first: dict[tuple[str, str], LoadedFile] = {}
    for loaded in catalogue.files:
        if loaded.item is None:
            continue
        key = (loaded.kind, loaded.item.id)
        if key in first:
            mark = loaded.located.mark(("id",))
            catalogue.problems.append(Problem(
                loaded.path, mark.line, mark.column,
                f"another {loaded.kind} already has the id '{loaded.item.id}' "
                f"({first[key].path})", "Give each file its own id."))
        else:
            first[key] = loaded


def _check_references(catalogue: Catalogue, extra: list[LoadedFile]) -> None:
    sets = {f.item.id for f in catalogue.files + extra if f.kind == "reflection-set"}
    for loaded in catalogue.files:
        if loaded.kind == "case-study" and loaded.item.reflection not in sets:
            mark = loaded.located.mark(("reflection",))
            hint = did_you_mean(loaded.item.reflection, sorted(sets)) if sets else (
                "Add a reflection set under exercises/reflections/.")
            catalogue.problems.append(Problem(
                loaded.path, mark.line, mark.column,
                f"'reflection: {loaded.item.reflection}' does not match any reflection set", hint))
