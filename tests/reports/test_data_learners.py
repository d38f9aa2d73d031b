"""The learners file: every bad row named with its place; nothing dropped silently."""

from __future__ import annotations

from msp_learn.reports import read_learners
from msp_learn.reports._learners import NOT_GIVEN

HOSTILE = "=cmd|' /C calc'!A0"


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "learners.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_file_with_a_byte_order_mark_reads_every_learner(tmp_path):
    """Does Excel's 'CSV UTF-8' (with a BOM, CRLF lines, any column order) read cleanly?"""
    path = write(tmp_path, "\ufeffTeam,ID,Name,Role\r\nNorth,s01,Asha Patel,Social worker\r\n"
                           "South,s02,Ben Okoro,Occupational therapist\r\n")
    frame, problems = read_learners(path)
    assert problems == []
    assert frame[["learner", "name", "team", "role"]].values.tolist() == [
        ["s01", "Asha Patel", "North", "Social worker"],
        ["s02", "Ben Okoro", "South", "Occupational therapist"]]


def test_each_bad_row_is_named_with_its_line_and_column(tmp_path):
    """Empty id, duplicate id, wrong number of values, unknown id and unknown role: each
    gives a problem at its line and column; the rows that can be used are kept."""
    path = write(tmp_path, "id,name,team,role\n"
                           "s01,Asha,North,Social worker\n"      # line 2: fine
                           ",Nobody,North,Social worker\n"       # line 3: empty id
                           "s01,Asha again,South,Nurse\n"        # line 4: duplicate
                           "s03,Cai,North\n"                     # line 5: too few values
                           "s04,Dee,South,Wizard\n"              # line 6: unknown role; s04
                           "\n")                                 # unknown
    frame, problems = read_learners(path, known={"s01", "s02"},
                                    roles={"Social worker", "Nurse"})
    where = {(p.line, p.column, p.severity) for p in problems}
    assert (3, 1, "error") in where
    assert (4, 1, "error") in where
    assert (5, 4, "error") in where
    assert (6, 1, "warning") in where  # s04 not in the gradebook or store, still kept
    assert (6, 4, "warning") in where  # Wizard is not an expected role, still kept
    assert frame["learner"].tolist() == ["s01", "s04"]
    messages = " ".join(p.message for p in problems)
    assert "already given on line 2" in messages
    assert "3 values but the header has 4" in messages
    assert all(p.file == str(path) for p in problems)


def test_a_missing_id_column_reads_nothing_and_says_why(tmp_path):
    """No 'id' column: no learner can be read, and the problem says to add a header."""
    frame, problems = read_learners(write(tmp_path, "s01,Asha,North,SW\n"))
    assert frame.empty
    assert any("'id' is missing" in p.message and p.line == 1 for p in problems)


def test_missing_team_or_role_column_counts_everyone_as_not_given(tmp_path):
    """Without a team column every learner's team is 'Not given', with one warning."""
    frame, problems = read_learners(write(tmp_path, "id,name,role\ns01,Asha,SW\n"))
    assert frame["team"].tolist() == [NOT_GIVEN]
    assert [p.severity for p in problems] == ["warning"]


def test_text_that_is_not_utf8_is_placed_at_the_byte_that_fails(tmp_path):
    """A Windows-1252 'é' on line 3 is reported at line 3, column 8 (the eighth byte of the line)."""
    path = write(tmp_path, "id,name,team,role\ns01,Asha,North,SW\ns02,Ren\u00e9e,South,SW\n",
                 "cp1252")
    frame, problems = read_learners(path)
    assert frame.empty and (problems[0].line, problems[0].column) == (3, 8)
    assert "UTF-8" in problems[0].message


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path):
    """A learners file that is not there: one problem, no learners."""
    frame, problems = read_learners(tmp_path / "nope.csv")
    assert frame.empty and "could not be read" in problems[0].message


def test_teams_written_two_ways_are_counted_as_one_with_a_warning(tmp_path):
    """'North' twice and 'north' once: one team, 'North', and a warning naming line 4."""
    frame, problems = read_learners(write(tmp_path, "id,name,team,role\ns1,A,North,SW\n"
                                                    "s2,B,North,SW\ns3,C,north,SW\n"))
    assert frame["team"].tolist() == ["North"] * 3
    assert [(p.line, p.severity) for p in problems] == [(4, "warning")]


def test_hostile_text_passes_through_unchanged(tmp_path):
    """Formula and markup text is data here: kept exactly (the outputs neutralise it)."""
    text = f'id,name,team,role\ns1,"{HOSTILE}",<script>alert(1)</script>,SW\n'
    frame, problems = read_learners(write(tmp_path, text))
    assert problems == []
    assert frame.loc[0, "name"] == HOSTILE
    assert frame.loc[0, "team"] == "<script>alert(1)</script>"
