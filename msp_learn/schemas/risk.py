"""Schema of a risk scenario: facts, risk factors and a model answer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from msp_learn.schemas.common import (
    AbuseCategory,
    Basis,
    ContentModel,
    EscalationRoute,
    FileHeader,
    Level,
    Person,
    RiskResponse,
    Text,
)

Capacity = Literal["has-capacity", "lacks-capacity", "unclear"]
Wishes = Literal["wants-action", "wants-no-action", "mixed", "unknown"]
DashGrade = Literal["none", "standard", "medium", "high"]
RiskLevel = Literal["low", "medium", "high", "very-high"]


class RiskFactors(ContentModel):
    """The factors a practitioner weighs; the same shape for the model and for a learner."""

    likelihood: int = Field(ge=1, le=5, description="How likely harm is: 1 rare .. 5 almost certain.")
    impact: int = Field(ge=1, le=5, description="How serious harm would be: 1 minimal .. 5 severe.")
    capacity: Capacity = Field(
        description="The person's capacity for the decision at hand: has-capacity, "
        "lacks-capacity or unclear."
    )
    coercion: bool = Field(description="Is there coercion or undue influence by someone else?")
    others_at_risk: bool = Field(description="Are other adults or children at risk?")
    possible_crime: bool = Field(description="Might a crime have been committed?")
    wishes: Wishes = Field(
        description="What the person wants: wants-action, wants-no-action, mixed or unknown."
    )
    domestic_abuse: DashGrade = Field(
        "none", description="DASH risk grade if domestic abuse is involved: none, standard, "
        "medium or high."
    )
    regulated_service: bool = Field(
        False, description="Is a regulated care provider or a person in a position of trust involved?"
    )
    executive_capacity_concern: bool = Field(
        False, description="Can the person describe a plan but not carry it out?"
    )


class ModelAnswer(ContentModel):
    """The answer an experienced practitioner would give, with reasons."""

    level: RiskLevel = Field(description="Overall level of risk: low, medium, high or very-high.")
    responses: list[RiskResponse] = Field(
        min_length=1, description="Proportionate responses, from the `risk_responses` vocabulary."
    )
    escalate_to: list[EscalationRoute] = Field(
        default_factory=list, description="Where to escalate, if anywhere (empty means no escalation)."
    )
    explanation: Text = Field(description="Why this is the proportionate answer.")


class RiskScenario(FileHeader):
    """A short situation for the learner to assess for risk."""

    kind: Literal["risk-scenario"] = Field(description="The kind of content: 'risk-scenario'.")
    title: Text = Field(description="Title shown in the gallery.")
    summary: Text = Field(description="One sentence on what the scenario explores.")
    level: Level = Field(description="introductory, intermediate or advanced.")
    minutes: int = Field(ge=1, le=120, description="About how long it takes, in minutes.")
    content_note: Text = Field(description="Distressing themes, shown before the learner starts.")
    person: Person = Field(description="The fictional person the scenario is about.")
    abuse_categories: list[AbuseCategory] = Field(
        min_length=1, description="Categories of abuse or neglect in the scenario."
    )
    facts: list[Text] = Field(min_length=1, description="What the practitioner knows, one per item.")
    factors: RiskFactors = Field(description="The model rating of each risk factor.")
    model_answer: ModelAnswer = Field(description="The model answer to compare with.")
    basis: list[Basis] = Field(default_factory=list, description="Legal or guidance basis.")
