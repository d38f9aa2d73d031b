"""A risk scenario: the facts, the 5x5 matrix, the level with reasons, the comparison."""

from __future__ import annotations

from collections.abc import Iterable

from msp_learn.engine.risk import IMPACT, LIKELIHOOD, Assessment, Comparison, matrix
from msp_learn.html._markup import Markup, bullets, el, join, paras
from msp_learn.schemas import RiskScenario
from msp_learn.vocab import vocabulary

LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "very-high": "Very high"}


def intro(scenario: RiskScenario) -> Markup:
    s = scenario
    return join([el("h1", s.title), el("p", s.summary),
                 el("div", el("h2", "Content note"), paras(s.content_note), class_="msp-note",
                    role="note"),
                 el("h2", f"{s.person.name}, {s.person.age}"), el("p", s.person.about),
                 el("h2", "What you know"), bullets(s.facts), el("h2", "Rate the risk factors")])


def matrix_table(likelihood: int, impact: int) -> Markup:
    """The 5x5 matrix as an accessible table; the learner's cell is marked in words too."""
    rows = []
    for r, row in enumerate(matrix()):
        lk = 5 - r
        cells = []
        for c, level in enumerate(row):
            here = lk == likelihood and c + 1 == impact
            cells.append(el("td", LEVEL_LABELS[level] + (" (your rating)" if here else ""),
                            class_=f"msp-level-{level}" + (" msp-here" if here else "")))
        rows.append(el("tr", el("th", f"{lk} {LIKELIHOOD[lk - 1]}", scope="row"), *cells))
    head = [el("th", f"{i + 1} {name}", scope="col") for i, name in enumerate(IMPACT)]
    return el("table",
              el("caption", "Risk matrix: likelihood (rows) by impact (columns)"),
              el("thead", el("tr", el("th", "Likelihood", scope="col"), *head)),
              el("tbody", *rows), class_="msp-matrix")


def _reasoned(vocab: str, items) -> Markup:
    v = vocabulary(vocab)
    return el("ul", *(el("li", el("strong", f"{v.label(r.id)}."), " ", r.reason)
                      for r in items))


def assessment(a: Assessment, likelihood: int, impact: int) -> Markup:
    """The level the ratings give, why, the matrix, and the proportionate responses."""
    return el("div",
              el("h2", f"Level: {LEVEL_LABELS[a.level]}"), el("p", a.level_reason),
              matrix_table(likelihood, impact),
              el("h3", "Proportionate responses, and why"), _reasoned("risk_responses",
                                                                      a.responses),
              join([el("h3", "Escalate to"), _reasoned("escalation_routes", a.escalate_to)])
              if a.escalate_to else el("p", "No escalation is indicated by these ratings."),
              role="status", aria_live="polite")


def comparison(c: Comparison, scenario: RiskScenario) -> Markup:
    """The learner's plan against the model answer, point by point, then why the model."""
    model = scenario.model_answer
    rv, ev = vocabulary("risk_responses"), vocabulary("escalation_routes")
    if c.level_agrees:
        level = f"You rated the level {LEVEL_LABELS[model.level]}, the same as the model answer."
    else:
        way = "higher" if c.level_difference > 0 else "lower"
        level = (f"You rated the level {abs(c.level_difference)} step(s) {way} than the model "
                 f"answer, which says {LEVEL_LABELS[model.level]}.")

    def group(title, ids, vocab):
        return join([el("h4", title), bullets(vocab.label(i) for i in ids)]) if ids else None

    factor_lines = [f"{name.replace('_', ' ')}: you said {mine!s}, the model says {theirs!s}"
                    for name, mine, theirs in c.factors_differing]
    return el("div",
              el("h2", "Compared with the model answer"),
              el("p", el("strong", "Agreement:"), f" {c.agreement:.0%}."), el("p", level),
              el("h3", "Responses"),
              group("In both answers", c.responses_matched, rv),
              group("In the model answer, not yours", c.responses_missed, rv),
              group("In yours, not the model answer", c.responses_extra, rv),
              el("h3", "Escalation"),
              group("In both answers", c.escalation_matched, ev),
              group("In the model answer, not yours", c.escalation_missed, ev),
              group("In yours, not the model answer", c.escalation_extra, ev),
              join([el("h3", "Factors you rated differently"), bullets(factor_lines)])
              if factor_lines else None,
              el("h3", "Why the model answer"), paras(model.explanation),
              role="status", aria_live="polite")


def dropped_note(dropped: Iterable[tuple[str, object]]) -> Markup:
    """A note listing saved answers that are no longer among the options (left out)."""
    dropped = list(dropped)
    if not dropped:
        return Markup("")
    return el("div", el("p", "Some of your saved answers are no longer among this scenario's "
                             "options, so they were left out. Check these and choose again:"),
              bullets(f"{name}: {value!s}" for name, value in dropped),
              class_="msp-note msp-dropped", role="note")
