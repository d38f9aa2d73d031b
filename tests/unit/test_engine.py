"""The pure engine: scenario sessions, quiz marking and risk reasoning."""

import pytest

from msp_learn import engine
from msp_learn.engine import (
    InvalidChoice,
    LearnerAnswer,
    QuizSession,
    ScenarioSession,
    assess,
    compare,
    matrix_level,
)
from msp_learn.schemas import CaseStudy, MythItem, RiskFactors, RiskScenario
from tests.conftest import starter_data


@pytest.fixture
def case():
    return CaseStudy.model_validate(starter_data("case-study.yaml"))


@pytest.fixture
def myths():
    base = starter_data("myth.yaml")
    truth = dict(base, id="a-true-one", is_myth=False)
    return [MythItem.model_validate(base), MythItem.model_validate(truth)]


@pytest.fixture
def scenario():
    return RiskScenario.model_validate(starter_data("risk-scenario.yaml"))


def test_engine_imports_no_widgets():
    """Is the engine free of ipywidgets (pure core)?"""
    import pathlib

    for path in pathlib.Path(engine.__file__).parent.glob("*.py"):
        assert "ipywidgets" not in path.read_text(), path


def test_scenario_walk_feedback_back_and_summary(case):
    s = ScenarioSession(case)
    assert s.node.id == "first-visit" and not s.finished
    assert [c.id for c in s.available_choices()] == ["ask-outcomes", "call-police"]
    step = s.choose("call-police")
    assert "proportionate" in step.feedback and s.finished
    assert s.ending.outcomes_asked == "not-asked" and s.ending.outcome_achievement is None
    assert s.ending.risk_outcome == "remains" and not s.summary().asked
    assert [step for step, _ in s.summary().measure] == [
        "Outcomes asked for", "Outcomes achieved", "Risk"]
    assert s.summary().broken == {"empowerment": 1, "proportionality": 1}
    with pytest.raises(InvalidChoice):
        s.choose("ask-outcomes")
    assert s.back().choice_id == "call-police"
    assert s.node.id == "first-visit" and s.back() is None
    s.choose("ask-outcomes")
    assert s.summary().honoured == {"empowerment": 1} and s.summary().finished
    assert s.asked and s.summary().asked  # the choice is marked asks_outcomes
    assert s.choice_ids == ["ask-outcomes"]


def test_scenario_replay_and_invalid_choice(case):
    s = ScenarioSession.replay(case, ["ask-outcomes"])
    assert s.ending.id == "he-decides"
    with pytest.raises(InvalidChoice, match="not a choice"):
        ScenarioSession.replay(case, ["shout"])


def test_all_paths_covers_each_ending(case):
    assert sorted(engine.all_paths(case)) == [["ask-outcomes"], ["call-police"]]


def test_quiz_marks_scores_and_retries(myths):
    q = QuizSession(myths)
    assert q.current.id == "example-item"
    right = q.answer("example-item", said_myth=True)
    assert right.correct and right.headline == "Correct: this statement is a myth."
    assert right.basis[0] == "Data Protection Act 2018"
    wrong = q.answer("a-true-one", said_myth=True)
    assert not wrong.correct and wrong.headline == "Not quite: this statement is true."
    assert q.finished and str(q.score()) == "1 of 2 correct (50%)"
    retry = q.retry_missed()
    assert [i.id for i in retry.items] == ["a-true-one"] and retry.score().answered == 0
    with pytest.raises(ValueError):
        QuizSession([])


@pytest.mark.parametrize("likelihood, impact, level", [
    (1, 1, "low"), (2, 2, "low"), (1, 5, "medium"), (3, 3, "medium"), (2, 5, "high"),
    (4, 4, "high"), (4, 5, "very-high"), (5, 5, "very-high"),
])
def test_matrix_levels(likelihood, impact, level):
    assert matrix_level(likelihood, impact) == level


def test_matrix_is_monotonic():
    grid = engine.matrix()
    order = ["low", "medium", "high", "very-high"]
    for row in grid:
        assert [order.index(c) for c in row] == sorted(order.index(c) for c in row)


def factors(**kw):
    base = dict(likelihood=2, impact=2, capacity="has-capacity", coercion=False,
                others_at_risk=False, possible_crime=False, wishes="wants-no-action")
    return RiskFactors(**(base | kw))


def test_capacity_and_refusal_respected_when_nothing_overrides():
    a = assess(factors())
    assert a.level == "low"
    assert {"respect-decision", "keep-engaging", "ask-outcomes"} <= set(a.response_ids)
    assert a.escalation_ids == []


def test_lacking_capacity_goes_best_interests_with_advocate():
    a = assess(factors(capacity="lacks-capacity"))
    assert {"best-interests-decision", "advocate"} <= set(a.response_ids)
    assert "respect-decision" not in a.response_ids
    assert "MCA s4" in next(r.reason for r in a.responses if r.id == "best-interests-decision")


def test_capacity_with_coercion_points_to_inherent_jurisdiction():
    a = assess(factors(coercion=True))
    assert "legal-advice" in a.escalation_ids and "see-alone" in a.response_ids
    assert "inherent jurisdiction" in a.escalate_to[0].reason


def test_others_at_risk_or_crime_justify_sharing_without_consent():
    for kw in ({"others_at_risk": True}, {"possible_crime": True}):
        a = assess(factors(**kw))
        assert "share-without-consent" in a.response_ids
        assert "respect-decision" not in a.response_ids
    assert "police" in assess(factors(possible_crime=True)).escalation_ids


def test_high_risk_domestic_abuse_goes_to_marac_and_raises_level():
    a = assess(factors(domestic_abuse="high"))
    assert a.level == "high" and "DASH" in a.level_reason
    assert "marac" in a.escalation_ids and "idva" in a.response_ids


def test_very_high_brings_agencies_together():
    a = assess(factors(likelihood=5, impact=5))
    assert {"line-manager", "multi-agency-risk-management"} <= set(a.escalation_ids)


def test_compare_with_model_answer(scenario):
    mine = LearnerAnswer(factors=scenario.factors.model_copy(update={"impact": 1}), level="medium",
                         responses=("ask-outcomes", "safety-plan"), escalate_to=("line-manager",))
    c = compare(mine, scenario)
    assert c.level_difference == -1 and not c.level_agrees
    assert c.responses_matched == ("ask-outcomes",)
    assert c.responses_missed == ("information-and-advice", "share-without-consent", "s42-enquiry")
    assert c.responses_extra == ("safety-plan",)
    assert c.escalation_missed == ("commissioners-and-regulator",)
    assert c.factors_differing == (("impact", 1, 3),)
    assert 0 < c.agreement < 1
    perfect = LearnerAnswer(scenario.factors, scenario.model_answer.level,
                            tuple(scenario.model_answer.responses),
                            tuple(scenario.model_answer.escalate_to))
    assert compare(perfect, scenario).agreement == 1.0
