"""Content lint: checks that keep material safe and readable, run on every validated item.

* No real-looking personal data in any text: NHS numbers, National Insurance numbers, UK phone
  numbers, email addresses, full UK postcodes (errors).
* No placeholder text left in: TODO, TBC, TBD, FIXME, XXX, lorem ipsum, '...', '[insert'
  (errors; an author's ``comment`` may hold a TODO).
* Plain English: a warning for any sentence over :data:`MAX_SENTENCE_WORDS` words, and a
  Flesch reading-ease figure per file (:func:`readability`), reported but never an error.
* The outcome measure and the law in case studies and risk scenarios
  (:func:`measure_and_law_problems`):

  - every path to an ending agrees with its ``outcomes_asked``: an ending that says the
    person was asked is reached only through a choice or node marked ``asks_outcomes``, and an
    ending that says nobody asked is never reached through one (errors);
  - an ending said to be asked whose own words say nobody asked (a warning);
  - the MCA's less-restrictive principle (s1(6)) tagged on a choice when the person is presumed
    to have capacity, where the Care Act's proportionality principle is the frame (an error);
  - a category of abuse whose statutory step (:data:`STATUTORY_STEPS`) appears in no choice
    and no trainer note, or for a risk scenario nowhere in its model answer (a warning).

* Content-set rules for case studies (:func:`content_set_problems`): at least three decision
  points and three endings, with endings that differ in both MSP outcome measures. These are
  warnings for the kit's own content set, run by ``msp-learn coverage``, not by ``validate``:
  a trainer's one-node warm-up case study is still a valid file.

Every problem is placed at the value it is about, and inside a long text at the line where the
match or the sentence starts.
"""

from __future__ import annotations

import bisect
import re
import typing
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from msp_learn.content._yaml import Located, Mark
from msp_learn.content.messages import field_at
from msp_learn.content.problems import Problem

#: A sentence longer than this many words gets a warning.
MAX_SENTENCE_WORDS = 35
#: Text fields never shown to learners (not in the readability figure or the sentence check).
NOT_LEARNER_FACING = frozenset({"comment", "trainer_notes", "detail", "uuid"})
#: Fields exempt from the placeholder check: an author's own note may say TODO.
PLACEHOLDER_EXEMPT = frozenset({"comment"})

PII_HINT = ("Use fictional, non-identifying detail: leave it out, or describe it "
            "('her mobile number', 'a flat in the town centre').")
PLACEHOLDER_HINT = "Finish the text, or remove the placeholder."

_PHONE = re.compile(
    r"(?<![\w+])(?:\+44[ ]?(?:\(0\)[ ]?)?|\(?0)[127](?:(?:[ -]|\)[ ]?)?\d){8,9}(?![\w])")
_NHS = re.compile(r"(?<![\w-])(?:\d{3}[ -]\d{3}[ -]\d{4}|\d{10})(?![\w-])")
_NINO = re.compile(r"\b[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]\b")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ ]?\d[A-Z]{2}\b")

#: (pattern, what it looks like), checked in this order; later overlapping matches are dropped.
PII_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_EMAIL, "an email address"),
    (_PHONE, "a UK phone number"),
    (_NHS, "an NHS number"),
    (_NINO, "a National Insurance number"),
    (_POSTCODE, "a full UK postcode"),
)
PLACEHOLDERS = re.compile(
    r"\b(?:TODO|TBC|TBD|FIXME)\b|(?<![A-Za-z])(?:XXX+|xxx+)(?![A-Za-z])|\.{3,}"
    r"|\b(?i:lorem ipsum)\b|\[\s*(?i:insert)\b")

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|cf|vs|Mr|Mrs|Ms|Dr|St|para|paras|ch)\.",
                            re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+")
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019-][A-Za-z0-9\u00c0-\u024f]+)*")


# -- which strings are prose ------------------------------------------------------------------

def _annotation_parts(annotation: Any) -> Iterator[Any]:
    """Every type and metadata object inside ``annotation`` (through list, Optional, Annotated)."""
    yield annotation
    metadata = getattr(annotation, "__metadata__", ())
    yield from metadata
    for arg in typing.get_args(annotation):
        if arg in metadata:
            continue
        yield from _annotation_parts(arg)


def _is_prose(info: FieldInfo | None) -> bool:
    """True for free text (``Text`` or ``str``), false for ids, vocabulary terms and the like."""
    if info is None:
        return False
    parts = list(_annotation_parts(info.annotation)) + list(info.metadata)
    if any(typing.get_origin(p) is typing.Literal for p in parts):
        return False
    if any(getattr(p, "pattern", None) for p in parts):
        return False
    return any(p is str for p in parts)


def strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every (path, string) in raw parsed data, in file order."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, path + (i,))


def _field_name(path: tuple) -> str | None:
    names = [step for step in path if isinstance(step, str)]
    return names[-1] if names else None


def prose(model: type[BaseModel], data: Any, *, learner_facing: bool = True
          ) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every free-text value of ``data`` read as ``model``.

    With ``learner_facing`` (the default), author and trainer notes are left out.
    """
    for path, text in strings(data):
        _, info = field_at(model, path)
        if not _is_prose(info):
            continue
        if learner_facing and _field_name(path) in NOT_LEARNER_FACING:
            continue
        yield path, text


# -- plain English ----------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """The words of ``text`` (runs of letters and digits, with inner apostrophes and hyphens)."""
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """``text`` split into sentences; common abbreviations such as 'e.g.' do not end one."""
    text = " ".join(text.split())
    if not text:
        return []
    protected = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", "\0"), text)
    parts = [p.replace("\0", ".").strip() for p in _SENTENCE_END.split(protected)]
    return [p for p in parts if words(p)]


def syllables(word: str) -> int:
    """A rough syllable count: vowel groups, less a silent final 'e' and '-ed'/'-es' endings."""
    total = 0
    for part in re.split(r"[-\u2019']", word.lower()):
        letters = re.sub(r"[^a-z\u00e0-\u024f]", "", part)
        if not letters:
            total += 1 if part else 0  # a number reads as about one syllable per group
            continue
        if len(letters) <= 3:
            total += 1
            continue
        trimmed = re.sub(r"(?:[^laeiouy]es|[^laeiouydt]ed|[^laeiouy]e)$",
                         lambda m: m.group()[0], letters)
        trimmed = re.sub(r"^y", "", trimmed)
        total += max(1, len(re.findall(r"[aeiouy\u00e0-\u00ff]+", trimmed)))
    return max(1, total)


@dataclass(frozen=True)
class Readability:
    """Flesch reading ease of a body of text, with the counts it came from."""

    words: int
    sentences: int
    syllables: int

    @property
    def score(self) -> float:
        """206.835 - 1.015 (words per sentence) - 84.6 (syllables per word); higher is easier."""
        if not self.words or not self.sentences:
            return 0.0
        return (206.835 - 1.015 * self.words / self.sentences
                - 84.6 * self.syllables / self.words)

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def band(self) -> str:
        """A plain description of the score (Flesch's own bands, simplified)."""
        score = self.score
        for floor, name in ((80, "easy"), (60, "plain English"), (50, "fairly difficult"),
                            (30, "difficult")):
            if score >= floor:
                return name
        return "very difficult"


def readability_of(texts: typing.Iterable[str]) -> Readability:
    """Readability of several separate texts taken together (each is at least one sentence)."""
    n_words = n_sentences = n_syllables = 0
    for text in texts:
        for sentence in sentences(text):
            found = words(sentence)
            n_sentences += 1
            n_words += len(found)
            n_syllables += sum(syllables(w) for w in found)
    return Readability(n_words, n_sentences, n_syllables)


def readability(item: BaseModel) -> Readability:
    """Readability of an item's learner-facing text."""
    data = item.model_dump(mode="json", exclude_none=True)
    return readability_of(text for _, text in prose(type(item), data))


# -- placing a match inside a value -----------------------------------------------------------

class _Source:
    """The file's text, to turn a match inside a value into a line and column."""

    def __init__(self, text: str | None, located: Located) -> None:
        self.text = text
        self.starts = [0]
        if text is not None:
            self.starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.marks = sorted({(m.line, m.column) for m in (*located.values.values(),
                                                          *located.keys.values())})

    def offset(self, line: int, column: int) -> int:
        assert self.text is not None
        if line - 1 >= len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + column - 1, len(self.text))

    def place(self, mark: Mark, needle: str, after: int = 0) -> tuple[Mark, int]:
        """Where ``needle`` starts within the value at ``mark`` (searching from ``after``).

        Returns the mark and the offset to search from next; the value's own mark when the
        needle cannot be found in the source (escaped quotes, for example).
        """
        if self.text is None or not needle.split():
            return mark, after
        start = max(self.offset(mark.line, mark.column), after)
        i = bisect.bisect_right(self.marks, (mark.line, mark.column))
        end = self.offset(*self.marks[i]) if i < len(self.marks) else len(self.text)
        found = _find_words(self.text, needle.split(), start, end)
        if found is None:
            return mark, after
        line = bisect.bisect_right(self.starts, found[0])
        return Mark(line, found[0] - self.starts[line - 1] + 1), found[1]


def _find_words(text: str, words: list[str], start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the first place in ``text[start:end]`` where ``words`` stand in order,
    any run of whitespace between them (the regex ``w1\\s+w2...``, without compiling one
    per needle: the kit's content places some 2,000 of them)."""
    first = words[0]
    at = text.find(first, start, end)
    while at != -1:
        i = at + len(first)
        for word in words[1:]:
            j = i
            while j < end and text[j].isspace():
                j += 1
            if j == i or not text.startswith(word, j, end):
                break
            i = j + len(word)
        else:
            return at, i
        at = text.find(first, at + 1, end)
    return None


# -- the checks -------------------------------------------------------------------------------

def _pii(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, matched text, description) of each real-looking personal detail."""
    hits: list[tuple[int, int, str, str]] = []
    for pattern, what in PII_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, _, _ in hits):
                continue
            hits.append((m.start(), m.end(), m.group(), what))
    return sorted(hits)


def _short(text: str, limit: int = 8) -> str:
    found = text.split()
    return " ".join(found[:limit]) + (" ..." if len(found) > limit else "")


def lint(path: str, item: BaseModel, located: Located, text: str | None = None) -> list[Problem]:
    """Every lint problem in a validated item, placed at its value.

    ``text`` is the file's source (read from ``path`` when not given) and is used only to
    place a match inside a long value at its own line.
    """
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = None
    source = _Source(text, located)
    model = type(item)
    problems: list[Problem] = []

    def report(where: Mark, message: str, hint: str, severity: str = "error") -> None:
        problems.append(Problem(path, where.line, where.column, message, hint, severity))

    for value_path, value in strings(located.data):
        mark = located.mark(value_path)
        name = _field_name(value_path)
        found: list[tuple[int, str, str, str]] = []
        for start, _, matched, what in _pii(value):
            found.append((start, matched, f"'{matched}' looks like {what}", PII_HINT))
        if name not in PLACEHOLDER_EXEMPT:
            for m in PLACEHOLDERS.finditer(value):
                found.append((m.start(), m.group(), f"placeholder text '{m.group()}'",
                              PLACEHOLDER_HINT))
        cursor = 0
        for _, matched, message, hint in sorted(found):
            where, cursor = source.place(mark, matched, cursor)
            report(where, message, hint)

    data = located.data
    for value_path, value in prose(model, data):
        mark = located.mark(value_path)
        cursor = 0
        for sentence in sentences(value):
            count = len(words(sentence))
            opening = " ".join(sentence.split()[:4])
            where, next_cursor = source.place(mark, opening, cursor)
            cursor = max(cursor, next_cursor)
            if count > MAX_SENTENCE_WORDS:
                report(where, f"this sentence has {count} words ('{_short(sentence)}'); "
                       f"keep sentences to {MAX_SENTENCE_WORDS} words or fewer",
                       "Split it into two or more sentences.", "warning")
    problems.extend(measure_and_law_problems(path, item, located))
    return problems


# -- the outcome measure and the law ----------------------------------------------------------

ASKED = frozenset({"asked-and-expressed", "asked-none-expressed"})
#: Words in an ending that say nobody asked the person what they wanted ("no one had asked
#: her what she wanted"); the ask must be about wanting, so "never asked for help" is fine.
NOBODY_ASKED = re.compile(
    r"\b(?:no[ -]?one|nobody|never)\b[^.!?]{0,30}?\basked\b(?=[^.!?]{0,60}?\bwant)"
    r"|\bwithout (?:anyone |ever )?asking\b(?=[^.!?]{0,60}?\bwant)"
    r"|\bwish (?:someone|somebody|anyone) had asked\b"
    r"|\bnobody knows what (?:he|she|they) would have said\b", re.IGNORECASE)

#: Category of abuse -> (the statutory step, patterns of which at least one must appear).
STATUTORY_STEPS: dict[str, tuple[str, tuple[re.Pattern[str], ...]]] = {
    "modern-slavery": (
        "a National Referral Mechanism referral with consent, or the council's anonymous "
        "notification to the Home Office without it (Modern Slavery Act 2015 s52)",
        (re.compile(r"National Referral Mechanism|\bNRM\b"),)),
    "domestic": (
        "a DASH risk checklist, with MARAC and an IDVA where the risk is high (Domestic Abuse "
        "Act 2021)", (re.compile(r"\bDASH\b"),)),
}


def _outcome_paths(item: BaseModel) -> dict[tuple[str, bool], list[str]]:
    """(ending id, asked on the way) -> the choice ids of one shortest path with that state.

    A node or choice marked ``asks_outcomes`` sets "asked" for the rest of the path.
    """
    nodes = {n.id: n for n in item.nodes}
    endings = {e.id for e in item.endings}
    start = item.start
    first = (start, bool(getattr(nodes.get(start), "asks_outcomes", False)))
    paths: dict[tuple[str, bool], list[str]] = {first: []}
    queue = deque([first])
    while queue:
        position, asked = queue.popleft()
        node = nodes.get(position)
        if node is None:
            continue
        for choice in node.choices:
            target = nodes.get(choice.next)
            if target is None and choice.next not in endings:
                continue
            now = asked or choice.asks_outcomes or bool(target is not None and
                                                        target.asks_outcomes)
            state = (choice.next, now)
            if state not in paths:
                paths[state] = paths[(position, asked)] + [choice.id]
                queue.append(state)
    return {state: path for state, path in paths.items() if state[0] in endings}


def _route(path: list[str]) -> str:
    return " -> ".join(path) if path else "the start"


def measure_and_law_problems(path: str, item: BaseModel, located: Located) -> list[Problem]:
    """Problems with a case study's outcome measure or a missing statutory step (see above)."""
    problems: list[Problem] = []

    def report(where: tuple, message: str, hint: str, severity: str = "error") -> None:
        mark = located.mark(where)
        problems.append(Problem(path, mark.line, mark.column, message, hint, severity))

    kind = getattr(item, "kind", None)
    if kind == "case-study":
        name = item.person.name.split()[0]
        reached = _outcome_paths(item)
        for i, ending in enumerate(item.endings):
            where = ("endings", i, "outcomes_asked")
            if ending.outcomes_asked in ASKED and (ending.id, False) in reached:
                report(where, f"this ending says {name} was asked what they wanted, but a path "
                       f"reaches it where nobody asked (choices: "
                       f"{_route(reached[(ending.id, False)])})",
                       "Mark the choice or node where the person is asked with "
                       "'asks_outcomes: true'; if no one asks on that path, point it at an "
                       "ending with 'outcomes_asked: not-asked'.")
            if ending.outcomes_asked == "not-asked" and (ending.id, True) in reached:
                report(where, f"this ending says nobody asked {name} what they wanted, but a "
                       f"path that asks reaches it (choices: "
                       f"{_route(reached[(ending.id, True)])})",
                       "Point that path at an ending where the outcomes were asked, or split "
                       "this ending in two.")
            if ending.outcomes_asked in ASKED:
                for field in ("text", "learning"):
                    found = NOBODY_ASKED.search(getattr(ending, field))
                    if found:
                        report(("endings", i, field), f"the ending says '{found.group()}', but "
                               f"outcomes_asked is '{ending.outcomes_asked}'",
                               "Make the words and the measure agree: reword the text, or set "
                               "'outcomes_asked: not-asked'.", "warning")
        if item.capacity == "presumed":
            for i, node in enumerate(item.nodes):
                for j, choice in enumerate(node.choices):
                    if "less-restrictive" in choice.mca:
                        k = choice.mca.index("less-restrictive")
                        report(("nodes", i, "choices", j, "mca", k),
                               f"'less-restrictive' is tagged, but {name} is presumed to have "
                               "capacity ('capacity: presumed'); the Mental Capacity Act's "
                               "less restrictive option (s1(6)) applies to acts done for a "
                               "person who lacks capacity",
                               "Remove it and use the Care Act principle 'proportionality' in "
                               "'honours' or 'breaks' instead.")
        texts = [t for n in item.nodes for c in n.choices for t in (c.label, c.feedback)]
        texts.append(item.trainer_notes)
        where_not = "in any choice or in the trainer notes"
    elif kind == "risk-scenario":
        answer = item.model_answer
        texts = [answer.explanation, *item.facts]
        if item.factors.domestic_abuse != "none":
            texts.append("DASH")
        where_not = "in the facts, the DASH grade or the model answer's explanation"
    else:
        return problems
    for k, category in enumerate(item.abuse_categories):
        if category not in STATUTORY_STEPS:
            continue
        step, patterns = STATUTORY_STEPS[category]
        if not any(p.search(text) for p in patterns for text in texts):
            report(("abuse_categories", k), f"the case is tagged '{category}', but its "
                   f"statutory step never appears {where_not}: {step}",
                   "Teach the step where it fits the story, or say in the trainer notes why it "
                   "does not apply.", "warning")
    return problems


def content_set_problems(path: str, item: BaseModel, located: Located) -> list[Problem]:
    """Warnings for a case study that falls short of the content set's rules.

    At least three decision points and three endings, and endings that differ in both
    ``outcome_achievement`` and ``risk_outcome`` (at least two values of each; an ending with
    no rating counts by its ``outcomes_asked``). Other kinds
    have no content-set rules and give nothing.
    """
    if getattr(item, "kind", None) != "case-study":
        return []
    problems: list[Problem] = []

    def report(where: tuple, message: str, hint: str) -> None:
        mark = located.mark(where)
        problems.append(Problem(path, mark.line, mark.column, message, hint, "warning"))

    nodes, endings = item.nodes, item.endings
    if len(nodes) < 3:
        report(("nodes",), f"the case study has {len(nodes)} decision point"
               f"{'s' * (len(nodes) != 1)}; the content set asks for at least 3",
               "Add nodes so the learner makes several decisions as the story unfolds.")
    if len(endings) < 3:
        report(("endings",), f"the case study has {len(endings)} ending"
               f"{'s' * (len(endings) != 1)}; the content set asks for at least 3",
               "Add endings so different practice leads to different outcomes.")
    for field, what in (("outcome_achievement", "whether the person's outcomes were achieved"),
                        ("risk_outcome", "what happened to the risk")):
        # an unrated ending counts by its first step ('not-asked', ...), a value of its own
        values = {getattr(e, field) or e.outcomes_asked for e in endings}
        if len(values) < 2:
            report(("endings",), f"every ending has {field} '{next(iter(values))}'",
                   f"Let the endings differ in {what}, so the learner sees the effect of "
                   "their choices.")
    return problems
