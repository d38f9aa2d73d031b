"""An assignment tried in the course's own copy (source/ or release/) never leaves an answers
file there, and a stray one never reaches or replaces a learner's answers (issue #12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from msp_learn.grading import AnswersFileTracker, CourseError, Event, build_course
from msp_learn.grading._answers import course_copy, never_overwritten, read_answers
from tests.grading.examples import MYTHS, example_course

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def course(tmp_path):
    return example_course(tmp_path / "course",
                          [{"id": "myths", "kind": "myths", "title": "Myths", "items": MYTHS}])


def test_the_course_copies_are_told_apart_from_everyone_elses_folders(course, tmp_path):
    """Are source/ID and release/ID of a course its own copies, and a learner's folder, a
    submission, or a folder merely named release (no course above it) not?"""
    for where in ("source", "release"):
        (course / where / "myths").mkdir(parents=True, exist_ok=True)
        assert course_copy(course / where / "myths") == where
    (course / "autograded" / "release" / "myths").mkdir(parents=True)  # a learner 'release'
    assert course_copy(course / "autograded" / "release" / "myths") is None
    (tmp_path / "home" / "release" / "myths").mkdir(parents=True)
    assert course_copy(tmp_path / "home" / "release" / "myths") is None
    assert course_copy(tmp_path / "home") is None
    yaml_only = tmp_path / "other"  # a course known by its course.yaml alone
    (yaml_only / "release" / "x").mkdir(parents=True)
    (yaml_only / "course.yaml").write_text("course_id: c\n")
    assert course_copy(yaml_only / "release" / "x") == "release"
    exchange = tmp_path / "exchange" / "c1"  # the release every learner fetches
    for sub in ("inbound", "outbound/myths"):
        (exchange / sub).mkdir(parents=True)
    assert course_copy(exchange / "outbound" / "myths") == "outbound"
    assert course_copy(tmp_path / "home" / "outbound") is None
    link = tmp_path / "elsewhere"
    link.symlink_to(course / "release" / "myths")
    assert course_copy(link) == "release"  # found through a link too


def test_answers_in_a_course_copy_are_kept_in_memory_and_never_written(course):
    """Does answering in release/ID work (restored by a new tracker, read back for the cell
    below) while nothing is written in the folder?"""
    folder = course / "release" / "myths"
    folder.mkdir(parents=True)
    path = folder / "answers.json"
    tracker = AnswersFileTracker("myth", "a", path=path)
    assert tracker.keeps_work is False
    tracker.load()
    tracker.commit(Event("answer", {"said": "myth"}), {"said": "myth"})
    assert list(folder.iterdir()) == []
    assert AnswersFileTracker("myth", "a", path=path).load().state == {"said": "myth"}
    assert read_answers(path).activities["myth:a"]["state"] == {"said": "myth"}
    elsewhere = course.parent / "learner" / "myths"
    elsewhere.mkdir(parents=True)
    other = AnswersFileTracker("myth", "a", path=elsewhere / "answers.json")
    assert other.keeps_work is True and other.load().state is None  # memory stays local


CELLS = """
import json
from msp_learn.grading import assessed
assessed.start("myths")
assessed.myth("m1", "A statement.")
view = assessed.VIEWS["myth:m1"]
view.choose("myth")
print("STATUS", view.status.value)
assessed.recorded("myth", "m1")
"""


def test_the_views_work_in_the_course_copy_and_say_nothing_is_saved(course):
    """Run in source/ID, do the cells work, say plainly this is the course's own copy and
    nothing is saved, and leave no answers file?"""
    folder = course / "source" / "myths"
    folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION",
                                                             "MSP_LEARN_ANSWERS")}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run([sys.executable, "-c", CELLS], cwd=folder, env=env,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "course's own copy of the assignment (in source/)" in out
    assert "nothing you answer here is saved" in out
    assert "saved as you go" not in out
    assert "not saved" in out.split("STATUS", 1)[1]  # the view's status after answering
    assert "Answered (kept while this notebook runs" in out
    assert list(folder.iterdir()) == []


def _config(course: Path) -> Config:
    c = Config()
    exec(compile((course / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"),
         {"get_config": lambda: c, "__file__": str(course / "nbgrader_config.py")})
    return c


def test_autograde_never_copies_an_answers_file_over_a_submission(course):
    """Does the course config keep autograde from overwriting answers.json for every
    assignment in source/, including one added after the course was made, without
    CourseDirectory.ignore (which collect would apply to the learners' answers)?"""
    build_course(course)
    (course / "source" / "added-later").mkdir()
    c = _config(course)
    assert c.Autograde.exclude_overwriting == {"added-later": ["answers.json"],
                                               "myths": ["answers.json"]}
    assert "ignore" not in c.CourseDirectory
    assert never_overwritten(course / "nowhere") == {}


@pytest.mark.parametrize("where", ["source", "release"])
def test_build_refuses_a_stray_answers_file(course, where):
    """Does build refuse while source/ID/answers.json or release/ID/answers.json exists,
    naming the file, why it matters and how to fix it, and go ahead once it is gone?"""
    build_course(course)
    stray = course / where / "myths" / "answers.json"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text(json.dumps({"format": 1, "activities": {}}))
    with pytest.raises(CourseError) as err:
        build_course(course)
    message = str(err.value)
    assert str(stray) in message and "every learner" in message and "Delete it" in message
    stray.unlink()
    assert build_course(course)
