"""The shared vocabularies (principles, abuse categories, sources, ...), loaded once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

import yaml


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: its id, a label for people and optional extras."""

    id: str
    label: str
    text: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Vocabulary:
    """A named, ordered set of terms that content refers to by id."""

    name: str
    description: str
    terms: dict[str, Term]

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.terms

    def __iter__(self):
        return iter(self.terms.values())

    def label(self, term_id: str) -> str:
        """The human label of ``term_id`` (the id itself when unknown)."""
        term = self.terms.get(term_id)
        return term.label if term else term_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.terms)


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary, keyed by name, read from ``vocabularies.yaml``."""
    text = resources.files("msp_learn").joinpath("vocabularies.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    result = {}
    for name, spec in raw.items():
        terms = {}
        for term_id, body in spec["terms"].items():
            body = dict(body)
            label = body.pop("label")
            if not isinstance(label, str) or any(v is None for v in body.values()):
                raise ValueError(f"vocabularies.yaml: {name}.{term_id} is malformed "
                                 "(quote labels that contain commas)")
            text_ = body.pop("text", "")
            terms[term_id] = Term(term_id, label, text_, body)
        result[name] = Vocabulary(name, spec["description"], terms)
    return result


def vocabulary(name: str) -> Vocabulary:
    """The vocabulary called ``name``."""
    return vocabularies()[name]


def literal(name: str):
    """A ``Literal`` type admitting exactly the ids of vocabulary ``name``."""
    return Literal[vocabulary(name).ids]  # type: ignore[valid-type]


def reflection_stages(model: str) -> tuple[str, ...]:
    """The stages a reflection prompt set following ``model`` must cover."""
    return tuple(vocabulary("reflection_models").terms[model].extra["stages"])


#: The file of words a learner reads about risk (see the file's header).
RISK_REASONS = "risk_reasons.yaml"


@dataclass(frozen=True)
class RiskReasons:
    """The matrix scales, the level texts and the reasons, read from ``risk_reasons.yaml``."""

    likelihood: tuple[str, ...]
    impact: tuple[str, ...]
    level: dict[str, str]
    responses: dict[str, str]
    escalation: dict[str, str]


@cache
def risk_reasons() -> RiskReasons:
    """The words of risk reasoning (``msp_learn/risk_reasons.yaml``), read once."""
    text = resources.files("msp_learn").joinpath(RISK_REASONS).read_text("utf-8")
    raw = yaml.safe_load(text)
    scales = raw["scales"]
    for name in ("likelihood", "impact"):
        if len(scales[name]) != 5 or not all(isinstance(s, str) and s for s in scales[name]):
            raise ValueError(f"{RISK_REASONS}: scales.{name} needs five labels")
    for section in ("level", "responses", "escalation"):
        bad = [k for k, v in raw[section].items() if not isinstance(v, str) or not v.strip()]
        if bad:
            raise ValueError(f"{RISK_REASONS}: {section}.{bad[0]} should be a sentence")
    return RiskReasons(tuple(scales["likelihood"]), tuple(scales["impact"]), dict(raw["level"]),
                       dict(raw["responses"]), dict(raw["escalation"]))
