"""The one table of activity and content kinds, and the places that read it."""

from __future__ import annotations

import pytest

from msp_learn.activities import ACTIVITIES, CONTENT_KINDS, activity, content_kind
from msp_learn.schemas import KINDS


def test_content_kinds_match_the_schemas():
    """Is every content kind the schemas accept in the table, and nothing else?"""
    assert set(CONTENT_KINDS) == set(KINDS)


def test_each_activity_plays_a_content_kind_and_has_its_words():
    """Does each activity name the content it plays, a label, a plural and CPD wording?"""
    for kind, act in ACTIVITIES.items():
        assert act.kind == kind and act.plays in CONTENT_KINDS
        assert act.label and act.plural and act.cpd_type and act.cpd_noun
    assert ACTIVITIES["quiz"].default_id == "myths" and ACTIVITIES["quiz"].plays == "myth"
    assert activity("later-kind").cpd_wording == "Self-directed learning: later kind"
    assert content_kind("myth").count(1) == "1 myth"
    assert content_kind("case-study").count(3) == "3 case studies"


def test_the_cli_offers_the_content_kinds_of_the_table(capsys):
    """Does `msp-learn list --kind` accept each content kind and refuse an activity kind?"""
    from msp_learn.cli import build_parser

    parser = build_parser()
    for kind in CONTENT_KINDS:
        assert parser.parse_args(["list", "--kind", kind]).kind == kind
    with pytest.raises(SystemExit):
        parser.parse_args(["list", "--kind", "quiz"])
    assert "invalid choice: 'quiz'" in capsys.readouterr().err


def test_the_coverage_summary_uses_the_tables_plurals():
    """Does the coverage report count items in the table's words ('1 case study, 2 myths')?"""
    from msp_learn.coverage import Coverage, render

    text = render(Coverage({"principles": {"choice": ()}}, {"case-study": 1, "myth": 2}))
    assert text.startswith("Coverage by 1 case study, 2 myths")
