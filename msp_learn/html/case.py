"""A case study: content note and the person, each step, feedback on a choice, the ending."""

from __future__ import annotations

from collections.abc import Iterable

from msp_learn.engine import Summary
from msp_learn.html._markup import Markup, bullets, el, join, paras
from msp_learn.schemas import CaseStudy
from msp_learn.schemas.case_study import Choice, Ending, Node
from msp_learn.vocab import vocabulary


def labels(vocab: str, ids: Iterable[str]) -> str:
    v = vocabulary(vocab)
    return ", ".join(v.label(i) for i in ids)


def _field(label: str, *text) -> Markup:
    return el("p", el("strong", f"{label}:"), " ", *text)


def intro(case: CaseStudy) -> Markup:
    """What the learner reads before starting: summary, content note, the person, the role."""
    p = case.person
    return join([
        el("p", case.summary),
        el("div", el("h2", "Content note"), paras(case.content_note),
           el("p", "You can pause or leave at any point; your place is kept."),
           class_="msp-note", role="note"),
        el("h2", f"Meet {p.name}"), el("p", f"{p.name}, {p.age}. {p.about}"),
        _field("Strengths", ", ".join(p.strengths)) if p.strengths else None,
        _field("Your role", f"{case.practitioner_role}. {case.setting}"),
        el("p", f"About {case.minutes} minutes.")])


def narrative(node: Node, step_no: int) -> Markup:
    return join([el("h2", node.title or f"Step {step_no}"), paras(node.text)])


def choice_feedback(choice: Choice) -> Markup:
    """Feedback on a choice: what it was, why, and the principles it honoured or put at risk."""
    return el("div",
              el("h2", "Your choice"), el("p", el("strong", choice.label)),
              el("h3", "Feedback"), paras(choice.feedback),
              _field("Principles honoured", labels("principles", choice.honours))
              if choice.honours else None,
              _field("Principles at risk", labels("principles", choice.breaks))
              if choice.breaks else None,
              _field("Mental Capacity Act", labels("mca_principles", choice.mca))
              if choice.mca else None,
              class_="msp-feedback", role="status", aria_live="polite")


#: Why an ending's outcomes cannot be rated, by ``outcomes_asked`` ({first}: first name).
UNASKED = {
    "not-asked": "On this path nobody asked {first} what they wanted, so these outcomes were "
                 "never recorded and cannot be rated.",
    "dont-know": "No one knows whether {first} was asked what they wanted, so these outcomes "
                 "cannot be rated."}


def ending(case: CaseStudy, end: Ending, summary: Summary) -> Markup:
    """The ending: what happened, what the person wants (once), the three-step outcome
    measure (and why it cannot be rated when nobody asked), the learning."""
    name, first = case.person.name, case.person.name.split()[0]
    unasked = UNASKED.get(end.outcomes_asked)
    measure = Markup(" ").join(join([el("strong", f"{step}:"), f" {answer}."])
                               for step, answer in end.measure())
    return join([
        el("h2", f"Ending: {end.title}"), paras(end.text),
        el("h3", f"What {name} wants"), bullets(case.desired_outcomes),
        el("p", unasked.format(first=first), class_="msp-unasked") if unasked else None,
        el("p", measure, class_="msp-outcome"),
        el("h3", "Learning"), paras(end.learning),
        _field("Principles you honoured", labels("principles", summary.honoured))
        if summary.honoured else None,
        _field("Principles put at risk", labels("principles", summary.broken))
        if summary.broken else None])
