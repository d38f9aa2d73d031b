"""The risk tool's order: the learner commits to an answer first; only then the model answer,
the reasons and the matrix, side by side with theirs."""

from __future__ import annotations

import re

import pytest

from msp_learn.engine.risk import assess, reason_for
from msp_learn.html import escape
from msp_learn.vocab import vocabulary
from msp_learn.widgets import MemoryTracker, RiskView
from tests.conftest import kit_catalogue
from tests.widgets.test_views import html_of

CAT = kit_catalogue()
SCENARIOS = CAT.items("risk-scenario")
RESPONSES, ROUTES = vocabulary("risk_responses"), vocabulary("escalation_routes")


def _giveaways(scenario) -> list[str]:
    """Text that would tell the learner the answer: the model's responses and routes, the
    reasons for them, the model's explanation, and the matrix."""
    model = scenario.model_answer
    reasoned = assess(scenario.factors)
    found = [RESPONSES.label(r) for r in model.responses]
    found += [ROUTES.label(r) for r in model.escalate_to]
    found += [r.reason for r in reasoned.responses + reasoned.escalate_to]
    found += [reason_for("response", r) for r in model.responses]
    found += [model.explanation.split("\n")[0], "model answer says", "Proportionate responses",
              "point to"]
    return [str(escape(text)) for text in found if text] + ["<table class='msp-matrix'"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_model_answer_is_not_on_the_page_before_the_learner_submits(scenario):
    """Before the learner submits, is none of the model answer (its responses, routes,
    reasons, explanation) nor the matrix in the view's HTML, while every response and route
    is offered alike as a checkbox?"""
    view = RiskView(scenario, tracker=MemoryTracker())
    page = html_of(view.widget)
    assert "Your assessment" in page
    for text in _giveaways(scenario):
        assert text not in page, text
    assert [b.description for b in view.responses.values()] == [t.label for t in RESPONSES]
    assert [b.description for b in view.routes.values()] == [t.label for t in ROUTES]
    assert view.result.value == ""


def _row(page: str, label: str) -> list[str]:
    """The cells' text of the table row headed ``label``."""
    match = re.search(r"<tr><th scope='row'>" + re.escape(str(escape(label))) + r"</th>(.*?)</tr>",
                      page)
    assert match, f"no row for {label!r}"
    return [re.sub("<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                match.group(1))]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_after_submitting_the_answer_stands_beside_the_model_answer_with_why(scenario):
    """Once submitted, does each response and route of either answer have a row saying what
    the learner chose, what the model answer holds and why, with the level and factors
    beside the model's, and focus moved to it?"""
    view = RiskView(scenario, tracker=MemoryTracker())
    mine = [r for r in RESPONSES.ids if r not in scenario.model_answer.responses][:1]
    mine.append(scenario.model_answer.responses[0])
    for rid in mine:
        view.responses[rid].value = True
    view.submit()
    page = view.result.value
    assert "data-msp-focus=" in page and page.startswith("<div class='msp-focus'")
    model = scenario.model_answer
    for rid in dict.fromkeys([*model.responses, *mine]):
        you, theirs, why = _row(page, RESPONSES.label(rid))
        assert you == ("You chose this" if rid in mine else "Not chosen")
        assert theirs == ("In the model answer" if rid in model.responses
                          else "Not in the model answer")
        assert why.strip()
    for route in model.escalate_to:
        you, theirs, why = _row(page, ROUTES.label(route))
        assert (you, theirs) == ("Not chosen", "In the model answer") and why.strip()
    you, theirs = _row(page, "Overall level")
    assert you.startswith("Medium") and theirs == {"low": "Low", "medium": "Medium",
                                                   "high": "High",
                                                   "very-high": "Very high"}[model.level]
    assert ("(different)" in you) == (model.level != "medium")
    assert "Why the model answer" in page and "<table class='msp-matrix'>" in page


def test_the_matrix_and_tables_scroll_in_their_own_labelled_focusable_regions():
    """Is the matrix (and each comparison table) inside a region of its own, labelled and
    reachable by the keyboard, so a phone scrolls it rather than the page?"""
    view = RiskView(SCENARIOS[0], tracker=MemoryTracker())
    view.submit()
    page = view.result.value
    regions = re.findall(r"<div class='msp-scroll' role='region' aria-label='([^']+)' "
                         r"tabindex='0'><table class='([^']+)'", page)
    assert ("Risk matrix, scrolls sideways", "msp-matrix") in regions
    assert [c for _, c in regions].count("msp-side-by-side") == 3
    assert all("msp-option" in b._dom_classes for b in [*view.responses.values(),
                                                        *view.routes.values(),
                                                        *view.flags.values()])


def test_changing_the_answer_puts_the_model_answer_away_until_submitted_again():
    """After "Change my answer", are the controls open again, the comparison gone, focus on
    the learner's turn, and the next submit recorded as a second comparison?"""
    tracker = MemoryTracker()
    scenario = SCENARIOS[0]
    view = RiskView(scenario, tracker=tracker)
    view.submit()
    assert view.level.disabled and view.change_button.layout.display is None
    view.change_button.click()
    assert not view.level.disabled and not view.submit_button.disabled
    assert view.result.value == "" and "data-msp-focus=" in view.turn.value
    assert view.change_button.layout.display == "none"
    view.level.value = scenario.model_answer.level
    view.submit_button.click()
    assert [e[2] for e in tracker.events].count("compare") == 2
    state = tracker.for_activity("risk-scenario", scenario.id).load().state
    assert state["completed"] is True and state["level"] == scenario.model_answer.level
