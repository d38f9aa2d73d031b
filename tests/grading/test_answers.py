"""The answers-file tracker and the tolerant reader (no kernel, no nbgrader)."""

from __future__ import annotations

import json

import pytest

from msp_learn.grading import AnswersFileTracker, Event, StaleError, read_answers


def test_nothing_is_written_until_the_learner_acts(tmp_path):
    """Does loading (building a view) leave the folder untouched?"""
    tracker = AnswersFileTracker("myth", "a", path=tmp_path / "answers.json")
    assert tracker.load().state is None and tracker.load().version == 0
    assert list(tmp_path.iterdir()) == []


def test_a_commit_is_restored_by_a_new_tracker(tmp_path):
    """Does an answer survive into a fresh tracker, with its version and event?"""
    path = tmp_path / "answers.json"
    snap = AnswersFileTracker("myth", "a", path=path).commit(Event("answer", {"said": "myth"}),
                                                            {"said": "myth"})
    assert snap.version == 1
    again = AnswersFileTracker("myth", "a", path=path).load()
    assert again.state == {"said": "myth"} and again.version == 1
    data = json.loads(path.read_text())
    assert data["activities"]["myth:a"]["events"][0]["name"] == "answer"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.json"]  # no temp file left


def test_activities_do_not_overwrite_each_other(tmp_path):
    """Do two activities in one file keep their own answers?"""
    path = tmp_path / "answers.json"
    a, b = (AnswersFileTracker("myth", x, path=path) for x in "ab")
    a.load(), b.load()
    a.commit(Event("answer"), {"said": "myth"})
    b.commit(Event("answer"), {"said": "reality"})
    assert AnswersFileTracker("myth", "a", path=path).load().state == {"said": "myth"}
    assert AnswersFileTracker("myth", "b", path=path).load().state == {"said": "reality"}


def test_a_second_tab_is_told_to_refresh(tmp_path):
    """Does a tracker that loaded an old version raise StaleError and write nothing?"""
    path = tmp_path / "answers.json"
    first, second = (AnswersFileTracker("myth", "a", path=path) for _ in range(2))
    first.load(), second.load()
    first.commit(Event("answer"), {"said": "myth"})
    with pytest.raises(StaleError, match="Run this cell again"):
        second.commit(Event("answer"), {"said": "reality"})
    assert AnswersFileTracker("myth", "a", path=path).load().state == {"said": "myth"}


def test_an_unreadable_file_is_kept_aside_not_lost(tmp_path):
    """Is a damaged answers file moved aside (never deleted) when the learner answers?"""
    path = tmp_path / "answers.json"
    path.write_text("not json")
    tracker = AnswersFileTracker("myth", "a", path=path)
    assert tracker.load().state is None
    tracker.commit(Event("answer"), {"said": "myth"})
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("answers.json.unreadable-")]
    assert len(kept) == 1 and kept[0].read_text() == "not json"


@pytest.mark.parametrize("text, phrase", [
    (None, "No answers file"), ("{oops", "could not be read as JSON"),
    ('["a list"]', "not in the expected shape"),
    ('{"activities": {"myth:a": 5, "myth:b": {"state": {"said": "myth"}}}}', "myth:a"),
])
def test_the_reader_says_what_is_wrong_and_keeps_what_it_can(tmp_path, text, phrase):
    """Does every kind of bad answers file give a plain note instead of an error?"""
    path = tmp_path / "answers.json"
    if text is not None:
        path.write_text(text)
    read = read_answers(path)
    assert phrase in read.problem
    if "myth:b" in (text or ""):
        assert read.activities["myth:b"]["state"] == {"said": "myth"}
