"""Risk-scenario tool: rate the factors, see the level on the matrix and the reasons, compare."""

from __future__ import annotations

import ipywidgets as W

from msp_learn.engine import LearnerAnswer, assess, compare, matrix
from msp_learn.engine.risk import IMPACT, LEVELS, LIKELIHOOD, Assessment, Comparison
from msp_learn.schemas import RiskFactors, RiskScenario
from msp_learn.vocab import vocabulary
from msp_learn.widgets._common import (
    MemoryTracker,
    Tracker,
    app_root,
    box,
    bullets,
    button,
    esc,
    paras,
)

KIND = "risk-scenario"
LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "very-high": "Very high"}
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
    """The 5x5 matrix as an accessible table; the learner's cell is marked in words too."""
    rows = []
    for r, row in enumerate(matrix()):
        lk = 5 - r
        cells = []
        for c, level in enumerate(row):
            here = lk == likelihood and c + 1 == impact
            text = LEVEL_LABELS[level] + (" (your rating)" if here else "")
            cls = f"msp-level-{level}" + (" msp-here" if here else "")
            cells.append(f"<td class='{cls}'>{esc(text)}</td>")
        rows.append(f"<tr><th scope='row'>{lk} {esc(LIKELIHOOD[lk - 1])}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th scope='col'>{i + 1} {esc(name)}</th>" for i, name in enumerate(IMPACT))
    return ("<table class='msp-matrix'><caption>Risk matrix: likelihood (rows) by impact "
            f"(columns)</caption><thead><tr><th scope='col'>Likelihood</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _reasoned(vocab: str, items) -> str:
    v = vocabulary(vocab)
    return "<ul>" + "".join(f"<li><strong>{esc(v.label(r.id))}.</strong> {esc(r.reason)}</li>"
                            for r in items) + "</ul>"


class RiskView:
    """Lets the learner rate a scenario and compare their answer with the model answer."""

    def __init__(self, scenario: RiskScenario, *, tracker: Tracker | None = None) -> None:
        self.scenario = scenario
        self.tracker = tracker or MemoryTracker()
        state = self.tracker.load(KIND, scenario.id) or {}
        saved = state.get("factors", {})
        field = dict(style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        self.likelihood = W.Dropdown(options=[(f"{i} {n}", i) for i, n in enumerate(LIKELIHOOD, 1)],
                                     value=saved.get("likelihood", 3), description="Likelihood of harm",
                                     **field)
        self.impact = W.Dropdown(options=[(f"{i} {n}", i) for i, n in enumerate(IMPACT, 1)],
                                 value=saved.get("impact", 3), description="Impact if it happens",
                                 **field)
        self.capacity = W.Dropdown(options=CAPACITY, value=saved.get("capacity", "unclear"),
                                   description="Capacity for the decision", **field)
        self.wishes = W.Dropdown(options=WISHES, value=saved.get("wishes", "unknown"),
                                 description="What the person wants", **field)
        self.dash = W.Dropdown(options=DASH, value=saved.get("domestic_abuse", "none"),
                               description="DASH risk grade", **field)
        self.flags = {name: W.Checkbox(value=bool(saved.get(name, False)), description=label,
                                       indent=False, layout=W.Layout(width="auto"))
                      for name, label in FLAGS}
        self.level = W.Dropdown(options=[(LEVEL_LABELS[x], x) for x in LEVELS],
                                value=state.get("level", "medium"),
                                description="Your overall level", **field)
        self.responses = {t.id: W.Checkbox(value=t.id in state.get("responses", []),
                                           description=t.label, indent=False,
                                           layout=W.Layout(width="auto"))
                          for t in vocabulary("risk_responses")}
        self.routes = {t.id: W.Checkbox(value=t.id in state.get("escalate_to", []),
                                        description=t.label, indent=False,
                                        layout=W.Layout(width="auto"))
                       for t in vocabulary("escalation_routes")}
        for control in self._controls():
            control.add_class("msp-field")
            control.observe(lambda _: self._save(), names="value")
        self.assess_button = button("Show the risk level and responses", "msp-assess",
                                    style="primary")
        self.assess_button.on_click(lambda _: self.show_assessment())
        self.compare_button = button("Compare with the model answer", "msp-compare",
                                     style="primary")
        self.compare_button.on_click(lambda _: self.show_comparison())
        self.result = box("", "msp-risk-result")
        self.comparison = box("", "msp-risk-comparison")
        s = scenario
        intro = box(f"<h1>{esc(s.title)}</h1><p>{esc(s.summary)}</p>"
                    f"<div class='msp-note' role='note'><h2>Content note</h2>"
                    f"{paras(s.content_note)}</div>"
                    f"<h2>{esc(s.person.name)}, {s.person.age}</h2><p>{esc(s.person.about)}</p>"
                    f"<h2>What you know</h2>{bullets(s.facts)}"
                    "<h2>Rate the risk factors</h2>", "msp-risk-intro")
        plan = box("<h2>Your proportionate response</h2><p>Choose the level and the responses "
                   "you would make, then compare with the model answer.</p>")
        self.widget = app_root(
            intro, self.likelihood, self.impact, self.capacity, self.wishes, self.dash,
            *self.flags.values(), self.assess_button, self.result, plan, self.level,
            box("<h3>Responses</h3>"), *self.responses.values(),
            box("<h3>Escalate to</h3>"), *self.routes.values(), self.compare_button,
            self.comparison, name="risk")
        if state.get("stage") in ("assessed", "compared"):
            self.show_assessment(record=False)
        if state.get("stage") == "compared":
            self.show_comparison(record=False)

    def _controls(self):
        return [self.likelihood, self.impact, self.capacity, self.wishes, self.dash,
                *self.flags.values(), self.level, *self.responses.values(), *self.routes.values()]

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

    def _save(self, stage: str | None = None) -> None:
        old = self.tracker.load(KIND, self.scenario.id) or {}
        stage = stage or old.get("stage", "rate")
        a = self.answer
        self.tracker.save(KIND, self.scenario.id, {
            "factors": a.factors.model_dump(exclude={"comment"}), "level": a.level,
            "responses": list(a.responses), "escalate_to": list(a.escalate_to), "stage": stage,
            "title": self.scenario.title, "completed": stage == "compared"})

    def show_assessment(self, *, record: bool = True) -> Assessment:
        a = assess(self.factors)
        if record:
            self.tracker.record(KIND, self.scenario.id, "assess", {
                "factors": self.factors.model_dump(exclude={"comment"}), "level": a.level})
            self._save("assessed")
        self.result.value = (
            f"<div role='status' aria-live='polite'><h2>Level: {LEVEL_LABELS[a.level]}</h2>"
            f"<p>{esc(a.level_reason)}</p>{matrix_html(self.likelihood.value, self.impact.value)}"
            f"<h3>Proportionate responses, and why</h3>{_reasoned('risk_responses', a.responses)}"
            + (f"<h3>Escalate to</h3>{_reasoned('escalation_routes', a.escalate_to)}"
               if a.escalate_to else "<p>No escalation is indicated by these ratings.</p>")
            + "</div>")
        return a

    def show_comparison(self, *, record: bool = True) -> Comparison:
        c = compare(self.answer, self.scenario)
        if record:
            self.tracker.record(KIND, self.scenario.id, "compare", {
                "level": self.level.value, "responses": list(self.answer.responses),
                "escalate_to": list(self.answer.escalate_to), "agreement": c.agreement})
            self._save("compared")
        self.comparison.value = comparison_html(c, self.scenario)
        return c


def comparison_html(c: Comparison, scenario: RiskScenario) -> str:
    model = scenario.model_answer
    rv, ev = vocabulary("risk_responses"), vocabulary("escalation_routes")
    if c.level_agrees:
        level = f"You rated the level {LEVEL_LABELS[model.level]}, the same as the model answer."
    else:
        way = "higher" if c.level_difference > 0 else "lower"
        level = (f"You rated the level {abs(c.level_difference)} step(s) {way} than the model "
                 f"answer, which says {LEVEL_LABELS[model.level]}.")

    def group(title, ids, vocab):
        return f"<h4>{esc(title)}</h4>{bullets(vocab.label(i) for i in ids)}" if ids else ""

    factor_lines = [f"{name.replace('_', ' ')}: you said {mine!s}, the model says {theirs!s}"
                    for name, mine, theirs in c.factors_differing]
    return ("<div role='status' aria-live='polite'><h2>Compared with the model answer</h2>"
            f"<p><strong>Agreement:</strong> {c.agreement:.0%}.</p><p>{esc(level)}</p>"
            "<h3>Responses</h3>"
            + group("In both answers", c.responses_matched, rv)
            + group("In the model answer, not yours", c.responses_missed, rv)
            + group("In yours, not the model answer", c.responses_extra, rv)
            + "<h3>Escalation</h3>"
            + group("In both answers", c.escalation_matched, ev)
            + group("In the model answer, not yours", c.escalation_missed, ev)
            + group("In yours, not the model answer", c.escalation_extra, ev)
            + (f"<h3>Factors you rated differently</h3>{bullets(factor_lines)}"
               if factor_lines else "")
            + f"<h3>Why the model answer</h3>{paras(model.explanation)}</div>")
