"""Assessed work with nbgrader: courses, notebooks built from content, answers files, marking.

Only the CLI and apps import this package. Names are loaded when first used, so a kernel
running an assessed notebook (which needs only ``assessed``) does not pay for the builder's
imports (nbformat, the content loader) on every autograded submission.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "AnswersFileTracker": "_answers", "AnswersRead": "_answers", "Event": "_answers",
    "Snapshot": "_answers", "StaleError": "_answers", "read_answers": "_answers",
    "BUILD_STEPS": "_build", "build_course": "_build", "build_notebook": "_build",
    "Course": "_course", "CourseError": "_course", "init_course": "_course",
    "load_course": "_course", "rubric": "_rubric",
}

__all__ = [*_LAZY, "template_dirs"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"msp_learn.grading.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'msp_learn.grading' has no attribute {name!r}")


def template_dirs() -> list[str]:
    """nbconvert template base folders for feedback: the kit's first, then nbgrader's.

    The kit's ``feedback/`` folder holds the feedback page (``index.html.j2``: what the learner
    reads, no code or prompts, nothing from a CDN) and ``mathjax.html.j2`` (no MathJax);
    nbgrader's folder stays behind it for anything the kit's does not define.
    """
    from importlib import resources
    from pathlib import Path

    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" \
        / "templates"
    return [str(resources.files("msp_learn.grading") / "templates"), str(nbgrader_templates)]
