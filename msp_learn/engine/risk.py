"""Risk reasoning: from the factors to a level on the matrix and proportionate responses, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from msp_learn.schemas.risk import RiskFactors, RiskLevel, RiskScenario
from msp_learn.vocab import risk_reasons

LEVELS: tuple[RiskLevel, ...] = ("low", "medium", "high", "very-high")
#: The matrix scales' labels (from ``risk_reasons.yaml``), 1..5.
LIKELIHOOD = risk_reasons().likelihood
IMPACT = risk_reasons().impact


def matrix_level(likelihood: int, impact: int) -> RiskLevel:
    """The level of the cell (likelihood x impact, each 1..5) on the 5x5 risk matrix."""
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValueError("likelihood and impact run from 1 to 5")
    score = likelihood * impact
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "very-high"


def matrix() -> list[list[RiskLevel]]:
    """The whole matrix: rows by likelihood 5..1 (top to bottom), columns by impact 1..5."""
    return [[matrix_level(lk, im) for im in range(1, 6)] for lk in range(5, 0, -1)]


@dataclass(frozen=True)
class Reasoned:
    """One recommendation (a response or an escalation route) and why."""

    id: str
    reason: str


@dataclass
class Assessment:
    """What the factors imply: a level, responses and escalation, each with a reason."""

    level: RiskLevel
    level_reason: str
    responses: list[Reasoned] = field(default_factory=list)
    escalate_to: list[Reasoned] = field(default_factory=list)

    def add(self, bucket: str, ident: str, reason: str) -> None:
        target = self.responses if bucket == "response" else self.escalate_to
        if ident not in {r.id for r in target}:
            target.append(Reasoned(ident, reason))

    @property
    def response_ids(self) -> list[str]:
        return [r.id for r in self.responses]

    @property
    def escalation_ids(self) -> list[str]:
        return [r.id for r in self.escalate_to]


def _because(bucket: str, key: str) -> str:
    words = risk_reasons()
    return (words.responses if bucket == "response" else words.escalation)[key]


def reason_for(bucket: str, ident: str) -> str:
    """Why a response (``bucket`` 'response') or an escalation route ('escalation') is
    recommended, in general: its reason, or its first reason where it has several
    (``id/trigger``); '' when ``risk_reasons.yaml`` gives none."""
    words = risk_reasons()
    table = words.responses if bucket == "response" else words.escalation
    if ident in table:
        return table[ident]
    return next((text for key, text in table.items() if key.split("/")[0] == ident), "")


def assess(f: RiskFactors) -> Assessment:
    """Reason from the factors to a level and the proportionate responses, saying why.

    The rules (when each response or route applies) are here; the words a learner reads are in
    ``msp_learn/risk_reasons.yaml``, looked up by id (``id/trigger`` where one response has
    several reasons).
    """
    words = risk_reasons()
    level = matrix_level(f.likelihood, f.impact)
    reason = words.level["matrix"].format(
        likelihood=f.likelihood, likelihood_label=LIKELIHOOD[f.likelihood - 1], impact=f.impact,
        impact_label=IMPACT[f.impact - 1], score=f.likelihood * f.impact, level=level)
    if f.domestic_abuse == "high" and LEVELS.index(level) < LEVELS.index("high"):
        level = "high"
        reason += " " + words.level["raised-by-dash"]
    a = Assessment(level, reason)
    rank = LEVELS.index(level)
    overriding = f.coercion or f.others_at_risk or f.possible_crime or f.regulated_service

    def add(bucket: str, ident: str, trigger: str | None = None) -> None:
        a.add(bucket, ident, _because(bucket, f"{ident}/{trigger}" if trigger else ident))

    add("response", "ask-outcomes")
    if f.coercion:
        add("response", "see-alone")
    if f.capacity == "unclear":
        add("response", "capacity-assessment")
    elif f.capacity == "lacks-capacity":
        add("response", "best-interests-decision")
        add("response", "advocate")
    elif f.coercion:
        add("escalation", "legal-advice")
    if f.executive_capacity_concern:
        add("response", "executive-capacity-check")
    if f.others_at_risk:
        add("response", "protect-others")
        add("response", "share-without-consent", "others-at-risk")
    if f.possible_crime:
        add("response", "share-without-consent", "possible-crime")
        add("escalation", "police")
    if f.regulated_service:
        add("response", "share-without-consent", "regulated-service")
        add("escalation", "commissioners-and-regulator")
    if f.domestic_abuse == "high":
        add("escalation", "marac")
        add("response", "idva")
    if rank >= 1 or f.domestic_abuse in ("standard", "medium"):
        add("response", "safety-plan")
    if rank >= 2 or overriding:
        add("response", "s42-enquiry")
    if f.capacity == "has-capacity" and f.wishes == "wants-no-action" and not overriding:
        add("response", "respect-decision")
        add("response", "keep-engaging")
    add("response", "information-and-advice")
    if rank >= 2:
        add("escalation", "line-manager")
    if rank >= 3:
        add("escalation", "multi-agency-risk-management")
    return a


@dataclass(frozen=True)
class LearnerAnswer:
    """A learner's assessment: their factor ratings, level, responses and escalation."""

    factors: RiskFactors
    level: RiskLevel
    responses: tuple[str, ...] = ()
    escalate_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """How a learner's answer compares with the model answer."""

    level_difference: int  # learner minus model, in steps of LEVELS
    responses_matched: tuple[str, ...]
    responses_missed: tuple[str, ...]
    responses_extra: tuple[str, ...]
    escalation_matched: tuple[str, ...]
    escalation_missed: tuple[str, ...]
    escalation_extra: tuple[str, ...]
    factors_differing: tuple[tuple[str, object, object], ...]  # (factor, learner, model)

    @property
    def level_agrees(self) -> bool:
        return self.level_difference == 0

    @property
    def agreement(self) -> float:
        """0..1: the mean of level agreement and the overlap of responses and of escalation."""
        def overlap(matched, missed, extra) -> float:
            total = len(matched) + len(missed) + len(extra)
            return 1.0 if total == 0 else len(matched) / total
        parts = (1.0 if self.level_agrees else 0.0,
                 overlap(self.responses_matched, self.responses_missed, self.responses_extra),
                 overlap(self.escalation_matched, self.escalation_missed, self.escalation_extra))
        return sum(parts) / len(parts)


def _split(mine, model) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    mine, model = list(dict.fromkeys(mine)), list(dict.fromkeys(model))
    return (tuple(x for x in model if x in mine), tuple(x for x in model if x not in mine),
            tuple(x for x in mine if x not in model))


def compare(answer: LearnerAnswer, scenario: RiskScenario) -> Comparison:
    """Compare ``answer`` with ``scenario``'s model answer, item by item."""
    model = scenario.model_answer
    diff = tuple((name, getattr(answer.factors, name), getattr(scenario.factors, name))
                 for name in RiskFactors.model_fields if name != "comment"
                 and getattr(answer.factors, name) != getattr(scenario.factors, name))
    return Comparison(LEVELS.index(answer.level) - LEVELS.index(model.level),
                      *_split(answer.responses, model.responses),
                      *_split(answer.escalate_to, model.escalate_to), diff)
