"""Tests of the CPD record (md, html, docx) and the cpd-record / learner forget commands."""

from __future__ import annotations

import argparse
import io
import re
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from types import SimpleNamespace

import docx
import pytest

from msp_learn import cpd
from msp_learn.cli_learner import add_commands
from msp_learn.cpd import cpd_record
from msp_learn.store import NotFoundError, Store

ATTACK = "<script>alert('x')</script> & <b>bold</b>"
MARKDOWN = "# not a heading\n1. not a list\n- not a bullet\n*not emphasis* [not](a-link)"


class FakeCatalogue:
    """Just enough content for titles, endings and prompt wording."""

    def __init__(self) -> None:
        self.items = {
            ("case-study", "mrs-khan"): SimpleNamespace(
                title="Mrs Khan's finances", endings=[SimpleNamespace(
                    id="safe-at-home", title="Safe at home, on her terms")]),
            ("reflection-set", "gibbs-short"): SimpleNamespace(prompts=[
                SimpleNamespace(id="what-happened", stage="description",
                                text="What happened in the case?"),
                SimpleNamespace(id="learnt", stage="analysis", text="What did you learn?"),
                SimpleNamespace(id="next", stage="action-plan",
                                text="What will you do differently?")])}

    def get(self, kind, ident):
        return self.items[(kind, ident)]


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("MSP_LEARN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{tmp_path / 'cpd.sqlite'}")
    with Store() as opened:
        yield opened


@pytest.fixture
def amir(store):
    """A learner with one reflected case study, one completed quiz and one unfinished risk
    (the activity kinds and state the views write: see tests/widgets/test_views.py)."""
    store.save_progress("Amir", activity_kind="case-study", activity_id="mrs-khan",
                        state={"choices": ["a", "b", "c"], "completed": True})
    store.save_reflection("Amir", activity_kind="case-study", activity_id="mrs-khan",
                          prompt_set="gibbs-short",
                          answers={"what-happened": f"I met Mrs Khan. {ATTACK}",
                                   "learnt": f"Ask what she wants.\n{MARKDOWN}",
                                   "next": "Record her words.\n\nCheck back in a week.",
                                   "blank": "   "},
                          context={"ending": "safe-at-home", "choices": ["a", "b", "c"]})
    store.save_progress("Amir", activity_kind="quiz", activity_id="myths", state={
        "title": "Myth or reality?", "completed": True,
        "attempts": [{"attempt": 1, "items": [f"m{i}" for i in range(28)], "correct": 25,
                      "known": 25, "of": 28},
                     {"attempt": 2, "items": ["m1", "m2", "m3"], "correct": 3, "known": 28,
                      "of": 28}]})
    store.save_progress("Amir", activity_kind="risk-scenario", activity_id="half-done",
                        state={"answers": {}})
    return "amir"


class Outline(HTMLParser):
    """Tags, heading levels, attributes and visible text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags, self.levels, self.attrs, self.text, self._skip = [], [], [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        self._skip = tag in ("style", "title")
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _outline(page: str) -> Outline:
    outline = Outline()
    outline.feed(page)
    return outline


def test_markdown_record_has_the_social_work_england_fields(store, amir):
    """Does each reflected activity get type, description, date, learning, impact, peer space
    and the standard 4 note, with other completed learning listed after?"""
    record = cpd_record(store, amir, fmt="md", catalogue=FakeCatalogue())
    assert record.startswith("# CPD record: Amir\n")
    for field in ("**Type of activity:** Self-directed e-learning: interactive case study",
                  "**Date:** ", "**Registration year:** 1 December ", "**Description:** ",
                  "#### What I learnt", "#### Impact on my practice", "#### Peer reflection",
                  "supervision, a team session or a training discussion",
                  "**Who I reflected with, their role, and the setting:**",
                  "Professional standard 4", "### Mrs Khan's finances",
                  "The ending I reached: Safe at home, on her terms.",
                  "I worked through the interactive case study 'Mrs Khan's finances' in the "
                  "Making Safeguarding Personal training kit (msp-learn), making 3 choices, "
                  "then reflected on it."):
        assert field in record
    learnt = record.index("#### What I learnt")
    impact = record.index("#### Impact on my practice")
    assert record.index("*What happened in the case?*") < learnt
    assert learnt < record.index("*What did you learn?*") < impact
    assert impact < record.index("*What will you do differently?*")
    others = record.split("## Other learning completed", 1)[1]
    assert ("Myth or reality? (Self-directed e-learning: myths and realities quiz). Score: "
            "first attempt 25 of 28 correct (89%); best 28 of 28 correct (100%)." in others)
    assert "half-done" not in record
    assert "mrs-khan" not in others


def test_markdown_escapes_learner_text(store, amir):
    """Does learner text render in markdown as the literal characters, never as markup?"""
    mistune = pytest.importorskip("mistune")
    record = cpd_record(store, amir, fmt="md")
    assert "\\# not a heading" in record and "\\<script\\>" in record
    rendered = mistune.html(record)
    assert "<script>" not in rendered and "<b>" not in rendered
    assert "<h1>not a heading" not in rendered and "<ol>" not in rendered
    assert 'href="a-link"' not in rendered
    text = _outline(rendered).text
    visible = "".join(text)
    for line in (ATTACK, *MARKDOWN.splitlines(), "Record her words."):
        assert line in visible


def test_html_record_escapes_everything_and_is_accessible(store, amir):
    """Is the HTML escaped, en-GB, one <main>, a <title>, headings in order, no network?"""
    page = cpd_record(store, amir, fmt="html", catalogue=FakeCatalogue())
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    outline = _outline(page)
    assert ("html", {"lang": "en-GB"}) in outline.attrs
    assert outline.tags.count("main") == 1 and outline.tags.count("title") == 1
    assert "<title>CPD record: Amir</title>" in page
    assert outline.levels[0] == 1 and outline.levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(outline.levels, outline.levels[1:], strict=False))
    assert not re.search(r"<(link|script|img|iframe)\b|src=|@import|url\(", page)
    assert "@media print" in page
    assert ATTACK in "".join(outline.text)


def test_control_characters_do_not_break_html_or_docx(store):
    """Does a NUL byte in an answer show as U+FFFD instead of breaking the document?"""
    store.save_reflection("bea", activity_kind="quiz", activity_id="myths", prompt_set="p",
                          answers={"analysis": "before\x00after\x0bend"})
    page = cpd_record(store, "bea", fmt="html")
    assert "before\ufffdafter\ufffdend" in page and "\x00" not in page
    document = docx.Document(io.BytesIO(cpd_record(store, "bea", fmt="docx")))
    assert any("before\ufffdafter\ufffdend" in p.text for p in document.paragraphs)


def test_docx_record_has_headings_answers_and_write_in_boxes(store, amir, tmp_path):
    """Is the docx a real Word file with the entry's headings, answers and peer boxes?"""
    out = tmp_path / "record.docx"
    data = cpd_record(store, amir, fmt="docx", out=out, catalogue=FakeCatalogue())
    assert out.read_bytes() == data
    document = docx.Document(str(out))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "CPD record: Amir")
    assert ("Heading 3", "Mrs Khan's finances") in headings
    assert ("Heading 4", "Impact on my practice") in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"I met Mrs Khan. {ATTACK}" in text and "Record her words." in text
    assert len(document.tables) == len(cpd.PEER_FIELDS)
    assert document.core_properties.language == "en-GB"


def test_every_kind_the_record_words_is_an_activity_the_kit_records():
    """Is the CPD wording of each activity the views record its own, never the fallback
    for an unknown kind (the fault: 'Self-directed learning: quiz')?"""
    from msp_learn.activities import ACTIVITIES, UNKNOWN

    for kind in ACTIVITIES:
        assert cpd._type(kind) != f"{UNKNOWN.cpd_type}: {kind}"
        assert not cpd._type(kind).startswith(UNKNOWN.cpd_type)
    assert cpd._type("quiz") == "Self-directed e-learning: myths and realities quiz"
    assert cpd._type("later-kind") == "Self-directed learning: later kind"


def test_missing_sections_are_flagged_not_hidden(store):
    """When a reflection has no learning or impact answers, does the record say so?"""
    store.save_reflection("cat", activity_kind="case-study", activity_id="x", prompt_set="p",
                          answers={"description": "Only a description."})
    record = cpd_record(store, "cat", fmt="md")
    assert record.count(cpd.NOT_YET) == 2
    assert "Interactive case study 'x'" in record


def test_unknown_or_empty_learners_and_formats_are_refused(store):
    """Are an unknown learner, one with nothing done, and an unknown format refused?"""
    with pytest.raises(NotFoundError, match="no learner"):
        cpd_record(store, "nobody", fmt="md")
    store.save_progress("dee", activity_kind="quiz", activity_id="myths",
                        state={"answers": {}})
    with pytest.raises(NotFoundError, match="no completed activities"):
        cpd_record(store, "dee", fmt="md")
    with pytest.raises(ValueError, match="unknown format"):
        cpd_record(store, "dee", fmt="pdf")


@pytest.mark.parametrize("month, day, expected", [
    (11, 30, "1 December 2024 to 30 November 2025"),
    (12, 1, "1 December 2025 to 30 November 2026"),
    (1, 15, "1 December 2024 to 30 November 2025")])
def test_registration_year_runs_december_to_november(month, day, expected):
    """Is a date placed in the Social Work England year running 1 December to 30 November?"""
    assert cpd._registration_year(datetime(2025, month, day, tzinfo=UTC)) == expected


# the command line

def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="msp-learn")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cpd_record_command_prints_or_writes(store, amir, tmp_path, capsys):
    """Does cpd-record print markdown, write html/docx files, and use MSP_LEARN_DB?"""
    assert _run("cpd-record", "AMIR") == 0
    assert capsys.readouterr().out.startswith("# CPD record: Amir")
    out = tmp_path / "r.html"
    assert _run("cpd-record", "amir", "--format", "html", "--out", str(out),
                "--db", store.url) == 0
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert _run("cpd-record", "amir", "--format", "docx", "--out", str(tmp_path / "r.docx")) == 0
    assert docx.Document(str(tmp_path / "r.docx")).paragraphs[0].text == "CPD record: Amir"


def test_cpd_record_command_exit_codes(store, amir, tmp_path, capsys):
    """Are nothing-found, missing database, bad output path and bad format reported?"""
    assert _run("cpd-record", "nobody") == 1
    assert "no learner called 'nobody'" in capsys.readouterr().err
    assert _run("cpd-record", "amir", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}") == 1
    assert not (tmp_path / "none.sqlite").exists()
    assert _run("cpd-record", "amir", "--out", str(tmp_path / "no" / "dir" / "r.md")) == 1
    assert _run("cpd-record", "amir", "--db", "not a url") == 2
    with pytest.raises(SystemExit) as exit_info:
        _run("cpd-record", "amir", "--format", "pdf")
    assert exit_info.value.code == 2


def test_learner_forget_command(store, amir, monkeypatch, capsys):
    """Does learner forget need --yes (or a typed yes), delete everything, and report it?"""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert _run("learner", "forget", "amir") == 2
    assert "--yes" in capsys.readouterr().err
    assert store.find_learner("amir") is not None

    monkeypatch.setattr(sys, "stdin", SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert _run("learner", "forget", "amir") == 1
    assert store.find_learner("amir") is not None
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert _run("learner", "forget", "amir") == 0
    out = capsys.readouterr().out
    assert "1 learners, 0 events, 3 progress, 1 reflections" in out
    assert store.find_learner("amir") is None

    assert _run("learner", "forget", "amir", "--yes") == 1
    assert _run("learner", "forget", "", "--yes") == 2
    assert "cannot be empty" in capsys.readouterr().err


def test_case_study_description_gives_the_three_step_outcome_measure(store):
    """Does a reflected case study's description give the ending's three-step measure from
    the content (not a stale summary), saying why an unasked ending has no rating?"""
    from msp_learn.schemas import Ending

    unasked = Ending(id="closed", title="Closed too soon", text="It was closed.",
                     outcomes_asked="not-asked", risk_outcome="remains", learning="Ask first.")
    catalogue = FakeCatalogue()
    catalogue.items[("case-study", "mrs-khan")].endings.append(unasked)
    store.save_reflection("Cy", activity_kind="case-study", activity_id="mrs-khan",
                          prompt_set="gibbs-short", answers={"learnt": "Ask what she wants."},
                          context={"ending": "Closed too soon",
                                   "summary": "Outcomes fully, risk removed"})
    record = cpd_record(store, "Cy", fmt="md", catalogue=catalogue)
    assert ("The ending I reached: Closed too soon. Outcomes asked for: Not asked. Outcomes "
            "achieved: Not rated, because no outcomes were asked for and expressed. Risk: "
            "Risk remains.") in record
    assert "Outcomes fully" not in record


def test_a_docx_record_needs_no_out_file_and_says_where_it_went(store, amir, tmp_path,
                                                                 monkeypatch, capsys):
    """As the README shows --out as optional: does `cpd-record NAME --format docx` write
    cpd-record-<name>.docx in the current folder and say so, in words and with the path?"""
    monkeypatch.chdir(tmp_path)
    assert _run("cpd-record", "AMIR", "--format", "docx") == 0
    written = tmp_path / "cpd-record-amir.docx"
    assert docx.Document(str(written)).paragraphs[0].text == "CPD record: Amir"
    out = capsys.readouterr().out
    assert out == f"wrote Amir's CPD record, as a Word document, to {written}\n"
    assert cpd.default_file("Zoë O'Neil-Smith", "docx").name == "cpd-record-zo-o-neil-smith.docx"
    assert cpd.default_file("李华", "md").name == "cpd-record-learner.md"


# the record as a person reads it

def _reflect(store, name, kind, ident, context, prompt_set="gibbs-short", text="I noticed."):
    store.save_reflection(name, activity_kind=kind, activity_id=ident, prompt_set=prompt_set,
                          answers={"what-happened": text}, context=context)


def _headings(record: str, level: int = 3) -> list[str]:
    return re.findall(rf"^{'#' * level} (.+)$", record, flags=re.M)


def test_a_title_is_the_activitys_own_never_with_its_kind_repeated(store):
    """Is a reflection saved with the journal's list label ('Late visits (risk scenario)')
    headed and described by the activity's title alone, with or without the content?"""
    _reflect(store, "Ann", "risk-scenario", "late-visits",
             {"title": "Late and rushed care visits (risk scenario)"})
    catalogue = FakeCatalogue()
    catalogue.items[("risk-scenario", "late-visits")] = SimpleNamespace(
        title="Late and rushed care visits")
    for cat in (None, catalogue):
        record = cpd_record(store, "Ann", fmt="md", catalogue=cat)
        assert "(risk scenario)" not in record
        assert _headings(record) == ["Late and rushed care visits"]
        assert ("I worked through the risk scenario exercise 'Late and rushed care visits' "
                "in the Making Safeguarding Personal training kit (msp-learn), then "
                "reflected on it.") in record


def test_an_outcome_kept_as_ids_is_written_in_words(store):
    """Does a summary kept by an earlier version in ids ('Outcomes fully, risk reduced')
    read as the outcome measure's words when the content cannot say more?"""
    _reflect(store, "Bo", "case-study", "gone-case",
             {"title": "A case since removed", "ending": "safe-at-home",
              "summary": "Outcomes fully, risk reduced"})
    _reflect(store, "Bo", "case-study", "other-case",
             {"title": "Another", "summary": "Outcomes None, risk remains"})
    record = cpd_record(store, "Bo", fmt="md")
    assert "Outcomes fully" not in record and "risk reduced" not in record
    assert "Outcomes achieved: Fully achieved. Risk: Risk reduced." in record
    assert "Outcomes achieved: Not rated. Risk: Risk remains." in record


def test_each_general_reflection_has_a_heading_of_its_own(store):
    """Are general journal reflections headed by their date and model, with the time where
    two fall on one day, so no two entries share a heading, and described in words?"""
    general = {"title": "A general reflection"}
    _reflect(store, "Cal", "journal", "general", general, text="First.")
    _reflect(store, "Cal", "journal", "general", general, text="Second.")
    _reflect(store, "Cal", "journal", "general", general, prompt_set="kolb", text="Third.")
    record = cpd_record(store, "Cal", fmt="md", catalogue=FakeCatalogue())
    headings = _headings(record)
    assert len(set(headings)) == 3, headings
    day = cpd._day(store.reflections("Cal")[0].created_at)
    assert headings[2] == f"General reflection, {day} (Kolb)"
    assert all(h.startswith(f"General reflection, {day}") for h in headings)
    assert re.fullmatch(rf"General reflection, {day} at \d\d:\d\d \(Gibbs short\)"
                        r"(, reflection 2)?", headings[1])
    assert "A general reflection" not in record
    assert ("A reflection I wrote in the reflection journal of the Making Safeguarding "
            "Personal training kit (msp-learn), using Kolb.") in record


def test_a_long_unbroken_line_wraps_instead_of_widening_the_page(store):
    """Does the HTML record let a long unbroken answer wrap (overflow-wrap: anywhere)?"""
    _reflect(store, "Dee", "journal", "general", {}, text="x" * 500)
    page = cpd_record(store, "Dee", fmt="html")
    assert re.search(r"main \{[^}]*overflow-wrap: anywhere", page)
    assert "x" * 500 in page
