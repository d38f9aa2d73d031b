"""The house's import rules (docs/house.md): arrows point down only, and nothing cycles.

Every module of msp_learn belongs to a row of the house picture; a module may import from
rows below its own (and within its own package), never from a row above or beside it. The
check reads the source (every import, including those inside functions), so it needs no
imports of its own and fails with the file and line of the offending import.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "msp_learn"

#: The house picture, top row first (keep in step with docs/house.md).
ROWS: list[set[str]] = [
    {"cli"},
    {"cli_learner", "cli_workshop", "server", "apps", "lab"},
    {"kernel_request"},
    {"widgets", "grading", "reports", "workshop"},
    {"tracking"},
    {"cpd", "coverage"},
    {"html"},
    {"content"},
    {"engine", "activities", "events"},
    {"schemas"},
    {"vocab", "paths", "nbgrader_sql"},
    {"store", "_version"},
    {"identity"},
]
RANK = {name: len(ROWS) - i for i, row in enumerate(ROWS) for name in row}
#: Packages that may not import ipywidgets or IPython (they run in the CLI, reports, tests).
NO_WIDGETS = {"html", "tracking", "engine", "cpd", "activities", "events", "store", "content",
              "schemas", "vocab", "paths", "nbgrader_sql", "coverage", "cli", "cli_learner", "identity",
              "kernel_request"}
#: Imports a package may not make even though they point down (the seams' own rules).
FORBIDDEN = {"widgets": {"store", "cpd"}}  # views reach the store only through a tracker


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(_root(path)).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _root(path: Path) -> Path:
    """The folder holding the ``msp_learn`` package ``path`` is in."""
    return next(p.parent for p in path.parents if p.name == "msp_learn")


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
            found.append((base, node.lineno))
            # "from msp_learn import apps" imports the module msp_learn.apps
            for alias in node.names:
                sub = _root(path) / f"{base}.{alias.name}".replace(".", "/")
                if sub.with_suffix(".py").exists() or sub.is_dir():
                    found.append((f"{base}.{alias.name}", node.lineno))
    return found


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "msp_learn" and len(parts) > 1 else None


def _sources(package: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def arrow_violations(package: Path = PACKAGE) -> list[str]:
    """Each import that points up or beside, or past a seam, as 'file:line what'."""
    wrong = []
    for path in _sources(package):
        mine = _top(_module_name(path))
        if mine is None:  # msp_learn/__init__.py: the notebook helpers' lazy entry point
            continue
        for target, line in _imports(path):
            theirs = _top(target)
            if theirs is None or theirs == mine:
                continue
            where = f"{path.relative_to(package.parent)}:{line}"
            if RANK.get(theirs, 0) >= RANK.get(mine, 0):
                wrong.append(f"{where} {mine} imports {target} (same row or above)")
            if theirs in FORBIDDEN.get(mine, ()):
                wrong.append(f"{where} {mine} imports {target} (go through the seam)")
    return wrong


def test_every_module_is_in_the_house_picture():
    """Does every top-level module and package of msp_learn have a row in the picture?"""
    missing = {_top(_module_name(p)) for p in _sources()} - {None} - set(RANK)
    assert not missing, f"add {sorted(missing)} to ROWS here and to docs/house.md"


def test_arrows_point_down_only():
    """Does every import point to a lower row (or stay inside its own package), and do the
    views keep to their trackers?"""
    wrong = arrow_violations()
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    """Is the import graph between msp_learn's modules free of cycles?"""
    graph: dict[str, set[str]] = {}
    modules = {_module_name(p) for p in _sources()}
    for path in _sources():
        name = _module_name(path)
        graph[name] = {t for t, _ in _imports(path) if t in modules and t != name
                       and not name.startswith(t + ".")}  # a submodule runs its package
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_the_core_imports_no_widgets():
    """Do html/, tracking/, engine/, cpd.py and the other non-view modules import neither
    ipywidgets nor IPython?"""
    wrong = [f"{p.relative_to(ROOT)}:{line} imports {target}" for p in _sources()
             if _top(_module_name(p)) in NO_WIDGETS
             for target, line in _imports(p) if target.split(".")[0] in ("ipywidgets",
                                                                          "IPython")]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_arrow(tmp_path):
    """Would an engine module importing the widgets, or a view importing the store, be
    caught (the check can fail)?"""
    fake = tmp_path / "msp_learn"
    for folder in ("engine", "widgets"):
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text("")
    (fake / "engine" / "bad.py").write_text(
        "def f():\n    from msp_learn.widgets import QuizView\n")
    (fake / "widgets" / "peek.py").write_text("from msp_learn import store\n")
    (fake / "store").mkdir()
    (fake / "store" / "__init__.py").write_text("")
    wrong = arrow_violations(fake)
    assert wrong == ["msp_learn/engine/bad.py:2 engine imports msp_learn.widgets "
                     "(same row or above)",
                     "msp_learn/widgets/peek.py:1 widgets imports msp_learn.store "
                     "(go through the seam)"]
