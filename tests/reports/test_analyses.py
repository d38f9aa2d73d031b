"""The analyses on small examples whose figures are worked out by hand in each test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from msp_learn.reports import _analyses as A

UTC = "UTC"


def scores(rows: list[tuple[str, str, float, float]], test: str = "t") -> pd.DataFrame:
    return pd.DataFrame([{"learner": lr, "test": test, "item": i, "score": s, "max_score": m}
                         for lr, i, s, m in rows])


def guttman() -> pd.DataFrame:
    """Four learners, three one-mark items, a perfect staircase:
    A 1 1 1 (3), B 1 1 0 (2), C 1 0 0 (1), D 0 0 0 (0)."""
    marks = {"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 0), "D": (0, 0, 0)}
    return scores([(lr, f"q{k + 1}", v[k], 1) for lr, v in marks.items() for k in range(3)])


def test_facility_and_discrimination_match_a_hand_worked_staircase():
    """Do facility, discrimination and efficiency come out as worked by hand?

    q1: x = 1,1,1,0 (facility 75%); rest = 2,1,0,0. Deviations x .25,.25,.25,-.75 and rest
    1.25,.25,-.75,-.75: sum of products .75, sums of squares .75 and 2.75, so
    r = .75 / sqrt(.75 x 2.75) = .5222 -> 52.2%. Sorted x 0,1,1,1 and sorted rest 0,0,1,2
    give the same .75, so efficiency = 100%.
    q2: x = 1,1,0,0 (50%); rest = 2,1,1,0: products sum 1, squares 1 and 2, r = .7071.
    q3 mirrors q1: 25%, 52.2%.
    """
    stats = A.item_statistics(guttman()).set_index("item")
    assert stats.loc["q1", "facility"] == pytest.approx(75)
    assert stats.loc["q2", "facility"] == pytest.approx(50)
    assert stats.loc["q3", "facility"] == pytest.approx(25)
    assert stats.loc["q1", "discrimination"] == pytest.approx(52.223, abs=1e-3)
    assert stats.loc["q2", "discrimination"] == pytest.approx(70.711, abs=1e-3)
    assert stats.loc["q3", "discrimination"] == pytest.approx(52.223, abs=1e-3)
    assert stats["efficiency"].tolist() == pytest.approx([100, 100, 100])
    # sd of q1 as a share of its maximum: values 1,1,1,0, variance .75/3 = .25, sd .5
    assert stats.loc["q1", "sd"] == pytest.approx(50)


def test_efficiency_is_below_100_when_the_item_could_discriminate_more():
    """Is discriminative efficiency the covariance over its largest possible value?

    Item X (out of 1): 1,0,1,0; item Y (out of 3): 3,2,1,0, so X's rest-of-test is Y.
    cov(X, Y) sums (.5)(1.5) + (-.5)(.5) + (.5)(-.5) + (-.5)(-1.5) = 1; sorted X 0,0,1,1
    against sorted Y 0,1,2,3 sums .75 + .25 + .25 + .75 = 2: efficiency 50%.
    r = 1 / sqrt(1 x 5) = .4472. Y's facility is (3+2+1+0)/4 / 3 = 50%.
    """
    rows = [("A", "X", 1, 1), ("B", "X", 0, 1), ("C", "X", 1, 1), ("D", "X", 0, 1),
            ("A", "Y", 3, 3), ("B", "Y", 2, 3), ("C", "Y", 1, 3), ("D", "Y", 0, 3)]
    stats = A.item_statistics(scores(rows)).set_index("item")
    assert stats.loc["X", "efficiency"] == pytest.approx(50)
    assert stats.loc["X", "discrimination"] == pytest.approx(44.721, abs=1e-3)
    assert stats.loc["Y", "facility"] == pytest.approx(50)


def test_cronbach_alpha_matches_the_hand_worked_value():
    """Is alpha k/(k-1) (1 - sum of item variances / variance of totals)?

    Staircase: item variances (n-1) .25, 1/3, .25 sum to 5/6; totals 3,2,1,0 have variance
    5/3; alpha = 1.5 x (1 - .5) = .75. Two independent items (A 11, B 10, C 01, D 00): item
    variances 1/3 each, totals 2,1,1,0 variance 2/3, alpha = 2 x (1 - 1) = 0.
    """
    assert A.cronbach_alpha(guttman())["alpha"].iloc[0] == pytest.approx(0.75)
    rows = [("A", "a", 1, 1), ("A", "b", 1, 1), ("B", "a", 1, 1), ("B", "b", 0, 1),
            ("C", "a", 0, 1), ("C", "b", 1, 1), ("D", "a", 0, 1), ("D", "b", 0, 1)]
    assert A.cronbach_alpha(scores(rows))["alpha"].iloc[0] == pytest.approx(0)


def test_discrimination_uses_only_learners_with_every_item():
    """Does a learner missing an item count for facility but not for discrimination?"""
    frame = pd.concat([guttman(), scores([("E", "q1", 1, 1)])])
    stats = A.item_statistics(frame).set_index("item")
    assert stats.loc["q1", "learners"] == 5
    assert stats.loc["q1", "facility"] == pytest.approx(80)  # 4 of 5
    assert stats.loc["q1", "complete"] == 4
    assert stats.loc["q1", "discrimination"] == pytest.approx(52.223, abs=1e-3)


def answers(rows) -> pd.DataFrame:
    """rows: (learner, item, attempt, response, correct, day)."""
    return pd.DataFrame([{
        "learner": lr, "source": "practice", "activity_kind": "quiz", "activity_id": "myths",
        "item": item, "attempt": attempt, "response": response, "correct": correct,
        "recorded_at": pd.Timestamp(f"2026-10-{day:02d}", tz=UTC), "assignment": None}
        for lr, item, attempt, response, correct, day in rows])


def test_first_attempt_only_by_default_and_every_attempt_when_asked():
    """Is a retry left out by default and counted with all_attempts?"""
    a = answers([("A", "m1", 1, "true", False, 1), ("A", "m1", 2, "myth", True, 2),
                 ("B", "m1", 1, "myth", True, 1)])
    assert len(A.first_attempts(a)) == 2
    assert A.first_attempts(a).set_index("learner").loc["A", "response"] == "true"
    assert len(A.first_attempts(a, all_attempts=True)) == 3


def test_response_analysis_counts_each_answer_and_its_share():
    """Three said 'true' (wrong) and one 'myth' (right): 75% and 25%."""
    a = answers([("A", "m1", 1, "true", False, 1), ("B", "m1", 1, "true", False, 1),
                 ("C", "m1", 1, "true", False, 1), ("D", "m1", 1, "myth", True, 1)])
    out = A.response_analysis(a).set_index("response")
    assert out.loc["true", "count"] == 3 and out.loc["true", "frequency"] == pytest.approx(75)
    assert out.loc["myth", "frequency"] == pytest.approx(25)
    assert bool(out.loc["myth", "correct"]) and not bool(out.loc["true", "correct"])


def test_myths_believed_by_team_counts_learners_who_said_true():
    """North: A and B believed m1, C did not (2 of 3, 66.7%); South: D did not (0 of 1).
    All: 2 of 4 = 50%. m2 is true (its right answer is 'true'), so it is not a myth."""
    a = answers([("A", "m1", 1, "true", False, 1), ("B", "m1", 1, "true", False, 1),
                 ("C", "m1", 1, "myth", True, 1), ("D", "m1", 1, "myth", True, 1),
                 ("A", "m1", 2, "myth", True, 3),  # a retry: not counted
                 ("A", "m2", 1, "true", True, 1)])
    learners = pd.DataFrame({"learner": list("ABCD"), "name": list("ABCD"),
                             "team": ["North"] * 3 + ["South"], "role": ["SW"] * 4})
    items = pd.DataFrame({"kind": ["myth"], "item": ["m1"], "title": ["Statement one"],
                          "principles": [()], "categories": [()]})
    out = A.myths_believed(a, learners, items).set_index("team")
    assert set(out["item"]) == {"m1"}
    assert out.loc["North", "believed"] == 2 and out.loc["North", "answered"] == 3
    assert out.loc["North", "percent"] == pytest.approx(200 / 3)
    assert out.loc["South", "percent"] == 0
    assert out.loc[A.ALL, "percent"] == pytest.approx(50)
    assert out.loc[A.ALL, "title"] == "Statement one"


def choices_frame(rows) -> pd.DataFrame:
    """rows: (learner, run, step, node, choice, next)."""
    return pd.DataFrame([{"learner": lr, "case_study": "c", "run": run, "step": step,
                          "node": node, "choice": choice, "next": nxt,
                          "recorded_at": pd.Timestamp("2026-10-01", tz=UTC),
                          "source": "practice"} for lr, run, step, node, choice, nxt in rows])


def test_case_paths_count_choices_at_each_node_and_endings():
    """At the start three learners chose 'ask' and one 'tell' (75% / 25%); at n2 both who
    got there chose 'listen'. Endings: A, B, C reached 'good' and D 'poor' (75/25);
    A's second run (run 2) is left out by default."""
    c = choices_frame([("A", 1, 1, "start", "ask", "n2"), ("B", 1, 1, "start", "ask", "n2"),
                       ("C", 1, 1, "start", "ask", "good"),
                       ("D", 1, 1, "start", "tell", "poor"),
                       ("A", 1, 2, "n2", "listen", "good"), ("B", 1, 2, "n2", "listen", "good"),
                       ("A", 2, 1, "start", "tell", "poor")])
    paths = A.case_paths(c).set_index(["node", "choice"])
    assert paths.loc[("start", "ask"), "count"] == 3
    assert paths.loc[("start", "ask"), "share"] == pytest.approx(75)
    assert paths.loc[("start", "tell"), "share"] == pytest.approx(25)
    assert paths.loc[("n2", "listen"), "share"] == pytest.approx(100)
    assert A.case_paths(c, all_runs=True).set_index(["node", "choice"]).loc[
        ("start", "tell"), "count"] == 2
    e = pd.DataFrame([{"learner": lr, "case_study": "c", "run": run, "ending": end,
                       "recorded_at": pd.Timestamp("2026-10-01", tz=UTC), "source": "practice"}
                      for lr, run, end in [("A", 1, "good"), ("B", 1, "good"), ("C", 1, "good"),
                                           ("D", 1, "poor"), ("A", 2, "poor")]])
    ends = A.endings_reached(e).set_index("ending")
    assert ends.loc["good", "share"] == pytest.approx(75)
    joined = A.choices_and_endings(c, e).set_index(["node", "choice", "ending"])
    # of the 3 first runs that chose 'ask' at the start, all 3 ended 'good'
    assert joined.loc[("start", "ask", "good"), "runs"] == 3
    assert joined.loc[("start", "ask", "good"), "share"] == pytest.approx(100)
    assert joined.loc[("start", "tell", "poor"), "runs"] == 1


def test_coverage_finds_each_teams_weakest_principle():
    """North answers m1 (prevention) right 1 of 2 times (50%) and m2 (empowerment) right 2 of
    2 (100%): weakest is prevention. South: m1 right 1 of 1, m2 0 of 1: empowerment."""
    a = answers([("A", "m1", 1, "myth", True, 1), ("B", "m1", 1, "true", False, 1),
                 ("A", "m2", 1, "myth", True, 1), ("B", "m2", 1, "myth", True, 1),
                 ("C", "m1", 1, "myth", True, 1), ("C", "m2", 1, "true", False, 1)])
    learners = pd.DataFrame({"learner": list("ABC"), "name": list("ABC"),
                             "team": ["North", "North", "South"], "role": ["SW"] * 3})
    items = pd.DataFrame({"kind": ["myth", "myth"], "item": ["m1", "m2"],
                          "title": ["one", "two"], "principles": [("prevention",),
                                                                  ("empowerment",)],
                          "categories": [(), ()]})
    cov = A.coverage(a, items, learners)
    north = cov[cov["team"] == "North"].set_index("term")
    assert north.loc["prevention", "correct"] == pytest.approx(50)
    assert north.loc["empowerment", "correct"] == pytest.approx(100)
    weakest = A.weakest(cov[cov["team"] != A.ALL]).set_index("team")
    assert weakest.loc["North", "term"] == "prevention"
    assert weakest.loc["South", "term"] == "empowerment"


def test_completion_and_scores_by_team_and_month():
    """A (North) submitted both assignments, 3/4 and 1/2 (75%, 50%); B (North) only the
    first, 4/4 (100%); C (South) none. North: 3 of 4 due completed (75%), mean of 75, 50,
    100 = 75%. All: 3 of 6 (50%). A rubric item not yet marked is 'awaiting', not 0."""
    def g(lr, a, item, score, mx, day):
        return {"learner": lr, "assignment": a, "item": item, "kind": "myth", "score": score,
                "max_score": mx, "needs_manual": score is None,
                "submitted_at": pd.Timestamp(f"2026-{day}", tz=UTC)}
    grades = pd.DataFrame([g("A", "a1", "q", 3.0, 4.0, "10-02"), g("A", "a2", "q", 1.0, 2.0,
                                                                    "11-03"),
                           g("A", "a2", "r", None, 2.0, "11-03"),
                           g("B", "a1", "q", 4.0, 4.0, "10-05")])
    learners = pd.DataFrame({"learner": list("ABC"), "name": list("ABC"),
                             "team": ["North", "North", "South"], "role": ["SW"] * 3})
    subs = A.submissions(grades, learners, ["a1", "a2"])
    team = A.completion_by(subs, "team").set_index("team")
    assert team.loc["North", "completion"] == pytest.approx(75)
    assert team.loc["North", "mean_score"] == pytest.approx(75)
    assert team.loc["South", "completed"] == 0
    assert team.loc[A.ALL, "completion"] == pytest.approx(50)
    assert team.loc["North", "awaiting"] == 1
    months = A.by_period(subs).set_index("period")
    assert months.loc["2026-10", "submissions"] == 2
    assert months.loc["2026-11", "mean_score"] == pytest.approx(50)


def test_alpha_is_not_a_number_for_a_single_item():
    """One item has no internal consistency to measure: NaN, not a crash."""
    out = A.cronbach_alpha(scores([("A", "q", 1, 1), ("B", "q", 0, 1)]))
    assert math.isnan(out["alpha"].iloc[0])
