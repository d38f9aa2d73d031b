"""A course folder: what ``msp-learn course init`` writes and what ``course.yaml`` declares."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class CourseError(ValueError):
    """A course folder or course.yaml that cannot be used; the message says how to fix it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssignmentSpec(_Strict):
    """One assignment, built into ``source/<id>/<id>.ipynb``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Folder and notebook name.")
    kind: Literal["myths", "risk", "case-analysis"] = Field(
        description="myths: myth-vs-reality items, one mark each; risk: risk scenarios, "
        "partial credit near the model rating; case-analysis: a case study walked without "
        "feedback and an analysis marked against the MSP rubric.")
    title: str = Field(description="Shown at the top of the notebook.")
    items: list[str] = Field(min_length=1, description="Ids of the myth items, risk scenarios "
                             "or (one) case study.")
    reflection: str = Field("msp-outcomes", description="Id of the reflection prompt set the "
                            "learner answers at the end (marked against the rubric).")
    points_per_item: float = Field(1, gt=0, description="Points for each myth item.")


class Course(_Strict):
    course_id: str = Field(pattern=r"^[A-Za-z0-9_-]+$", description="nbgrader's course id.")
    assignments: list[AssignmentSpec] = Field(default_factory=list)


CONFIG = '''\
"""nbgrader configuration for an msp_learn assessed course (written by msp-learn course init).

Run every nbgrader command from this folder (or pass --course-dir).
"""
import os

from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    GetGrades, OverwriteCells, OverwriteKernelspec)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from msp_learn.grading.preprocessors import (ClearHiddenTestsForFeedback, FeedbackCleanup,
                                             GradeWithoutViews, NoteAnswersProblem,
                                             RestoreReleasedCells, set_aside_unreadable)
from msp_learn.grading import template_dirs
from msp_learn.grading._answers import never_overwritten

HERE = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE
c.Exchange.root = {exchange!r}
c.Exchange.timezone = "UTC"
c.Execute.timeout = {timeout}           # seconds per cell during autograde
c.Execute.startup_timeout = 120         # seconds to start a kernel on a busy machine
c.CollectApp.check_owner = False        # learners submit from their own accounts or HOMEs
c.CsvExportPlugin.to = "grades.csv"       # where `nbgrader export` writes

# Autograde: grade the released cells (learners write no code; their work is answers.json), with
# the hidden tests put back by OverwriteCells; a damaged notebook is set aside first.
# (OverwriteCells.add_missing_cells stays off: in 0.9.6 it fails when the cell before a missing
# one is a read-only cell; RestoreReleasedCells puts missing cells back instead.)
# GradeWithoutViews leaves the display cells unrun (they show nothing while grading) and writes
# the assessor's copy of the written answers itself: the kernel runs the autograder tests.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      RestoreReleasedCells, NoteAnswersProblem, OverwriteCells,
                                      GradeWithoutViews,
                                      CheckCellMetadata]
c.Autograde.pre_convert_hook = set_aside_unreadable
# Autograde copies every other file of source/<id>/ over each submission: never the answers
# file (worked out each time this file runs, so a new assignment is covered too). Not
# CourseDirectory.ignore: collect uses that as well, and would drop the learners' answers.
c.Autograde.exclude_overwriting = never_overwritten(HERE)

# Feedback: grades first, then plain errors and no widgets, then hidden tests removed, in the
# kit's feedback page (templates/feedback/index.html.j2: what the learner reads, no code, no
# prompts, no MathJax from a CDN). GenerateFeedback picks the "feedback" template itself;
# naming it here would give the formgrader (which reads this file too) the feedback page
# instead of its grading page.
c.GenerateFeedback.preprocessors = [GetGrades, FeedbackCleanup, ClearHiddenTestsForFeedback,
                                    CSSHTMLHeaderPreprocessor]
c.HTMLExporter.extra_template_basedirs = template_dirs()
'''

LEARNER_CONFIG = '''\
"""Give this to learners as ~/.jupyter/nbgrader_config.py (written by msp-learn course init)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
c.Exchange.timezone = "UTC"
'''

STARTER = """\
# The assignments of this course. Edit, then run: msp-learn course build
# Assessed items live under assessed/ (exercises/myths, exercises/risks): write them with
#   msp-learn new myth NAME --root assessed
# Keep them out of the kit's practice content, or their answers are public.
course_id: {course_id}
assignments: []
"""


def init_course(folder: str | os.PathLike, *, course_id: str = "msp-assessed",
                exchange: str | os.PathLike | None = None, timeout: int = 60) -> list[Path]:
    """Make an nbgrader course in ``folder``; returns the files written. Never overwrites."""
    root = Path(folder).expanduser().resolve()
    exchange = Path(exchange).expanduser().resolve() if exchange else root / "exchange"
    if (root / "nbgrader_config.py").exists():
        raise CourseError(f"{root} already has an nbgrader_config.py; choose an empty folder")
    Course(course_id=course_id)  # checks the id
    written = []
    for sub in ("source", "assessed/exercises/myths", "assessed/exercises/risks",
                "for_learners"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o777)  # nbgrader's exchange is shared by learners and assessors
    files = {"nbgrader_config.py": CONFIG, "for_learners/nbgrader_config.py": LEARNER_CONFIG}
    for name, text in files.items():
        path = root / name
        path.write_text(text.format(course_id=course_id, exchange=str(exchange),
                                    timeout=int(timeout)), encoding="utf-8")
        written.append(path)
    course_yaml = root / "course.yaml"
    if not course_yaml.exists():
        course_yaml.write_text(STARTER.format(course_id=course_id), encoding="utf-8")
        written.append(course_yaml)
    return written


def load_course(folder: str | os.PathLike) -> Course:
    """Read ``course.yaml``; a problem is a CourseError saying where and how to fix it."""
    path = Path(folder) / "course.yaml"
    if not path.is_file():
        raise CourseError(f"no course.yaml in {folder}: run 'msp-learn course init {folder}' "
                          "first, or pass --course")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Course.model_validate(data)
    except yaml.YAMLError as exc:
        raise CourseError(f"{path}: not valid YAML ({exc})") from None
    except ValidationError as exc:
        lines = [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise CourseError("\n".join(lines)) from None
