"""Risk-scenario tool: rate the factors, see the level on the matrix and the reasons, compare."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from msp_learn.activities import ACTIVITIES
from msp_learn.engine import LearnerAnswer, assess, compare
from msp_learn.engine.risk import IMPACT, LEVELS, LIKELIHOOD, Assessment, Comparison
from msp_learn.events import Edited, RiskAssessed, RiskCompared
from msp_learn.html import el
from msp_learn.html import risk as render
from msp_learn.html.risk import LEVEL_LABELS
from msp_learn.schemas import RiskFactors, RiskScenario
from msp_learn.tracking import Tracker
from msp_learn.vocab import vocabulary
from msp_learn.widgets._common import Saver, app_root, box, button

KIND = ACTIVITIES["risk-scenario"].kind
CAPACITY = [("Has capacity for this decision", "has-capacity"),
            ("Lacks capacity for this decision", "lacks-capacity"),
            ("Not clear yet", "unclear")]
WISHES = [("Wants something done", "wants-action"), ("Wants nothing done", "wants-no-action"),
          ("Mixed or changing", "mixed"), ("Not known yet", "unknown")]
DASH = [("Not a domestic abuse case", "none"), ("Standard", "standard"), ("Medium", "medium"),
        ("High", "high")]
FLAGS = [("coercion", "Coercion or undue influence by someone else"),
         ("others_at_risk", "Other adults or children at risk"),
         ("possible_crime", "A crime may have been committed"),
         ("regulated_service", "A regulated service or person in a position of trust is involved"),
         ("executive_capacity_concern", "Can describe a plan but may not carry it out")]


def matrix_html(likelihood: int, impact: int) -> str:
    """The 5x5 matrix (kept for code that imported it from here)."""
    return render.matrix_table(likelihood, impact)


def comparison_html(c: Comparison, scenario: RiskScenario) -> str:
    """The comparison with the model answer (kept for code that imported it from here)."""
    return render.comparison(c, scenario)


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
        self.flags = {name: W.Checkbox(value=bool(saved.get(name, False)), description=label,
                                       indent=False, layout=W.Layout(width="auto"))
                      for name, label in FLAGS}
        self.level = W.Dropdown(options=levels, description="Your overall level",
                                value=check.choice(state, "level", "Your overall level",
                                                   levels, "medium"), **field)
        responses, routes = vocabulary("risk_responses"), vocabulary("escalation_routes")
        chosen = check.chosen("responses", "Responses", set(responses.ids))
        escalate = check.chosen("escalate_to", "Escalate to", set(routes.ids))
        self.responses = {t.id: W.Checkbox(value=t.id in chosen, description=t.label,
                                           indent=False, layout=W.Layout(width="auto"))
                          for t in responses}
        self.routes = {t.id: W.Checkbox(value=t.id in escalate, description=t.label,
                                        indent=False, layout=W.Layout(width="auto"))
                       for t in routes}
        self.dropped = check.dropped
        self.stage = state.get("stage") if state.get("stage") in ("rate", "assessed",
                                                                  "compared") else "rate"
        for name, control in self._named_controls():
            control.add_class("msp-field")
            control.observe(lambda change, name=name: self._edited(name, change["new"]),
                            names="value")
        self.assess_button = button("Show the risk level and responses", "msp-assess",
                                    style="primary")
        self.assess_button.on_click(lambda _: self.show_assessment())
        self.compare_button = button("Compare with the model answer", "msp-compare",
                                     style="primary")
        self.compare_button.on_click(lambda _: self.show_comparison())
        self.result = box("", "msp-risk-result")
        self.comparison = box("", "msp-risk-comparison")
        self.note = box(render.dropped_note(self.dropped), "msp-risk-note")
        intro = box(render.intro(scenario), "msp-risk-intro")
        plan = box(el("h2", "Your proportionate response") + el(
            "p", "Choose the level and the responses you would make, then compare with the "
                 "model answer."))
        self.widget = app_root(
            self.saver.alert, intro, self.note, self.likelihood, self.impact, self.capacity,
            self.wishes, self.dash, *self.flags.values(), self.assess_button, self.result, plan,
            self.level, box("<h3>Responses</h3>"), *self.responses.values(),
            box("<h3>Escalate to</h3>"), *self.routes.values(), self.compare_button,
            self.comparison, name="risk")
        if self.stage in ("assessed", "compared"):
            self.show_assessment(record=False)
        if self.stage == "compared":
            self.show_comparison(record=False)

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
                "completed": self.stage == "compared"}

    def _edited(self, name: str, value: Any) -> None:
        self.saver.commit(Edited(field_name=name, value=value), self._state())

    def show_assessment(self, *, record: bool = True) -> Assessment:
        a = assess(self.factors)
        if record:
            if self.stage == "rate":
                self.stage = "assessed"
            self.saver.commit(RiskAssessed(factors=self.factors.model_dump(exclude={"comment"}),
                                           level=a.level), self._state())
        self.result.value = render.assessment(a, self.likelihood.value, self.impact.value)
        return a

    def show_comparison(self, *, record: bool = True) -> Comparison:
        c = compare(self.answer, self.scenario)
        if record:
            self.stage = "compared"
            self.saver.commit(RiskCompared(
                level=self.level.value, responses=self.answer.responses,
                escalate_to=self.answer.escalate_to, agreement=c.agreement,
                model_level=self.scenario.model_answer.level), self._state())
        self.comparison.value = render.comparison(c, self.scenario)
        return c
