"""Where the kit finds its own content and apps, a trainer's content, and where new files go.

Two places hold content:

* **the kit's own** ``case_studies/``, ``exercises/`` and ``voila_apps/``: in a checkout (an
  editable install, or the tree on ``PYTHONPATH``) they sit beside the ``msp_learn`` package;
  in an installed wheel the build copied them into the package as ``msp_learn/_kit/`` (see
  ``setup.py``).
* **a trainer's overlay**: the folder named by ``MSP_LEARN_CONTENT``, else the current folder
  when it holds ``case_studies/`` or ``exercises/``. It adds to the kit's content, never hides it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The content folders of a content root, in loading order.
CONTENT_DIRS = ("case_studies", "exercises")
#: The folders the build copies into the wheel, under :data:`SHIPPED`.
KIT_DIRS = (*CONTENT_DIRS, "voila_apps")
#: The installed package.
PACKAGE = Path(__file__).resolve().parent
#: Where a wheel keeps the kit's content and apps, inside the package.
SHIPPED = PACKAGE / "_kit"
#: Names a trainer's content folder.
ENV = "MSP_LEARN_CONTENT"


def kit_root() -> Path:
    """The folder holding the kit's own content and apps (installed copy, else the checkout)."""
    if any((SHIPPED / d).is_dir() for d in KIT_DIRS):
        return SHIPPED
    return PACKAGE.parent


def overlay_root() -> Path | None:
    """The trainer's content folder, or None when there is none (or it is the kit itself).

    ``MSP_LEARN_CONTENT`` wins, even when the folder is empty or missing (the loader reports a
    missing one); else the current folder when it holds ``case_studies/`` or ``exercises/``.
    """
    if os.environ.get(ENV):
        root = Path(os.environ[ENV]).expanduser()
    elif any((Path.cwd() / d).is_dir() for d in CONTENT_DIRS):
        root = Path.cwd()
    else:
        return None
    return None if _same(root, kit_root()) else root


def content_paths(root: Path | None = None) -> list[Path]:
    """The content folders that exist under ``root`` (default: the kit's)."""
    root = kit_root() if root is None else root
    return [root / d for d in CONTENT_DIRS if (root / d).is_dir()]


def new_content_root() -> Path:
    """Where ``msp-learn new`` writes: ``MSP_LEARN_CONTENT``, else the current folder."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    return Path.cwd()


def is_kit_root(path: Path) -> bool:
    """True when ``path`` is the folder holding the kit's own content."""
    return _same(path, kit_root())


def is_in_package(path: Path) -> bool:
    """True when ``path`` is the installed ``msp_learn`` package or inside it."""
    path = path.resolve()
    return path == PACKAGE or PACKAGE in path.parents


def apps_dir() -> Path:
    """The folder of Voila app notebooks: the overlay's ``voila_apps/`` if it has the app,
    else the kit's."""
    overlay = overlay_root()
    if overlay is not None and (overlay / "voila_apps" / "app.ipynb").is_file():
        return overlay / "voila_apps"
    return kit_root() / "voila_apps"


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
