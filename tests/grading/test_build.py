"""Building source notebooks from content (no nbgrader commands, no kernel)."""

from __future__ import annotations

import nbformat
import pytest
import yaml

from msp_learn.grading import BUILD_STEPS, CourseError, build_course, init_course
from tests.grading.examples import MYTHS, example_course


@pytest.fixture
def course(tmp_path):
    return example_course(tmp_path / "course", [
        {"id": "myths", "kind": "myths", "title": "Myths", "items": MYTHS},
        {"id": "risk", "kind": "risk", "title": "Risk", "items": ["assessed-ray-missed-meals"]}])


def _cells(root, name):
    return nbformat.read(root / "source" / name / f"{name}.ipynb", as_version=4).cells


def test_init_writes_the_kits_nbgrader_settings(tmp_path):
    """Does course init write a config with the kit's preprocessors, exchange and timeouts?"""
    init_course(tmp_path / "c", course_id="team-a", timeout=90)
    text = (tmp_path / "c" / "nbgrader_config.py").read_text()
    for needle in ("RestoreReleasedCells", "GradeWithoutViews", "FeedbackCleanup", "ClearHiddenTests",
                   "c.CollectApp.check_owner = False", "c.Execute.timeout = 90", "'team-a'",
                   "set_aside_unreadable"):
        assert needle in text
    assert (tmp_path / "c" / "exchange").is_dir()
    with pytest.raises(CourseError, match="already has"):
        init_course(tmp_path / "c")


def test_keys_are_only_in_hidden_blocks_of_locked_test_cells(course):
    """Is every key inside BEGIN/END HIDDEN TESTS of a locked, graded cell?"""
    build_course(course)
    for name in ("myths", "risk"):
        for cell in _cells(course, name):
            meta = cell.metadata["nbgrader"]
            assert meta["locked"] is True
            if "key=" in cell.source:
                assert meta["grade"] and cell.cell_type == "code"
                hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1]
                assert "key=" in hidden and "key=" not in cell.source.split("### BEGIN")[0]


def test_every_assignment_has_autograded_items_and_the_rubric(course):
    """Does the myth notebook hold one test per item and one task per rubric criterion?"""
    build_course(course)
    cells = _cells(course, "myths")
    tests = [c for c in cells if c.metadata["nbgrader"]["grade"]]
    tasks = [c for c in cells if c.metadata["nbgrader"].get("task")]
    assert len(tests) == 4 and len(tasks) == 6
    assert "Capacity and consent" in "".join(c.source for c in tasks)
    risk = [c.metadata["nbgrader"]["points"] for c in _cells(course, "risk")
            if c.metadata["nbgrader"]["grade"]]
    assert risk == [1, 1, 2]
    assert len(BUILD_STEPS) == 6


def test_a_hand_edited_notebook_is_not_overwritten(course):
    """Is a notebook changed since it was built kept unless --force?"""
    build_course(course)
    path = course / "source" / "myths" / "myths.ipynb"
    path.write_text(path.read_text().replace("Statement 1", "Statement one"))
    with pytest.raises(CourseError, match="changed since it was built"):
        build_course(course)
    build_course(course, force=True)
    assert "Statement 1" in path.read_text()


def test_practice_content_cannot_be_assessed(course):
    """Is a myth from the kit's practice content refused (its answer ships in the kit)?"""
    (course / "course.yaml").write_text(yaml.safe_dump({"course_id": "c1", "assignments": [
        {"id": "myths", "kind": "myths", "title": "M", "items": ["msp-just-a-chat"]}]}))
    with pytest.raises(CourseError, match="practice content"):
        build_course(course)


def test_a_bad_course_file_says_where(course):
    """Does a wrong key in course.yaml give a message naming the file and field?"""
    (course / "course.yaml").write_text("course_id: c1\nassignments:\n  - id: x\n    kind: quiz\n")
    with pytest.raises(CourseError, match=r"course.yaml: assignments.0.kind"):
        build_course(course)


def test_build_uses_the_one_content_loader(course):
    """Does a build read content through load_catalogue, with no deprecated loader call?"""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        written = build_course(course)
    assert [p.parent.name for p in written] == ["myths", "risk"]


def test_an_assessed_id_that_clashes_with_practice_content_is_refused(course):
    """Is an assessed item reusing a practice item's id reported (the kit is its context)?"""
    clash = yaml.safe_load((course / "assessed" / "exercises" / "myths" /
                            "assessed-least-intrusive.yaml").read_text())
    clash["id"] = "msp-just-a-chat"
    (course / "assessed" / "exercises" / "myths" / "msp-just-a-chat.yaml").write_text(
        yaml.safe_dump(clash))
    with pytest.raises(CourseError, match="the assessed content has problems"):
        build_course(course)


def test_the_course_config_leaves_the_formgraders_page_alone(tmp_path):
    """Does the course config keep the feedback template out of the formgrader (which reads
    the same file and would then show the feedback page instead of its grading page)?"""
    from traitlets.config import Config

    init_course(tmp_path / "c")
    c = Config()
    exec(compile((tmp_path / "c" / "nbgrader_config.py").read_text(), "nbgrader_config.py",
                 "exec"), {"get_config": lambda: c, "__file__": str(tmp_path / "c" / "x")})
    assert "template_name" not in c.HTMLExporter
    assert c.HTMLExporter.extra_template_basedirs[0].endswith("templates")


def test_every_graded_cell_is_named_for_the_feedback_summary(course):
    """Does build give each test and rubric cell a name a learner recognises (the statement,
    the situation and what is rated, the criterion), with no key in any name?"""
    build_course(course)
    for name in ("myths", "risk"):
        graded = [c for c in _cells(course, name) if c.metadata["nbgrader"]["grade"] or
                  c.metadata["nbgrader"].get("task")]
        labels = [c.metadata.get("msp_learn", {}).get("label") for c in graded]
        assert all(labels), (name, labels)
        assert not any("key=" in label or "model answer" in label for label in labels)
    myths = [c.metadata["msp_learn"]["label"] for c in _cells(course, "myths")
             if c.metadata["nbgrader"]["grade"]]
    assert myths[0].startswith("Statement 1: ")
    risk = [c.metadata["msp_learn"]["label"] for c in _cells(course, "risk")
            if c.metadata["nbgrader"]["grade"]]
    assert risk[0].endswith("how likely harm is") and risk[2].endswith("overall level of risk")
    assert "Written answers: Capacity and consent" in [
        c.metadata["msp_learn"]["label"] for c in _cells(course, "risk")
        if c.metadata["nbgrader"].get("task")]


def test_the_case_analysis_gives_the_assessor_the_choices_labels(course):
    """Does the case-analysis notebook pass the case study's choices to the assessor's
    cell, so the path is shown in words?"""
    (course / "course.yaml").write_text(yaml.safe_dump({"course_id": "c1", "assignments": [
        {"id": "case", "kind": "case-analysis", "title": "Case",
         "items": ["rosa-ferreira-keeping-paulo"]}]}))
    build_course(course)
    cell = next(c for c in _cells(course, "case")
                if c.metadata["nbgrader"]["grade_id"] == "analysis-for-assessor")
    assert "route={'start': " in cell.source and "'endings': {" in cell.source
