"""Where the kit finds its content and keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

CONTENT_DIRS = ("case_studies", "exercises")


def content_root() -> Path:
    """The folder holding ``case_studies/`` and ``exercises/``.

    ``MSP_LEARN_CONTENT`` wins; then the current folder if it has content; then the checkout
    the package was installed from (an editable install).
    """
    if os.environ.get("MSP_LEARN_CONTENT"):
        return Path(os.environ["MSP_LEARN_CONTENT"]).expanduser()
    for candidate in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if any((candidate / d).is_dir() for d in CONTENT_DIRS):
            return candidate
    return Path.cwd()


def reference_paths() -> list[Path]:
    """Content that references may point at: the content root and the kit's own checkout."""
    kit = Path(__file__).resolve().parent.parent
    paths = content_paths()
    return paths + [p for p in content_paths(kit) if p not in paths]


def content_paths(root: Path | None = None) -> list[Path]:
    """The content folders that exist under ``root`` (default: :func:`content_root`)."""
    root = root or content_root()
    return [root / d for d in CONTENT_DIRS if (root / d).is_dir()]


def apps_dir() -> Path:
    """The folder of Voila app notebooks: ``voila_apps/`` beside the content, else the kit's."""
    for candidate in (content_root(), Path(__file__).resolve().parent.parent):
        if (candidate / "voila_apps" / "app.ipynb").is_file():
            return candidate / "voila_apps"
    return content_root() / "voila_apps"
