"""Assessed work with nbgrader: courses, notebooks built from content, answers files, marking.

Only the CLI and apps import this package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from msp_learn.grading._answers import (
    AnswersFileTracker,
    AnswersRead,
    Event,
    Snapshot,
    StaleError,
    read_answers,
)
from msp_learn.grading._build import BUILD_STEPS, build_course, build_notebook
from msp_learn.grading._course import Course, CourseError, init_course, load_course
from msp_learn.grading._rubric import rubric

__all__ = ["AnswersFileTracker", "AnswersRead", "BUILD_STEPS", "Course", "CourseError",
           "Event", "Snapshot", "StaleError", "build_course", "build_notebook", "init_course",
           "load_course", "read_answers", "rubric", "template_dirs"]


def template_dirs() -> list[str]:
    """nbconvert template base folders for feedback: the kit's first, then nbgrader's.

    The kit's ``feedback/`` folder holds only ``mathjax.html.j2`` (no MathJax from a CDN);
    nbgrader's feedback page is found behind it.
    """
    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" \
        / "templates"
    return [str(resources.files("msp_learn.grading") / "templates"), str(nbgrader_templates)]
