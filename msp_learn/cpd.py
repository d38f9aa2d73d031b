"""A learner's CPD record for Social Work England, from their activities and reflections."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from msp_learn.activities import ACTIVITIES, activity
from msp_learn.engine.quiz import Attempt, score_words
from msp_learn.html import Markup, el, escape, join, printable
from msp_learn.store import NotFoundError, Progress, Reflection, Store
from msp_learn.vocab import vocabulary

Format = Literal["md", "html", "docx"]
Block = tuple  # ("h", level, text) | ("p", text) | ("field", label, text)
#                | ("answer", prompt, text) | ("write-in", label) | ("items", [text, ...])

#: Stages of the reflection models (see vocabularies.yaml) whose answers say what was learnt,
#: and those that say what will change in practice. Other stages describe what happened.
LEARNT = frozenset({"evaluation", "analysis", "conclusion", "reflective-observation",
                    "abstract-conceptualisation", "so-what", "difference"})
IMPACT = frozenset({"action-plan", "active-experimentation", "now-what", "next-steps"})

INTRO = ("Social Work England asks registered social workers for at least two CPD records in "
         "each registration year (1 December to 30 November), submitted by 30 November; at "
         "least one must include peer reflection. The entries below are drafts built from your "
         "work in the training kit. Check and edit them, and complete the peer reflection, "
         "before you copy them into your Social Work England online account.")
PEER = ("At least one CPD record each year must include peer reflection: a colleague "
        "discussion, supervision, a team session or a training discussion. Complete this part "
        "after talking this learning through with a peer.")
PEER_FIELDS = ("Who I reflected with, their role, and the setting",
               "Date of the discussion",
               "What we discussed, and what I took from it")
STANDARD_4 = ("Professional standard 4: link this reflection to Social Work England's "
              "professional standard 4 when you submit it.")
NOT_YET = "Not written yet: add this before you submit the record."
JOURNAL = ACTIVITIES["journal"]


def cpd_record(store: Store, name: str, *, fmt: Format = "md", out: Path | None = None,
               catalogue: Any = None, today: date | None = None) -> str | bytes:
    """The CPD record of the learner called ``name``: text for md and html, bytes for docx.

    Args:
        catalogue: loaded content (anything with ``get(kind, id)``), used for activity titles,
            prompt wording and reflection stages; without it, ids are shown instead.
        out: also write the record to this file.
    Raises NotFoundError if the learner is unknown or has nothing completed or reflected on.
    """
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}: choose md, html or docx")
    learner = store.find_learner(name)
    if learner is None:
        raise NotFoundError(f"no learner called {name!r} in {store.url}")
    title = f"CPD record: {learner.name}"
    blocks = _blocks(store, learner.name, title, catalogue, today or date.today())
    rendered = RENDERERS[fmt](title, blocks)
    if out is not None:
        if isinstance(rendered, bytes):
            Path(out).write_bytes(rendered)
        else:
            Path(out).write_text(rendered, encoding="utf-8")
    return rendered


def default_file(name: str, fmt: Format) -> Path:
    """Where a record is written when no file is named: ``cpd-record-<name>.<fmt>`` in the
    current folder, the name in plain letters and digits ('Amir Khan' -> amir-khan)."""
    slug = "-".join(re.findall(r"[a-z0-9]+", printable(name).lower()))[:40].strip("-")
    return Path(f"cpd-record-{slug or 'learner'}.{fmt}")


# building the record

def _blocks(store: Store, name: str, title: str, catalogue: Any, today: date) -> list[Block]:
    reflected = store.reflections(name)
    done = {(p.activity_kind, p.activity_id): p for p in store.progress(name) if p.completed}
    for item in reflected:
        done.pop((item.activity_kind, item.activity_id), None)
    if not reflected and not done:
        raise NotFoundError(f"{name!r} has no completed activities or reflections yet")
    blocks: list[Block] = [("h", 1, title), ("p", INTRO), ("field", "Prepared on", _day(today))]
    if reflected:
        blocks.append(("h", 2, "Learning with reflection"))
        for item, heading in zip(reflected, _headings(reflected, catalogue), strict=True):
            blocks += _entry(item, heading, catalogue)
    if done:
        blocks.append(("h", 2, "Other learning completed"))
        blocks.append(("items", [_done_line(p, catalogue) for p in done.values()]))
    return blocks


def _done_line(p: Progress, catalogue: Any) -> str:
    """'3 December 2025: Myth or reality? (Self-directed e-learning: myths and realities
    quiz). Score: first attempt 25 of 28 correct (89%); best 28 of 28 correct (100%).'"""
    title = _title(p.activity_kind, p.activity_id, {"title": p.state.get("title")}, catalogue)
    line = f"{_day(p.updated_at)}: {title} ({_type(p.activity_kind)})"
    score = _score(p.state)
    return f"{line}. Score: {score}." if score else line


def _score(state: dict) -> str | None:
    """The score a saved state names: first attempt and best, or the last score kept."""
    attempts = state.get("attempts") if isinstance(state.get("attempts"), list) else []
    words = score_words([a for a in map(Attempt.from_dict, attempts) if a is not None])
    if words:
        return words
    score = state.get("score")
    if isinstance(score, dict) and isinstance(score.get("total"), int) and score["total"]:
        correct = score.get("correct", 0)
        return f"{correct} of {score['total']} correct ({100 * correct / score['total']:.0f}%)"
    return None


def _general(item: Reflection) -> bool:
    """A reflection written in the journal on nothing in particular."""
    return item.activity_kind == JOURNAL.kind


def _headings(reflected: list[Reflection], catalogue: Any) -> list[str]:
    """Each reflection's heading: the activity's title; for a general reflection its date and
    model ('General reflection, 3 December 2025 (Gibbs' reflective cycle)'), with the time
    added where two would read the same, so that no two entries share a heading."""
    def general(item: Reflection, *, when: bool = False) -> str:
        day = _day(item.created_at) + (f" at {item.created_at:%H:%M}" if when else "")
        return f"General reflection, {day} ({_model(catalogue, item.prompt_set)})"

    headings = [general(i) if _general(i) else
                _title(i.activity_kind, i.activity_id, i.context, catalogue) for i in reflected]
    headings = [general(i, when=True) if _general(i) and headings.count(h) > 1 else h
                for i, h in zip(reflected, headings, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for heading in headings:  # the same activity reflected on twice, or two at one minute
        seen[heading] = seen.get(heading, 0) + 1
        out.append(heading if seen[heading] == 1 else f"{heading}, reflection {seen[heading]}")
    return out


def _entry(item: Reflection, heading: str, catalogue: Any) -> list[Block]:
    kind = item.activity_kind
    sections: dict[str, list[Block]] = {"reflection": [], "learnt": [], "impact": []}
    for prompt_id, answer in item.answers.items():
        if answer.strip():
            stage, prompt = _prompt(catalogue, item.prompt_set, prompt_id)
            section = "learnt" if stage in LEARNT else "impact" if stage in IMPACT else (
                "reflection")
            sections[section].append(("answer", prompt, answer))
    blocks: list[Block] = [
        ("h", 3, heading),
        ("field", "Type of activity", _type(kind)),
        ("field", "Date", _day(item.created_at)),
        ("field", "Registration year", _registration_year(item.created_at)),
        ("field", "Description", _description(item, catalogue))]
    for key, heading_ in (("reflection", "My reflection"), ("learnt", "What I learnt"),
                          ("impact", "Impact on my practice")):
        if sections[key] or key != "reflection":
            blocks += [("h", 4, heading_), *(sections[key] or [("p", NOT_YET)])]
    blocks += [("h", 4, "Peer reflection"), ("p", PEER)]
    blocks += [("write-in", label) for label in PEER_FIELDS]
    blocks += [("h", 4, "Professional standards"), ("p", STANDARD_4)]
    return blocks


def _lookup(catalogue: Any, kind: str, ident: str) -> Any:
    try:
        return catalogue.get(kind, ident) if catalogue is not None else None
    except KeyError:
        return None


#: ' (risk scenario)', ' (case study)'...: what the journal's activity list added to a title,
#: kept in the context of reflections saved by earlier versions.
_LABELS = "|".join(re.escape(a.label) for a in ACTIVITIES.values())
_KIND_SUFFIX = re.compile(rf"\s+\((?:{_LABELS})\)$", re.IGNORECASE)


def _known_title(kind: str, ident: str, context: dict, catalogue: Any) -> str | None:
    """The activity's title: the content's own, else the one kept when the learner did it."""
    item = _lookup(catalogue, kind, ident)
    found = getattr(item, "title", None) or getattr(item, "statement", None) or (
        context.get("title") if isinstance(context, dict) else None)
    if not found:
        return None
    return _KIND_SUFFIX.sub("", str(found)).strip() or None


def _title(kind: str, ident: str, context: dict, catalogue: Any) -> str:
    known = _known_title(kind, ident, context, catalogue)
    return known or f"{activity(kind).cpd_noun.capitalize()} '{ident}'"


def _type(kind: str) -> str:
    return activity(kind).cpd_wording


def _model(catalogue: Any, prompt_set: str) -> str:
    """The reflection set's title ('Gibbs' reflective cycle'), or its id in words."""
    found = _lookup(catalogue, "reflection-set", prompt_set)
    title = getattr(found, "title", None)
    if title:
        return str(title)
    model = getattr(found, "model", None)
    if model:
        return vocabulary("reflection_models").label(model)
    return prompt_set.replace("-", " ").replace("_", " ").capitalize()


def _prompt(catalogue: Any, prompt_set: str, prompt_id: str) -> tuple[str | None, str]:
    for prompt in getattr(_lookup(catalogue, "reflection-set", prompt_set), "prompts", []):
        if prompt.id == prompt_id:
            return prompt.stage, prompt.text
    stage = prompt_id if prompt_id in LEARNT | IMPACT else None
    return stage, prompt_id.replace("-", " ").replace("_", " ").capitalize()


#: A summary kept by earlier versions, in ids: 'Outcomes fully, risk reduced'.
_OLD_SUMMARY = re.compile(r"^Outcomes ([a-z-]+|None), risk ([a-z-]+|None)$")


def _summary_words(summary: str) -> str:
    """A kept summary in words: an old one in ids becomes the outcome measure's wording."""
    old = _OLD_SUMMARY.match(summary.strip())
    if old is None:
        return summary
    achieved, risk = old.groups()
    achieved = vocabulary("outcome_achievement").label(achieved) if achieved != "None" else (
        "Not rated")
    words = [f"Outcomes achieved: {achieved}."]
    if risk != "None":
        words.append(f"Risk: {vocabulary('risk_outcomes').label(risk)}.")
    return " ".join(words)


def _description(item: Reflection, catalogue: Any) -> str:
    """What the learner did, in the first person, as they would write it themselves."""
    context = item.context if isinstance(item.context, dict) else {}
    if _general(item):
        return (f"A reflection I wrote in the reflection journal of the Making Safeguarding "
                f"Personal training kit (msp-learn), using {_model(catalogue, item.prompt_set)}.")
    noun = activity(item.activity_kind).cpd_noun
    title = _known_title(item.activity_kind, item.activity_id, context, catalogue)
    choices = context.get("choices") if isinstance(context.get("choices"), list) else None
    made = (f", making {len(choices)} choice{'s' if len(choices) != 1 else ''}"
            if choices else "")
    parts = [f"I worked through the {noun} '{title or item.activity_id}' in the Making "
             f"Safeguarding Personal training kit (msp-learn){made}, then reflected on it."]
    ending, measure = context.get("ending"), None
    if isinstance(ending, dict):
        ending = ending.get("title") or ending.get("id")
    if ending:
        case = _lookup(catalogue, item.activity_kind, item.activity_id)
        found = next((e for e in getattr(case, "endings", []) if ending in (e.id, e.title)), None)
        parts.append(f"The ending I reached: {found.title if found is not None else ending}.")
        if callable(getattr(found, "measure_text", None)):  # the three-step outcome measure
            measure = found.measure_text()
    if context.get("score") is not None:
        parts.append(f"Score: {context['score']}.")
    if measure:
        parts.append(measure)
    elif context.get("summary"):
        parts.append(_summary_words(str(context["summary"])))
    return " ".join(parts)


def _day(when: date | datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def _registration_year(when: datetime) -> str:
    start = when.year if when.month == 12 else when.year - 1
    return f"1 December {start} to 30 November {start + 1}"


# rendering

_printable = printable  # control and bidirectional characters shown as U+FFFD


def _paragraphs(text: str) -> list[list[str]]:
    """``text`` as paragraphs (split on blank lines), each a list of its lines."""
    paragraphs = re.split(r"\n\s*\n", _printable(text).strip())
    return [[line.strip() for line in p.split("\n")] for p in paragraphs if p.strip()]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """``text`` as markdown that shows exactly these characters, paragraphs and line breaks."""
    def line(value: str) -> str:
        value = _MD_SPECIAL.sub(r"\\\1", value)
        match = _MD_LINE_START.match(value)
        if match:
            end = match.end()
            value = (value[:end] + "\\" + value[end:]) if match.group(1)[0].isdigit() else (
                "\\" + value)
        return value
    return "\n\n".join("\\\n".join(line(v) for v in p) for p in _paragraphs(text))


def _render_md(title: str, blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            out.append("#" * block[1] + " " + _md(block[2]))
        elif kind == "p":
            out.append(_md(block[1]))
        elif kind == "field":
            out.append(f"**{_md(block[1])}:** {_md(block[2])}")
        elif kind == "answer":
            out.append(f"*{_md(block[1])}*\n\n{_md(block[2])}")
        elif kind == "write-in":
            out.append(f"**{_md(block[1])}:**\n\n" + r"\_" * 40)
        elif kind == "items":
            out.append("\n".join(f"- {_md(text)}" for text in block[1]))
    return "\n\n".join(out) + "\n"


CSS = """
body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       "Liberation Sans", "Noto Sans", sans-serif; font-size: 1.1875rem; line-height: 1.5; color: #111; background: #fff;
       margin: 0; }
main { max-width: 48rem; margin: 0 auto; padding: 1.5rem; overflow-wrap: anywhere; }
h1 { font-size: 1.8rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid #333; margin-top: 2.5rem; }
h3 { font-size: 1.2rem; margin-top: 2rem; } h4 { font-size: 1rem; margin: 1.25rem 0 0.25rem; }
.prompt { font-style: italic; margin-bottom: 0.25rem; }
.answer { border-left: 4px solid #767676; padding-left: 0.75rem; }
.write-in { border: 1px solid #333; min-height: 5rem; margin: 0.25rem 0 1rem; }
@media print {
  main { max-width: none; padding: 0; }
  main > h3:not(:first-of-type) { break-before: page; }
  h2, h3, h4, .prompt { break-after: avoid; }
  .write-in { min-height: 7rem; }
}
"""


def _html_paragraphs(text: str, first_prefix: Markup | str = "") -> Markup:
    paragraphs = [Markup("<br>\n").join(p) for p in _paragraphs(text)]
    return Markup("\n").join(el("p", first_prefix if i == 0 else None, p)
                              for i, p in enumerate(paragraphs or [""]))


def _html_block(block: Block) -> Markup:
    kind = block[0]
    if kind == "h":
        return el(f"h{block[1]}", block[2])
    if kind == "p":
        return _html_paragraphs(block[1])
    if kind == "field":
        return _html_paragraphs(block[2], el("strong", f"{block[1]}:") + " ")
    if kind == "answer":
        return join([el("p", block[1], class_="prompt"), Markup("\n"),
                     el("div", Markup("\n"), _html_paragraphs(block[2]), Markup("\n"),
                        class_="answer")])
    if kind == "write-in":
        return join([el("p", el("strong", f"{block[1]}:")), Markup("\n"),
                     Markup("<div class='write-in'></div>")])
    if kind == "items":
        return el("ul", Markup("\n"), Markup("\n").join(el("li", t) for t in block[1]),
                  Markup("\n"))
    raise ValueError(f"unknown block {kind!r}")


def _render_html(title: str, blocks: list[Block]) -> str:
    body = Markup("\n").join(_html_block(block) for block in blocks)
    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def _render_docx(title: str, blocks: list[Block]) -> bytes:
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    doc.core_properties.title, doc.core_properties.language = _printable(title), "en-GB"
    doc.core_properties.author, doc.core_properties.comments = "msp-learn", ""

    def paragraphs(text: str, label: str = "", style: str | None = None) -> None:
        for i, lines in enumerate(_paragraphs(text) or [[""]]):
            para = doc.add_paragraph(style=style)
            if label and i == 0:
                para.add_run(f"{_printable(label)}: ").bold = True
            para.add_run(lines[0])
            for line in lines[1:]:
                para.add_run().add_break()
                para.add_run(line)

    for block in blocks:
        kind = block[0]
        if kind == "h":
            doc.add_heading(_printable(block[2]), level=block[1])
        elif kind == "p":
            paragraphs(block[1])
        elif kind == "field":
            paragraphs(block[2], block[1])
        elif kind == "answer":
            doc.add_paragraph().add_run(_printable(block[1])).italic = True
            paragraphs(block[2], style="Quote")
        elif kind == "write-in":
            doc.add_paragraph().add_run(f"{_printable(block[1])}:").bold = True
            table = doc.add_table(rows=1, cols=1)
            table.style = "Table Grid"
            table.rows[0].height = Cm(3)
        elif kind == "items":
            for text in block[1]:
                doc.add_paragraph(_printable(text), style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


RENDERERS = {"md": _render_md, "html": _render_html, "docx": _render_docx}
