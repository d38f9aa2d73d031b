"""Risk-scenario tool: the learner commits to their own answer first (the factors, the level,
the responses and the escalation), then sees it beside the model answer, with the reasons, and
their ratings on the 5x5 matrix.

Nothing that recommends an answer is on the page before they submit: copying the kit's
recommendations into the boxes is not possible, because there are none to copy.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from msp_learn.activities import ACTIVITIES
from msp_learn.engine import LearnerAnswer, assess, compare
from msp_learn.engine.risk import IMPACT, LEVELS, LIKELIHOOD, Assessment, Comparison
from msp_learn.events import Edited, RiskAssessed, RiskCompared
from msp_learn.html import el
from msp_learn.html import risk as render
from msp_learn.html.risk import CAPACITY, DASH, FLAGS, LEVEL_LABELS, WISHES
from msp_learn.schemas import RiskFactors, RiskScenario
from msp_learn.tracking import Tracker
from msp_learn.vocab import vocabulary
from msp_learn.widgets._common import Saver, app_root, box, button, focus_mark

KIND = ACTIVITIES["risk-scenario"].kind
#: Stages: "rate" (the learner is answering) and "compared" (submitted: the answer is shown
#: beside the model answer). "assessed" was kept by earlier versions, which showed the kit's
#: reasoning before the learner answered; it is read as "rate".
STAGES = ("rate", "compared")

__all__ = ["CAPACITY", "DASH", "FLAGS", "KIND", "WISHES", "RiskView", "comparison_html",
           "matrix_html"]


def matrix_html(likelihood: int, impact: int) -> str:
    """The 5x5 matrix (kept for code that imported it from here)."""
    return render.matrix_table(likelihood, impact)


def comparison_html(c: Comparison, scenario: RiskScenario, answer: LearnerAnswer) -> str:
    """The comparison with the model answer (kept for code that imported it from here)."""
    return render.comparison(c, scenario, answer)


class _Restored:
    """Saved answers checked against today's options: a value no longer offered is dropped
    (and listed in ``dropped``) rather than set on a control, which would raise."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.dropped: list[tuple[str, object]] = []

    def choice(self, where: dict, name: str, label: str, options, default):
        if name not in where:
            return default
        value = where[name]
        if value in [v for _, v in options]:
            return value
        self.dropped.append((label, value))
        return default

    def chosen(self, name: str, label: str, known) -> set[str]:
        saved = self.state.get(name, [])
        saved = saved if isinstance(saved, list) else [saved]
        for value in saved:
            if value not in known:
                self.dropped.append((label, value))
        return {v for v in saved if v in known}


def _option(value: bool, label: str) -> W.Checkbox:
    """A checkbox whose label wraps (never cut to '...')."""
    box_ = W.Checkbox(value=value, description=label, indent=False,
                      layout=W.Layout(width="auto"))
    box_.add_class("msp-option")
    return box_


class RiskView:
    """Lets the learner rate a scenario and compare their answer with the model answer."""

    def __init__(self, scenario: RiskScenario, *, tracker: Tracker | None = None) -> None:
        self.scenario = scenario
        self.saver = Saver(tracker, KIND, scenario.id)
        self.tracker = self.saver.tracker
        state = self.saver.load()
        saved = state.get("factors", {}) if isinstance(state.get("factors"), dict) else {}
        check = _Restored(state)
        field = dict(style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        likelihoods = [(f"{i} {n}", i) for i, n in enumerate(LIKELIHOOD, 1)]
        impacts = [(f"{i} {n}", i) for i, n in enumerate(IMPACT, 1)]
        levels = [(LEVEL_LABELS[x], x) for x in LEVELS]
        self.likelihood = W.Dropdown(
            options=likelihoods, description="Likelihood of harm",
            value=check.choice(saved, "likelihood", "Likelihood of harm", likelihoods, 3),
            **field)
        self.impact = W.Dropdown(
            options=impacts, description="Impact if it happens",
            value=check.choice(saved, "impact", "Impact if it happens", impacts, 3), **field)
        self.capacity = W.Dropdown(
            options=CAPACITY, description="Capacity for the decision",
            value=check.choice(saved, "capacity", "Capacity for the decision", CAPACITY,
                               "unclear"), **field)
        self.wishes = W.Dropdown(
            options=WISHES, description="What the person wants",
            value=check.choice(saved, "wishes", "What the person wants", WISHES, "unknown"),
            **field)
        self.dash = W.Dropdown(
            options=DASH, description="DASH risk grade",
            value=check.choice(saved, "domestic_abuse", "DASH risk grade", DASH, "none"),
            **field)
        self.flags = {name: _option(bool(saved.get(name, False)), label)
                      for name, label in FLAGS}
        self.level = W.Dropdown(options=levels, description="Overall level",
                                value=check.choice(state, "level", "Your overall level",
                                                   levels, "medium"), **field)
        responses, routes = vocabulary("risk_responses"), vocabulary("escalation_routes")
        chosen = check.chosen("responses", "Responses", set(responses.ids))
        escalate = check.chosen("escalate_to", "Escalate to", set(routes.ids))
        self.responses = {t.id: _option(t.id in chosen, t.label) for t in responses}
        self.routes = {t.id: _option(t.id in escalate, t.label) for t in routes}
        self.dropped = check.dropped
        self.stage = state.get("stage") if state.get("stage") in STAGES else "rate"
        self.completed = bool(state.get("completed")) or self.stage == "compared"
        for name, control in self._named_controls():
            control.add_class("msp-field")
            control.observe(lambda change, name=name: self._edited(name, change["new"]),
                            names="value")
        self.submit_button = button("Submit my assessment", "msp-submit", style="primary")
        self.submit_button.on_click(lambda _: self.submit())
        self.change_button = button("Change my answer", "msp-change")
        self.change_button.on_click(lambda _: self.change())
        self.change_button.layout.display = "none"
        self.turn = box(render.your_turn(), "msp-risk-turn")
        self.result = box("", "msp-risk-result")
        self.note = box(render.dropped_note(self.dropped), "msp-risk-note")
        intro = box(render.intro(scenario), "msp-risk-intro")
        self.widget = app_root(
            self.saver.alert, intro, self.turn, self.note, self.likelihood, self.impact,
            self.capacity, self.wishes, self.dash, *self.flags.values(),
            box(el("h3", "Your overall level")), self.level,
            box(el("h3", "Your responses") + el("p", "Choose each response you would make.")),
            *self.responses.values(),
            box(el("h3", "Escalate to") + el("p", "Choose where you would escalate this, if "
                                                   "anywhere.")),
            *self.routes.values(), self.submit_button, self.result, self.change_button,
            name="risk")
        if self.stage == "compared":
            self._show_result(focus=False)

    def _named_controls(self):
        return [("likelihood", self.likelihood), ("impact", self.impact),
                ("capacity", self.capacity), ("wishes", self.wishes),
                ("domestic_abuse", self.dash), *self.flags.items(), ("level", self.level),
                *((f"responses.{k}", b) for k, b in self.responses.items()),
                *((f"escalate_to.{k}", b) for k, b in self.routes.items())]

    def _controls(self):
        return [control for _, control in self._named_controls()]

    @property
    def factors(self) -> RiskFactors:
        return RiskFactors(likelihood=self.likelihood.value, impact=self.impact.value,
                           capacity=self.capacity.value, wishes=self.wishes.value,
                           domestic_abuse=self.dash.value,
                           **{name: cb.value for name, cb in self.flags.items()})

    @property
    def answer(self) -> LearnerAnswer:
        return LearnerAnswer(self.factors, self.level.value,
                             tuple(k for k, b in self.responses.items() if b.value),
                             tuple(k for k, b in self.routes.items() if b.value))

    def _state(self) -> dict:
        a = self.answer
        return {"factors": a.factors.model_dump(exclude={"comment"}), "level": a.level,
                "responses": list(a.responses), "escalate_to": list(a.escalate_to),
                "stage": self.stage, "title": self.scenario.title,
                "completed": self.completed}

    def _edited(self, name: str, value: Any) -> None:
        self.saver.commit(Edited(field_name=name, value=value), self._state())

    # actions

    def submit(self) -> Comparison:
        """The learner commits to their answer: record it, then show it beside the model
        answer, and move focus to the comparison."""
        a, c = assess(self.factors), compare(self.answer, self.scenario)
        self.stage, self.completed = "compared", True
        self.saver.commit(RiskAssessed(factors=self.factors.model_dump(exclude={"comment"}),
                                       level=a.level), self._state())
        self.saver.commit(RiskCompared(
            level=self.level.value, responses=self.answer.responses,
            escalate_to=self.answer.escalate_to, agreement=c.agreement,
            model_level=self.scenario.model_answer.level), self._state())
        self._show_result(focus=True, assessment=a, comparison=c)
        return c

    def change(self) -> None:
        """Back to answering: the comparison is put away until the learner submits again."""
        self.stage = "rate"
        self.saver.commit(Edited(field_name="stage", value="rate"), self._state())
        self.result.value = ""
        self._lock(False)
        self.turn.value = focus_mark(render.your_turn())

    # kept for code written before the learner had to commit first: both submit

    def show_assessment(self, *, record: bool = True) -> Assessment:
        """Submit (as :meth:`submit`) and return what the learner's ratings point to."""
        if record and self.stage != "compared":
            self.submit()
        return assess(self.factors)

    def show_comparison(self, *, record: bool = True) -> Comparison:
        """Submit (as :meth:`submit`) and return the comparison with the model answer."""
        if record and self.stage != "compared":
            return self.submit()
        return compare(self.answer, self.scenario)

    # drawing

    def _lock(self, locked: bool) -> None:
        for control in self._controls():
            control.disabled = locked
        self.submit_button.disabled = locked
        self.change_button.layout.display = None if locked else "none"

    def _show_result(self, *, focus: bool, assessment: Assessment | None = None,
                     comparison: Comparison | None = None) -> None:
        markup = render.result(self.answer, self.scenario,
                               comparison or compare(self.answer, self.scenario),
                               assessment or assess(self.factors))
        self.result.value = focus_mark(markup) if focus else markup
        self._lock(True)
