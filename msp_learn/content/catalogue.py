"""The one content loader: the kit's content plus a trainer's overlay, checked across both.

:func:`load_catalogue` is the only way the apps, the CLI, the notebooks and the tests load
content. Each file goes through the steps of :mod:`msp_learn.content.steps`; then the
catalogue's own steps (:data:`CATALOGUE_STEPS`) check ids and references across every file
loaded, the kit's and the trainer's alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from msp_learn import paths as kit_paths
from msp_learn.content._yaml import Located
from msp_learn.content.messages import did_you_mean
from msp_learn.content.problems import Problem
from msp_learn.content.steps import run_steps

SUFFIXES = (".yaml", ".yml")
Origin = Literal["kit", "overlay", "named"]


@dataclass
class LoadedFile:
    """One content file: the validated item (when valid), its problems and where it came from.

    ``origin`` is ``"kit"`` (the kit's own content), ``"overlay"`` (the trainer's content folder)
    or ``"named"`` (a file or folder named to the loader).
    """

    path: str
    item: BaseModel | None = None
    located: Located | None = None
    problems: list[Problem] = field(default_factory=list)
    origin: Origin = "named"

    @property
    def kind(self) -> str | None:
        return getattr(self.item, "kind", None)


@dataclass
class Catalogue:
    """Everything loaded: the files reported on, problems across files, and the context.

    ``context`` holds files loaded only so that references resolve and ids are checked against
    them (the kit and the overlay, when the loader was asked about particular paths); they are
    not listed or reported.
    """

    files: list[LoadedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    context: list[LoadedFile] = field(default_factory=list)

    def items(self, kind: str) -> list:
        """The valid items of ``kind`` ('case-study', 'myth', ...), in loading order."""
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


def load_file(path: str | os.PathLike, origin: Origin = "named") -> LoadedFile:
    """Read and check one file (the steps of :mod:`msp_learn.content.steps`). Never raises for
    bad content: problems are returned. A file with an error has no item."""
    work = run_steps(str(path))
    valid = not any(p.is_error for p in work.problems)
    return LoadedFile(work.path, work.item if valid else None, work.located, work.problems,
                      origin)


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


# -- steps across files -------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogueStep:
    """A named check over every loaded file (reported files and context alike)."""

    name: str
    run: Callable[[Catalogue, list[LoadedFile]], None]


def check_ids(catalogue: Catalogue, loaded: list[LoadedFile]) -> None:
    """Two valid items of one kind may not share an id, wherever each file lives. The problem
    is placed at the id of the reported file and names the other file."""
    reported = {id(f) for f in catalogue.files}
    first: dict[tuple[str, str], LoadedFile] = {}
    for this in loaded:
        if this.item is None:
            continue
        key = (this.kind, this.item.id)
        if key not in first:
            first[key] = this
            continue
        at, other = (this, first[key]) if id(this) in reported else (first[key], this)
        if id(at) not in reported:
            continue  # both are context: reported when that content is validated itself
        mark = at.located.mark(("id",))
        catalogue.problems.append(Problem(
            at.path, mark.line, mark.column,
            f"another {this.kind} already has the id '{this.item.id}' ({other.path})",
            "Give each file its own id."))


def check_references(catalogue: Catalogue, loaded: list[LoadedFile]) -> None:
    """A case study's ``reflection:`` names a reflection set of the kit or the overlay."""
    sets = {f.item.id for f in loaded if f.kind == "reflection-set"}
    for this in catalogue.files:
        if this.kind == "case-study" and this.item.reflection not in sets:
            mark = this.located.mark(("reflection",))
            hint = did_you_mean(this.item.reflection, sorted(sets)) if sets else (
                "Add a reflection set under exercises/reflections/.")
            catalogue.problems.append(Problem(
                this.path, mark.line, mark.column,
                f"'reflection: {this.item.reflection}' does not match any reflection set", hint))


CATALOGUE_STEPS: tuple[CatalogueStep, ...] = (
    CatalogueStep("ids", check_ids),
    CatalogueStep("references", check_references),
)
# Ordering constraints: both run after every file has been through FILE_STEPS (they read valid
# items only). ids before references, so that of two sets sharing an id the clash is reported
# before anything that refers to that id.


# -- the entry point ------------------------------------------------------------------------

#: The default overlay: ``MSP_LEARN_CONTENT``, else the current folder when it holds content.
FROM_ENVIRONMENT = "from-environment"
_kit_cache: dict[tuple, list[LoadedFile]] = {}


def _fingerprint(files: list[Path]) -> tuple:
    out = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            return ()
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def _load_kit(files: list[Path]) -> list[LoadedFile]:
    """The kit's files, loaded once per process while none of them changes."""
    key = _fingerprint(files)
    if not key or key not in _kit_cache:
        loaded = [load_file(p, "kit") for p in files]
        if key:
            _kit_cache.clear()
            _kit_cache[key] = loaded
        return loaded
    return _kit_cache[key]


def _overlay(overlay) -> tuple[Path | None, list[Problem]]:
    root = kit_paths.overlay_root() if overlay == FROM_ENVIRONMENT else (
        Path(overlay).expanduser() if overlay else None)
    if root is None or kit_paths.is_kit_root(root):
        return None, []
    if not root.is_dir():
        named_by = (f" named by {kit_paths.ENV}" if overlay == FROM_ENVIRONMENT else "")
        return None, [Problem(str(root), 1, 1, f"the content folder{named_by} does not exist",
                              "Create it, or name a folder that holds case_studies/ or "
                              "exercises/.")]
    return root, []


def _unique(files: list[Path], seen: set[Path]) -> list[Path]:
    """``files`` without those in ``seen`` or repeated (compared as resolved paths)."""
    out = []
    for path in files:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            out.append(path)
    return out


def load_catalogue(paths: Iterable[str | os.PathLike] | None = None, *,
                   overlay: str | os.PathLike | None = FROM_ENVIRONMENT,
                   kit: bool = True) -> Catalogue:
    """Load the kit's content and a trainer's overlay, checking ids and references across both.

    Args:
        paths: files or folders to report on. ``None`` (the default) reports on everything
            loaded. When given, the kit and the overlay are still loaded, as context: the named
            files' references resolve against them and their ids are checked against them.
        overlay: the trainer's content folder (holding ``case_studies/`` and/or
            ``exercises/``). By default ``MSP_LEARN_CONTENT``, else the current folder when it
            holds content (see :func:`msp_learn.paths.overlay_root`); ``None`` for none. The
            kit's own folder is never loaded twice.
        kit: include the kit's own content (the default).

    Returns:
        A :class:`Catalogue`; bad content is reported in it, never raised.

    Raises:
        FileNotFoundError: a named path does not exist.
    """
    named = None if paths is None else _unique(discover(paths), set())
    root, problems = _overlay(overlay)
    kit_files = _load_kit(discover(kit_paths.content_paths())) if kit else []
    seen = {Path(f.path).resolve() for f in kit_files}
    overlay_files = [load_file(p, "overlay") for p in _unique(
        discover(kit_paths.content_paths(root)) if root is not None else [], seen)]
    if named is None:
        catalogue = Catalogue(kit_files + overlay_files, problems)
        loaded = catalogue.files
    else:
        chosen = {p.resolve() for p in named}
        context = [f for f in kit_files + overlay_files if Path(f.path).resolve() not in chosen]
        catalogue = Catalogue([load_file(p) for p in named], problems, context)
        loaded = context + catalogue.files
    for step in CATALOGUE_STEPS:
        step.run(catalogue, loaded)
    return catalogue
