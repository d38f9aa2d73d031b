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


#: The CPD record's download formats: (format, MIME type, what the link says), in the order
#: offered. The same three as ``msp-learn cpd-record --format``.
FORMATS = (("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "a Word document (.docx)"),
           ("html", "text/html;charset=utf-8", "a web page (.html)"),
           ("md", "text/markdown;charset=utf-8", "Markdown text (.md)"))


def downloads(records: dict[str, str | bytes], stem: str = "cpd-record") -> Markup:
    """Links that download the CPD record in each format given (data: URLs, no network):
    ``records`` maps a format of :data:`FORMATS` to the record as text or bytes."""
    links = []
    for fmt, mime, words in FORMATS:
        if fmt not in records:
            continue
        body = records[fmt]
        data = base64.b64encode(body if isinstance(body, bytes) else body.encode("utf-8"))
        links.append(el("li", el("a", f"Download my CPD record as {words}",
                                 download=f"{stem}.{fmt}", class_=f"msp-download-{fmt}",
                                 href=f"data:{mime};base64,{data.decode('ascii')}")))
    return el("div", el("p", "Your CPD record is ready. Check it and add your peer reflection "
                             "before you copy it into your Social Work England account.",
                        role="status"), el("ul", *links), class_="msp-downloads")


def nothing_yet() -> Markup:
    return status("Nothing to put in a CPD record yet: finish an activity or save a "
                  "reflection first.")
