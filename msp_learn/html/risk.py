"""A risk scenario: the facts, the learner's turn, then (once they submit) their answer beside
the model answer with the reasons, and the 5x5 matrix for their ratings.

The order is the lesson: nothing here that recommends a level, a response or a route is shown
before the learner has committed to their own (see :func:`your_turn` and :func:`result`).
"""

from __future__ import annotations

from collections.abc import Iterable

from msp_learn.engine.risk import (
    IMPACT,
    LIKELIHOOD,
    Assessment,
    Comparison,
    LearnerAnswer,
    assess,
    matrix,
    reason_for,
)
from msp_learn.html._markup import Markup, bullets, el, join, paras
from msp_learn.schemas import RiskFactors, RiskScenario
from msp_learn.vocab import vocabulary

LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "very-high": "Very high"}

#: The choices of each factor, (label, value), as the learner sees them.
CAPACITY = [("Has capacity for this decision", "has-capacity"),
            ("Lacks capacity for this decision", "lacks-capacity"),
            ("Not clear yet", "unclear")]
WISHES = [("Wants something done", "wants-action"), ("Wants nothing done", "wants-no-action"),
          ("Mixed or changing", "mixed"), ("Not known yet", "unknown")]
DASH = [("Not a domestic abuse case", "none"), ("Standard", "standard"), ("Medium", "medium"),
        ("High", "high")]
#: The yes-or-no factors: (field, the question as a statement).
FLAGS = [("coercion", "Coercion or undue influence by someone else"),
         ("others_at_risk", "Other adults or children at risk"),
         ("possible_crime", "A crime may have been committed"),
         ("regulated_service", "A regulated service or person in a position of trust is involved"),
         ("executive_capacity_concern", "Can describe a plan but may not carry it out")]
#: Each factor's name, as the controls label it.
FACTOR_LABELS = {"likelihood": "Likelihood of harm", "impact": "Impact if it happens",
                 "capacity": "Capacity for the decision", "wishes": "What the person wants",
                 "domestic_abuse": "DASH risk grade", **dict(FLAGS)}
_CHOICES = {"capacity": dict((v, k) for k, v in CAPACITY),
            "wishes": dict((v, k) for k, v in WISHES),
            "domestic_abuse": dict((v, k) for k, v in DASH)}


def factor_words(name: str, value: object) -> str:
    """A factor's value in the words the controls use: '3 possible', 'Not clear yet', 'Yes'."""
    if name == "likelihood" and isinstance(value, int) and 1 <= value <= 5:
        return f"{value} {LIKELIHOOD[value - 1]}"
    if name == "impact" and isinstance(value, int) and 1 <= value <= 5:
        return f"{value} {IMPACT[value - 1]}"
    if name in _CHOICES:
        return _CHOICES[name].get(value, str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def intro(scenario: RiskScenario) -> Markup:
    """The scenario as the learner first reads it: the title, content note, person, facts."""
    s = scenario
    return join([el("h1", s.title), el("p", s.summary),
                 el("div", el("h2", "Content note"), paras(s.content_note), class_="msp-note",
                    role="note"),
                 el("h2", f"{s.person.name}, {s.person.age}"), el("p", s.person.about),
                 el("h2", "What you know"), bullets(s.facts)])


def your_turn() -> Markup:
    """What the learner does first, before any answer is shown."""
    return join([el("h2", "Your assessment"),
                 el("p", "Make your own judgement first: rate the risk factors, then choose "
                         "the overall level, your responses and where you would escalate. "
                         "When you submit, you will see your answer beside the model answer, "
                         "with the reasons, and where your ratings fall on the risk matrix."),
                 el("h3", "Rate the risk factors")])


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


def scrolling(label: str, content: Markup) -> Markup:
    """``content`` (a wide table) in a region of its own that scrolls sideways on a narrow
    screen, instead of widening the page: labelled, and focusable so that keyboard users can
    scroll it too."""
    return el("div", content, class_="msp-scroll", role="region", aria_label=label,
              tabindex="0")


def _reasoned(vocab: str, items) -> Markup:
    v = vocabulary(vocab)
    return el("ul", *(el("li", el("strong", f"{v.label(r.id)}."), " ", r.reason)
                      for r in items))


def assessment(a: Assessment, likelihood: int, impact: int) -> Markup:
    """What the learner's own ratings point to: the level and why, the matrix, and the
    responses and routes those ratings suggest, each with its reason."""
    return el("div",
              el("h3", f"What your ratings point to: {LEVEL_LABELS[a.level]}"),
              el("p", a.level_reason),
              scrolling("Risk matrix, scrolls sideways", matrix_table(likelihood, impact)),
              el("h4", "Responses your ratings point to, and why"),
              _reasoned("risk_responses", a.responses),
              join([el("h4", "Escalation your ratings point to"),
                    _reasoned("escalation_routes", a.escalate_to)])
              if a.escalate_to else el("p", "Your ratings point to no escalation."),
              class_="msp-ratings")


def _row(what: str, mine: str, theirs: str, why: str | Markup | None = None, *,
         differs: bool = False) -> Markup:
    cells = [el("th", what, scope="row"),
             el("td", mine, class_="msp-differs" if differs else None),
             el("td", theirs)]
    if why is not None:
        cells.append(el("td", why))
    return el("tr", *cells)


def _mine(words: str, differs: bool) -> str:
    """The learner's value, said to differ in words (not only in bold)."""
    return f"{words} (different)" if differs else words


def _table(caption: str, head: Iterable[str], rows: list[Markup]) -> Markup:
    return scrolling(caption, el(
        "table", el("caption", caption),
        el("thead", el("tr", *(el("th", h, scope="col") for h in head))),
        el("tbody", *rows), class_="msp-side-by-side"))


def _choice_rows(mine: tuple[str, ...], model: list[str], vocab: str, bucket: str,
                 reasons: dict[str, str], nothing: str) -> list[Markup]:
    v = vocabulary(vocab)
    ids = list(dict.fromkeys([*model, *mine]))
    if not ids:
        return [_row(nothing, "You chose none", "None", "Neither answer calls for this.")]
    rows = []
    for ident in ids:
        chosen, recommended = ident in mine, ident in model
        why = (reasons.get(ident) or reason_for(bucket, ident)) if recommended else (
            "The model answer does not include this for this scenario.")
        rows.append(_row(v.label(ident), "You chose this" if chosen else "Not chosen",
                         "In the model answer" if recommended else "Not in the model answer",
                         why, differs=chosen != recommended))
    return rows


def comparison(c: Comparison, scenario: RiskScenario, answer: LearnerAnswer) -> Markup:
    """The learner's answer beside the model answer, with why: the level and the factors,
    then each response and each escalation route (theirs | the model answer | why), then
    why the model answer is what it is."""
    model = scenario.model_answer
    reasoned = assess(scenario.factors)
    if c.level_agrees:
        level = f"You rated the level {LEVEL_LABELS[model.level]}, the same as the model answer."
    else:
        steps = abs(c.level_difference)
        way = "higher" if c.level_difference > 0 else "lower"
        level = (f"You rated the level {LEVEL_LABELS[answer.level]}: {steps} "
                 f"step{'s' if steps > 1 else ''} {way} than the model answer, which says "
                 f"{LEVEL_LABELS[model.level]}.")
    level_why = reasoned.level_reason if reasoned.level == model.level else None
    factor_rows = [_row("Overall level", _mine(LEVEL_LABELS.get(answer.level, answer.level),
                                               not c.level_agrees),
                        LEVEL_LABELS[model.level], differs=not c.level_agrees)]
    names = [*FACTOR_LABELS, *(n for n in RiskFactors.model_fields
                               if n not in FACTOR_LABELS and n != "comment")]
    for name in names:
        mine, theirs = getattr(answer.factors, name), getattr(scenario.factors, name)
        factor_rows.append(_row(FACTOR_LABELS.get(name, name),
                                _mine(factor_words(name, mine), mine != theirs),
                                factor_words(name, theirs), differs=mine != theirs))
    responses = _choice_rows(answer.responses, model.responses, "risk_responses", "response",
                             {r.id: r.reason for r in reasoned.responses}, "Responses")
    routes = _choice_rows(answer.escalate_to, model.escalate_to, "escalation_routes",
                          "escalation", {r.id: r.reason for r in reasoned.escalate_to},
                          "No escalation")
    differing = len(c.factors_differing)
    return el("div",
              el("h2", "Your answer beside the model answer"),
              el("p", el("strong", "Agreement:"), f" {c.agreement:.0%} (the level, your "
                 "responses and your escalation, each counted equally)."),
              el("p", level),
              el("p", "You rated every factor as the model answer does." if not differing
                 else f"You rated {differing} factor{'s' if differing > 1 else ''} "
                      "differently from the model answer: marked \u201cdifferent\u201d below."),
              _table("The level and the risk factors", ("What", "Your answer", "Model answer"),
                     factor_rows),
              el("p", el("strong", "Why the model's level:"), " ", level_why)
              if level_why else None,
              _table("Responses", ("Response", "You", "Model answer", "Why"), responses),
              _table("Escalation", ("Route", "You", "Model answer", "Why"), routes),
              el("h3", "Why the model answer"), paras(model.explanation),
              class_="msp-comparison")


def result(answer: LearnerAnswer, scenario: RiskScenario, c: Comparison,
           a: Assessment) -> Markup:
    """All the learner sees once they submit: the comparison, then their ratings on the
    matrix with the kit's reasoning."""
    return join([comparison(c, scenario, answer),
                 assessment(a, answer.factors.likelihood, answer.factors.impact)])


def dropped_note(dropped: Iterable[tuple[str, object]]) -> Markup:
    """A note listing saved answers that are no longer among the options (left out)."""
    dropped = list(dropped)
    if not dropped:
        return Markup("")
    return el("div", el("p", "Some of your saved answers are no longer among this scenario's "
                             "options, so they were left out. Check these and choose again:"),
              bullets(f"{name}: {value!s}" for name, value in dropped),
              class_="msp-note msp-dropped", role="note")
