"""The HTML layer: escaping by default, and every renderer given hostile text."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest
from pydantic import BaseModel

from msp_learn import cpd
from msp_learn.engine import ScenarioSession, Score, assess, compare, mark
from msp_learn.engine.risk import LearnerAnswer, Reasoned
from msp_learn.html import (
    BIDI_CONTROLS,
    Markup,
    alert,
    bullets,
    case,
    el,
    escape,
    paras,
    quiz,
    reflection,
    risk,
    status,
)
from tests.conftest import ROOT, kit_catalogue

#: Script tags, attribute breakers (both quotes), an event handler, bidi overrides/isolates.
HOSTILE = ("<script>alert(1)</script>\"' onmouseover='alert(2)' x=\"y\" "
           "\u202egnp.exe\u2066 <img src=x onerror=alert(3)> &amp; \u202d\u2069")
#: Fields that hold words (content or learner text), never ids or vocabulary references.
TEXT_FIELDS = {"title", "summary", "content_note", "name", "about", "strengths",
               "practitioner_role", "setting", "text", "label", "feedback", "outcomes_wanted",
               "learning", "desired_outcomes", "statement", "reality", "why_it_matters", "instead", "facts",
               "explanation", "description", "hint", "detail"}

CAT = kit_catalogue()


def hostile(model):
    """``model`` with every text field replaced by :data:`HOSTILE` (ids kept)."""
    update = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in TEXT_FIELDS and isinstance(value, str):
            update[name] = HOSTILE
        elif name in TEXT_FIELDS and isinstance(value, list) and value:
            update[name] = [HOSTILE for _ in value]
        elif isinstance(value, BaseModel):
            update[name] = hostile(value)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            update[name] = [hostile(v) for v in value]
    return model.model_copy(update=update)


class Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _renders():
    """(name, markup) of every renderer, fed hostile content and learner text."""
    case_study = hostile(CAT.get("case-study", "imran-qureshi-coercive-control"))
    session = ScenarioSession(case_study)
    while not session.finished:
        session.choose(session.available_choices()[0].id)
    node, choice = case_study.nodes[0], case_study.nodes[0].choices[0]
    myth = hostile(CAT.items("myth")[0])
    result = replace(mark(myth, True), basis=(HOSTILE,))
    scenario = hostile(CAT.get("risk-scenario", "winston-lends-to-a-friend"))
    assessment = assess(scenario.factors)
    assessment = replace(assessment, level_reason=HOSTILE,
                         responses=[Reasoned(r.id, HOSTILE) for r in assessment.responses],
                         escalate_to=[Reasoned(r.id, HOSTILE) for r in assessment.escalate_to]
                         or [Reasoned("police", HOSTILE)])
    learner_answer = LearnerAnswer(scenario.factors.model_copy(update={"likelihood": 1}),
                                   "low", ("x",), ())
    comparison = compare(learner_answer, scenario)
    prompt_set = hostile(CAT.items("reflection-set")[0])
    answers = {p.id: HOSTILE for p in prompt_set.prompts}
    blocks = [("h", 1, HOSTILE), ("p", HOSTILE), ("field", HOSTILE, HOSTILE),
              ("answer", HOSTILE, HOSTILE), ("write-in", HOSTILE), ("items", [HOSTILE])]
    return {
        "quiz.header": quiz.header(HOSTILE, 1, 2, 0),
        "quiz.statement": quiz.statement(myth.statement),
        "quiz.feedback": quiz.feedback(result),
        "quiz.summary": quiz.summary(Score(1, 2, 2), [myth.statement], first=Score(1, 2, 2),
                                     best=Score(2, 2, 2)),
        "case.intro": case.intro(case_study),
        "case.narrative": case.narrative(node, 1),
        "case.choice_feedback": case.choice_feedback(choice),
        "case.ending": case.ending(case_study, session.ending, session.summary()),
        "risk.intro": risk.intro(scenario),
        "risk.assessment": risk.assessment(assessment, 3, 4),
        "risk.comparison": risk.comparison(comparison, scenario, learner_answer),
        "risk.result": risk.result(learner_answer, scenario, comparison, assessment),
        "risk.scrolling": risk.scrolling(HOSTILE, el("p", HOSTILE)),
        "risk.dropped_note": risk.dropped_note([(HOSTILE, HOSTILE)]),
        "reflection.form_header": reflection.form_header(prompt_set),
        "reflection.saved": reflection.saved(prompt_set, answers),
        "reflection.download_link": reflection.download_link(HOSTILE, filename=HOSTILE),
        "reflection.downloads": reflection.downloads({"html": HOSTILE, "docx": b"\x00<"},
                                                     stem=HOSTILE),
        "cpd.html": cpd._render_html(HOSTILE, blocks),
        "alert": alert(HOSTILE), "status": status(HOSTILE), "paras": paras(HOSTILE),
        "bullets": bullets([HOSTILE]), "el": el("p", HOSTILE, title=HOSTILE),
    }


RENDERS = _renders()


@pytest.mark.parametrize("name", sorted(RENDERS))
def test_hostile_text_is_shown_never_run(name):
    """Given script tags, attribute breakers and bidi overrides in learner and content text,
    does each renderer show them as text: no script or img element, no event-handler
    attribute, no bidi control left, and the text itself still there?"""
    page = str(RENDERS[name])
    parsed = Parsed()
    parsed.feed(page)
    assert not {"script", "img"} & set(parsed.tags), name
    assert not [a for a in parsed.attrs if a.startswith("on") or a in ("src", "x")], name
    assert not BIDI_CONTROLS & set(page), name
    if name not in ("reflection.download_link", "reflection.downloads"):  # in data: URLs
        assert "<script>alert(1)</script>" in "".join(parsed.text), name


def test_every_renderer_is_in_the_hostile_test():
    """Is each public renderer of msp_learn.html called by the hostile-text test?"""
    import inspect

    for module in (case, quiz, reflection, risk):
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == module.__name__ and not name.startswith("_") and (
                    inspect.signature(func).return_annotation in ("Markup", Markup)):
                short = f"{module.__name__.rsplit('.', 1)[1]}.{name}"
                covered = short in RENDERS or name in {"matrix_table", "attempts_line",
                                                       "nothing_yet", "your_turn"}
                assert covered, f"{short} is not in the hostile-text test"


def test_markup_escapes_what_it_is_joined_with():
    """Is plain text added, joined or formatted into Markup escaped, and Markup kept?"""
    safe = Markup("<b>ok</b>")
    assert safe + "<i>" == "<b>ok</b>&lt;i&gt;"
    assert "<i>" + safe == "&lt;i&gt;<b>ok</b>"
    assert Markup(", ").join(["<a>", safe]) == "&lt;a&gt;, <b>ok</b>"
    assert Markup("<p>{}: {:.0%}</p>").format("<x>", 0.5) == "<p>&lt;x&gt;: 50%</p>"
    assert escape(safe) is not safe and escape(safe) == safe
    assert escape("a\x00b\u202ec") == "a\ufffdb\ufffdc"
    assert el("p", "x", class_="a b", hidden=True, title=None) == "<p class='a b' hidden>x</p>"
    with pytest.raises(ValueError, match="not a tag name"):
        el("p onclick=x")
    with pytest.raises(ValueError, match="not an attribute name"):
        el("p", **{"on click": "x"})


def test_the_html_layer_imports_no_widgets():
    """Can the HTML layer, the trackers and the CPD record be used with no ipywidgets?"""
    import subprocess
    import sys

    code = ("import sys; import msp_learn.html.case, msp_learn.html.quiz, "
            "msp_learn.html.risk, msp_learn.html.reflection, msp_learn.tracking, "
            "msp_learn.cpd, msp_learn.events, msp_learn.activities, msp_learn.engine; "
            "print(sorted(m for m in sys.modules if m.startswith('ipywidgets')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
