"""Risk reasoning: from the factors to a level on the matrix and proportionate responses, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from msp_learn.schemas.risk import RiskFactors, RiskLevel, RiskScenario

LEVELS: tuple[RiskLevel, ...] = ("low", "medium", "high", "very-high")
LIKELIHOOD = ("rare", "unlikely", "possible", "likely", "almost certain")
IMPACT = ("minimal", "minor", "moderate", "major", "severe")


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


def assess(f: RiskFactors) -> Assessment:
    """Reason from the factors to a level and the proportionate responses, saying why."""
    level = matrix_level(f.likelihood, f.impact)
    reason = (f"Likelihood {f.likelihood} ({LIKELIHOOD[f.likelihood - 1]}) x impact {f.impact} "
              f"({IMPACT[f.impact - 1]}) = {f.likelihood * f.impact} on the matrix: {level}.")
    if f.domestic_abuse == "high" and LEVELS.index(level) < LEVELS.index("high"):
        level = "high"
        reason += " Raised to high because the DASH checklist grades the domestic abuse as high."
    a = Assessment(level, reason)
    rank = LEVELS.index(level)
    overriding = f.coercion or f.others_at_risk or f.possible_crime or f.regulated_service

    a.add("response", "ask-outcomes", "Making Safeguarding Personal starts by asking the person "
          "what they want to happen, and recording it in their words.")
    if f.coercion:
        a.add("response", "see-alone", "Someone may be influencing the person: speak with them "
              "on their own, where that is safe, to hear what they really want.")
    if f.capacity == "unclear":
        a.add("response", "capacity-assessment", "There is doubt about capacity for this "
              "decision: start from the presumption of capacity and assess it for this decision, "
              "at this time (Mental Capacity Act 2005, s1-3).")
    elif f.capacity == "lacks-capacity":
        a.add("response", "best-interests-decision", "The person lacks capacity for this "
              "decision: decide in their best interests, weighing their wishes, feelings and "
              "values and consulting those who know them (MCA s4).")
        a.add("response", "advocate", "Make sure the person's voice is heard through an "
              "independent advocate or IMCA where no suitable family member or friend can "
              "support them (Care Act 2014, s68).")
    elif f.coercion:
        a.add("escalation", "legal-advice", "The person has capacity but their choices may be "
              "overborne by coercion or undue influence: the High Court's inherent jurisdiction "
              "can protect them (DL v A Local Authority [2012]).")
    if f.executive_capacity_concern:
        a.add("response", "executive-capacity-check", "The person can describe a plan but may "
              "not be able to carry it out: check both, for example by asking them to show you.")
    if f.others_at_risk:
        a.add("response", "protect-others", "Other adults or children are at risk, so their "
              "safety has to be weighed as well as the person's wishes.")
        a.add("response", "share-without-consent", "Because others are at risk, sharing "
              "information without consent may be justified: keep it proportionate, tell the "
              "person where it is safe to, and record why.")
    if f.possible_crime:
        a.add("response", "share-without-consent", "A crime may have been committed, so "
              "sharing information without consent may be justified: keep it proportionate and "
              "record why.")
        a.add("escalation", "police", "A possible crime: involve the police. Justice may also "
              "be the outcome the person wants.")
    if f.regulated_service:
        a.add("response", "share-without-consent", "A regulated service or a person in a "
              "position of trust is involved, which can justify sharing without consent.")
        a.add("escalation", "commissioners-and-regulator", "A regulated service or a person in "
              "a position of trust is involved: others who use the service may be at risk.")
    if f.domestic_abuse == "high":
        a.add("escalation", "marac", "The DASH checklist grades the risk as high: refer to MARAC. "
              "A MARAC does not replace adult safeguarding.")
        a.add("response", "idva", "High-risk domestic abuse: offer an Independent Domestic "
              "Violence Adviser.")
    if rank >= 1 or f.domestic_abuse in ("standard", "medium"):
        a.add("response", "safety-plan", "Agree with the person how they will stay safe and "
              "who they can call.")
    if rank >= 2 or overriding:
        a.add("response", "s42-enquiry", "The concern is serious enough that a section 42 "
              "enquiry is likely needed if the person has care and support needs and cannot "
              "protect themselves because of them.")
    if f.capacity == "has-capacity" and f.wishes == "wants-no-action" and not overriding:
        a.add("response", "respect-decision", "The person has capacity and wants nothing done: "
              "an unwise decision is not proof of incapacity, so respect it and record why.")
        a.add("response", "keep-engaging", "Keep in touch and keep the door open; a first "
              "refusal is not the end of the conversation.")
    a.add("response", "information-and-advice", "Make sure the person knows their options and "
          "where to get help.")
    if rank >= 2:
        a.add("escalation", "line-manager", "The risk is high: discuss it with your line "
              "manager or supervisor.")
    if rank >= 3:
        a.add("escalation", "multi-agency-risk-management", "The risk is very high: bring the "
              "agencies together to share the risk and agree a plan.")
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
