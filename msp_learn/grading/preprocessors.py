"""nbgrader steps the kit adds: two sanitize steps before grading, a clean-up step for
feedback, and a hook that sets aside a notebook that cannot be read.

``course init`` writes these into ``nbgrader_config.py``:

- ``RestoreReleasedCells`` runs in ``Autograde.sanitize_preprocessors`` before
  ``OverwriteCells`` (which puts back the hidden tests from the gradebook): the released cells
  replace the submitted ones, so a cell a learner added (for example one that patches
  ``json.load``) never runs during grading, and a deleted cell is back.
- ``NoteAnswersProblem`` runs after it: a missing or damaged answers file is said once, in a
  note at the top, not under every item.
- ``FeedbackCleanup`` runs in ``GenerateFeedback.preprocessors`` after ``GetGrades`` and before
  ``ClearHiddenTestsForFeedback``: it cuts errors to one plain line (a traceback repeats hidden
  lines), removes widget and assessor-only outputs, the points a test cell returns ("Out[n]:
  1.0") and the notebook's widget state.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import List, Unicode

from msp_learn.grading import _graded
from msp_learn.grading._answers import answers_path, read_answers

ASSESSOR_ONLY = _graded.ASSESSOR_ONLY  # the same marker as msp_learn.grading.assessed
SKIP = "skip-execution"  # the tag nbclient's Execute leaves unrun (skip_cells_with_tag)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# nbconvert's HTML exporter configures NbConvertBase.display_data_priority; nbgrader's steps
# inherit the name but not as a setting, so each warns "not recognized" unless it declares it
PRIORITY = ["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png",
            "image/jpeg", "text/plain"]


def note_cell(text: str) -> nbformat.NotebookNode:
    """A markdown note that grading added (no nbgrader metadata: it is never graded)."""
    return nbformat.v4.new_markdown_cell(f"**Note from the grading:** {text}",
                                         metadata={"msp_learn": {"note": True}})


class RestoreReleasedCells(NbGraderPreprocessor):
    """Grade the released notebook, not whatever the learner's copy became.

    Every cell of an assessed notebook is locked and learners write no code: their work is the
    answers file. So the submitted cells are replaced by the released notebook's cells, in
    order (``OverwriteCells``, which runs next, puts the hidden tests back). A cell the learner
    added never runs; a cell they deleted is back. A note at the top says what changed.
    Without a released notebook beside the course, code cells not in the gradebook's source
    cells are dropped instead.
    """

    note_added = Unicode(
        "{n} code cell(s) added to this notebook were removed before grading. Answers are "
        "given with the buttons and boxes only, and were marked from the answers file.",
        help="The note when cells the learner added were removed.",
    ).tag(config=True)

    note_missing = Unicode(
        "{n} cell(s) missing from this notebook were put back before grading; the answers "
        "were marked from the answers file.",
        help="The note when cells the learner deleted were put back.",
    ).tag(config=True)

    def _release(self, resources) -> Path | None:
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        info = resources["nbgrader"]
        # COURSE/submitted/STUDENT/ASSIGNMENT -> COURSE/release/ASSIGNMENT/NOTEBOOK.ipynb
        path = folder.parents[1].parent / "release" / info["assignment"] / \
            f"{info['notebook']}.ipynb" if len(folder.parents) > 2 else None
        return path if path is not None and path.is_file() else None

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                source = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            known = {cell.name for cell in source.source_cells}
        submitted = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
        release = self._release(resources)
        if release is not None:
            cells = nbformat.read(release, as_version=4).cells
        else:
            cells = [c for c in nb.cells if c.cell_type != "code" or
                     c.metadata.get("nbgrader", {}).get("grade_id") in known]
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
        added = sum(1 for c, g in zip(nb.cells, submitted, strict=True)
                    if c.cell_type == "code" and (g not in known or submitted.count(g) > 1))
        missing = sum(1 for g in ids if g and g not in submitted)
        nb.cells = [c for c in nb.cells if c.metadata.get("msp_learn", {}).get("note")] + cells
        for n, text in ((added, self.note_added), (missing, self.note_missing)):
            if n:
                self.log.warning(text.format(n=n))
                nb.cells.insert(0, note_cell(text.format(n=n)))
        return nb, resources


class GradeWithoutViews(NbGraderPreprocessor):
    """Run in the kernel only what grading needs: the autograder tests.

    A display cell (``assessed.myth`` and the like) shows nothing during autograde, so it is
    tagged to be left unrun. A ``for_assessor`` cell gets its output here, in the nbgrader
    process: the written answers from the submission's answers file and the comment bank,
    the same text the kernel would print, and is left unrun too. A cell not in the generated
    form runs as usual, and a skip tag already on any cell is removed first, so a learner
    cannot keep an autograder test from running.
    """

    def preprocess(self, nb, resources):
        read = None
        for cell in nb.cells:
            tags = cell.metadata.get("tags")
            if isinstance(tags, list) and SKIP in tags:
                cell.metadata["tags"] = [t for t in tags if t != SKIP]
            if cell.cell_type != "code" or utils.is_grade(cell):
                continue
            try:
                if _graded.shows_nothing_when_graded(cell.source):
                    cell.outputs = []
                elif (call := _graded.for_assessor_call(cell.source)) is not None:
                    read = read or submitted_answers(resources)
                    cell.outputs = _assessor_outputs(read, *call)
                else:
                    continue
            except Exception:  # noqa: BLE001 - the kernel runs the cell instead
                self.log.warning("Cell %s is run by the kernel (not recognised)",
                                 cell.metadata.get("nbgrader", {}).get("grade_id"))
                continue
            cell.metadata.setdefault("tags", []).append(SKIP)
        return nb, resources


def submitted_answers(resources):
    """The answers file of the submission being graded, read once per notebook: the steps
    of one autograde pass share ``resources``, so the second asks the first's reading."""
    if "msp_answers" not in resources:
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        resources["msp_answers"] = read_answers(answers_path(folder))
    return resources["msp_answers"]


def _assessor_outputs(read, ident: str, prompts: list[dict], path_of: str | None,
                      route: dict | None = None) -> list:
    """The outputs ``assessed.for_assessor`` gives during autograde: text, then the bank."""
    text = _graded.assessor_text(read, ident, prompts, path_of, route)
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)] if text else []
    outputs.append(nbformat.v4.new_output(
        "display_data", data={"text/html": _graded.comment_bank_html(),
                              "text/plain": "<IPython.core.display.HTML object>"},
        metadata={ASSESSOR_ONLY: True}))
    return outputs


class NoteAnswersProblem(NbGraderPreprocessor):
    """Say once, at the top, what is wrong with the submission's answers file (missing, not
    JSON, edited by hand), instead of under every item it leaves unmarked."""

    def preprocess(self, nb, resources):
        problem = submitted_answers(resources).problem
        if problem:
            self.log.warning(problem)
            nb.cells.insert(0, note_cell(problem))
        return nb, resources


def _is_test(cell) -> bool:
    return utils.is_grade(cell) and not utils.is_solution(cell)


def _assessor_only(output) -> bool:
    if output.get("metadata", {}).get(ASSESSOR_ONLY):
        return True
    return ASSESSOR_ONLY in str(output.get("data", {}).get("text/html", ""))


class FeedbackCleanup(NbGraderPreprocessor):
    """Feedback a learner can read: plain errors, no widgets, nothing meant for assessors."""

    error_text = Unicode(
        "This part could not be checked, so it scored 0. Your assessor can tell you more.\n",
        help="What replaces an error (and its traceback) in feedback.",
    ).tag(config=True)
    display_data_priority = List(PRIORITY).tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output = nbformat.v4.new_output("stream", name="stdout", text=self.error_text)
            elif output.output_type == "stream" and output.get("name") == "stderr":
                continue
            elif output.output_type in ("display_data", "execute_result") and (
                    WIDGET_VIEW in output.get("data", {}) or _assessor_only(output)):
                continue
            elif output.output_type == "execute_result" and _is_test(cell):
                continue  # the points, shown beside the item's name instead
            outputs.append(output)
        cell.outputs = outputs
        return cell, resources


class ClearHiddenTestsForFeedback(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, declaring ``display_data_priority`` (no warning)."""

    display_data_priority = List(PRIORITY).tag(config=True)


def set_aside_unreadable(assignment=None, student=None, notebooks=(), **_ignored) -> None:
    """``Autograde.pre_convert_hook``: an unreadable notebook is kept beside the submission
    (``.unreadable``) and replaced by the release notebook with a note, so the answers file
    is still graded. Never raises (nbgrader logs a failed hook and carries on)."""
    for path in map(Path, notebooks):
        try:
            nbformat.read(path, as_version=4)
            continue
        except Exception:  # noqa: BLE001 - any unreadable notebook: JSON, schema, encoding
            pass
        assignment_id = path.parent.name
        course = path.parents[3]  # COURSE/submitted/STUDENT/ASSIGNMENT/NB.ipynb
        release = course / "release" / assignment_id / path.name
        if not release.is_file():
            continue
        shutil.move(path, path.with_name(path.name + ".unreadable"))
        nb = nbformat.read(release, as_version=4)
        nb.cells.insert(0, note_cell(
            "the submitted notebook could not be read (it may be damaged), so it was replaced "
            "by the released notebook and the answers were marked from the answers file. The "
            "damaged file is kept beside the submission."))
        nbformat.write(nb, path)
        os.utime(path, None)
