"""Pieces shared by every content schema: the base model, ids, vocabulary references."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from msp_learn.vocab import literal

SCHEMA_VERSION = 1

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=2, max_length=80),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

Principle = literal("principles")
AbuseCategory = literal("abuse_categories")
McaPrinciple = literal("mca_principles")
ToolkitSection = literal("toolkit_sections")
Situation = literal("situations")
OutcomesAsked = literal("outcomes_asked")
OutcomeAchievement = literal("outcome_achievement")
PersonCapacity = literal("person_capacity")
RiskOutcome = literal("risk_outcomes")
Level = literal("levels")
ReflectionModel = literal("reflection_models")
RiskResponse = literal("risk_responses")
EscalationRoute = literal("escalation_routes")
SourceId = literal("sources")


def rule_error(field: str, message: str, hint: str) -> PydanticCustomError:
    """A content rule broken inside one model, placed at ``field`` by the loader.

    The loader turns it into a positioned problem: ``message`` says what is wrong and
    ``hint`` how to fix it (see ``msp_learn.content.messages.translate``).
    """
    return PydanticCustomError("content_rule", "{message}",
                               {"message": message, "hint": hint, "field": field})


class ContentModel(BaseModel):
    """Base for every content model: unknown keys are errors and ``comment`` is always allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    comment: str | None = Field(
        None, description="A free note for authors; never shown to learners."
    )


class Basis(ContentModel):
    """Where a statement comes from in law or guidance."""

    source: SourceId = Field(description="Id of a known source, from the `sources` vocabulary.")
    detail: str | None = Field(
        None, description="The section, paragraph or page, e.g. 's42(1)' or 'principle 3'."
    )


class Person(ContentModel):
    """The fictional person at the centre of a scenario."""

    name: Text = Field(description="A fictional name (first name or first name and surname).")
    age: int = Field(ge=18, le=120, description="Age in years; adult safeguarding covers adults.")
    about: Text = Field(description="Who they are, in a sentence or two, in their own terms.")
    strengths: list[Text] = Field(
        default_factory=list, description="What the person brings: skills, relationships, values."
    )
    communication: str | None = Field(
        None, description="How the person prefers to communicate, if that matters to the story."
    )


class FileHeader(ContentModel):
    """Keys that open every content file."""

    schema_version: Literal[1] = Field(description="Version of the file format; currently 1.")
    id: Slug = Field(
        description="Unique id: lower-case letters, digits and hyphens, e.g. 'mrs-ahmed-money'."
    )
    uuid: str | None = Field(None, description="Optional stable identity that survives renames.")
    tags: list[Slug] = Field(default_factory=list, description="Free tags for search and filtering.")
