"""sections(): every table titled, grouped and protected; learner text passed through."""

from __future__ import annotations

import pandas as pd
import pytest

from msp_learn.reports import ReportData, Section, sections
from msp_learn.reports._data import ANSWER_COLUMNS, GRADE_COLUMNS
from msp_learn.reports._sections import GROUPS

HOSTILE = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
MYTH = "concern-only-when-sure"


def workforce() -> ReportData:
    """North has 12 learners, East 8, South 3 (too few to show). Everyone submitted 'a1'
    with 1 of 2 marks except the South team, who got 2 of 2; everyone answered the myth,
    North's first 6 believing it."""
    teams = ["North"] * 12 + ["East"] * 8 + ["South"] * 3
    ids = [f"p{i:02d}" for i in range(len(teams))]
    learners = pd.DataFrame({"learner": ids, "name": ids, "team": teams,
                             "role": ["Social worker"] * len(ids), "in_file": True,
                             "in_gradebook": True, "in_store": False})
    learners.loc[0, "name"] = HOSTILE
    when = pd.Timestamp("2026-10-05", tz="UTC")
    grades = pd.DataFrame([{"learner": i, "assignment": "a1", "item": f"test-myth-{MYTH}",
                            "kind": "myth", "score": 2.0 if t == "South" else 1.0,
                            "max_score": 2.0, "needs_manual": False, "submitted_at": when}
                           for i, t in zip(ids, teams, strict=True)], columns=GRADE_COLUMNS)
    rows = [{"learner": i, "source": "practice", "activity_kind": "quiz",
             "activity_id": "myths", "item": MYTH, "attempt": 1,
             "response": "true" if n < 6 else "myth", "correct": n >= 6,
             "recorded_at": when, "assignment": None} for n, i in enumerate(ids)]
    rows.append({"learner": ids[0], "source": "workshop", "activity_kind": "workshop-text",
                 "activity_id": "w", "item": "run-1", "attempt": 1, "response": SCRIPT,
                 "correct": float("nan"), "recorded_at": when, "assignment": None})
    answers = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    items = pd.DataFrame({"kind": ["myth"], "item": [MYTH], "title": ["Wait until sure"],
                          "principles": [("prevention",)], "categories": [()]})
    return ReportData(learners=learners, grades=grades, answers=answers, items=items,
                      assignments=pd.DataFrame({"assignment": ["a1"], "duedate": [pd.NaT]}))


@pytest.fixture(scope="module")
def report() -> dict[str, Section]:
    out = sections(workforce())
    return {s.id: s for s in out}


def test_every_section_is_titled_grouped_and_plots_say_what_they_show(report):
    """Does every section have a plain title, a description, a known group, and every plot
    a title and a text alternative?"""
    assert {s.group for s in report.values()} <= set(GROUPS)
    for s in report.values():
        assert s.title and s.description and isinstance(s.frame, pd.DataFrame)
        if s.plot is not None:
            assert s.plot.title and s.plot.alt and s.plot.x in s.frame.columns


def test_a_small_team_and_its_complement_are_hidden_with_a_note(report):
    """South (3) is hidden, and East (the next smallest) too, since 'All teams' is shown:
    otherwise South's figures would be All minus North minus East."""
    s = report["completion-by-team"]
    rows = s.frame.set_index("Team")
    assert pd.isna(rows.loc["South", "Learners"]) and pd.isna(rows.loc["South",
                                                                       "Average score (%)"])
    assert pd.isna(rows.loc["East", "Average score (%)"])
    assert rows.loc["North", "Learners"] == 12
    assert rows.loc["All teams", "Learners"] == 23
    assert any("not shown" in note for note in s.notes)


def test_myths_by_team_hide_small_teams_and_show_the_rest(report):
    """North: 6 of 12 believed the myth (50%); South is hidden, and so is East, so South's
    share cannot be had from the overall figure."""
    frame = report["myths-by-team"].frame.set_index("Team")
    assert frame.loc["North", "Believed (%)"] == 50
    assert pd.isna(frame.loc["South", "Believed (%)"])
    assert pd.isna(frame.loc["East", "Believed (%)"])
    overall = report["myths-believed"].frame
    assert overall["Believed (%)"].tolist() == [pytest.approx(26.1)]  # 6 of 23


def test_min_group_can_be_lowered(report):
    """With min_group=3 South's figures are shown."""
    frame = {s.id: s for s in sections(workforce(), min_group=3)}[
        "completion-by-team"].frame.set_index("Team")
    assert frame.loc["South", "Average score (%)"] == 100


def test_learner_text_passes_through_unchanged(report):
    """A formula in a name and markup in an answer reach the sections as written (the HTML,
    Excel and CSV outputs escape and neutralise them)."""
    names = report["completion-by-learner"].frame["Name"].tolist()
    assert HOSTILE in names
    assert report["completion-by-learner"].extra.get("names_individuals") is True
    assert SCRIPT not in report["responses"].frame["Answer given"].tolist()  # workshop text
    # free text is not tallied as a 'response'; it stays in the data, unchanged
    data = workforce()
    assert SCRIPT in data.answers["response"].tolist()


def test_practice_by_team_counts_learners_and_protects_small_teams(report):
    """Every learner answered the practice quiz once: North 12 practised, 12 answers; South
    (3) and East (its complement) are hidden."""
    frame = report["practice-by-team"].frame.set_index("Team")
    assert frame.loc["North", "Learners who practised"] == 12
    assert frame.loc["North", "Practice answers"] == 12
    assert pd.isna(frame.loc["South", "Learners who practised"])
    assert pd.isna(frame.loc["East", "Learners who practised"])
