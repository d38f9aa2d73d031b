"""Counting the room's answers for the trainer's chart, with the small-number rule.

No figure is shown while fewer than :data:`MIN_ANSWERS` people have answered: with one or two
answers, everyone can tell who said what.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from msp_learn.workshop.activities import Activity

MIN_ANSWERS = 3
CLOUD_WORDS = 30
_STOPWORDS = frozenset(
    "a an and are as at be but by for from has have i if in is it its me my not of on or our "
    "so that the their them they this to was we were what when who will with you your".split())
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: an option (or scale point), its label and its count."""

    value: Any
    label: str
    count: int
    correct: bool = False


@dataclass(frozen=True)
class Tally:
    """The room's answers to one activity, ready to draw.

    ``withheld`` is True while fewer than :data:`MIN_ANSWERS` answered: then ``bars`` have no
    counts (None), and no free text or words are given.
    """

    answered: int
    joined: int
    withheld: bool
    bars: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    words: list[list[Any]] = field(default_factory=list)
    hidden: int = 0
    mean: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def tally(activity: Activity, entries: Mapping[int, Any], joined: int, *,
          revealed: bool = False) -> Tally:
    """Count ``entries`` (participant id -> :class:`~msp_learn.workshop.session.Entry`).

    Removed free-text entries do not count as answers.
    """
    live = {pid: e for pid, e in entries.items() if e.status != "removed"}
    answered = len(live)
    withheld = answered < MIN_ANSWERS
    if activity.kind in ("myth", "decision", "risk"):
        counts = Counter(e.value for e in live.values())
        bars = [Bar(v, label, counts.get(v, 0), revealed and v == activity.correct)
                for v, label in activity.options]
        return Tally(answered, joined, withheld, _figures(bars, withheld))
    if activity.kind == "scale":
        low, high, low_label, high_label = activity.scale
        counts = Counter(e.value for e in live.values())
        bars = [Bar(v, _point_label(v, low, high, low_label, high_label), counts.get(v, 0))
                for v in range(low, high + 1)]
        mean = None if withheld else round(sum(e.value for e in live.values()) / answered, 1)
        return Tally(answered, joined, withheld, _figures(bars, withheld), mean=mean)
    if activity.kind == "text":
        shown = [(pid, e.value) for pid, e in sorted(live.items()) if e.status == "shown"]
        hidden = sum(1 for e in live.values() if e.status == "hidden")
        if withheld:
            return Tally(answered, joined, True, hidden=hidden)
        words = _cloud([text for _, text in shown]) if activity.display == "cloud" else []
        return Tally(answered, joined, False, entries=[{"id": pid, "text": t} for pid, t in shown],
                     words=words, hidden=hidden)
    return Tally(answered, joined, withheld)


def _figures(bars: list[Bar], withheld: bool) -> list[dict[str, Any]]:
    out = []
    for bar in bars:
        data = asdict(bar)
        if withheld:
            data["count"] = None
        out.append(data)
    return out


def _point_label(value: int, low: int, high: int, low_label: str, high_label: str) -> str:
    if value == low and low_label:
        return f"{value} ({low_label})"
    if value == high and high_label:
        return f"{value} ({high_label})"
    return str(value)


def _cloud(texts: list[str]) -> list[list[Any]]:
    """The most used words (stop words left out), as ``[[word, count], ...]``, commonest
    first, ties in alphabetical order."""
    counts = Counter(w.casefold() for text in texts for w in _WORD.findall(text)
                     if w.casefold() not in _STOPWORDS and len(w) > 1)
    ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))
    return [[w, c] for w, c in ranked[:CLOUD_WORDS]]
