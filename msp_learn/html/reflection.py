"""Reflection: the prompt set's heading, a saved reflection, and the CPD download link."""

from __future__ import annotations

import base64

from msp_learn.html._markup import Markup, el, join, paras, status
from msp_learn.schemas import ReflectionSet
from msp_learn.vocab import vocabulary


def form_header(prompt_set: ReflectionSet) -> Markup:
    model = vocabulary("reflection_models").label(prompt_set.model)
    return join([el("h2", f"Reflect: {prompt_set.title}"),
                 el("p", prompt_set.description, " ", el("em", f"({model})"))])


def saved(prompt_set: ReflectionSet, answers: dict[str, str]) -> Markup:
    """A saved reflection: each prompt that has an answer, then the answer."""
    parts = []
    for prompt in prompt_set.prompts:
        answer = answers.get(prompt.id, "")
        if answer.strip():
            parts += [el("h3", prompt.text), el("div", paras(answer), class_="msp-answer")]
    return el("section", form_header(prompt_set), *parts, class_="msp-reflection")


def download_link(page: str, filename: str = "cpd-record.html") -> Markup:
    """A status message with a link that downloads ``page`` (a data: URL, no network)."""
    data = base64.b64encode(page.encode("utf-8")).decode("ascii")
    return el("p", "Your CPD record is ready. ",
              el("a", "Download my CPD record (HTML)", download=filename,
                 href=f"data:text/html;charset=utf-8;base64,{data}"), role="status")


def nothing_yet() -> Markup:
    return status("Nothing to put in a CPD record yet: finish an activity or save a "
                  "reflection first.")
