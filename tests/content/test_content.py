"""Every content file validates and every path through it plays."""

import pytest

from msp_learn.engine import LearnerAnswer, QuizSession, ScenarioSession, all_paths, assess, compare
from msp_learn.paths import content_paths, kit_root
from tests.conftest import ROOT, kit_catalogue

CATALOGUE = kit_catalogue()
FILES = {f.path: f for f in CATALOGUE.files}


def ids(kind):
    return [i.id for i in CATALOGUE.items(kind)]


def test_kit_root_is_the_checkout():
    """Run from the tree, is the kit's content the checkout's (not an installed copy)?"""
    assert kit_root() == ROOT
    assert content_paths() == [ROOT / "case_studies", ROOT / "exercises"]


@pytest.mark.parametrize("path", sorted(FILES))
def test_file_is_valid(path):
    """Does this content file validate with no errors and no warnings?"""
    problems = [str(p) for p in FILES[path].problems + CATALOGUE.problems if p.path == path]
    assert problems == []
    assert FILES[path].item is not None


def test_every_kind_has_at_least_one_example():
    for kind in ("case-study", "myth", "risk-scenario", "reflection-set"):
        assert CATALOGUE.items(kind), kind


@pytest.mark.parametrize("case_id", ids("case-study"))
def test_every_path_through_a_case_study_plays(case_id):
    """Can every path be played to an ending, with feedback at every step?"""
    case = CATALOGUE.get("case-study", case_id)
    paths = all_paths(case)
    reached = set()
    for path in paths:
        session = ScenarioSession.replay(case, path)
        assert session.finished, path
        assert all(step.feedback for step in session.history)
        reached.add(session.ending.id)
        assert session.summary().finished
    assert reached == {e.id for e in case.endings}


@pytest.mark.parametrize("case_id", ids("case-study"))
def test_every_path_agrees_with_its_endings_outcome_measure(case_id):
    """Played path by path, is the person asked on every path to an ending that says they
    were asked, never on a path to one that says nobody asked, and is a rating given exactly
    where outcomes were asked and expressed?"""
    case = CATALOGUE.get("case-study", case_id)
    assert case.desired_outcomes
    for path in all_paths(case):
        session = ScenarioSession.replay(case, path)
        ending, asked = session.ending, session.summary().asked
        if ending.outcomes_asked in ("asked-and-expressed", "asked-none-expressed"):
            assert asked, (ending.id, path)
        elif ending.outcomes_asked == "not-asked":
            assert not asked, (ending.id, path)
        rated = ending.outcome_achievement is not None
        assert rated == (ending.outcomes_asked == "asked-and-expressed"), ending.id


@pytest.mark.parametrize("scenario_id", ids("risk-scenario"))
def test_risk_model_answer_agrees_with_the_engine(scenario_id):
    """Does the engine, given the model factors, agree with the model answer's level?"""
    scenario = CATALOGUE.get("risk-scenario", scenario_id)
    reasoned = assess(scenario.factors)
    assert reasoned.level == scenario.model_answer.level
    model = scenario.model_answer
    perfect = LearnerAnswer(scenario.factors, model.level, tuple(model.responses),
                            tuple(model.escalate_to))
    assert compare(perfect, scenario).agreement == 1.0


def test_quiz_over_all_myths_scores_both_ways():
    items = CATALOGUE.items("myth")
    right, wrong = QuizSession(items), QuizSession(items)
    for item in items:
        assert right.answer(item.id, item.is_myth).correct
        assert not wrong.answer(item.id, not item.is_myth).correct
    assert right.score().correct == len(items) and wrong.score().correct == 0
    assert len(wrong.retry_missed().items) == len(items)
