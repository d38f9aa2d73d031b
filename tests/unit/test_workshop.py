"""Tests of the workshop's pure core: codes, activities, the session, tallies, moderation,
export. Small hand-checked examples; no store, server or browser."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest

from msp_learn.workshop import (
    CODE_ALPHABET,
    ActivityError,
    CodeError,
    Session,
    SessionError,
    WordFilter,
    clean_alias,
    clean_code,
    free_text,
    from_case_node,
    from_myth,
    neutralise,
    new_code,
    rating_scale,
    tally,
    to_csv,
)
from msp_learn.workshop.activities import Activity
from msp_learn.workshop.session import Entry

MYTH = SimpleNamespace(id="m1", statement="MSP is just a chat.", is_myth=True,
                       reality="It is a skilled conversation.")
CASE = SimpleNamespace(
    id="c1", title="Case", start="n1",
    nodes=[SimpleNamespace(id="n1", title="Start", text="What now?", choices=[
        SimpleNamespace(id="ask", label="Ask her", next="good"),
        SimpleNamespace(id="tell", label="Tell her", next="bad")])],
    endings=[SimpleNamespace(id="good", title="Good", text="She is heard.", learning="Ask."),
             SimpleNamespace(id="bad", title="Bad", text="She is not.", learning="Listen.")])


def build(spec):
    if "myth" in spec:
        return from_myth(MYTH)
    if "case" in spec:
        return from_case_node(CASE, spec.get("node") or CASE.start)
    if "scale" in spec:
        return rating_scale(spec["scale"])
    return free_text(spec["text"], spec.get("display", "list"))


def session(plan=None) -> Session:
    s = Session("ACDEFG", "Test", plan or [{"myth": "m1"}, {"case": "c1"}, {"scale": "Sure?"},
                                           {"text": "One word", "display": "cloud"}], build)
    for pid, alias in enumerate(["Ash", "Bo", "Cy", "Di"], start=1):
        s.add_participant(pid, alias)
    return s


def entries(*values, status="shown"):
    return {pid: Entry(v, status) for pid, v in enumerate(values, start=1)}


# codes and aliases

def test_new_codes_use_only_the_unambiguous_alphabet():
    """Does a join code avoid characters a room could misread (0/O, 1/I/L, 5/S, 8/B)?"""
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("0O1IL5S8B2ZUV") & set(CODE_ALPHABET)
    assert len(codes) > 190  # random, not a fixed code


def test_typed_codes_are_tidied_and_bad_ones_explained():
    """Is a code typed in lower case with spaces accepted, and a misread one explained?"""
    assert clean_code(" acd-efg ") == "ACDEFG"
    with pytest.raises(CodeError, match="never has '0'"):
        clean_code("ACDEF0")
    with pytest.raises(CodeError, match="6 characters; you typed 5"):
        clean_code("ACDEF")
    with pytest.raises(CodeError, match="Type the join code"):
        clean_code("  ")


def test_aliases_are_tidied_and_limited():
    """Are aliases trimmed, and empty, long or control-character ones refused plainly?"""
    assert clean_alias("  Sam   J ") == "Sam J"
    for bad, message in (("", "Type a name"), ("x" * 31, "under 31"), ("a\x00b", "cannot be")):
        with pytest.raises(CodeError, match=message):
            clean_alias(bad)


# activities

def test_myth_activity_keeps_the_answer_back_until_revealed():
    """Does a learner's view of a myth leave out the correct answer until it is revealed?"""
    activity = from_myth(MYTH)
    assert activity.correct == "myth"
    assert "correct" not in activity.public()
    assert activity.public(revealed=True)["correct"] == "myth"
    assert Activity.from_dict(activity.to_dict()) == activity


def test_answers_are_checked_per_kind():
    """Is each kind's answer checked: an option, a number in range, short non-empty text?"""
    assert from_myth(MYTH).check_answer("reality") == "reality"
    with pytest.raises(ActivityError, match="Choose one"):
        from_myth(MYTH).check_answer("maybe")
    scale = rating_scale("Sure?", 1, 5)
    assert scale.check_answer(5) == 5
    for bad in (0, 6, "3", True, 2.5):
        with pytest.raises(ActivityError, match="from 1 to 5"):
            scale.check_answer(bad)
    text = free_text("Why?")
    assert text.check_answer("  two   words ") == "two words"
    with pytest.raises(ActivityError, match="Type an answer"):
        text.check_answer("   ")
    with pytest.raises(ActivityError, match="under 281"):
        text.check_answer("x" * 281)
    with pytest.raises(ActivityError, match="2 to 11 points"):
        rating_scale("Sure?", 1, 20)


# the session state machine

def test_push_lock_reveal_reset_next():
    """Do push, lock, reveal, reset and next move the session as the trainer expects?"""
    s = session()
    assert s.status == "waiting" and s.public()["activity"] is None
    s.push(0)
    assert (s.status, s.run) == ("open", 1)
    s.record(1, 1, s.check_answer(1, "myth"))
    s.lock()
    with pytest.raises(SessionError, match="closed"):
        s.check_answer(2, "myth")
    s.unlock()
    s.record(2, 1, s.check_answer(2, "reality"))
    s.reveal()
    assert s.status == "locked" and s.public()["activity"]["correct"] == "myth"
    with pytest.raises(SessionError, match="reset to ask again"):
        s.unlock()
    s.reset()
    assert s.answers[1] == {} and s.status == "open" and not s.revealed
    s.next()
    assert s.current.kind == "decision" and s.run == 2


def test_a_changed_vote_replaces_the_first():
    """Does a participant who changes their vote count once, with the new vote?"""
    s = session()
    s.push(0)
    assert s.record(1, 1, "myth") is False
    assert s.record(1, 1, "reality") is True
    result = tally(s.current, s.answers[1], 4)
    assert result.answered == 1 and s.mine(1) == "reality"


def test_the_room_vote_picks_the_case_study_branch():
    """After a decision point, does next follow the option most of the room chose?"""
    s = session()
    s.push(1)
    for pid, vote in ((1, "tell"), (2, "tell"), (3, "ask")):
        s.record(pid, s.run, vote)
    assert s.winner() == "tell"
    s.next()
    assert s.current.kind == "story" and s.current.source["ending"] == "bad"
    s.next()  # after the ending: the next plan item
    assert s.current.kind == "scale"


def test_a_tied_vote_asks_the_trainer_to_choose():
    """With a tied vote, does next refuse until the trainer names the branch?"""
    s = session()
    s.push(1)
    s.record(1, s.run, "ask")
    s.record(2, s.run, "tell")
    with pytest.raises(SessionError, match="tied or empty"):
        s.next()
    s.next(choice="ask")
    assert s.current.source["ending"] == "good"


def test_next_after_the_last_item_ends_the_workshop():
    """Does moving past the last activity end the session and refuse answers?"""
    s = session([{"scale": "Sure?"}])
    s.push(0)
    assert s.next() is None and s.status == "ended"
    with pytest.raises(SessionError, match="ended"):
        s.check_answer(1, 3)


def test_unknown_participant_and_nothing_open_are_explained():
    """Are answers from a stranger, or before any push, refused with a reason?"""
    s = session()
    with pytest.raises(SessionError, match="Nothing is open"):
        s.check_answer(1, "myth")
    s.push(0)
    with pytest.raises(SessionError, match="not in this workshop"):
        s.check_answer(99, "myth")


def test_alias_taken_ignores_case():
    """Is an alias already used in the room (in any case) refused?"""
    with pytest.raises(SessionError, match="already called"):
        session().check_alias("  ash ")


def test_state_round_trips():
    """Does a saved session come back at the same activity, status and reveal?"""
    s = session()
    s.push(0)
    s.reveal()
    again = Session("ACDEFG", "Test", [], build)
    again.restore(s.to_state())
    assert again.public() == s.public() and again.current == s.current


# tallies and the small-number rule

def test_counts_per_option_and_the_correct_bar():
    """Are votes counted per option, in option order, with the correct one marked on reveal?"""
    activity = from_myth(MYTH)
    result = tally(activity, entries("myth", "reality", "myth"), 10, revealed=True)
    assert [(b["value"], b["count"], b["correct"]) for b in result.bars] == [
        ("myth", 2, True), ("reality", 1, False)]
    assert (result.answered, result.joined, result.withheld) == (3, 10, False)


def test_no_figures_for_fewer_than_three_answers():
    """With two answers, are the counts and free text withheld?"""
    result = tally(from_myth(MYTH), entries("myth", "myth"), 5)
    assert result.withheld and [b["count"] for b in result.bars] == [None, None]
    text = tally(free_text("Why?"), entries("a", "b"), 5)
    assert text.withheld and text.entries == [] and text.words == []


def test_rating_distribution_and_mean():
    """Is a rating scale drawn as a count per point with the mean (4+4+1)/3 = 3.0?"""
    result = tally(rating_scale("Sure?", 1, 5), entries(4, 4, 1), 3)
    assert [b["count"] for b in result.bars] == [1, 0, 0, 2, 0]
    assert result.bars[0]["label"] == "1 (Not at all)" and result.mean == 3.0


def test_free_text_shows_only_what_the_trainer_showed():
    """Are hidden and removed entries kept off the chart, and removed ones not counted?"""
    e = entries("kind words", "listen first", "nasty", "be kind")
    e[2].status = "hidden"
    e[3].status = "removed"
    result = tally(free_text("Why?"), e, 4)
    assert result.answered == 3 and result.hidden == 1
    assert [x["text"] for x in result.entries] == ["kind words", "be kind"]


def test_word_cloud_counts_words_without_stop_words():
    """Does the word cloud count 'kind' twice and leave out 'be'?"""
    result = tally(free_text("Why?", display="cloud"), entries("kind words", "Be kind", "ok"), 3)
    assert result.words[0] == ["kind", 2]
    assert "be" not in dict(result.words)


# moderation

def test_word_filter_catches_disguised_words():
    """Does the filter catch a blocked word in capitals, with digits, repeated letters or
    an ending, and leave ordinary words (Scunthorpe, class) alone?"""
    words = WordFilter()
    for abusive in ("SHIT", "sh1t", "shiiit", "twats", "you bastard!"):
        assert words.flags(abusive), abusive
    for fine in ("Scunthorpe", "class act", "assessment", "cocktail", "grape"):
        assert not words.flags(fine), fine
    assert words.mask("oh shit no") == "oh s*** no"


def test_word_filter_takes_a_councils_own_list(tmp_path):
    """Can a council add its own words from a file?"""
    extra = tmp_path / "words.txt"
    extra.write_text("# ours\nbadword\n", encoding="utf-8")
    assert WordFilter(extra=extra).flags("a BADWORD here")


# export

def test_csv_cells_that_look_like_formulas_are_neutralised():
    """Does every cell starting = + - @ tab or CR get an apostrophe, and others stay as is?"""
    for risky in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(risky) == "'" + risky
    assert neutralise("fine = ok") == "fine = ok" and neutralise(None) == ""
    text = to_csv([("ACDEFG", 1, "text", "t", "p", "=HYPERLINK(\"x\")", "a,b", "a,b", "shown",
                    "2026")])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][5] == "'=HYPERLINK(\"x\")" and rows[1][6] == "a,b"
