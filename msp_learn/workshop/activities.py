"""What the trainer pushes to the room: one question, built from content or typed in.

An :class:`Activity` is plain data (JSON-able through :meth:`Activity.to_dict`). Its
``options`` are what a learner may answer; ``correct`` stays on the trainer's side until
revealed (:meth:`Activity.public` leaves it out).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("myth", "decision", "risk", "scale", "text", "story")
TEXT_MAX = 280
RISK_LEVELS = (("low", "Low"), ("medium", "Medium"), ("high", "High"),
               ("very-high", "Very high"))


class ActivityError(ValueError):
    """An activity that cannot be built, or an answer it does not accept."""


@dataclass(frozen=True)
class Activity:
    """One question put to the room.

    Attributes:
        kind: myth, decision (a case-study decision point), risk, scale, text, or story
            (a case-study ending read out, nothing to answer).
        title: a short heading; prompt: the question or statement.
        options: ``[[id, label], ...]`` for myth, decision and risk.
        correct: the option id revealed as right (myth, risk), else None.
        explanation: what the reveal shows.
        branches: decision only: option id -> the node or ending it leads to.
        scale: ``[low, high, low label, high label]`` for a rating scale.
        display: text only: ``list`` or ``cloud``.
        source: where it came from, e.g. ``{"myth": "msp-just-a-chat"}``.
    """

    kind: str
    title: str
    prompt: str
    options: tuple[tuple[str, str], ...] = ()
    correct: str | None = None
    explanation: str = ""
    branches: dict[str, str] = field(default_factory=dict)
    scale: tuple[int, int, str, str] | None = None
    display: str = "list"
    source: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ActivityError(f"unknown activity kind {self.kind!r}; use one of {KINDS}")
        if self.kind in ("myth", "decision", "risk") and len(self.options) < 2:
            raise ActivityError(f"a {self.kind} activity needs at least two options")
        if self.correct is not None and self.correct not in dict(self.options):
            raise ActivityError(f"the correct answer {self.correct!r} is not one of the options")

    @property
    def answerable(self) -> bool:
        return self.kind != "story"

    @property
    def revealable(self) -> bool:
        return self.correct is not None or bool(self.explanation)

    def check_answer(self, value: Any) -> Any:
        """The answer as stored, or ActivityError saying what is wrong with it."""
        if self.kind in ("myth", "decision", "risk"):
            if not isinstance(value, str) or value not in dict(self.options):
                raise ActivityError("Choose one of the options shown.")
            return value
        if self.kind == "scale":
            low, high = self.scale[0], self.scale[1]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ActivityError(f"Choose a number from {low} to {high}.")
            return value
        if self.kind == "text":
            if not isinstance(value, str) or not value.strip():
                raise ActivityError("Type an answer before sending it.")
            text = " ".join(value.split())
            if len(text) > TEXT_MAX:
                raise ActivityError(f"Keep your answer under {TEXT_MAX + 1} characters "
                                    f"(it has {len(text)}).")
            return text
        raise ActivityError("There is nothing to answer here: listen to the trainer.")

    def label(self, value: Any) -> str:
        """How an answer reads in a chart or an export."""
        return dict(self.options).get(value, str(value)) if self.options else str(value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["options"] = [list(o) for o in self.options]
        data["scale"] = list(self.scale) if self.scale else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Activity:
        data = dict(data)
        data["options"] = tuple(tuple(o) for o in data.get("options") or ())
        data["scale"] = tuple(data["scale"]) if data.get("scale") else None
        return cls(**data)

    def public(self, revealed: bool = False) -> dict[str, Any]:
        """What a learner's screen may show: no correct answer, no branches, until revealed."""
        data = {"kind": self.kind, "title": self.title, "prompt": self.prompt,
                "options": [list(o) for o in self.options],
                "scale": list(self.scale) if self.scale else None, "display": self.display}
        if revealed:
            data.update(correct=self.correct, explanation=self.explanation)
        return data


def from_myth(item) -> Activity:
    """A myth-vs-reality statement (a ``MythItem``): the room says myth or reality."""
    return Activity(kind="myth", title="Myth or reality?", prompt=item.statement,
                    options=(("myth", "Myth"), ("reality", "Reality")),
                    correct="myth" if item.is_myth else "reality",
                    explanation=" ".join(str(item.reality).split()), source={"myth": item.id})


def from_case_node(case, node_id: str) -> Activity:
    """A case study's decision point (the room votes a choice) or ending (read out)."""
    for node in case.nodes:
        if node.id == node_id:
            return Activity(
                kind="decision", title=node.title or case.title, prompt=" ".join(node.text.split()),
                options=tuple((c.id, " ".join(c.label.split())) for c in node.choices),
                branches={c.id: c.next for c in node.choices},
                explanation="", source={"case": case.id, "node": node.id})
    for ending in case.endings:
        if ending.id == node_id:
            return Activity(kind="story", title=ending.title, prompt=" ".join(ending.text.split()),
                            explanation=" ".join(ending.learning.split()),
                            source={"case": case.id, "ending": ending.id})
    raise ActivityError(f"case study '{case.id}' has no node or ending '{node_id}'")


def from_risk(item) -> Activity:
    """A risk scenario (a ``RiskScenario``): the room rates the overall level of risk."""
    facts = " ".join(" ".join(f.split()) for f in item.facts)
    return Activity(kind="risk", title=item.title, prompt=facts, options=RISK_LEVELS,
                    correct=item.model_answer.level,
                    explanation=" ".join(item.model_answer.explanation.split()),
                    source={"risk": item.id})


def rating_scale(prompt: str, low: int = 1, high: int = 5, low_label: str = "Not at all",
                 high_label: str = "Completely", title: str = "Rate it") -> Activity:
    """A rating scale from ``low`` to ``high`` (at most 11 points)."""
    if not isinstance(low, int) or not isinstance(high, int) or not 2 <= high - low + 1 <= 11:
        raise ActivityError("a rating scale needs whole numbers with 2 to 11 points, e.g. 1 to 5")
    if not str(prompt).strip():
        raise ActivityError("a rating scale needs a question")
    return Activity(kind="scale", title=title, prompt=" ".join(prompt.split()),
                    scale=(low, high, low_label, high_label))


def free_text(prompt: str, display: str = "list", title: str = "Your words") -> Activity:
    """A short free-text question, shown as a ``list`` or a word ``cloud``."""
    if display not in ("list", "cloud"):
        raise ActivityError("show free text as 'list' or 'cloud'")
    if not str(prompt).strip():
        raise ActivityError("a free-text question needs a question")
    return Activity(kind="text", title=title, prompt=" ".join(prompt.split()), display=display)
