"""load(): a real gradebook (made through nbgrader's ORM), answers files and a store, read
into the tidy tables of docs/house.md, read only, with every problem kept."""

from __future__ import annotations

import hashlib
import math

import pandas as pd
import pytest

from msp_learn import events as ev
from msp_learn.reports import ReportData, load, sections
from msp_learn.reports._data import (
    ANSWER_COLUMNS,
    CHOICE_COLUMNS,
    ENDING_COLUMNS,
    GRADE_COLUMNS,
    REFLECTION_COLUMNS,
)
from msp_learn.store import Store
from tests.reports import builders as B

HOSTILE = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script>"
CASE = "danny-cuckooing-exploitation"
RISK = "chloe-late-care-visits"  # model: likelihood 3, impact 3, level medium
MYTH = "concern-only-when-sure"  # a myth
TRUE = "advocate-not-always-required"  # true
CELLS = {f"test-myth-{MYTH}": (1, "grade"), f"test-myth-{TRUE}": (1, "grade"),
         "rubric-voice": (2, "task")}


def write_store(url: str) -> None:
    with Store(url) as store:
        B.quiz(store, "Asha Patel", MYTH, said_myth=False, correct=False)
        B.quiz(store, "Asha Patel", MYTH, said_myth=True, correct=True, attempt=2)
        B.quiz(store, "Ben Okoro", MYTH, said_myth=True, correct=True)
        # a case study: a choice, back, another, on to an ending
        B.choose(store, "Asha Patel", CASE, "first-visit", "ask-him-now",
                 breaks=("protection", "prevention"))
        B.act(store, "Asha Patel", "case-study", CASE, ev.WentBack(choice="ask-him-now"))
        B.choose(store, "Asha Patel", CASE, "first-visit", "come-back-alone")
        B.act(store, "Asha Patel", "case-study", CASE,
              ev.EndingReached(ending="closed-unheard", choices=("come-back-alone",)))
        B.act(store, "Asha Patel", "risk-scenario", RISK,
              ev.RiskAssessed(factors={"likelihood": 3, "impact": 5}, level="high"))
        B.act(store, "Asha Patel", "risk-scenario", RISK,
              ev.RiskCompared(level="high", model_level="medium"))
        store.save_reflection("Asha Patel", activity_kind="case-study", activity_id=CASE,
                              prompt_set="msp-outcomes", answers={"q1": SCRIPT}, context={})
        store.record("Ben Okoro", activity_kind="quiz", activity_id="myths", event="answer",
                     payload={"nonsense": True})  # lacks the fields an answer needs
        B.workshop(store, "ROOM1", {
            1: {"kind": "myth", "title": "Myth or reality?", "source": {"myth": MYTH},
                "correct": "myth"},
            2: {"kind": "text", "title": "Your words", "source": {}, "correct": None}},
            [("Ash", 1, "reality", "Asha Patel"), ("Zed", 1, "myth", None),
             ("Zed", 2, HOSTILE, None)])


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Built once (nbgrader's ORM is slow to start); the tests only read it."""
    course = tmp_path_factory.mktemp("reports") / "course"
    B.gradebook(course, {"myths-1": CELLS}, {
        ("s01", "myths-1"): {f"test-myth-{MYTH}": 1, f"test-myth-{TRUE}": 0,
                             "rubric-voice": None},
        ("s02", "myths-1"): {f"test-myth-{MYTH}": 0, f"test-myth-{TRUE}": 1,
                             "rubric-voice": 2}},
        students={"s01": ("Asha", "Patel"), "s02": ("Ben", "Okoro"), "s03": ("Cai", "Jones")})
    B.answers_file(course, "s01", "myths-1", {
        f"myth:{MYTH}": {"said": "myth"}, f"myth:{TRUE}": {"said": "myth"},
        f"risk:{RISK}": {"likelihood": 3, "impact": 4, "level": "medium"},
        f"case:{CASE}": {"path": ["come-back-alone", "inform-and-plan"]},
        "written:reflection": {"answers": {"q1": HOSTILE}}})
    broken = course / "autograded" / "s02" / "myths-1"
    broken.mkdir(parents=True)
    (broken / "answers.json").write_text("{not json", encoding="utf-8")
    return course


@pytest.fixture
def learners_file(tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text("\ufeffid,name,team,role\ns01,Asha Patel,North,Social worker\n"
                    "s02,Ben Okoro,South,Nurse\ns09,Nobody Known,South,Nurse\n", "utf-8")
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_load_reads_every_source_into_the_houses_tables(course, learners_file, tmp_path,
                                                         catalogue):
    """Are grades, assessed answers, practice, case-study paths, workshop answers and
    reflections all there, with the columns docs/house.md fixes, and is nothing written?"""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    write_store(url)
    before = digest(course / "gradebook.db"), digest(tmp_path / "store.sqlite")
    data = load(course=course, store_url=url, learners_file=learners_file,
                catalogue=catalogue)
    assert (digest(course / "gradebook.db"), digest(tmp_path / "store.sqlite")) == before

    for frame, columns in ((data.grades, GRADE_COLUMNS), (data.answers, ANSWER_COLUMNS),
                           (data.choices, CHOICE_COLUMNS), (data.endings, ENDING_COLUMNS),
                           (data.reflections, REFLECTION_COLUMNS)):
        assert list(frame.columns)[:len(columns)] == columns

    # grades: nbgrader's score rule; an unmarked rubric cell is NaN and awaiting marking
    g = data.grades.set_index(["learner", "item"])
    assert g.loc[("s01", f"test-myth-{MYTH}"), "score"] == 1
    assert g.loc[("s01", f"test-myth-{MYTH}"), "kind"] == "myth"
    assert math.isnan(g.loc[("s01", "rubric-voice"), "score"])
    assert bool(g.loc[("s01", "rubric-voice"), "needs_manual"])
    assert g.loc[("s02", "rubric-voice"), "score"] == 2
    assert g.loc[("s02", "rubric-voice"), "kind"] == "rubric"
    assert str(g.loc[("s01", "rubric-voice"), "submitted_at"]) == "2026-10-05 09:30:00+00:00"

    # learners: the file's team and role; a gradebook student not in the file is 'Not given';
    # store names are matched to the file's ids by name
    people = data.learners.set_index("learner")
    assert people.loc["s01", "team"] == "North"
    assert people.loc["s03", "team"] == "Not given" and people.loc["s03", "name"] == "Cai Jones"
    assert "Asha Patel" not in people.index

    a = data.answers
    assessed = a[a["source"] == "assessed"].set_index("item")
    assert assessed.loc[MYTH, "response"] == "myth" and bool(assessed.loc[MYTH, "correct"])
    assert not bool(assessed.loc[TRUE, "correct"])  # it is true, s01 said myth
    assert assessed.loc["impact", "response"] == 4 and not bool(assessed.loc["impact",
                                                                              "correct"])
    assert bool(assessed.loc["level", "correct"])
    practice = a[(a["source"] == "practice") & (a["activity_kind"] == "quiz")]
    assert sorted(zip(practice["learner"], practice["attempt"], practice["response"],
                      strict=True)) == [("s01", 1, "true"), ("s01", 2, "myth"),
                                        ("s02", 1, "myth")]
    risk = a[(a["source"] == "practice") & (a["activity_kind"] == "risk-scenario")]
    assert set(zip(risk["item"], risk["correct"], strict=True)) == {
        ("likelihood", True), ("impact", False), ("level", False)}
    workshop = a[a["source"] == "workshop"]
    assert workshop[["learner", "item", "response"]].values.tolist() == [["s01", MYTH, "true"]]
    assert len(data.anonymous) == 2  # never joined to a person
    assert HOSTILE in data.anonymous["response"].tolist()

    # case-study paths: practice (the undone choice kept, both at step 1) and assessed
    c = data.choices
    practice_steps = c[c["source"] == "practice"][["step", "choice", "next"]].values.tolist()
    assert practice_steps == [[1, "ask-him-now", "closed-door"],
                              [1, "come-back-alone", "alone-at-nans"]]
    walked = c[c["source"] == "assessed"][["step", "node", "choice"]].values.tolist()
    assert walked == [[1, "first-visit", "come-back-alone"],
                      [2, "alone-at-nans", "inform-and-plan"]]
    assert data.endings[["learner", "ending", "source"]].values.tolist() == [
        ["s01", "closed-unheard", "practice"]]

    # reflections: store and assessed written answers, text exactly as written
    assert set(data.reflections["text"]) == {SCRIPT, HOSTILE}

    # problems: the broken answers file, the unreadable event, the unknown learner id
    text = "\n".join(map(str, data.problems))
    assert "answers.json" in text and "could not be read as JSON" in text
    assert "1 stored event(s) could not be read" in text
    assert "s09" in text
    assert {"gradebook", "store", "learners_file"} <= set(data.sources)


def test_filter_keeps_a_team_and_dates(course, learners_file, catalogue):
    """filter(team=...) keeps that team's learners in every table; end= drops later work."""
    data = load(course=course, learners_file=learners_file, catalogue=catalogue)
    north = data.filter(team="North")
    assert set(north.learners["learner"]) == {"s01"}
    assert set(north.grades["learner"]) == {"s01"}
    assert len(data.filter(end="2026-10-04").grades) == 0
    assert len(data.filter(start="2026-10-05", end="2026-10-05").grades) == len(data.grades)
    assert len(data.filter(assignment="other").grades) == 0


def test_nothing_to_read_gives_empty_tables_and_clear_problems(tmp_path, catalogue):
    """A course folder with no gradebook and a store that is not there: problems, no crash."""
    data = load(course=tmp_path / "empty", store_url=f"sqlite:///{tmp_path / 'none.db'}",
                catalogue=catalogue)
    assert isinstance(data, ReportData) and data.grades.empty and data.answers.empty
    text = "\n".join(map(str, data.problems))
    assert "no gradebook" in text and "no learner database" in text
    assert not (tmp_path / "none.db").exists()
    assert sections(data)  # an empty report still has its tables


def test_a_store_on_postgresql_reads_the_same(pg_url, catalogue):
    """Do the store's tables read the same on PostgreSQL (read only)?"""
    write_store(pg_url)
    data = load(store_url=pg_url, catalogue=catalogue)
    quiz = data.answers[(data.answers["source"] == "practice")
                        & (data.answers["activity_kind"] == "quiz")]
    assert sorted(zip(quiz["learner"], quiz["attempt"], strict=True)) == [
        ("Asha Patel", 1), ("Asha Patel", 2), ("Ben Okoro", 1)]
    assert len(data.anonymous) == 2
    assert data.endings["ending"].tolist() == ["closed-unheard"]
    assert isinstance(data.answers["recorded_at"].dtype, pd.DatetimeTZDtype)


def test_sections_from_real_data_name_the_steps_of_a_case_study(course, learners_file,
                                                                 tmp_path, catalogue):
    """With min_group=1 (to see the tiny example), the case study's path table names its
    steps from the content, counts both first-run practice choices and the assessed walk,
    and the endings table gives the outcome measure in words."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    write_store(url)
    data = load(course=course, store_url=url, learners_file=learners_file,
                catalogue=catalogue)
    by_id = {s.id: s for s in sections(data, min_group=1)}
    paths = by_id[f"case-paths-{CASE}"].frame.set_index("choice")
    assert paths.loc["come-back-alone", "Times chosen"] == 2  # practice and assessed
    assert paths.loc["ask-him-now", "Times chosen"] == 1  # undone with Back, still counted
    assert paths.loc["come-back-alone", "Point in the story"] != "first-visit"
    assert by_id[f"case-paths-{CASE}"].plot.kind == "paths"
    endings = by_id["case-endings"].frame
    assert endings["Learners"].tolist() == [1]
    assert endings["Outcomes asked for"].iloc[0]  # in words, from the vocabulary
    responses = by_id["responses"].frame
    case_rows = responses[responses["Test"].str.startswith("Case study")]
    assert len(case_rows) and "first-visit" not in set(case_rows["Question"])
    assert "come-back-alone" not in set(case_rows["Answer given"])  # the choice's words
    with_five = {s.id: s for s in sections(data)}
    assert pd.isna(with_five[f"case-paths-{CASE}"].frame["Times chosen"]).all()


def test_large_tables_kept_as_categories_give_the_same_report(course, learners_file,
                                                              tmp_path, catalogue,
                                                              monkeypatch):
    """At council scale the key columns are kept as categories (less memory): does every
    section come out exactly as from plain columns?"""
    from msp_learn.reports import _data

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    write_store(url)
    plain = load(course=course, store_url=url, learners_file=learners_file,
                 catalogue=catalogue)
    monkeypatch.setattr(_data, "COMPACT_FROM", 0)
    compact = load(course=course, store_url=url, learners_file=learners_file,
                   catalogue=catalogue)
    assert isinstance(compact.answers["learner"].dtype, pd.CategoricalDtype)
    for a, b in zip(sections(plain, min_group=1), sections(compact, min_group=1),
                    strict=True):
        assert a.id == b.id
        pd.testing.assert_frame_equal(a.frame.astype(object), b.frame.astype(object),
                                      check_dtype=False, obj=a.id)
        assert not any(isinstance(t, pd.CategoricalDtype) for t in b.frame.dtypes), a.id
    north = compact.filter(team="North")
    assert set(north.answers["learner"]) == {"s01"}


def test_a_gradebook_on_postgresql_is_read_through_its_url(pg_url, tmp_path, catalogue):
    """nbgrader with a db_url on PostgreSQL: the same query, through SQLAlchemy, read only."""
    B.gradebook(tmp_path / "pgcourse", {"myths-1": CELLS},
                {("s01", "myths-1"): {f"test-myth-{MYTH}": 1, f"test-myth-{TRUE}": 0,
                                      "rubric-voice": 2}}, url=pg_url)
    data = load(gradebook_url=pg_url, catalogue=catalogue)
    assert data.problems == []
    g = data.grades.set_index("item")
    assert g.loc[f"test-myth-{MYTH}", "score"] == 1 and g.loc["rubric-voice", "score"] == 2
    assert g.loc["rubric-voice", "kind"] == "rubric"
    assert not g["needs_manual"].any()


def test_the_report_cannot_write_to_the_store(pg_url, tmp_path):
    """The report's connections are read only: a write is refused on PostgreSQL and on a
    SQLite file opened with mode=ro."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from msp_learn.reports._data import _store_engine

    sqlite_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store(sqlite_url).close()
    for url in (pg_url, sqlite_url):
        engine = _store_engine(url)
        try:
            with engine.connect() as conn, pytest.raises(DBAPIError):
                conn.execute(text("CREATE TABLE report_wrote_this (a integer)"))
        finally:
            engine.dispose()


def test_a_case_study_the_content_lacks_still_has_its_path(tmp_path, catalogue):
    """Choices in a case study no longer in the content: where each led is taken from the
    learner's next step, and the last from the ending the run reached."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with Store(url) as store:
        B.choose(store, "Dee", "retired-case", "start", "listen")
        B.choose(store, "Dee", "retired-case", "middle", "ask")
        B.act(store, "Dee", "case-study", "retired-case",
              ev.EndingReached(ending="heard", choices=("listen", "ask")))
    data = load(store_url=url, catalogue=catalogue)
    assert data.choices[["node", "choice", "next"]].values.tolist() == [
        ["start", "listen", "middle"], ["middle", "ask", "heard"]]


def test_a_store_from_a_newer_kit_is_a_problem_not_a_guess(tmp_path, catalogue):
    """A store at a schema version this kit does not know is not read; the problem says to
    upgrade."""
    from sqlalchemy import create_engine, insert

    from msp_learn.store import _schema as S

    path = tmp_path / "store.sqlite"
    Store(f"sqlite:///{path}").close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(insert(S.schema_versions).values(
            version=S.STEPS[-1].version + 1, description="from the future",
            applied_at=pd.Timestamp.now(tz="UTC").to_pydatetime()))
    engine.dispose()
    data = load(store_url=f"sqlite:///{path}", catalogue=catalogue)
    assert data.answers.empty
    assert any("newer msp_learn" in p.message for p in data.problems)
